"""Benchmark /search over HTTP on loopback against the production server, beside the library.

    .venv/bin/python bench/bench_web.py                      # index the bundled gallery, defaults
    .venv/bin/python bench/bench_web.py --index DIR --requests 2000 --concurrency 16 --workers 2

Starts ``captionsearch serve`` (gunicorn, gthread workers) on 127.0.0.1 and a
free port, sends a bounded load (a fixed number of requests, a wall-clock
cap) of a seeded mix of queries from a small threaded HTTP client, and
prints requests/s and latency percentiles; then runs the same queries
through ``searching.search`` in this process for comparison. Not a test.

``run_web_benchmark(index_dir, queries, concurrency, requests, seconds)``
returns the numbers as a dict, for the scale benchmarks to call.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import descendants  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
READY_PREFIX = "captionsearch: serving on "
DEFAULT_WORDS = (
    "rover", "moon", "lander", "far side", "china", "surface", "probe", "yutu", "landing", "lunar",
    "chang'e", "crater", "journey", "mission", "art", "descent", "camera", "beijing", "rovr", "\"far side\"",
)


def seeded_queries(words: Sequence[str] = DEFAULT_WORDS, count: int = 200, seed: int = 7) -> list[str]:
    """A reproducible mix of one- and two-word queries (and a few misspellings)."""
    rng = random.Random(seed)
    queries = []
    for _ in range(count):
        picked = rng.sample(list(words), 2 if rng.random() < 0.3 else 1)
        queries.append(" ".join(picked))
    return queries


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    if not samples_ms:
        return {"p50_ms": 0.0, "p95_ms": 0.0, "p99_ms": 0.0, "mean_ms": 0.0}
    ordered = sorted(samples_ms)

    def at(share: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 2)

    return {"p50_ms": at(0.50), "p95_ms": at(0.95), "p99_ms": at(0.99), "mean_ms": round(statistics.fmean(ordered), 2)}


class Server:
    """``captionsearch serve --port 0`` as a subprocess; stopped on exit."""

    def __init__(self, index_dir: str, workers: int, threads: int, cache_dir: str):
        env = {**os.environ, "CAPTIONSEARCH_CACHE_DIR": cache_dir}
        command = [sys.executable, "-m", "captionsearch.cli", "serve", "--index", str(index_dir), "--host",
                   "127.0.0.1", "--port", "0", "--workers", str(workers), "--threads", str(threads)]
        self.process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                        text=True, cwd=cache_dir)
        self.host, self.port = self._address()

    def _address(self) -> tuple[str, int]:
        found: list[str] = []

        def read() -> None:
            for line in self.process.stdout:  # type: ignore[union-attr]
                if line.startswith(READY_PREFIX):
                    found.append(line[len(READY_PREFIX):].strip())
                    return

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(30)
        if not found:
            self.stop()
            raise RuntimeError("the server did not start within 30 s")
        parsed = urllib.parse.urlsplit(found[0])
        return parsed.hostname or "127.0.0.1", parsed.port or 80

    def rss_mb(self) -> dict[str, float]:
        """Resident memory now: the whole server (master and workers), its largest process, and
        the proportional set size (pages shared by processes counted once, split between them)."""
        members = descendants(self.process.pid)
        sizes = [_rss_kb(pid) for pid in members]
        return {"server_rss_mb": round(sum(sizes) / 1024, 1),
                "largest_process_rss_mb": round(max(sizes, default=0) / 1024, 1),
                "server_pss_mb": round(sum(_pss_kb(pid) for pid in members) / 1024, 1)}

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        if self.process.stdout:
            self.process.stdout.close()

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
    except (OSError, ValueError, IndexError):
        return 0


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _wait_ready(host: str, port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(host, port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                connection.close()
                return
            connection.close()
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the server never answered /healthz")


def http_load(host: str, port: int, paths: Sequence[str], concurrency: int, requests: int, seconds: float) -> dict[str, Any]:
    """Send ``requests`` GETs (cycling through ``paths``) from ``concurrency`` keep-alive clients."""
    latencies: list[float] = []
    errors = 0
    error_kinds: dict[str, int] = {}
    lock = threading.Lock()
    counter = iter(range(requests))
    deadline = time.monotonic() + seconds

    def worker() -> None:
        nonlocal errors
        connection = http.client.HTTPConnection(host, port, timeout=30)
        try:
            while time.monotonic() < deadline:
                with lock:
                    n = next(counter, None)
                if n is None:
                    return
                started = time.perf_counter()
                kind = None
                try:
                    connection.request("GET", paths[n % len(paths)])
                    response = connection.getresponse()
                    response.read()
                    kind = None if response.status == 200 else f"HTTP {response.status}"
                except (OSError, http.client.HTTPException) as error:
                    kind = type(error).__name__
                    connection.close()
                    connection = http.client.HTTPConnection(host, port, timeout=30)
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    latencies.append(elapsed)
                    if kind:
                        errors += 1
                        error_kinds[kind] = error_kinds.get(kind, 0) + 1
        finally:
            connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {"requests": len(latencies), "errors": errors, "error_kinds": error_kinds, "seconds": round(wall, 2),
            "requests_per_s": round(len(latencies) / wall, 1) if wall else 0.0, **percentiles(latencies)}


def library_timings(index_dir: str, queries: Sequence[str], limit: int = 10) -> dict[str, Any]:
    """The same queries through searching.search in this process, one after another."""
    from captionsearch.search import searching

    searching.search(queries[0], index_dir)  # open the searcher before timing
    samples = []
    started = time.perf_counter()
    for query in queries:
        t = time.perf_counter()
        searching.search(query, index_dir, limit=limit)
        samples.append((time.perf_counter() - t) * 1000)
    wall = time.perf_counter() - started
    return {"requests": len(samples), "seconds": round(wall, 2),
            "requests_per_s": round(len(samples) / wall, 1) if wall else 0.0, **percentiles(samples)}


def run_web_benchmark(index_dir: str | Path, queries: Sequence[str], concurrency: int = 16, requests: int = 1000,
                      seconds: float = 60.0, workers: int = 2, threads: int = 4, endpoint: str = "/search") -> dict[str, Any]:
    """Serve ``index_dir`` with gunicorn and load ``endpoint``; returns HTTP and library numbers."""
    index_dir = str(Path(index_dir).resolve())
    paths = [f"{endpoint}?{urllib.parse.urlencode({'q': q})}" for q in queries]
    with tempfile.TemporaryDirectory(prefix="bench-web-") as cache_dir, \
            Server(index_dir, workers, threads, cache_dir) as server:
        _wait_ready(server.host, server.port)
        warm = min(len(paths), concurrency * 4)  # let each worker open its searcher and compile templates
        http_load(server.host, server.port, paths[:warm], concurrency, warm, seconds)
        http = http_load(server.host, server.port, paths, concurrency, requests, seconds)
        memory = server.rss_mb()  # after every distinct query has been served: caches at their fullest
    direct = library_timings(index_dir, [queries[i % len(queries)] for i in range(min(requests, 2000))])
    return {"endpoint": endpoint, "index_dir": index_dir, "workers": workers, "threads": threads,
            "concurrency": concurrency, "distinct_queries": len(set(queries)), "http": http, "library": direct,
            **memory}


def _bundled_index(folder: Path) -> Path:
    from captionsearch.indexing import IndexOptions, index_corpus

    index_corpus([ROOT / "corpus"], folder, IndexOptions(entities=False))
    return folder


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", help="index folder (default: index the bundled gallery into a temporary folder)")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60.0, help="wall-clock cap on the load")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--endpoint", default="/search", choices=("/search", "/search.json"))
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    queries = seeded_queries()
    with tempfile.TemporaryDirectory(prefix="bench-index-") as scratch:
        index_dir = Path(args.index) if args.index else _bundled_index(Path(scratch) / "index")
        result = run_web_benchmark(index_dir, queries, args.concurrency, args.requests, args.seconds,
                                   args.workers, args.threads, args.endpoint)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    http, lib = result["http"], result["library"]
    print(f"{result['endpoint']} on gunicorn ({result['workers']} workers x {result['threads']} threads), "
          f"concurrency {result['concurrency']}, {result['distinct_queries']} distinct queries")
    print(f"{'':10} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'requests':>9} {'errors':>7}")
    print(f"{'HTTP':10} {http['requests_per_s']:>8} {http['p50_ms']:>8} {http['p95_ms']:>8} {http['p99_ms']:>8} "
          f"{http['requests']:>9} {http['errors']:>7}")
    print(f"{'library':10} {lib['requests_per_s']:>8} {lib['p50_ms']:>8} {lib['p95_ms']:>8} {lib['p99_ms']:>8} "
          f"{lib['requests']:>9} {'-':>7}")
    print("(library: the same queries through searching.search, one at a time, in one process)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
