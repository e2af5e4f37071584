"""bench/bench_formats.py writes one collection in every export format and reads each back whole."""

from __future__ import annotations

import json
import sys

from .conftest import load_bench_module


def test_every_format_gives_back_every_photo_and_the_shares_are_printed(capsys):
    sys.path.insert(0, str(load_bench_module.__globals__["BENCH"]))
    try:
        bench = load_bench_module("bench_formats")
        assert bench.main(["--size", "40", "--json"]) == 0
    finally:
        sys.path.pop(0)
        sys.modules.pop("bench_bench_formats", None)
    result = json.loads(capsys.readouterr().out)
    assert result["photos"] == 40 and set(result["formats"]) == {"jsonl", "wxr", "oai-pmh", "iiif"}
    assert result["formats"]["jsonl"]["extra_over_jsonl_s"] == 0
    assert all(isinstance(v["extra_share_of_indexing"], float) for v in result["formats"].values())
