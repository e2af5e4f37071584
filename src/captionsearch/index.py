"""The search index: the only module that imports Whoosh.

Text arrives here already normalised (nlp.tokenize, as space-separated
terms), so the schema holds no spaCy object and the analyzer pickled into
the index is a plain whitespace tokenizer. Queries arrive as our own query
tree (querylang) and are evaluated by ``engine`` over posting lists this
module reads from the index as arrays (``IndexArrays``); Whoosh's own
evaluation of the same tree (``whoosh_search``) is kept as the reference
the engine is tested against.

Writes are atomic the way Whoosh's are: segments are written first and the
table of contents last, so a run that dies before commit leaves the previous
index searchable. A pid file beside Whoosh's lock tells a live writer from a
stale one.
"""

from __future__ import annotations

import os
import pickle
import tempfile
import threading
import time
import weakref
from collections import OrderedDict
from contextlib import contextmanager
from itertools import chain
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

import numpy as np
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh import scoring
from whoosh.analysis import RegexTokenizer
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher
from whoosh.util.numeric import byte_to_length
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.index import LockError
from whoosh.support.levenshtein import damerau_levenshtein as edit_distance

from .search import engine
from .search import querylang as ql
from .errors import CaptionSearchError, IndexLocked, IndexMissing

SCHEMA_VERSION = "3"
INDEX_NAME = "MAIN"
PID_FILE = "writer.pid"
DICTIONARY_FILE = "WORDS"  # the spelling dictionary: every word of every title, caption and alt text


def _remember_missing_columns() -> None:
    """Make Whoosh's per-segment reader remember that a field has no lengths column.

    whoosh-reloaded 2.7.5 (pinned, frozen) caches the column readers it finds
    but asks the file system again for every missing one: while a segment is
    written that is one stat() per posting of each unscored field (id,
    facet), ~15% of the writer processes' time. A segment's files never
    change once written, so a miss can be cached like a hit.
    """
    from whoosh.codec.whoosh3 import W3PerDocReader

    def _cached_reader(self: Any, fieldname: str, column: Any) -> Any:
        if fieldname not in self._readers:
            self._readers[fieldname] = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
        return self._readers[fieldname]

    W3PerDocReader._cached_reader = _cached_reader


_remember_missing_columns()


def _terms(positions: bool = True) -> TEXT:
    # Terms are pre-normalised: split on spaces only, positions kept for phrases.
    return TEXT(analyzer=RegexTokenizer(r"[^ ]+"), phrase=positions)


def make_schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        state=ID(sortable=True),  # "<id> <hash>:<flag>", a column read back for incremental runs
        # Everything searchable (title, caption, alt, keywords, credit), for plain words:
        # without positions its postings are smaller to write and faster to read.
        # Phrases are matched in the positional per-field fields instead.
        text=_terms(positions=False),
        title=_terms(),
        caption=_terms(),
        alt=_terms(),
        entity=_terms(),
        facet=KEYWORD(commas=True, lowercase=False, scorable=False),
        record=STORED(),
    )


@dataclass(frozen=True)
class IndexDocument:
    """One photo as the index stores it; every text field is normalised terms.

    ``words`` (folded, unstemmed) go to the spelling dictionary, not to a field.
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

    def fields(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "state": self.state,
            "text": self.text,
            "title": self.title,
            "caption": self.caption,
            "alt": self.alt,
            "entity": self.entity,
            "facet": ",".join(self.facets),
            # Whoosh pickles stored fields: the dict itself, not a JSON string of it
            # (encoding JSON and pickling the string cost twice as much).
            "record": dict(self.record),
        }


# -- opening -----------------------------------------------------------------


def index_exists(index_dir: str | os.PathLike[str]) -> bool:
    return Path(index_dir).is_dir() and whoosh_index.exists_in(str(index_dir), INDEX_NAME)


def open_index(index_dir: str | os.PathLike[str]) -> Any:
    """Open an existing index, or raise IndexMissing."""
    if not index_exists(index_dir):
        raise IndexMissing(str(index_dir))
    ix = whoosh_index.open_dir(str(index_dir), indexname=INDEX_NAME)
    _check_schema(ix, index_dir)
    return ix


def create_or_open(index_dir: str | os.PathLike[str]) -> Any:
    folder = Path(index_dir)
    if index_exists(folder):
        return open_index(folder)
    folder.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(folder), make_schema(), indexname=INDEX_NAME)
    (folder / "SCHEMA_VERSION").write_text(SCHEMA_VERSION + "\n", encoding="utf-8")
    return ix


def built_by_another_version(index_dir: str | os.PathLike[str]) -> bool:
    """An index is there, but its schema is not this version's."""
    if not index_exists(index_dir):
        return False
    marker = Path(index_dir) / "SCHEMA_VERSION"
    return not marker.exists() or marker.read_text(encoding="utf-8").strip() != SCHEMA_VERSION


def _check_schema(ix: Any, index_dir: str | os.PathLike[str]) -> None:
    marker = Path(index_dir) / "SCHEMA_VERSION"
    found = marker.read_text(encoding="utf-8").strip() if marker.exists() else "?"
    if found != SCHEMA_VERSION or set(ix.schema.names()) != set(make_schema().names()):
        raise CaptionSearchError(
            f"the index in {index_dir} was built by another version of captionsearch: "
            "run 'captionsearch index --rebuild' to rebuild it"
        )


