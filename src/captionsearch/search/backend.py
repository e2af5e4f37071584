"""The seam between captionsearch and an index engine: what a search backend must do.

The indexing pipeline writes ``IndexDocument``s through a backend's writer;
the search service asks a backend's reader to run normalised query trees
(querylang) and gets plain data back (``RawResults``). Neither knows which
engine is behind the seam. The Whoosh backend (search/whoosh/) implements
it, and tests/search/test_backend_contract.py is what any backend must pass.

A backend owns an index folder: which files in it are the index, its
format version, its write lock. Everything else in the folder (the
entities cache, thumbnails) belongs to captionsearch and survives a
rebuild.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Iterator, Mapping, Protocol, Sequence

from . import querylang as ql

IndexPath = str | os.PathLike[str]


@dataclass(frozen=True)
class IndexDocument:
    """One photo as an index stores it; every text field is normalised terms, space-separated.

    ``state`` ("<id> <hash>:<flag>") is read back by ``read_states`` so an
    incremental run can skip an unchanged record; ``words`` (folded,
    unstemmed) go to the spelling dictionary, not to a field; ``record``
    is stored and handed back with each hit.
    """

    id: str
    state: str
    text: str
    title: str
    caption: str
    alt: str
    entity: str
    words: tuple[str, ...]
    facets: tuple[str, ...]
    record: Mapping[str, Any]


@dataclass(frozen=True)
class RawHit:
    id: str
    score: float
    record: dict[str, Any]


@dataclass(frozen=True)
class RawResults:
    total: int
    hits: tuple[RawHit, ...]
    facet_counts: dict[str, int]


class IndexWriter(Protocol):
    """A write session: leaving its ``with`` block commits; an exception cancels everything it wrote."""

    merge: bool  # whether the commit may merge segments (a bulk run merges only at its last commit)

    def __enter__(self) -> IndexWriter: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    def put(self, document: IndexDocument, new: bool = False) -> None:
        """Add a document, replacing the one with its id unless ``new`` says there is none."""

    def delete(self, record_id: str) -> None: ...


class IndexLock(Protocol):
    """An index folder's write lock, held for a whole run; a crashed holder's lock is taken over."""

    recovered_from: int | None  # the pid of the crashed run whose lock was taken over

    def __enter__(self) -> IndexLock: ...

    def __exit__(self, *exc: object) -> None: ...


class IndexReader(Protocol):
    """A consistent view of one index: it sees the commit it was opened on until it is closed.

    Readers are shared by threads. ``up_to_date()`` says whether a newer
    commit exists, so a pool can replace a stale reader.
    """

    def doc_count(self) -> int:
        """Live documents (deleted ones not counted)."""

    def search(
        self, tree: ql.Node, filters: Sequence[str] = (), offset: int = 0, limit: int = 10, facets: bool = True
    ) -> RawResults:
        """Run a normalised query tree; ``filters`` are facet values every hit must carry.

        Hits are ranked by BM25F score, then by index order; ``total`` counts
        every match and ``facet_counts`` (if ``facets``) counts each facet
        value over all of them.
        """

    def facet_counts(self) -> dict[str, int]:
        """Facet value -> live documents carrying it, over the whole collection."""

    def stored_record(self, record_id: str) -> dict[str, Any] | None: ...

    def stored_records(self) -> Iterator[dict[str, Any]]:
        """Every live document's stored record, in index order."""

    def doc_frequency(self, field: str, term: str) -> int:
        """Documents holding ``term`` in ``field`` (deleted ones not yet merged away may count)."""

    def in_dictionary(self, word: str) -> bool:
        """Whether the spelling dictionary (every folded word ever indexed) has ``word``."""

    def spelling_candidates(self, word: str, maxdist: int = 2) -> list[str]:
        """Dictionary words other than ``word`` within ``maxdist`` edits of it (search.distance)."""

    def more_like(self, record_id: str, text: str, limit: int = 6) -> list[RawHit]:
        """Documents sharing the most distinctive of ``text``'s terms (the record's own), itself excluded."""

    def warm(self, frequent_share: float = 0.0, seconds: float = float("inf")) -> int:
        """Read ahead what every query needs; with ``frequent_share``, also the commonest words' lists.

        Returns how many posting lists were read ahead.
        """

    def up_to_date(self) -> bool: ...

    def close(self) -> None: ...


class SearchBackend(Protocol):
    name: str
    schema_version: str  # changes when an index must be rebuilt to be read

    def holds_index(self, folder: Path) -> bool:
        """Whether ``folder`` holds an index of this engine (corpus discovery skips such folders)."""

    def is_index_file(self, name: str) -> bool:
        """Whether a file of an index folder is part of the index (a run's staging copy links those)."""

    def is_lock_file(self, name: str) -> bool:
        """Whether a file of an index folder is the index's lock (it stays with the folder it locks)."""

    def index_exists(self, index_dir: IndexPath) -> bool: ...

    def built_by_another_version(self, index_dir: IndexPath) -> bool:
        """An index is there, but in a format this version does not read."""

    def lock(self, index_dir: IndexPath) -> IndexLock: ...

    def writer(self, index_dir: IndexPath, procs: int = 1, merge: bool = True) -> IndexWriter:
        """A write session on the index in ``index_dir``, created if need be; ``procs`` writer processes."""

    def read_states(self, index_dir: IndexPath) -> dict[str, str]:
        """id -> state ("<hash>:<flag>") of every live document; {} without an index."""

    def open_reader(self, index_dir: IndexPath) -> IndexReader:
        """A reader of the index's latest commit; raises IndexMissing when there is none."""

    def set_cache_size(self, megabytes: int) -> None:
        """Bound the memory this process keeps for decoded index data."""


# Each backend's module exports BACKEND; the contract tests run against every one listed.
BACKENDS = {"whoosh": "captionsearch.search.whoosh.backend"}
DEFAULT_BACKEND = "whoosh"


def schema_version(name: str = DEFAULT_BACKEND) -> str:
    """A backend's index format version, read from its package without loading its engine."""
    version: str = importlib.import_module(BACKENDS[name].rpartition(".")[0]).SCHEMA_VERSION
    return version


def get_backend(name: str = DEFAULT_BACKEND) -> SearchBackend:
    """A backend by name, imported on first use (it loads its engine)."""
    backend: SearchBackend = importlib.import_module(BACKENDS[name]).BACKEND
    return backend
