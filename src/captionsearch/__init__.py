"""captionsearch: search, browse and audit a photo collection's captions and alt text."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["search", "__version__"]


def search(query: str, **options: Any) -> Any:
    """Search the index; see captionsearch.searching.search (imported lazily: it loads Whoosh)."""
    from .searching import search as run_search

    return run_search(query, **options)
