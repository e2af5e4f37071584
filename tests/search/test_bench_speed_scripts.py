"""The start-up and enrichment benchmarks run end to end on small collections and write their figures.

Nothing here judges a figure (speed is measured by the scripts, never
asserted): the tests keep the scripts working, so docs/benchmarks.md can be
reproduced.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def run(script: str, *args: str) -> None:
    subprocess.run([sys.executable, str(BENCH / script), *args], check=True, capture_output=True, timeout=600)


def test_bench_enrichment_compares_the_gazetteer_with_the_full_model(tmp_path: Path) -> None:
    out = tmp_path / "enrichment.json"
    run("bench_enrichment.py", "--size", "300", "--out", str(out))
    figures = json.loads(out.read_text(encoding="utf-8"))
    agreement = figures["agreement"]
    assert agreement["reference_spans"] > 0
    assert 0.0 <= agreement["precision"] <= 1.0 and 0.0 <= agreement["recall"] <= 1.0
    assert figures["full_ner"]["captions_per_second"] > 0 and figures["gazetteer"]["captions_per_second"] > 0
    assert len(figures["load_before"]) == len(figures["load_after"]) == 3


def test_bench_startup_times_search_and_serve_against_their_baselines(tmp_path: Path) -> None:
    out = tmp_path / "startup.json"
    run("bench_startup.py", "--work", str(tmp_path / "work"), "--size", "300", "--runs", "1", "--serve-runs", "1",
        "--out", str(out))
    figures = json.loads(out.read_text(encoding="utf-8"))
    for name in ("search_300", "search_bundled", "serve_300"):
        assert figures[name]["a_median"] > 0 and figures[name]["b_median"] > 0, name
    assert len(figures["load_after"]) == 3
