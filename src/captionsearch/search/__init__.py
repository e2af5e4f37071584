"""Searching: the query language, the array engine, the service API and the backend seam.

    querylang.py   what a person types -> a query tree; normalised through nlp
    engine.py      a normalised tree evaluated over whole posting lists (numpy)
    backend.py     the SearchBackend protocol: what an index engine must do
    whoosh/        the Whoosh backend (the only package that imports whoosh)
    searching.py   the service API: search() -> SearchPage, photos, facets, more like this

``captionsearch.search("rover")``, the package's documented entry point, calls
this package. A function and a subpackage cannot share the name ``search`` in
``captionsearch`` (importing the subpackage rebinds the name to it), so the
package itself is callable. Importing it loads nothing heavy: the service,
and Whoosh with it, are imported on the first search.
"""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .searching import SearchPage


def search(query: str, **options: Any) -> SearchPage:
    """Search the index; see ``searching.search`` for the options."""
    from .searching import search as run_search

    return run_search(query, **options)


class _CallablePackage(types.ModuleType):
    def __call__(self, query: str, **options: Any) -> SearchPage:
        return search(query, **options)


sys.modules[__name__].__class__ = _CallablePackage
