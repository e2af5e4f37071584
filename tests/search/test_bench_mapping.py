"""bench/bench_mapping.py, run as a person runs it, on a few hundred records."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_mapping_benchmark_prints_both_times_the_ratio_and_the_load():
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    run = subprocess.run([sys.executable, str(ROOT / "bench" / "bench_mapping.py"), "--size", "300"],
                         capture_output=True, text=True, env=env, timeout=600, check=True)
    out = run.stdout
    assert out.startswith("records: 300\n")
    assert re.search(r"indexing, search tier: flat +[0-9.]+ s +nested +[0-9.]+ s", out)
    assert re.search(r"mapping \+ detection / nested indexing time: [0-9.]+% \(target <= 10%\)", out)
    assert re.search(r"load average before [0-9.]+ [0-9.]+ [0-9.]+, after", out)
