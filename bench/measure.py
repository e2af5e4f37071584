"""Measuring: percentiles, and running a child process while sampling its memory.

Peak RSS is taken two ways: the kernel's maximum for the biggest single
process (wait4's ru_maxrss), and the peak of the whole process tree's summed
RSS sampled every 50 ms (Whoosh's procs=2 writer and spaCy's n_process=2 run
extra processes, whose memory counts too). The tree's summed RSS counts the
pages forked processes share once per process, so the peak of its PSS
(proportional set size, /proc/PID/smaps_rollup: a shared page split between
its processes) is sampled too, every 250 ms (reading smaps costs more).
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

SAMPLE_SECONDS = 0.05
PSS_EVERY = 5  # samples: PSS every 250 ms


def percentiles(values: Sequence[float], points: Sequence[int] = (50, 95, 99)) -> dict[str, float]:
    """Linear-interpolated percentiles, as p50/p95/p99 keys."""
    ordered = sorted(values)
    result = {}
    for point in points:
        rank = (len(ordered) - 1) * point / 100
        low = int(rank)
        high = min(low + 1, len(ordered) - 1)
        result[f"p{point}"] = ordered[low] + (ordered[high] - ordered[low]) * (rank - low)
    return result


def folder_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file()) / 2**20


@dataclass(frozen=True)
class ChildRun:
    seconds: float
    returncode: int
    stdout: str
    stderr: str
    peak_tree_rss_mb: float
    max_rss_mb: float  # the largest single process (kernel figure)
    peak_tree_pss_mb: float = 0.0

    def json_result(self) -> dict:
        """The last stdout line of a phase, which is its JSON result."""
        if self.returncode != 0:
            raise RuntimeError(f"child failed ({self.returncode}):\n{self.stderr[-3000:]}")
        return json.loads(self.stdout.strip().splitlines()[-1])


def run_child(command: Sequence[str], env: dict | None = None) -> ChildRun:
    """Run ``command`` to completion, sampling the RSS of it and its descendants."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=err, text=True, env=env)
        peak = [0, 0]
        done = threading.Event()

        def sample() -> None:
            rounds = 0
            while not done.is_set():
                peak[0] = max(peak[0], _tree_rss_kb(child.pid))
                if rounds % PSS_EVERY == 0:
                    peak[1] = max(peak[1], _tree_pss_kb(child.pid))
                rounds += 1
                done.wait(SAMPLE_SECONDS)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(child.pid, 0)  # this child's own rusage, unlike RUSAGE_CHILDREN
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return ChildRun(
            seconds, child.returncode, out.read(), err.read(), peak[0] / 1024, usage.ru_maxrss / 1024, peak[1] / 1024
        )


def _tree_rss_kb(pid: int) -> int:
    total = 0
    for member in descendants(pid):
        try:
            with open(f"/proc/{member}/statm") as statm:
                total += int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
        except (OSError, ValueError, IndexError):
            pass
    return total


def _tree_pss_kb(pid: int) -> int:
    total = 0
    for member in descendants(pid):
        try:
            with open(f"/proc/{member}/smaps_rollup") as rollup:
                total += next(int(line.split()[1]) for line in rollup if line.startswith("Pss:"))
        except (OSError, ValueError, IndexError, StopIteration):
            pass
    return total


def descendants(pid: int) -> list[int]:
    """A process and all its descendants, from /proc."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    queue.extend(int(c) for c in children.read().split())
        except OSError:
            pass
    return found


def finish(results: dict, out: Path) -> int:
    """Record the load average at the end, print it with the one at the start, and write the JSON."""
    results["load_after"] = [round(x, 2) for x in os.getloadavg()]
    print(f"load average before {results['load_before']}, after {results['load_after']}")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0
