"""Searching: a query string in, a SearchPage of plain data out.

The web front end, the CLI and the benchmarks all call ``search``. Nothing
returned holds a Whoosh object; the shared searcher stays open in a pool
(one per index folder and process) and is refreshed when the index changes.
"""

from __future__ import annotations

import atexit
import heapq
import math
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from .. import index, nlp
from . import querylang as ql
from ..errors import ConfigError, IndexMissing
from ..records import CaptionRecord

FEW_RESULTS = 3  # fewer hits than this and a spelling suggestion is worth offering
MAX_LIMIT = 100
MAX_PAGE = 1000
FACET_VALUES_SHOWN = 12
WARM_SHARE = 0.5  # of the posting-list cache, filled by a server's master with the commonest words (shared by its workers)
WARM_SECONDS = 10.0  # at most: a server announces its address only once warm


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of text; ``match`` marks the words the query matched, as written."""

    text: str
    match: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "match": self.match}


@dataclass(frozen=True)
class Hit:
    rank: int
    score: float
    record: CaptionRecord
    entities: tuple[nlp.Entity, ...]
    highlights: dict[str, tuple[Segment, ...]]  # "title", "caption", "alt"
    facets: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return self.record.id

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.record.id,
            "rank": self.rank,
            "score": round(self.score, 4),
            **public_fields(self.record, self.entities),
            "highlights": {name: [s.to_dict() for s in segs] for name, segs in self.highlights.items()},
        }


def public_fields(record: CaptionRecord, entities: Iterable[nlp.Entity]) -> dict[str, Any]:
    """A photo's fields as every JSON output shows them (the search hits, the web's twins)."""
    return {
        "title": record.title,
        "caption": record.caption,
        "alt": record.alt,
        "credit": record.credit,
        "date": record.date,
        "keywords": list(record.keywords),
        "image": record.image,
        "page": record.page,
        "gallery": record.gallery,
        "width": record.width,
        "height": record.height,
        "entities": [{"group": e.group, "text": e.text} for e in entities],
    }


@dataclass(frozen=True)
class FacetValue:
    group: str
    value: str
    count: int
    selected: bool = False

    @property
    def key(self) -> str:
        return f"{self.group}:{self.value}"

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "count": self.count, "selected": self.selected, "filter": self.key}


@dataclass(frozen=True)
class SearchPage:
    query: str
    total: int
    page: int
    limit: int
    hits: tuple[Hit, ...]
    facets: dict[str, tuple[FacetValue, ...]] = field(default_factory=dict)
    filters: tuple[str, ...] = ()
    corrected_query: str | None = None  # the query whose results are shown, if not the one typed
    did_you_mean: str | None = None
    elapsed_ms: float = 0.0

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.limit)) if self.limit else 1

    def to_dict(self) -> dict[str, Any]:
        """The documented, stable JSON shape (see docs/search-json.md)."""
        return {
            "query": self.query,
            "corrected_query": self.corrected_query,
            "did_you_mean": self.did_you_mean,
            "total": self.total,
            "page": self.page,
            "pages": self.pages,
            "limit": self.limit,
            "elapsed_ms": round(self.elapsed_ms, 2),
            "filters": list(self.filters),
            "facets": {g: [v.to_dict() for v in values] for g, values in self.facets.items()},
            "hits": [h.to_dict() for h in self.hits],
        }


# -- the searcher pool --------------------------------------------------------------

_POOLS: dict[str, index.SearcherPool] = {}
_POOLS_LOCK = threading.Lock()


@atexit.register
def close_pools() -> None:
    """Close every pool's searcher (its open index files); pools reopen on the next search."""
    with _POOLS_LOCK:
        for pool in _POOLS.values():
            pool.close()


def searcher_pool(index_dir: str | Path) -> index.SearcherPool:
    """The process's pool for one index folder (created on first use, not at import)."""
    key = str(Path(index_dir).resolve())
    with _POOLS_LOCK:
        if key not in _POOLS:
            _POOLS[key] = index.SearcherPool(key)
        return _POOLS[key]


