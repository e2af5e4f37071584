"""Start-up: a one-off `captionsearch search` and `captionsearch serve`, each against its baseline, in one run.

* one-off search: wall time of ``captionsearch search rover`` against
  ``python -c "import flask"``, in turns (A B A B ...), on a 100k index and on
  the bundled corpus's index; medians and the ratio of the medians;
* serve: launch to the first correct ``/search`` answer (HTTP 200 with the
  expected total for "rover") of ``captionsearch serve`` against a minimal
  Flask app over Whoosh's own searcher (bench/minimal_app.py), in turns.

The load average is recorded before and after. Indexes are built once in
--work (the 100k corpus from bench/generate.py, search tier only) and reused.

    python bench/bench_startup.py --out bench/results/startup.json
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Callable, Sequence

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from measure import finish  # noqa: E402  (bench/measure.py)

QUERY = "rover"
POLL_SECONDS = 0.02
ANSWER_TIMEOUT = 120.0


def captionsearch() -> list[str]:
    return [sys.executable, "-m", "captionsearch.cli"]


def ensure_index(work: Path, label: str) -> Path:
    """The index folder for ``label`` ("bundled" or a size), built if missing."""
    index_dir = work / f"index-{label}"
    if (index_dir / "SCHEMA").exists() or any(index_dir.glob("_MAIN_*.toc")):
        return index_dir
    if label == "bundled":
        source = ROOT / "corpus"
    else:
        import generate  # bench/generate.py

        source = work / f"captions-{label}.jsonl"
        if not source.exists():
            generate.write_jsonl(generate.generate(generate.parse_size(label)), source)
    print(f"indexing {source} into {index_dir}", flush=True)
    subprocess.run([*captionsearch(), "index", str(source), "--index", str(index_dir), "--no-entities", "-q"],
                   check=True)
    return index_dir


def wall(command: Sequence[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def total_of(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            if response.status != 200:
                return None
            return int(json.loads(response.read())["total"])
    except (OSError, ValueError, KeyError):
        return None


def first_answer(command: Sequence[str], url: str, expected: int) -> float:
    """Seconds from launching ``command`` to its first correct answer at ``url``; the server is stopped after."""
    started = time.perf_counter()
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        while time.perf_counter() - started < ANSWER_TIMEOUT:
            if total_of(url) == expected:
                return time.perf_counter() - started
            if server.poll() is not None:
                raise RuntimeError(f"{command} exited with {server.returncode} before answering")
            time.sleep(POLL_SECONDS)
        raise RuntimeError(f"{command} gave no correct answer in {ANSWER_TIMEOUT} s")
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the server's own process group (gunicorn's workers too)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def in_turns(runs: int, a: Callable[[], float], b: Callable[[], float]) -> dict[str, object]:
    """A and B in turns after one warm-up each; each one's median and the ratio of the medians."""
    a(), b()
    times_a, times_b = [], []
    for _ in range(runs):
        times_a.append(a())
        times_b.append(b())
    median_a, median_b = statistics.median(times_a), statistics.median(times_b)
    return {
        "runs": runs,
        "a_seconds": [round(t, 3) for t in times_a],
        "b_seconds": [round(t, 3) for t in times_b],
        "a_median": round(median_a, 3),
        "b_median": round(median_b, 3),
        "ratio": round(median_a / median_b, 2),
        "pairwise_ratio_median": round(statistics.median(x / y for x, y in zip(times_a, times_b)), 2),
    }


def one_off_search(index_dir: Path, runs: int) -> dict[str, object]:
    search = [*captionsearch(), "search", QUERY, "--index", str(index_dir)]
    flask = [sys.executable, "-c", "import flask"]
    result = in_turns(runs, lambda: wall(search), lambda: wall(flask))
    return {"a": " ".join(search[1:]), "b": "python -c 'import flask'", **result}


def serve(index_dir: Path, runs: int) -> dict[str, object]:
    expected = expected_total(index_dir)

    def ours() -> float:
        port = free_port()
        command = [*captionsearch(), "serve", "--index", str(index_dir), "--port", str(port)]
        return first_answer(command, f"http://127.0.0.1:{port}/search.json?q={QUERY}", expected)

    def minimal() -> float:
        port = free_port()
        command = [sys.executable, str(BENCH / "minimal_app.py"), str(index_dir), str(port)]
        return first_answer(command, f"http://127.0.0.1:{port}/search?q={QUERY}", expected)

    result = in_turns(runs, ours, minimal)
    return {"a": "captionsearch serve: launch to first correct /search.json answer",
            "b": "bench/minimal_app.py (Flask + Whoosh open_dir + QueryParser): launch to first correct answer",
            "expected_total": expected, **result}


def expected_total(index_dir: Path) -> int:
    run = subprocess.run([*captionsearch(), "search", QUERY, "--index", str(index_dir), "--json"],
                         capture_output=True, text=True, check=True)
    return int(json.loads(run.stdout)["total"])


def git_commit() -> str:
    run = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return run.stdout.strip() or "unknown"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--work", type=Path, default=BENCH / "results" / "startup-work",
                        help="where the indexes are built and kept (default: bench/results/startup-work)")
    parser.add_argument("--size", default="100k", help="the generated collection's size (default: 100k)")
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each command (default: 7)")
    parser.add_argument("--serve-runs", type=int, default=5, help="timed launches of each server (default: 5)")
    parser.add_argument("--out", type=Path, default=BENCH / "results" / "startup.json")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    indexes = {label: ensure_index(args.work, label) for label in (args.size, "bundled")}
    results: dict[str, object] = {"commit": git_commit(), "date": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
                                  "cpus": os.cpu_count(), "load_before": [round(x, 2) for x in os.getloadavg()]}
    for label, index_dir in indexes.items():
        results[f"search_{label}"] = figures = one_off_search(index_dir, args.runs)
        print(f"one-off search, {label}: {figures['a_median']} s vs import flask {figures['b_median']} s "
              f"= {figures['ratio']}x", flush=True)
    results[f"serve_{args.size}"] = figures = serve(indexes[args.size], args.serve_runs)
    print(f"serve, {args.size}: {figures['a_median']} s vs minimal app {figures['b_median']} s = {figures['ratio']}x",
          flush=True)
    return finish(results, args.out)


if __name__ == "__main__":
    sys.exit(main())
