"""Searching: a query string in, a SearchPage of plain data out.

The web front end, the CLI and the benchmarks all call ``search``. Nothing
returned holds an index object: the backend's reader stays open in a pool
(one per index folder and process) and is replaced when the index changes.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Iterator, Sequence

from .. import nlp
from ..errors import ConfigError, IndexMissing
from ..settings import DEFAULT_INDEX_DIR, DEFAULT_LIMIT
from . import querylang as ql
from .backend import IndexReader, RawHit, RawResults, get_backend
from .facets import FacetValue, check_filters, facet_groups
from .highlight import highlights
from .pool import close_pools, reader_pool
from .results import Hit, Photo, SearchPage, photo_from_stored
from .spelling import FEW_RESULTS, corrected_tree

# close_pools is the pool's, exported here for the server, which closes them before forking.
__all__ = [
    "FacetValue",
    "Hit",
    "Photo",
    "SearchPage",
    "all_photos",
    "close_pools",
    "collection_facets",
    "configure",
    "get_photo",
    "more_like_this",
    "normalised",
    "open_index",
    "photo_count",
    "search",
    "warm_up",
]

MAX_LIMIT = 100
MAX_PAGE = 1000
# Of the posting-list cache: what a server's master fills with the commonest words (shared by its workers).
WARM_SHARE = 0.5
WARM_SECONDS = 10.0  # at most: a server's master reads ahead this long, in the background


def configure(query_cache_mb: int | None = None) -> None:
    """Process-wide search settings: the memory kept for decoded posting lists."""
    if query_cache_mb is not None:
        get_backend().set_cache_size(query_cache_mb)


def search(
    query: str,
    index_dir: str | Path = DEFAULT_INDEX_DIR,
    page: int = 1,
    limit: int = DEFAULT_LIMIT,
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
    offset = (page - 1) * limit
    with reader_pool(index_dir).lease() as reader:
        shown_tree, raw = tree, _run(reader, tree, filters, offset, limit, facets)
        corrected = did_you_mean = None
        if suggest and raw.total < FEW_RESULTS:
            alternative = corrected_tree(reader, tree)
            if alternative is not None:
                alt_raw = _run(reader, alternative, filters, offset, limit, facets)
                if alt_raw.total > raw.total:
                    did_you_mean = ql.unparse(alternative)
                    if raw.total == 0:
                        shown_tree, raw, corrected = alternative, alt_raw, did_you_mean
    shown_terms = normalised(shown_tree)
    return SearchPage(
        query=query,
        total=raw.total,
        page=page,
        limit=limit,
        hits=tuple(_hit(offset + i + 1, h, shown_terms) for i, h in enumerate(raw.hits)),
        facets=facet_groups(raw.facet_counts, filters),
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


def normalised(tree: ql.Node) -> ql.Node:
    """A parsed query's words as index terms, through the path captions took (nlp)."""
    return ql.normalise(tree, nlp.analyse)


def _run(
    reader: IndexReader, tree: ql.Node, filters: Sequence[str], offset: int, limit: int, facets: bool
) -> RawResults:
    return reader.search(normalised(tree), filters, offset, limit, facets)


def _hit(rank: int, raw: RawHit, terms: ql.Node) -> Hit:
    photo = photo_from_stored(raw.record)
    return Hit(rank, raw.score, photo.record, photo.entities, highlights(photo.record, terms), photo.facets)


def warm_up(index_dir: str | Path, frequent_terms: bool = False) -> None:
    """Load the tokenizer and open the reader now rather than on the first query.

    ``frequent_terms`` also reads the commonest words' posting lists, for up
    to WARM_SECONDS (for a server's master, before it forks its warm workers: their
    first visitors' queries would otherwise each pay for them).
    """
    nlp.tokenize(nlp.WARM_UP_TEXT)
    try:
        with reader_pool(index_dir).lease() as reader:
            reader.warm(frequent_share=WARM_SHARE if frequent_terms else 0.0, seconds=WARM_SECONDS)
    except IndexMissing:
        pass  # the first request explains what to do


def open_index(index_dir: str | Path) -> None:
    """Open the reader now, reading nothing ahead (a one-off search: its query reads what it needs)."""
    try:
        with reader_pool(index_dir).lease():
            pass
    except IndexMissing:
        pass  # the search explains what to do


# -- single photos ----------------------------------------------------------------------


def get_photo(record_id: str, index_dir: str | Path = DEFAULT_INDEX_DIR) -> Photo | None:
    """One photo by id, or None."""
    with reader_pool(index_dir).lease() as reader:
        stored = reader.stored_record(record_id)
    return photo_from_stored(stored) if stored else None


def more_like_this(record_id: str, index_dir: str | Path = DEFAULT_INDEX_DIR, limit: int = 6) -> list[Photo]:
    with reader_pool(index_dir).lease() as reader:
        stored = reader.stored_record(record_id)
        if stored is None:
            return []
        shown = " ".join(stored.get(name) or "" for name in ("title", "caption", "alt"))
        raw = reader.more_like(record_id, " ".join(nlp.normalise(shown)), limit)
    return [photo_from_stored(h.record) for h in raw]


def all_photos(index_dir: str | Path = DEFAULT_INDEX_DIR) -> Iterator[Photo]:
    with reader_pool(index_dir).lease() as reader:
        for stored in reader.stored_records():
            yield photo_from_stored(stored)


def collection_facets(index_dir: str | Path = DEFAULT_INDEX_DIR) -> dict[str, tuple[FacetValue, ...]]:
    with reader_pool(index_dir).lease() as reader:
        return facet_groups(reader.facet_counts(), ())


def photo_count(index_dir: str | Path = DEFAULT_INDEX_DIR) -> int:
    with reader_pool(index_dir).lease() as reader:
        return reader.doc_count()
