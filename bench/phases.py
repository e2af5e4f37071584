"""One benchmark phase per process, so each has its own peak memory.

    python bench/phases.py PHASE '{"json": "arguments"}'

prints the phase's result as one JSON line. bench/run.py runs these.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

import baselines  # noqa: E402
from generate import changed, generate, query_mix, write_jsonl  # noqa: E402

PHASES: dict[str, Callable[..., dict]] = {}


def phase(function: Callable[..., dict]) -> Callable[..., dict]:
    PHASES[function.__name__.replace("_", "-")] = function
    return function


@phase
def generate_corpus(size: int, seed: int, out: str, changed_out: str, changed_fraction: float,
                    queries_out: str, query_count: int) -> dict:
    started = time.perf_counter()
    entries = list(generate(size, seed))
    write_jsonl(entries, Path(out))
    seconds = time.perf_counter() - started
    write_jsonl(changed(entries, changed_fraction, seed), Path(changed_out))
    mix = query_mix(entries, query_count, seed)
    Path(queries_out).write_text(json.dumps(mix, indent=0), encoding="utf-8")
    return {"seconds": seconds}


@phase
def fts5_build(manifest: str, folder: str) -> dict:
    started = time.perf_counter()
    baselines.build_fts5(Path(manifest), Path(folder))
    return {"seconds": time.perf_counter() - started}


@phase
def raw_whoosh_build(manifest: str, folder: str, procs: int, multisegment: bool = False) -> dict:
    started = time.perf_counter()
    baselines.build_raw_whoosh(Path(manifest), Path(folder), procs, multisegment)
    return {"seconds": time.perf_counter() - started}


@phase
def spacy_tokenizer(manifest: str) -> dict:
    return baselines.tokenize_with_spacy(Path(manifest))


@phase
def tantivy_build(manifest: str, folder: str, threads: int) -> dict:
    started = time.perf_counter()
    baselines.build_tantivy(Path(manifest), Path(folder), threads)
    return {"seconds": time.perf_counter() - started}


@phase
def index_library(manifest: str, folder: str, entities: bool, procs: int) -> dict:
    """captionsearch.indexing.index_corpus, the code under `captionsearch index` (for profiling)."""
    from captionsearch.indexing import IndexOptions, index_corpus

    started = time.perf_counter()
    report = index_corpus([manifest], folder, IndexOptions(entities=entities, procs=procs))
    return {"seconds": time.perf_counter() - started, "added": report.added, "updated": report.updated}


@phase
def queries(engine: str, folder: str, queries_file: str, passes: int, facets: bool = False,
            query_cache_mb: int = 256) -> dict:
    """Warm latencies: one pass over the mix to warm up (timed apart as ``cold_ms``), then ``passes`` timed ones."""
    queries = json.loads(Path(queries_file).read_text(encoding="utf-8"))
    run = _engine(engine, Path(folder), facets, query_cache_mb)
    started = time.perf_counter()
    run(queries[0])
    first_ms = (time.perf_counter() - started) * 1000
    cold_ms = []
    for query in queries:
        started = time.perf_counter()
        run(query)
        cold_ms.append((time.perf_counter() - started) * 1000)
    timings: list[list[float]] = [[] for _ in queries]
    for _ in range(passes):
        for number, query in enumerate(queries):
            started = time.perf_counter()
            run(query)
            timings[number].append((time.perf_counter() - started) * 1000)
    return {"first_query_ms": first_ms, "cold_ms": cold_ms, "ms": timings}


def _engine(engine: str, folder: Path, facets: bool, query_cache_mb: int) -> Callable[[dict], Any]:
    if engine == "captionsearch":
        from captionsearch.search.searching import configure, search

        configure(query_cache_mb=query_cache_mb)
        return lambda query: search(query["text"], folder, limit=10, facets=facets).hits
    if engine == "fts5":
        searcher = baselines.Fts5Searcher(folder / baselines.FTS5_FILE)
        return searcher.search
    if engine == "tantivy":
        return baselines.TantivySearcher(folder).search
    if engine == "raw-whoosh":
        raw = baselines.RawWhooshSearcher(folder)
        return raw.search
    raise ValueError(engine)


@phase
def web(folder: str, queries_file: str, concurrency: int, requests: int, seconds: float) -> dict:
    from bench_web import run_web_benchmark

    queries = [q["text"] for q in json.loads(Path(queries_file).read_text(encoding="utf-8"))]
    return run_web_benchmark(folder, queries, concurrency, requests, seconds)


def main(argv: list[str]) -> int:
    name, arguments = argv[0], json.loads(argv[1]) if len(argv) > 1 else {}
    print(json.dumps(PHASES[name](**arguments)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
