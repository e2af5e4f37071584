"""The Whoosh backend: the only package of captionsearch that imports ``whoosh``.

    files.py       the index folder's file names (imports no Whoosh: discovery uses it)
    schema.py      the fields, opening and creating an index, its version
    locks.py       the write lock and the pid file beside it
    writer.py      write sessions, and reading back each document's state
    merging.py     which segments a commit merges
    postings.py    posting lists, field lengths and facets decoded from Whoosh's files
    cache.py       the process's cache of decoded lists, kept in the narrowest types
    arrays.py      a searcher's documents as arrays: what the engine evaluates over
    facets.py      each document's facet values, for counting
    dictionary.py  the spelling dictionary file and its candidates
    similar.py     more like this
    reader.py      IndexReader over a Whoosh searcher
    backend.py     SearchBackend: the above, put together

Only this package may import ``whoosh`` (tests/test_architecture.py checks).
Importing the package itself loads no Whoosh: ``holds_index`` is asked by
corpus discovery, which the audit runs.
"""

from .files import SCHEMA_VERSION, holds_index, is_index_file

__all__ = ["SCHEMA_VERSION", "holds_index", "is_index_file"]
