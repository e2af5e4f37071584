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


BENCH = Path(__file__).resolve().parents[2] / "bench"


def load_bench_module(name: str):
    """A module of bench/ (not a package: its scripts import each other by name), loaded from its file."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(spec.name, None)
        raise
    return module


@pytest.fixture(scope="session")
def bench_generator():
    """bench/generate.py, the benchmark's seeded caption generator, loaded as a module."""
    module = load_bench_module("generate")
    yield module
    sys.modules.pop(module.__name__, None)


@pytest.fixture(scope="session")
def whoosh_reference():
    """bench/whoosh_reference.py: Whoosh's own evaluation of a query tree, which the engine must match."""
    module = load_bench_module("whoosh_reference")
    yield module
    sys.modules.pop(module.__name__, None)
