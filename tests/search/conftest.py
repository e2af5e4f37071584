"""Fixtures for the search area: small real indexes on disk."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Callable

import pytest

from captionsearch.records import CaptionRecord, Origin


def make_record(record_id: str, caption: str, title: str = "", alt: str | None = None, **extra: object) -> CaptionRecord:
    return CaptionRecord(
        id=record_id,
        image=f"/photos/{record_id}.jpg",
        origin=Origin("manifest.json", 1, None, "manifest"),
        title=title or record_id.replace("-", " ").title(),
        caption=caption,
        alt=alt,
        **extra,  # type: ignore[arg-type]
    )


@pytest.fixture
def records() -> Callable[..., CaptionRecord]:
    return make_record


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    return tmp_path / "index"


BENCH_GENERATOR = Path(__file__).resolve().parents[2] / "bench" / "generate.py"


@pytest.fixture(scope="session")
def bench_generator():
    """bench/generate.py, the benchmark's seeded caption generator, loaded as a module."""
    spec = importlib.util.spec_from_file_location("bench_generate", BENCH_GENERATOR)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)
