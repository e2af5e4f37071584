"""Fixtures for the search area: small real indexes on disk."""

from __future__ import annotations

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
