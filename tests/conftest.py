"""Fixtures shared by every test area: where the project and its bundled corpus are."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The bundled Chang'e 4 gallery (read-only: copy it before changing anything)."""
    return ROOT / "corpus"
