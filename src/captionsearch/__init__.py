"""captionsearch: search, browse and audit a photo collection's captions and alt text."""

from __future__ import annotations

__version__ = "0.1.0"

# The search package, callable: captionsearch.search("rover", index_dir="index") -> SearchPage.
# Importing it is cheap; Whoosh and spaCy load on the first search.
from . import search  # noqa: E402

__all__ = ["search", "__version__"]
