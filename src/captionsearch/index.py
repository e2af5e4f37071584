"""The search index: the only module that imports Whoosh.

Text arrives here already normalised (nlp.tokenize, as space-separated
terms), so the schema holds no spaCy object and the analyzer pickled into
the index is a plain whitespace tokenizer. Queries arrive as our own query
tree (querylang) and are translated here.

Writes are atomic the way Whoosh's are: segments are written first and the
table of contents last, so a run that dies before commit leaves the previous
index searchable. A pid file beside Whoosh's lock tells a live writer from a
stale one.
"""

from __future__ import annotations

import json
import os
import threading
import weakref
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh import collectors, scoring, sorting
from whoosh.analysis import RegexTokenizer
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.index import LockError
from whoosh.support.levenshtein import damerau_levenshtein as edit_distance

from . import querylang as ql
from .errors import CaptionSearchError, IndexLocked, IndexMissing

SCHEMA_VERSION = "2"
INDEX_NAME = "MAIN"
PHRASE_FIELDS = ("title", "caption", "alt")  # where an unscoped phrase is looked for
PID_FILE = "writer.pid"


def _remember_missing_columns() -> None:
    """Make Whoosh's per-segment reader remember that a field has no lengths column.

    whoosh-reloaded 2.7.5 (pinned, frozen) caches the column readers it finds
    but asks the file system again for every missing one: while a segment is
    written that is one stat() per posting of each unscored field (id, words,
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
        words=KEYWORD(lowercase=False, scorable=False),  # unstemmed: the spelling dictionary
        facet=KEYWORD(commas=True, lowercase=False, scorable=False),
        record=STORED(),
    )


@dataclass(frozen=True)
class IndexDocument:
    """One photo as the index stores it; every text field is normalised terms."""

    id: str
    state: str
    text: str
    title: str
    caption: str
    alt: str
    entity: str
    words: str
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
            "words": self.words,
            "facet": ",".join(self.facets),
            "record": json.dumps(self.record, ensure_ascii=False, separators=(",", ":")),
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


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


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

    def __enter__(self) -> "IndexWriter":
        try:
            self._writer = self._open_writer()
        except LockError:
            raise self.lock.locked_error() from None
        self.lock.acquire()
        return self

    def _open_writer(self) -> Any:
        if self.procs > 1:
            return self.ix.writer(procs=self.procs, multisegment=True, limitmb=256)
        return self.ix.writer(limitmb=256)

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        try:
            if exc_type is None:
                self._writer.commit(merge=self.merge)
            else:
                self._writer.cancel()
        finally:
            self.lock.release()

    def put(self, document: IndexDocument, new: bool = False) -> None:
        """Add a document; ``new`` skips the delete of an older version by id."""
        if new:
            self._writer.add_document(**document.fields())
        else:
            self._writer.update_document(**document.fields())

    def delete(self, record_id: str) -> None:
        self._writer.delete_by_term("id", record_id)


def read_states(index_dir: str | os.PathLike[str]) -> dict[str, str]:
    """id -> state of every live document, read from a column (about a second at 1M).

    The term list would be faster but still holds the terms of deleted
    (replaced) documents until their segment is merged away.
    """
    if not index_exists(index_dir):
        return {}
    ix = open_index(index_dir)
    with ix.reader() as reader:
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
    """Run a query tree; ``filters`` are facet values that every hit must carry."""
    query = to_whoosh(tree)
    filter_query = wq.And([wq.Term("facet", value) for value in filters]) if filters else None
    options: dict[str, Any] = {"limit": offset + limit, "filter": filter_query}
    if facets:
        options["groupedby"] = {"facet": _FacetValues("facet")}
        options["maptype"] = sorting.Count
        results = searcher.search(query, **options)
    elif offset + limit < searcher.doc_count() and not _has_union(tree):
        results = _top_and_count(searcher, query, offset + limit, filter_query)
    else:
        results = searcher.search(query, **options)
    hits = tuple(
        RawHit(hit["id"], float(hit.score or 0.0), json.loads(hit["record"]))
        for hit in results[offset : offset + limit]
    )
    counts = dict(results.groups("facet")) if facets else {}
    return RawResults(len(results), hits, counts)


def _top_and_count(searcher: Any, query: Any, limit: int, filter_query: Any) -> Any:
    """The top ``limit`` hits and the exact number of matches, in one pass.

    Whoosh's default collector skips low-scoring blocks and swaps in pruned
    matchers, so it cannot count; len(results) then ran the whole query a
    second time (40% of query time at 100k captions). Scoring every match
    once, without skipping or pruning, gives the same hits and the count.
    """
    collector: Any = collectors.TopCollector(limit, usequality=False, replace=0)
    if filter_query is not None:
        collector = collectors.FilterCollector(collector, filter_query)
    searcher.search_with_collector(query, collector)
    return collector.results()


def _has_union(node: ql.Node) -> bool:
    # For OR queries Whoosh's pruning saves more than the second, counting pass costs.
    if isinstance(node, ql.Or):
        return True
    if isinstance(node, ql.And):
        return any(_has_union(item) for item in node.items)
    return isinstance(node, ql.Not) and _has_union(node.item)


class _FacetValues(sorting.FieldFacet):
    """Groups by a keyword field whose documents carry several values, like FieldFacet(allow_overlap=True).

    Whoosh's categorizer for that rebuilds a list of every document's values
    from the field's whole term list, for each segment, on every query: work
    in proportion to the collection, most of a faceted query's time. A
    segment never changes once written, so the lists are kept per segment
    reader (deleted documents are never matched, so their entries are unused).
    """

    def __init__(self, fieldname: str):
        super().__init__(fieldname, allow_overlap=True)

    def categorizer(self, global_searcher: Any) -> Any:
        return _CachedOverlappingCategorizer(global_searcher, self.fieldname)


_FACET_LISTS: "weakref.WeakKeyDictionary[Any, dict[str, list]]" = weakref.WeakKeyDictionary()
_FACET_LISTS_LOCK = threading.Lock()


class _CachedOverlappingCategorizer(sorting.OverlappingCategorizer):
    def set_searcher(self, segment_searcher: Any, docoffset: int) -> None:
        if self._use_vectors or self._use_column:
            super().set_searcher(segment_searcher, docoffset)
            return
        reader = segment_searcher.reader()
        with _FACET_LISTS_LOCK:
            lists = _FACET_LISTS.get(reader, {}).get(self._fieldname)
        if lists is None:
            super().set_searcher(segment_searcher, docoffset)
            with _FACET_LISTS_LOCK:
                _FACET_LISTS.setdefault(reader, {})[self._fieldname] = self._lists
            return
        self._segment_searcher = segment_searcher
        self._lists = lists


def stored_record(searcher: Any, record_id: str) -> dict[str, Any] | None:
    fields = searcher.document(id=record_id)
    return json.loads(fields["record"]) if fields else None


def iter_stored_records(searcher: Any) -> Iterator[dict[str, Any]]:
    for fields in searcher.all_stored_fields():
        yield json.loads(fields["record"])


def facet_counts(searcher: Any) -> dict[str, int]:
    """Facet value -> number of photos carrying it, over the whole collection.

    Counted by a search, not from the term list, whose frequencies still
    include replaced documents until their segment is merged away.
    """
    grouping = {"facet": _FacetValues("facet")}
    results = searcher.search(wq.Every(), limit=1, groupedby=grouping, maptype=sorting.Count)
    return dict(results.groups("facet"))


def known_word(searcher: Any, word: str) -> bool:
    return searcher.reader().doc_frequency("words", word) > 0


def spelling_candidates(searcher: Any, word: str, maxdist: int = 2) -> dict[str, int]:
    """Dictionary words within ``maxdist`` edits of ``word``, with how many photos use each.

    The distance is Whoosh's Damerau-Levenshtein, as its reader.terms_within
    computes it over a multi-segment index, but run only on words that two
    exact lower bounds leave in: the length difference, and the letters one
    word has and the other lacks (each needs an edit). That is most of the
    time of a misspelt query saved, and the same answer for a one-segment
    index, where terms_within uses a Levenshtein automaton without transpositions.
    """
    reader = searcher.reader()
    mask = _letter_mask(word)
    by_length = _spelling_lexicon(reader)
    found = {}
    for length in range(len(word) - maxdist, len(word) + maxdist + 1):
        for other_mask, candidate in by_length.get(length, ()):
            if (other_mask & ~mask).bit_count() > maxdist or (mask & ~other_mask).bit_count() > maxdist:
                continue
            if candidate != word and edit_distance(candidate, word, limit=maxdist) <= maxdist:
                found[candidate] = reader.doc_frequency("words", candidate)
    return found


_LEXICONS: "weakref.WeakKeyDictionary[Any, dict[int, list[tuple[int, str]]]]" = weakref.WeakKeyDictionary()
_LEXICONS_LOCK = threading.Lock()


def _spelling_lexicon(reader: Any) -> dict[int, list[tuple[int, str]]]:
    """The spelling dictionary by word length, with letter masks: built once per reader."""
    with _LEXICONS_LOCK:
        cached = _LEXICONS.get(reader)
    if cached is not None:
        return cached
    by_length: dict[int, list[tuple[int, str]]] = {}
    for btext in reader.lexicon("words"):
        word = btext.decode("utf-8")
        by_length.setdefault(len(word), []).append((_letter_mask(word), word))
    with _LEXICONS_LOCK:
        _LEXICONS[reader] = by_length
    return by_length


def _letter_mask(word: str) -> int:
    # Letters sharing a bit only make the bound looser, never wrong.
    mask = 0
    for letter in word:
        mask |= 1 << (ord(letter) & 63)
    return mask


def more_like(searcher: Any, record_id: str, limit: int = 6, text: str | None = None) -> list[RawHit]:
    """Photos whose text shares the most distinctive terms with this one.

    The text field is neither stored nor vectored, so the caller passes the
    record's normalised terms as ``text``.
    """
    docnum = searcher.document_number(id=record_id)
    if docnum is None:
        return []
    results = searcher.more_like(docnum, "text", text=text, top=limit, numterms=12, normalize=True)
    return [RawHit(h["id"], float(h.score or 0.0), json.loads(h["record"])) for h in results[:limit]]


# -- query translation --------------------------------------------------------------


def to_whoosh(node: ql.Node) -> Any:
    """Translate our query tree into a Whoosh query (terms already normalised)."""
    if isinstance(node, ql.Term):
        return wq.Term(node.field, node.term, boost=node.boost)
    if isinstance(node, ql.Phrase):
        fields = PHRASE_FIELDS if node.field == "text" else (node.field,)
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


def build_stemming_baseline(index_dir: str | os.PathLike[str], rows: Iterable[tuple[str, str, str, str]], procs: int = 2) -> None:
    """Index (id, title, caption, alt) rows the plain Whoosh way, in a fresh folder."""
    from whoosh.analysis import StemmingAnalyzer

    def text(stored: bool = False) -> TEXT:
        return TEXT(analyzer=StemmingAnalyzer(), stored=stored, phrase=True)

    schema = Schema(id=ID(stored=True), title=text(True), caption=text(True), alt=text())
    Path(index_dir).mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(index_dir), schema)
    writer = ix.writer(procs=procs, multisegment=True, limitmb=256) if procs > 1 else ix.writer(limitmb=256)
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