def configure(query_cache_mb: int | None = None) -> None:
    """Process-wide search settings: the memory kept for decoded posting lists."""
    if query_cache_mb is not None:
        index.set_array_cache_size(query_cache_mb)


# -- searching ----------------------------------------------------------------------


# The groups the indexer writes facets in: entity groups (nlp.ENTITY_GROUPS), the gallery, the
# year and the source kind (indexing._facets), and the audit status (status.status_facets).
# tests/search keeps this in step with what an index holds.
FACET_GROUPS = tuple(sorted({*nlp.ENTITY_GROUPS.values(), "gallery", "year", "source", "status"}))


def check_filters(filters: Sequence[str]) -> None:
    """Raise ConfigError for a filter that is not group:value with a known group, naming the groups."""
    for key in filters:
        group, sep, value = key.partition(":")
        if not (sep and value.strip()) or group not in FACET_GROUPS:
            raise ConfigError(f"unknown filter {key!r}: filter by group:value, the group one of "
                              f"{', '.join(FACET_GROUPS)} (for example place:China or year:2019)")


def search(
    query: str,
    index_dir: str | Path = "index",
    page: int = 1,
    limit: int = 10,
    filters: Sequence[str] = (),
    facets: bool = True,
    suggest: bool = True,
) -> SearchPage:
    """Search the index in ``index_dir``.

    ``filters`` are facet keys ("place:China", "year:2019") every hit must
    carry. Raises QuerySyntaxError for a query that cannot be parsed and
    IndexMissing when there is no index.
    """
    started = time.perf_counter()
    _check_paging(page, limit)
    check_filters(filters)
    tree = ql.parse(query)
    with searcher_pool(index_dir).lease() as searcher:
        return _search(searcher, query, tree, page, limit, filters, facets, suggest, started)


def _search(
    searcher: Any,
    query: str,
    tree: ql.Node,
    page: int,
    limit: int,
    filters: Sequence[str],
    facets: bool,
    suggest: bool,
    started: float,
) -> SearchPage:
    offset = (page - 1) * limit
    shown_tree, raw = tree, _run(searcher, tree, filters, offset, limit, facets)
    corrected = did_you_mean = None
    if suggest and raw.total < FEW_RESULTS:
        alternative = _corrected_tree(searcher, tree)
        if alternative is not None:
            alt_raw = _run(searcher, alternative, filters, offset, limit, facets)
            if alt_raw.total > raw.total:
                did_you_mean = ql.unparse(alternative)
                if raw.total == 0:
                    shown_tree, raw, corrected = alternative, alt_raw, did_you_mean
    hits = tuple(_hit(offset + i + 1, h, shown_tree) for i, h in enumerate(raw.hits))
    return SearchPage(
        query=query,
        total=raw.total,
        page=page,
        limit=limit,
        hits=hits,
        facets=_facet_groups(raw.facet_counts, filters),
        filters=tuple(filters),
        corrected_query=corrected,
        did_you_mean=did_you_mean,
        elapsed_ms=(time.perf_counter() - started) * 1000,
    )