# -- writing -------------------------------------------------------------------


class WriterLock:
    """Records which process writes the index, so a stale lock can be told apart.

    Whoosh's own lock is an flock (released when its holder dies); the pid
    file says who held it, so a crashed run is reported and cleared and a
    live one is named in the error.
    """

    def __init__(self, index_dir: Path):
        self.path = index_dir / PID_FILE
        self.recovered_from: int | None = None

    def acquire(self) -> None:
        """Called once Whoosh's lock is ours: a pid left behind is a crashed writer's."""
        previous = self._read_pid()
        if previous and previous != os.getpid():
            self.recovered_from = previous
        self.path.write_text(f"{os.getpid()}\n", encoding="utf-8")

    def locked_error(self) -> IndexLocked:
        """The error for a lock someone else holds, naming them when the pid file can."""
        holder = self._read_pid()
        if holder and _pid_alive(holder):
            return IndexLocked(
                f"the index in {self.path.parent} is being written by process {holder}: "
                "wait for it to finish (or stop it) and run again"
            )
        return IndexLocked(
            f"the index in {self.path.parent} is locked by another process: wait for it to finish and run again"
        )

    def release(self) -> None:
        if self._read_pid() == os.getpid():
            self.path.unlink(missing_ok=True)

    def _read_pid(self) -> int | None:
        try:
            return int(self.path.read_text(encoding="utf-8").split()[0])
        except (OSError, ValueError, IndexError):
            return None


class IndexLock:
    """An index's write lock, held without writing: for the whole search tier of a run.

    It is Whoosh's own lock (what an IndexWriter takes) with the pid file
    beside it, so a run and a writer exclude each other, a crashed run's lock
    is cleared with a note (``recovered_from``) and a live one is named. The
    folder is created if need be; the index in it is not opened (it may be
    another version's, about to be rebuilt).
    """

    def __init__(self, index_dir: str | os.PathLike[str]):
        self.index_dir = Path(index_dir)
        self.pid = WriterLock(self.index_dir)
        self.recovered_from: int | None = None
        self._lock: Any = None

    def __enter__(self) -> "IndexLock":
        from whoosh.filedb.filestore import FileStorage

        self.index_dir.mkdir(parents=True, exist_ok=True)
        self._lock = FileStorage(str(self.index_dir)).lock(f"{INDEX_NAME}_WRITELOCK")
        if not self._lock.acquire(blocking=False):
            raise self.pid.locked_error()
        self.pid.acquire()
        self.recovered_from = self.pid.recovered_from
        return self

    def __exit__(self, *exc: Any) -> None:
        self.pid.release()
        self._lock.release()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# Postings a writer process sorts in memory before it spills them to disk and
# merges them back (a fifth of its time when it happens). Whoosh's estimate,
# not the real size: an enriched document has ~160 postings, ~260 MB of
# estimate per 10,000 documents, which is what a bulk run gives each writer.
POSTINGS_MB = 512


class IndexWriter:
    """A write session: add/replace/delete documents, then commit (or cancel).

    Use as a context manager: leaving it normally commits, an exception
    cancels, so the index is never left half-written.
    """

    def __init__(self, index_dir: str | os.PathLike[str], procs: int = 1, merge: bool = True):
        self.index_dir = Path(index_dir)
        # A bulk run commits every few thousand documents; merging segments at each
        # of those commits rewrites the growing index again and again, so only the
        # run's last commit merges.
        self.merge = merge
        self.ix = create_or_open(self.index_dir)
        self.lock = WriterLock(self.index_dir)
        self.procs = procs
        self._writer: Any = None
        self._words: set[str] = set()

    def __enter__(self) -> "IndexWriter":
        try:
            self._writer = self._open_writer()
        except LockError:
            raise self.lock.locked_error() from None
        self.lock.acquire()
        return self

    def _open_writer(self) -> Any:
        # Segments stay as separate files: Whoosh reads a compound segment file
        # by copying each part into memory, so every searching process would
        # hold a private copy of the postings (about 1.4 MB per 1,000 photos).
        if self.procs > 1:
            return self.ix.writer(procs=self.procs, multisegment=True, limitmb=POSTINGS_MB, compound=False)
        return self.ix.writer(limitmb=POSTINGS_MB, compound=False)

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        try:
            if exc_type is None:
                # Before the commit: a dictionary word whose documents did not
                # make it costs nothing (suggestions are checked against the index).
                extend_dictionary(self.index_dir, self._words)
                self._writer.commit(mergetype=merge_small_segments if self.merge else None, merge=self.merge)
            else:
                self._writer.cancel()
                _stop_writer_processes(self._writer)
        finally:
            self.lock.release()

    def put(self, document: IndexDocument, new: bool = False) -> None:
        """Add a document; ``new`` skips the delete of an older version by id."""
        self._words.update(document.words)
        if new:
            self._writer.add_document(**document.fields())
        else:
            self._writer.update_document(**document.fields())

    def delete(self, record_id: str) -> None:
        self._writer.delete_by_term("id", record_id)


def _stop_writer_processes(writer: Any) -> None:
    """End a cancelled multi-process writer's processes.

    Whoosh's MpWriter.cancel() only flags its copies of the process objects;
    the processes themselves would wait on their job queue forever, and keep
    this process from exiting (multiprocessing joins its children at exit).
    """
    for task in getattr(writer, "tasks", ()):
        task.terminate()
        task.join(5)


