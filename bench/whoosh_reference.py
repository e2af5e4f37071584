"""Whoosh's own evaluation of a query tree: the reference captionsearch's engine is checked against.

captionsearch evaluates queries with its array engine (search/engine.py)
over posting lists read from a Whoosh index. This module evaluates the same
normalised tree with Whoosh's matchers, scoring every match with Whoosh's
BM25F, on the same index folder; tests/search/test_engine.py asserts that
both give the same totals, hits, scores and facet counts.
"""

from __future__ import annotations

import os
from typing import Any, Sequence

from whoosh import collectors, scoring, sorting
from whoosh import index as whoosh_index
from whoosh import query as wq

from captionsearch.search import engine
from captionsearch.search import querylang as ql
from captionsearch.search.whoosh.files import INDEX_NAME


def open_searcher(index_dir: str | os.PathLike[str]) -> Any:
    """A Whoosh searcher of captionsearch's index in ``index_dir``, scoring as the engine does (BM25F)."""
    return whoosh_index.open_dir(str(index_dir), indexname=INDEX_NAME).searcher(weighting=scoring.BM25F())


def search(searcher: Any, tree: ql.Node, filters: Sequence[str] = (), limit: int = 10) -> tuple[int, list[tuple[str, float]]]:
    """The total and top (id, score) pairs as Whoosh's matchers compute them."""
    # Every match scored: the default collector's block skipping can drop a true top hit.
    collector: Any = collectors.TopCollector(limit, usequality=False, replace=0)
    if filters:
        collector = collectors.FilterCollector(collector, wq.And([wq.Term("facet", value) for value in filters]))
    searcher.search_with_collector(to_whoosh(tree), collector)
    results = collector.results()
    return len(results), [(hit["id"], float(hit.score or 0.0)) for hit in results]


def facet_counts(searcher: Any, tree: ql.Node) -> dict[str, int]:
    """Facet value -> matches carrying it, by Whoosh's grouping."""
    grouping = {"facet": sorting.FieldFacet("facet", allow_overlap=True)}
    results = searcher.search(to_whoosh(tree), limit=1, groupedby=grouping, maptype=sorting.Count)
    return dict(results.groups("facet"))


def to_whoosh(node: ql.Node) -> Any:
    """Translate a normalised query tree into a Whoosh query."""
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