def _check_paging(page: int, limit: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise ConfigError(f"limit must be between 1 and {MAX_LIMIT}, not {limit}")
    if not 1 <= page <= MAX_PAGE:
        raise ConfigError(f"page must be between 1 and {MAX_PAGE}, not {page}")


def _analyse(text: str) -> list[tuple[str, str]]:
    return [(t.word, t.stem) for t in nlp.tokenize(text)]


def normalised(tree: ql.Node) -> ql.Node:
    return ql.normalise(tree, _analyse, nlp.QUERY_STOPWORDS)


def _run(searcher: Any, tree: ql.Node, filters: Sequence[str], offset: int, limit: int, facets: bool) -> index.RawResults:
    return index.run_query(searcher, normalised(tree), filters, offset, limit, facets)


def _corrected_tree(searcher: Any, tree: ql.Node) -> ql.Node | None:
    """The query with each unknown word replaced by the likeliest known one."""
    corrections = {}
    for word in ql.positive_words(tree):
        if word.quoted:
            continue
        folded = [w for w, _ in _analyse(word.text)]
        if len(folded) != 1 or folded[0] in nlp.QUERY_STOPWORDS or folded[0].isdigit():
            continue
        if index.in_dictionary(searcher, folded[0]) and _photos_using(searcher, folded[0]):
            continue
        candidates = {c: _photos_using(searcher, c) for c in index.spelling_candidates(searcher, folded[0])}
        best = best_correction(folded[0], {c: n for c, n in candidates.items() if n})
        if best:
            corrections[word.text] = best
    return ql.replace_words(tree, corrections) if corrections else None


def _photos_using(searcher: Any, word: str) -> int:
    """Photos with a form of this dictionary word (its stem).

    The dictionary keeps the words of deleted photos, so this is what says
    whether a word is still in the collection.
    """
    return index.term_doc_frequency(searcher, "text", nlp.stem(word))


def best_correction(word: str, candidates: dict[str, int]) -> str | None:
    """The closest candidate by edit distance, then the most used, then alphabetical."""
    ranked = sorted(candidates, key=lambda c: (edit_distance(word, c), -candidates[c], c))
    return ranked[0] if ranked else None


def edit_distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (adjacent transpositions count as one edit)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def _hit(rank: int, raw: index.RawHit, tree: ql.Node) -> Hit:
    stored = dict(raw.record)
    entities = tuple(nlp.Entity(e["group"], e["text"]) for e in stored.pop("entities", ()))
    facet_keys = tuple(stored.pop("facets", ()))
    record = CaptionRecord.from_dict(stored)
    targets = _targets(normalised(tree))
    highlights = {
        name: highlight(getattr(record, name) or "", targets.get(name, ()))
        for name in ("title", "caption", "alt")
    }
    return Hit(rank, raw.score, record, entities, highlights, facet_keys)


def _targets(tree: ql.Node) -> dict[str, list[tuple[str, ...]]]:
    """Which term sequences to mark in which displayed field."""
    shown_in = {"text": ("title", "caption", "alt"), "entity": ("caption",)}
    targets: dict[str, list[tuple[str, ...]]] = {}
    for node in ql.positive_terms(tree):
        sequence = (node.term,) if isinstance(node, ql.Term) else node.terms
        for name in shown_in.get(node.field, (node.field,)):
            targets.setdefault(name, []).append(sequence)
    return targets


def highlight(text: str, sequences: Iterable[tuple[str, ...]]) -> tuple[Segment, ...]:
    """Split ``text`` into segments, marking the words whose stems form a wanted sequence.

    The marks fall on the words as written in the caption (the original
    words, not stems), found by running the same tokenizer over it.
    """
    sequences = [s for s in sequences if s]
    if not text:
        return ()
    tokens = nlp.tokenize(text)
    stems = [t.stem for t in tokens]
    marked = [False] * len(tokens)
    for sequence in sequences:
        size = len(sequence)
        for start in range(len(stems) - size + 1):
            if tuple(stems[start : start + size]) == sequence:
                marked[start : start + size] = [True] * size
    return _segments(text, tokens, marked)


def _segments(text: str, tokens: list[nlp.Token], marked: list[bool]) -> tuple[Segment, ...]:
    segments: list[Segment] = []
    cursor = 0
    for token, is_marked in zip(tokens, marked):
        if not is_marked:
            continue
        if token.start > cursor:
            segments.append(Segment(text[cursor : token.start]))
        segments.append(Segment(text[token.start : token.end], True))
        cursor = token.end
    if cursor < len(text):
        segments.append(Segment(text[cursor:]))
    return tuple(segments)


def _facet_groups(counts: dict[str, int], filters: Sequence[str]) -> dict[str, tuple[FacetValue, ...]]:
    """The FACET_VALUES_SHOWN values of each group to show: selected ones first, then by count, then by name.

    A large collection has thousands of facet values (every person and place
    named), so only the values that can make the cut are sorted and made
    into FacetValues: those whose count reaches the group's N-th highest.
    """
    groups: dict[str, list[tuple[str, int]]] = {}
    for key, count in counts.items():
        group, _, value = key.partition(":")
        groups.setdefault(group, []).append((value, count))
    selected = set(filters)
    return {group: _shown_values(group, values, selected) for group, values in sorted(groups.items())}


def _shown_values(group: str, values: list[tuple[str, int]], selected: set[str]) -> tuple[FacetValue, ...]:
    if len(values) > FACET_VALUES_SHOWN:
        cut = heapq.nlargest(FACET_VALUES_SHOWN, (count for _, count in values))[-1]
        values = [(v, c) for v, c in values if c >= cut or f"{group}:{v}" in selected]
    chosen = [FacetValue(group, v, c, f"{group}:{v}" in selected) for v, c in values]
    chosen.sort(key=lambda f: (not f.selected, -f.count, f.value.casefold()))
    return tuple(chosen[:FACET_VALUES_SHOWN])


def warm_up(index_dir: str | Path, frequent_terms: bool = False) -> None:
    """Load the tokenizer and open the searcher now rather than on the first query.

    ``frequent_terms`` also reads the commonest words' posting lists, for up
    to WARM_SECONDS (for a server's master, before it forks its workers: their
    first visitors' queries would otherwise each pay for them).
    """
    nlp.tokenize("warm up")
    try:
        with searcher_pool(index_dir).lease() as searcher:
            index.warm(searcher)
            if frequent_terms:
                index.warm_frequent_terms(searcher, share=WARM_SHARE, seconds=WARM_SECONDS)
    except IndexMissing:
        pass  # the first request explains what to do


# -- single photos ----------------------------------------------------------------------


@dataclass(frozen=True)
class Photo:
    record: CaptionRecord
    entities: tuple[nlp.Entity, ...]
    facets: tuple[str, ...]


def get_photo(record_id: str, index_dir: str | Path = "index") -> Photo | None:
    """One photo by id, or None."""
    with searcher_pool(index_dir).lease() as searcher:
        stored = index.stored_record(searcher, record_id)
    return _photo(stored) if stored else None


def more_like_this(record_id: str, index_dir: str | Path = "index", limit: int = 6) -> list[Photo]:
    with searcher_pool(index_dir).lease() as searcher:
        stored = index.stored_record(searcher, record_id)
        if stored is None:
            return []
        shown = " ".join(stored.get(name) or "" for name in ("title", "caption", "alt"))
        raw = index.more_like(searcher, record_id, " ".join(nlp.normalise(shown)), limit)
    return [_photo(h.record) for h in raw]


def all_photos(index_dir: str | Path = "index") -> Iterator[Photo]:
    with searcher_pool(index_dir).lease() as searcher:
        for stored in index.iter_stored_records(searcher):
            yield _photo(stored)


def collection_facets(index_dir: str | Path = "index") -> dict[str, tuple[FacetValue, ...]]:
    with searcher_pool(index_dir).lease() as searcher:
        return _facet_groups(index.facet_counts(searcher), ())


def photo_count(index_dir: str | Path = "index") -> int:
    with searcher_pool(index_dir).lease() as searcher:
        return index.doc_count(searcher)


def _photo(stored: dict[str, Any]) -> Photo:
    stored = dict(stored)
    entities = tuple(nlp.Entity(e["group"], e["text"]) for e in stored.pop("entities", ()))
    facets = tuple(stored.pop("facets", ()))
    return Photo(CaptionRecord.from_dict(stored), entities, facets)