SMALL_SEGMENT = 8_000  # live documents; a bulk run writes segments of ~10,000 (20,000 per commit, 2 writers)
SMALL_SHARE = 8  # ...and a segment is small only beside an index at least this many times its size


def merge_small_segments(writer: Any, segments: list[Any]) -> list[Any]:
    """Whoosh merge policy: rewrite only the small segments and the mostly deleted ones.

    Whoosh's own policy (MERGE_SMALL) counts a segment as small against a
    Fibonacci bound on the running total, so after a bulk build of a
    hundred equal segments it merges a quarter of the index at once, and
    again at the next run: re-indexing 1% of a million captions took five
    minutes. Here a run rewrites what small runs left behind (segments under
    SMALL_SEGMENT documents, and under 1/SMALL_SHARE of the index, so that a
    small collection's own segments are not rewritten on every run) and
    segments more than half deleted (to reclaim their space); the big
    segments of a bulk build are left alone.
    """
    from whoosh.reading import SegmentReader

    # Every document replaced (an enrichment pass rewrites whole segments):
    # dropped without reading, as copying would read every posting to skip it.
    emptied = [segment for segment in segments if segment.doc_count() == 0]
    segments = [segment for segment in segments if segment not in emptied]
    small = min(SMALL_SEGMENT, sum(segment.doc_count() for segment in segments) // SMALL_SHARE)
    chosen = [
        segment
        for segment in segments
        if segment.doc_count() < small or segment.deleted_count() * 2 > segment.doc_count_all()
    ]
    if len(chosen) < 2 and not any(segment.deleted_count() for segment in chosen):
        return segments  # one clean small segment: nothing to gain by copying it
    for segment in chosen:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return [segment for segment in segments if segment not in chosen]


def read_states(index_dir: str | os.PathLike[str]) -> dict[str, str]:
    """id -> state of every live document, read from a column (about a second at 1M).

    The term list would be faster but still holds the terms of deleted
    (replaced) documents until their segment is merged away.
    """
    if not index_exists(index_dir):
        return {}
    ix = open_index(index_dir)
    with ix.reader() as reader:
        if not reader.doc_count_all():
            return {}  # an index of an empty corpus has no segment, and so no column to read
        column = reader.column_reader("state")
        states = {}
        for docnum in reader.all_doc_ids():
            value = column[docnum]
            record_id, _, state = (value.decode("utf-8") if isinstance(value, bytes) else value).partition(" ")
            states[record_id] = state
        return states


# -- reading -------------------------------------------------------------------


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


class SearcherPool:
    """One Whoosh searcher per process, shared by threads, replaced when the index changes.

    Opening a searcher costs ~24 ms at 100k documents and ~300 ms at 1M, so it
    is opened once and only replaced when a newer commit exists. Replacing
    opens a fresh one rather than calling ``refresh()``, whose reused segment
    readers keep the deletions they were opened with. A replaced searcher is
    closed once the last request using it has finished.
    """

    def __init__(self, index_dir: str | os.PathLike[str]):
        self.index_dir = Path(index_dir)
        self._lock = threading.Lock()
        self._current: _Lease | None = None

    @contextmanager
    def lease(self) -> Iterator[Any]:
        """``with pool.lease() as searcher:`` — a searcher that stays open for the block."""
        entry = self._acquire()
        try:
            yield entry.searcher
        finally:
            self._release(entry)

    def _acquire(self) -> "_Lease":
        with self._lock:
            current = self._current
            if current is None or current.folder != _folder_identity(self.index_dir) or not current.searcher.up_to_date():
                folder = _folder_identity(self.index_dir)
                fresh = _Lease(open_index(self.index_dir).searcher(weighting=scoring.BM25F()), folder)
                if current is not None:
                    current.retired = True
                    current.close_if_unused()
                self._current = current = fresh
            current.users += 1
            return current

    def _release(self, entry: "_Lease") -> None:
        with self._lock:
            entry.users -= 1
            entry.close_if_unused()

    def close(self) -> None:
        with self._lock:
            if self._current is not None:
                self._current.retired = True
                self._current.close_if_unused()
                self._current = None


def _folder_identity(index_dir: Path) -> tuple[int, int]:
    """Changes when a rebuild swaps in a new folder, whose generations start again."""
    try:
        info = index_dir.stat()
    except FileNotFoundError:
        raise IndexMissing(str(index_dir)) from None
    return (info.st_dev, info.st_ino)


class _Lease:
    def __init__(self, searcher: Any, folder: tuple[int, int]):
        self.searcher = searcher
        self.folder = folder
        self.users = 0
        self.retired = False

    def close_if_unused(self) -> None:
        if self.retired and self.users == 0:
            self.searcher.close()


def doc_count(searcher: Any) -> int:
    return searcher.doc_count()


def run_query(
    searcher: Any,
    tree: ql.Node,
    filters: Sequence[str] = (),
    offset: int = 0,
    limit: int = 10,
    facets: bool = True,
) -> RawResults:
    """Run a normalised query tree; ``filters`` are facet values that every hit must carry.

    Evaluated by ``engine`` over whole posting lists read from this index
    (and cached), rather than by Whoosh's matchers one posting at a time:
    the same hits, scores and counts, several times faster on common words.
    """
    arrays = index_arrays(searcher)
    found = engine.evaluate(tree, arrays)
    if filters:
        found = engine.restrict(found, engine.intersect_all([arrays.postings("facet", value)[0] for value in filters]))
    best = engine.top(found, offset + limit)[offset:]
    with arrays.io:
        hits = tuple(_raw_hit(searcher, int(found.docs[i]), float(found.scores[i])) for i in best)
    counts = arrays.facet_counts(found.docs) if facets else {}
    return RawResults(len(found), hits, counts)


def _raw_hit(searcher: Any, docnum: int, score: float) -> RawHit:
    fields = searcher.stored_fields(docnum)
    return RawHit(fields["id"], score, fields["record"])


def facet_counts(searcher: Any) -> dict[str, int]:
    """Facet value -> number of photos carrying it, over the whole collection."""
    arrays = index_arrays(searcher)
    return arrays.facet_counts(np.flatnonzero(arrays.live()))


# -- posting lists as arrays ----------------------------------------------------------------

ARRAY_CACHE_MB = 256  # decoded posting lists kept per process, most recently used first
SCORED_FIELDS = ("text", "title", "caption", "alt", "entity")  # their lengths are read at warm-up
_INT = np.int64


def index_arrays(searcher: Any) -> "IndexArrays":
    """The engine's view of an open searcher, made once per searcher."""
    with _VIEWS_LOCK:
        view = _VIEWS.get(searcher)
        if view is None:
            view = _VIEWS[searcher] = IndexArrays(searcher)
        return view


class IndexArrays:
    """One searcher's documents as arrays in its global document numbering (engine.Source).

    A term's posting list is read once per segment and kept in a
    process-wide cache keyed by segment id: a segment's postings never
    change once written (deletions are kept apart and applied through
    ``live``), so a searcher opened after a commit reuses what the last one
    read for the segments they share.
    """

    def __init__(self, searcher: Any):
        # Weakly: this view is the value of a weak-keyed map from the searcher, and a
        # strong reference back would keep every retired searcher alive.
        self._searcher = weakref.ref(searcher)
        self.leaves = [(leaf.reader(), offset) for leaf, offset in searcher.leaf_searchers()]
        self.size = searcher.doc_count_all()
        # Whoosh's readers seek and read shared file handles: two threads reading
        # at once get each other's bytes. Every read of this searcher's files
        # holds this lock (cached arrays are read without it).
        self.io = threading.RLock()
        self._live: np.ndarray | None = None
        # What spans every segment is cached by the segments it spans: a server's
        # workers open their own searchers over the segments their master read.
        self._segment_ids = tuple(reader.segment().segment_id() for reader, _ in self.leaves)

    def live(self) -> np.ndarray:
        if self._live is None:
            live = np.ones(self.size, dtype=bool)
            for reader, offset in self.leaves:
                if reader.has_deletions():
                    live[offset + np.fromiter(reader.segment().deleted_docs(), dtype=_INT)] = False
            self._live = live
        return self._live

    def postings(self, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        parts = [(_segment_postings(reader, field, term, self.io), offset) for reader, offset in self.leaves]
        docs = np.concatenate([d.astype(_INT) + offset for (d, _), offset in parts]) if parts else np.zeros(0, _INT)
        weights = np.concatenate([w for (_, w), _ in parts]).astype(np.float64) if parts else np.zeros(0)
        return docs, weights

    def positions(self, field: str, term: str) -> np.ndarray:
        parts = [_global_keys(_segment_positions(reader, field, term, self.io), offset) for reader, offset in self.leaves]
        return np.concatenate(parts) if parts else np.zeros(0, _INT)

    def lengths(self, field: str, docs: np.ndarray) -> np.ndarray:
        return _BYTE_TO_LENGTH[self.encoded_lengths(field)[docs]]

    def encoded_lengths(self, field: str) -> np.ndarray:
        """Every document's length of ``field``, the byte Whoosh stores (``_BYTE_TO_LENGTH`` decodes)."""
        key = ("lengths", field, self._segment_ids)
        return _ARRAYS.get(key, self.io, lambda: (_joined_lengths(self.leaves, field),))[0]

    def idf(self, field: str, term: str) -> float:
        with self.io:
            return self.searcher.idf(field, term)

    @property
    def searcher(self) -> Any:
        searcher = self._searcher()
        if searcher is None:
            raise RuntimeError("the searcher behind these arrays was released")
        return searcher

    def average_length(self, field: str) -> float:
        return self.searcher.avg_field_length(field) or 1.0  # from the segments' totals, in memory

    def facet_counts(self, docs: np.ndarray) -> dict[str, int]:
        return self.facet_table().counts(docs)

    def facet_table(self) -> "_FacetTable":
        key = ("facets", self._segment_ids)
        return _ARRAYS.get(key, self.io, lambda: (_FacetTable.build(self.leaves, self.size, self.io),))[0]


def warm(searcher: Any) -> None:
    """Read what every query needs (deletions, field lengths, facets) before the first one."""
    arrays = index_arrays(searcher)
    arrays.live()
    for field in SCORED_FIELDS:
        arrays.encoded_lengths(field)
    arrays.facet_table()


def warm_frequent_terms(
    searcher: Any, share: float = 0.5, seconds: float = float("inf"), min_share_of_photos: float = 0.01
) -> int:
    """Read the posting lists of the commonest words ahead of the queries that need them.

    They cost the most to read (one decode per photo carrying them) and are
    the likeliest to be asked for. Most frequent first, until ``share`` of
    the cache is full or ``seconds`` have passed; phrase fields get their
    positions. Returns the number of lists read.
    """
    deadline = time.monotonic() + seconds
    arrays = index_arrays(searcher)
    least = max(2, int(searcher.doc_count_all() * min_share_of_photos))
    with arrays.io:
        reader = searcher.reader()
        frequent = [
            (info.doc_frequency(), field, btext.decode("utf-8"))
            for field in ("text", *engine.PHRASE_FIELDS)
            for btext, info in reader.iter_field(field)
            if info.doc_frequency() >= least
        ]
    read = 0
    for _, field, term in sorted(frequent, reverse=True):
        if _ARRAYS.used >= _ARRAYS.budget * share or time.monotonic() > deadline:
            break
        if field == "text":
            arrays.postings(field, term)
        else:
            arrays.positions(field, term)
        read += 1
    return read


_VIEWS: "weakref.WeakKeyDictionary[Any, IndexArrays]" = weakref.WeakKeyDictionary()
_VIEWS_LOCK = threading.Lock()


@dataclass(frozen=True)
class _FacetTable:
    """Each document's facet values, compressed-row style: values[starts[d]:starts[d + 1]]."""

    names: tuple[str, ...]
    starts: np.ndarray
    values: np.ndarray

    @classmethod
    def build(cls, leaves: list[tuple[Any, int]], size: int, io: Any) -> "_FacetTable":
        names: dict[str, int] = {}
        docs, values = [], []
        for reader, offset in leaves:
            seg_names, seg_values, seg_docs = _segment_facets(reader, io)
            ids = np.array([names.setdefault(name, len(names)) for name in seg_names], dtype=_INT)
            values.append(ids[seg_values] if len(ids) else seg_values)
            docs.append(seg_docs.astype(_INT) + offset)
        all_docs = np.concatenate(docs) if docs else np.zeros(0, _INT)
        all_values = np.concatenate(values) if values else np.zeros(0, _INT)
        order = np.argsort(all_docs, kind="stable")
        starts = np.searchsorted(all_docs[order], np.arange(size + 1))
        return cls(tuple(names), starts.astype(_narrowest(len(all_docs))), all_values[order].astype(_narrowest(len(names))))

    @property
    def nbytes(self) -> int:
        return self.starts.nbytes + self.values.nbytes

    def counts(self, docs: np.ndarray) -> dict[str, int]:
        begin, end = self.starts[docs].astype(_INT), self.starts[docs + 1].astype(_INT)
        sizes = end - begin
        if sizes.sum() == 0:
            return {}
        # Positions of every value of every matched document, without a Python loop.
        shift = np.repeat(begin - np.cumsum(sizes) + sizes, sizes)
        picked = self.values[np.arange(sizes.sum()) + shift]
        tally = np.bincount(picked, minlength=len(self.names))
        return {self.names[i]: int(tally[i]) for i in np.flatnonzero(tally)}


# Per-segment arrays, cached by segment id (a segment's postings never change).


class _ArrayCache:
    """A least-recently-used cache of tuples of arrays, bounded in bytes."""

    def __init__(self, budget_mb: int):
        self.budget = budget_mb * 1024 * 1024
        self.used = 0
        self._entries: "OrderedDict[tuple, tuple[np.ndarray, ...]]" = OrderedDict()
        self._lock = threading.Lock()

    def resize(self, budget_mb: int) -> None:
        with self._lock:
            self.budget = budget_mb * 1024 * 1024
            self._evict()

    def _evict(self) -> None:
        while self.used > self.budget and len(self._entries) > 1:
            _, dropped = self._entries.popitem(last=False)
            self.used -= sum(getattr(a, "nbytes", 0) for a in dropped)

    def get(self, key: tuple, io: Any, load: Any) -> Any:
        """The cached value for ``key``, else ``load()`` run while holding ``io``."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        with io:  # not under the cache's lock: other threads keep reading cached lists
            value = load()
        self.put(key, value)
        return value

    def put(self, key: tuple, value: tuple) -> None:
        size = sum(getattr(a, "nbytes", 0) for a in value)
        with self._lock:
            if key not in self._entries:
                self._entries[key] = value
                self.used += size
                self._evict()


_ARRAYS = _ArrayCache(ARRAY_CACHE_MB)


def set_array_cache_size(megabytes: int) -> None:
    """Bound the process's cache of decoded posting lists (least recently used go first)."""
    _ARRAYS.resize(megabytes)


def _segment_postings(reader: Any, field: str, term: str, io: Any) -> tuple[np.ndarray, np.ndarray]:
    key = (reader.segment().segment_id(), "postings", field, term)

    def load() -> tuple[np.ndarray, np.ndarray]:
        docs, weights, _ = _read_postings(reader, field, term, positions=False)
        return _narrow_documents(docs, reader), _narrow_frequencies(weights)

    return _ARRAYS.get(key, io, load)


def _segment_positions(reader: Any, field: str, term: str, io: Any) -> np.ndarray:
    segment = reader.segment().segment_id()

    def load() -> tuple[np.ndarray]:
        docs, weights, keys = _read_postings(reader, field, term, positions=True)
        # Read together, kept together.
        _ARRAYS.put((segment, "postings", field, term), (_narrow_documents(docs, reader), _narrow_frequencies(weights)))
        return (_narrow_keys(keys, reader),)

    return _ARRAYS.get((segment, "positions", field, term), io, load)[0]


# Cached lists are kept in the narrowest type that holds them, and widened
# when a query reads them: most of a server's memory is these lists, and a
# segment's document numbers, a caption's word positions and a word's count
# in one caption are small numbers.

_NARROW_KEY_BITS = 16  # a narrow position key is document << 16 | position, in 32 bits


def _narrowest(largest: int) -> type:
    """The smallest unsigned type holding 0..largest."""
    for kind in (np.uint8, np.uint16, np.uint32):
        if largest <= np.iinfo(kind).max:
            return kind
    return _INT


def _narrow_documents(docs: np.ndarray, reader: Any) -> np.ndarray:
    return docs.astype(_narrowest(reader.doc_count_all()))


def _narrow_frequencies(weights: np.ndarray) -> np.ndarray:
    """Whole-number weights (a word's count in one document) as small integers; others as they are."""
    if len(weights) == 0 or not np.array_equal(weights, np.floor(weights)) or weights.min() < 0:
        return weights
    return weights.astype(_narrowest(int(weights.max())))


def _narrow_keys(keys: np.ndarray, reader: Any) -> np.ndarray:
    """Position keys in 32 bits when the segment's documents and the positions fit in 16 each."""
    limit = 1 << _NARROW_KEY_BITS
    mask = (1 << engine.POSITION_BITS) - 1
    if reader.doc_count_all() > limit or (len(keys) and int((keys & mask).max()) >= limit):
        return keys
    return ((keys >> engine.POSITION_BITS) << _NARROW_KEY_BITS | (keys & mask)).astype(np.uint32)


def _global_keys(keys: np.ndarray, offset: int) -> np.ndarray:
    """A segment's cached position keys as the engine's ``document << 32 | position``, documents offset."""
    if keys.dtype != np.uint32:
        return keys + (offset << engine.POSITION_BITS)
    wide = keys.astype(_INT)
    positions = wide & ((1 << _NARROW_KEY_BITS) - 1)
    wide >>= _NARROW_KEY_BITS
    wide += offset
    wide <<= engine.POSITION_BITS
    wide |= positions
    return wide


def _joined_lengths(leaves: list[tuple[Any, int]], field: str) -> np.ndarray:
    """Every document's encoded field length (a byte, as Whoosh stores it), segments end to end."""
    parts = [_read_lengths(reader, field) for reader, _ in leaves]
    return np.concatenate(parts) if parts else np.zeros(0, np.uint8)


def _segment_facets(reader: Any, io: Any) -> tuple[list[str], np.ndarray, np.ndarray]:
    key = (reader.segment().segment_id(), "facets")
    return _ARRAYS.get(key, io, lambda: _read_facets(reader))


def _read_postings(reader: Any, field: str, term: str, positions: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(documents, weights, position keys) of a term in one segment.

    Whoosh's block reader is driven a block at a time (its per-posting
    interface costs a Python call per posting); the format is frozen with
    the pinned whoosh-reloaded 2.7.5.
    """
    empty = (np.zeros(0, np.int32), np.zeros(0, np.float32), np.zeros(0, _INT))
    btext = term.encode("utf-8")
    if (field, btext) not in reader:
        return empty
    matcher = reader.postings(field, btext)
    ids: list[Any] = []
    weights: list[Any] = []
    values: list[Any] = []
    if isinstance(matcher, W3LeafMatcher):
        while True:
            matcher._read_ids()
            matcher._read_weights()
            ids.extend(matcher._ids)
            weights.extend(matcher._weights)
            if positions:
                matcher._read_values()
                values.extend(matcher._values)
            if matcher._lastblock:
                break
            matcher._goto(matcher._nextoffset)
    else:  # a short list kept inline in the term's entry
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            if positions:
                values.append(matcher.value())
            matcher.next()
    docs = np.array(ids, dtype=np.int32)
    keys = _position_keys(docs, values) if positions else empty[2]
    return docs, np.array(weights, dtype=np.float32), keys


def _position_keys(docs: np.ndarray, values: list[bytes]) -> np.ndarray:
    """Sorted keys ``document << 32 | position`` from Whoosh's Positions values.

    Each value is a 4-byte count and a pickled list of position deltas (the
    format's encode(), its final STOP opcode dropped by the block writer):
    unpickled here, then summed back into positions with array arithmetic
    rather than Whoosh's per-position Python loop.
    """
    lists = [pickle.loads(value[4:] if value.endswith(b".") else value[4:] + b".") for value in values]
    counts = np.fromiter(map(len, lists), dtype=_INT, count=len(lists))
    running = np.cumsum(np.fromiter(chain.from_iterable(lists), dtype=_INT, count=int(counts.sum())))
    ends = np.cumsum(counts)
    before = np.concatenate([[0], running[ends[:-1] - 1]]) if len(ends) else np.zeros(0, _INT)
    positions = running - np.repeat(before, counts)
    return (np.repeat(docs.astype(_INT), counts) << engine.POSITION_BITS) | positions


def _read_lengths(reader: Any, field: str) -> np.ndarray:
    """Each document's field length, byte-encoded as Whoosh stores it (``_BYTE_TO_LENGTH`` decodes)."""
    size = reader.doc_count_all()
    encoded = np.zeros(size, dtype=np.uint8)
    perdoc = reader._perdoc
    column_name = f"_{field}_len"
    if perdoc.has_column(column_name):
        column = perdoc.column_reader(column_name, LENGTHS_COLUMN)
        stored = np.frombuffer(column._dbfile.get(column._basepos, column._count), dtype=np.uint8)
        encoded[: len(stored)] = stored
    return encoded


_BYTE_TO_LENGTH = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


def _read_facets(reader: Any) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(facet values, each posting's value number, each posting's document) of one segment."""
    names, values, docs = [], [], []
    for number, btext in enumerate(reader.lexicon("facet")):
        names.append(btext.decode("utf-8"))
        ids = _read_postings(reader, "facet", names[-1], positions=False)[0]
        docs.append(_narrow_documents(ids, reader))
        values.append(np.full(len(ids), number, dtype=_narrowest(number)))
    if not names:
        return [], np.zeros(0, np.uint8), np.zeros(0, np.uint8)
    return names, np.concatenate(values), np.concatenate(docs)


def stored_record(searcher: Any, record_id: str) -> dict[str, Any] | None:
    with _io(searcher):
        fields = searcher.document(id=record_id)
    return fields["record"] if fields else None


def iter_stored_records(searcher: Any) -> Iterator[dict[str, Any]]:
    io = _io(searcher)
    for docnum in np.flatnonzero(index_arrays(searcher).live()):
        with io:  # per document: the caller may take its time between them
            fields = searcher.stored_fields(int(docnum))
        yield fields["record"]


# -- the spelling dictionary ----------------------------------------------------
#
# Every folded word of every title, caption and alt text, one per line, in a
# file beside the segments. A per-document field would cost ~45 postings per
# photo, a third of all the postings a writer sorts and writes; the file costs
# one rewrite per commit. Words are only ever added: a word whose photos were
# deleted stays, which is why suggestions are counted in the live index.


def extend_dictionary(index_dir: str | os.PathLike[str], words: set[str]) -> None:
    """Add ``words`` to the dictionary file, replacing it whole (never half-written)."""
    path = Path(index_dir) / DICTIONARY_FILE
    known = _read_dictionary(path)
    if words <= known:
        return
    fd, temporary = tempfile.mkstemp(dir=index_dir, prefix=".words-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write("\n".join(sorted(known | words)) + "\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _read_dictionary(path: Path) -> set[str]:
    try:
        return set(path.read_text(encoding="utf-8").split())
    except FileNotFoundError:
        return set()


@dataclass(frozen=True)
class _Dictionary:
    words: frozenset[str]
    by_length: dict[int, list[tuple[int, str]]]  # with each word's letter mask


_DICTIONARIES: dict[str, tuple[tuple[int, int], _Dictionary]] = {}
_DICTIONARIES_LOCK = threading.Lock()


def _dictionary(searcher: Any) -> _Dictionary:
    """The index's dictionary, read again only when the file has changed."""
    path = Path(searcher._ix.storage.folder) / DICTIONARY_FILE
    try:
        stat = path.stat()
        version = (stat.st_mtime_ns, stat.st_size)
    except FileNotFoundError:
        version = (0, 0)
    with _DICTIONARIES_LOCK:
        cached = _DICTIONARIES.get(str(path))
    if cached is not None and cached[0] == version:
        return cached[1]
    words = frozenset(_read_dictionary(path))
    by_length: dict[int, list[tuple[int, str]]] = {}
    for word in sorted(words):
        by_length.setdefault(len(word), []).append((_letter_mask(word), word))
    dictionary = _Dictionary(words, by_length)
    with _DICTIONARIES_LOCK:
        _DICTIONARIES[str(path)] = (version, dictionary)
    return dictionary


def in_dictionary(searcher: Any, word: str) -> bool:
    return word in _dictionary(searcher).words


def term_doc_frequency(searcher: Any, field: str, term: str) -> int:
    """How many documents (deleted ones not yet merged away included) hold ``term``."""
    with _io(searcher):
        return searcher.reader().doc_frequency(field, term)


def _io(searcher: Any) -> Any:
    return index_arrays(searcher).io


def spelling_candidates(searcher: Any, word: str, maxdist: int = 2) -> list[str]:
    """Dictionary words within ``maxdist`` edits of ``word``.

    The distance is Damerau-Levenshtein (Whoosh's), computed only for words
    that two exact lower bounds leave in: the length difference, and the
    letters one word has and the other lacks (each needs an edit). That is
    most of the time of a misspelt query saved.
    """
    by_length = _dictionary(searcher).by_length
    mask = _letter_mask(word)
    found = []
    for length in range(len(word) - maxdist, len(word) + maxdist + 1):
        for other_mask, candidate in by_length.get(length, ()):
            if (other_mask & ~mask).bit_count() > maxdist or (mask & ~other_mask).bit_count() > maxdist:
                continue
            if candidate != word and edit_distance(candidate, word, limit=maxdist) <= maxdist:
                found.append(candidate)
    return found


def _letter_mask(word: str) -> int:
    # Letters sharing a bit only make the bound looser, never wrong.
    mask = 0
    for letter in word:
        mask |= 1 << (ord(letter) & 63)
    return mask


def more_like(searcher: Any, record_id: str, text: str, limit: int = 6) -> list[RawHit]:
    """Photos whose text shares the most distinctive terms with this one.

    The text field is neither stored nor vectored, so the caller passes the
    record's normalised terms as ``text``. Whoosh picks the terms and their
    weights (its Bo1 model, as its own more_like does); the engine runs them
    as one weighted OR.
    """
    with _io(searcher):
        docnum = searcher.document_number(id=record_id)
        terms = searcher.key_terms_from_text("text", text, numterms=12, normalize=True) if docnum is not None else []
    if not terms:
        return []
    arrays = index_arrays(searcher)
    found = engine.evaluate(ql.Or(tuple(ql.Term("text", term, boost=weight) for term, weight in terms)), arrays)
    best = [i for i in engine.top(found, limit + 1) if found.docs[i] != docnum][:limit]
    with arrays.io:
        return [_raw_hit(searcher, int(found.docs[i]), float(found.scores[i])) for i in best]


# -- Whoosh's own evaluation, the reference the engine is checked against --------------------


def whoosh_search(searcher: Any, tree: ql.Node, filters: Sequence[str] = (), limit: int = 10) -> tuple[int, list[tuple[str, float]]]:
    """The total and top (id, score) pairs as Whoosh's matchers compute them."""
    from whoosh import collectors

    # Every match scored: the default collector's block skipping can drop a true top hit.
    collector: Any = collectors.TopCollector(limit, usequality=False, replace=0)
    if filters:
        collector = collectors.FilterCollector(collector, wq.And([wq.Term("facet", value) for value in filters]))
    searcher.search_with_collector(to_whoosh(tree), collector)
    results = collector.results()
    return len(results), [(hit["id"], float(hit.score or 0.0)) for hit in results]


def whoosh_facet_counts(searcher: Any, tree: ql.Node) -> dict[str, int]:
    from whoosh import sorting

    grouping = {"facet": sorting.FieldFacet("facet", allow_overlap=True)}
    results = searcher.search(to_whoosh(tree), limit=1, groupedby=grouping, maptype=sorting.Count)
    return dict(results.groups("facet"))




def to_whoosh(node: ql.Node) -> Any:
    """Translate our query tree into a Whoosh query (terms already normalised)."""
    if isinstance(node, ql.Term):
        return wq.Term(node.field, node.term, boost=node.boost)
    if isinstance(node, ql.Phrase):
        fields = engine.PHRASE_FIELDS if node.field == ql.DEFAULT_FIELD else (node.field,)
        phrases = [wq.Phrase(name, list(node.terms), boost=node.boost) for name in fields]
        return phrases[0] if len(phrases) == 1 else wq.Or(phrases)
    if isinstance(node, ql.And):
        positive = [to_whoosh(n) for n in node.items if not isinstance(n, ql.Not)]
        negative = [to_whoosh(n.item) for n in node.items if isinstance(n, ql.Not)]
        base = wq.And(positive) if positive else wq.Every()
        return wq.AndNot(base, wq.Or(negative)) if negative else base
    if isinstance(node, ql.Or):
        return wq.Or([to_whoosh(n) for n in node.items])
    if isinstance(node, ql.Not):
        return wq.AndNot(wq.Every(), to_whoosh(node.item))
    if isinstance(node, ql.Everything):
        return wq.Every()
    if isinstance(node, ql.Nothing):
        return wq.NullQuery
    raise TypeError(f"unknown query node {node!r}")


# -- raw Whoosh, for the benchmarks only ------------------------------------------------
# bench/ compares captionsearch with plain Whoosh (its StemmingAnalyzer, its query
# parser and highlighter) to show what our own analysis costs. Kept here so that
# every `import whoosh` stays in this module.


def build_stemming_baseline(
    index_dir: str | os.PathLike[str], rows: Iterable[tuple[str, str, str, str]], procs: int = 2, multisegment: bool = False
) -> None:
    """Index (id, title, caption, alt) rows the plain Whoosh way, in a fresh folder.

    ``multisegment=False`` is Whoosh's default: with ``procs`` > 1 the
    sub-writers' segments are merged into one at commit. ``True`` keeps them,
    as captionsearch's own bulk writes do.
    """
    from whoosh.analysis import StemmingAnalyzer

    def text(stored: bool = False) -> TEXT:
        return TEXT(analyzer=StemmingAnalyzer(), stored=stored, phrase=True)

    schema = Schema(id=ID(stored=True), title=text(True), caption=text(True), alt=text())
    Path(index_dir).mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(index_dir), schema)
    writer = ix.writer(procs=procs, multisegment=multisegment, limitmb=256) if procs > 1 else ix.writer(limitmb=256)
    for record_id, title, caption, alt in rows:
        writer.add_document(id=record_id, title=title, caption=caption, alt=alt)
    writer.commit()


def open_stemming_baseline(index_dir: str | os.PathLike[str]) -> Any:
    return whoosh_index.open_dir(str(index_dir)).searcher(weighting=scoring.BM25F())


def search_stemming_baseline(searcher: Any, query: str, limit: int = 10) -> tuple[int, list[tuple[str, str]]]:
    """Top ``limit`` (id, highlighted caption) for a query in Whoosh's own syntax, and the total."""
    from whoosh.qparser import MultifieldParser

    parsed = MultifieldParser(["title", "caption", "alt"], searcher.schema).parse(query)
    results = searcher.search(parsed, limit=limit)
    return len(results), [(hit["id"], hit.highlights("caption")) for hit in results]
