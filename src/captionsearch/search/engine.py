"""Query evaluation over whole posting lists, with array arithmetic.

Whoosh walks a query's matchers one posting at a time in Python: a word
found in half of 100,000 captions costs 50,000 trips through its decode and
scoring code. Here every operation works on whole lists at once: a term is
the sorted array of documents carrying it, AND is an intersection, OR a
union, a phrase a match of position arrays, and BM25F scores whole arrays.
The arrays come from the Whoosh index (``index.py`` reads and caches them);
this module knows nothing of Whoosh, and its scores are the ones Whoosh's
BM25F gives: the same statistics (idf, average and encoded field lengths),
the same formula, and a phrase scored as the sum of its terms, as Whoosh
scores it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Sequence

import numpy as np

from . import querylang as ql

K1 = 1.2  # Whoosh's BM25F defaults
B = 0.75
POSITION_BITS = 32  # a position key is (document << 32) | position
PHRASE_FIELDS = ("title", "caption", "alt")  # where an unscoped phrase is looked for


class Source(Protocol):
    """What evaluation needs from an index, in one global document-number space."""

    def live(self) -> np.ndarray:
        """A bool per document number: False for deleted documents."""

    def postings(self, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(sorted document numbers, term frequencies) of a term; empty arrays if absent."""

    def positions(self, field: str, term: str) -> np.ndarray:
        """Sorted position keys ``document << 32 | position`` of a term in a positional field."""

    def lengths(self, field: str, docs: np.ndarray) -> np.ndarray:
        """The (encoded) length of a field in each of ``docs``, as BM25 uses it."""

    def idf(self, field: str, term: str) -> float: ...

    def average_length(self, field: str) -> float: ...


@dataclass(frozen=True)
class Matches:
    """Matching documents, ascending, with their scores."""

    docs: np.ndarray
    scores: np.ndarray

    def __len__(self) -> int:
        return len(self.docs)


def nothing() -> Matches:
    return Matches(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))


def evaluate(node: ql.Node, source: Source) -> Matches:
    """All live documents matching a normalised query tree, scored."""
    found = _evaluate(node, source)
    keep = source.live()[found.docs]
    return found if keep.all() else Matches(found.docs[keep], found.scores[keep])


def restrict(found: Matches, allowed: np.ndarray) -> Matches:
    """Only the matches whose documents are in ``allowed`` (sorted)."""
    keep = _member(found.docs, allowed)
    return Matches(found.docs[keep], found.scores[keep])


def top(found: Matches, count: int) -> np.ndarray:
    """Indexes into ``found`` of the ``count`` best: highest score, then lowest document number.

    Linear time: only the documents at or above the count-th best score are
    sorted, and of those tied with it, the lowest-numbered are taken (the
    documents are in ascending order already), as Whoosh's collector does.
    """
    total = len(found)
    if count <= 0 or total == 0:
        return np.zeros(0, dtype=np.int64)
    if count < total:
        threshold = np.partition(found.scores, total - count)[total - count]
        above = np.flatnonzero(found.scores > threshold)
        tied = np.flatnonzero(found.scores == threshold)[: count - len(above)]
        chosen = np.concatenate([above, tied])
    else:
        chosen = np.arange(total)
    order = np.lexsort((found.docs[chosen], -found.scores[chosen]))
    return chosen[order][:count]


def intersect_all(doc_lists: Sequence[np.ndarray], size: int = 0) -> np.ndarray:
    """Documents present in every list (each sorted, unique; ``size`` bounds the numbers)."""
    if not doc_lists:
        return np.zeros(0, dtype=np.int64)
    ordered = sorted(doc_lists, key=len)
    docs = ordered[0]
    for other in ordered[1:]:
        docs = docs[_member(docs, other, size)]
    return docs


# -- evaluation --------------------------------------------------------------------


def _evaluate(node: ql.Node, source: Source) -> Matches:
    if isinstance(node, ql.Term):
        return _term(source, node.field, node.term, node.boost)
    if isinstance(node, ql.Phrase):
        fields = PHRASE_FIELDS if node.field == ql.DEFAULT_FIELD else (node.field,)
        return _union([_phrase(source, name, node.terms, node.boost) for name in fields], len(source.live()))
    if isinstance(node, ql.And):
        positive = [_evaluate(n, source) for n in node.items if not isinstance(n, ql.Not)]
        negative = [_evaluate(n.item, source) for n in node.items if isinstance(n, ql.Not)]
        size = len(source.live())
        found = _intersection(positive, size) if positive else _everything(source)
        return _without(found, _union(negative, size).docs, size) if negative else found
    if isinstance(node, ql.Or):
        return _union([_evaluate(n, source) for n in node.items], len(source.live()))
    if isinstance(node, ql.Not):
        return _without(_everything(source), _evaluate(node.item, source).docs, len(source.live()))
    if isinstance(node, ql.Filter):
        docs = source.postings("facet", node.key)[0]
        return Matches(docs, np.zeros(len(docs), dtype=np.float64))
    if isinstance(node, ql.Everything):
        return _everything(source)
    if isinstance(node, ql.Nothing):
        return nothing()
    raise TypeError(f"unknown query node {node!r}")


def _term(source: Source, field: str, term: str, boost: float = 1.0) -> Matches:
    docs, frequencies = source.postings(field, term)
    if len(docs) == 0:
        return nothing()
    return Matches(docs, _bm25(source, field, term, docs, frequencies) * boost)


def _bm25(source: Source, field: str, term: str, docs: np.ndarray, frequencies: np.ndarray) -> np.ndarray:
    lengths = source.lengths(field, docs)
    norm = K1 * ((1 - B) + B * lengths / source.average_length(field))
    return source.idf(field, term) * (frequencies * (K1 + 1)) / (frequencies + norm)


def _phrase(source: Source, field: str, terms: Sequence[str], boost: float) -> Matches:
    """Documents with the terms at consecutive positions in ``field``.

    Scored as the sum of the terms' scores in that field, as Whoosh scores a
    phrase (a filter over the AND of its terms).
    """
    # Only documents holding every term can hold the phrase: narrowing each
    # term's positions to those first keeps the position matching small.
    candidates = intersect_all([source.postings(field, term)[0] for term in terms], len(source.live()))
    if len(candidates) == 0:
        return nothing()
    keys = _in_documents(source.positions(field, terms[0]), candidates)
    for offset, term in enumerate(terms[1:], 1):
        if len(keys) == 0:
            break
        keys = keys[_member(keys + offset, _in_documents(source.positions(field, term), candidates))]
    if len(keys) == 0:
        return nothing()
    docs = np.unique(keys >> POSITION_BITS)
    scores = np.zeros(len(docs), dtype=np.float64)
    for term in terms:
        term_docs, frequencies = source.postings(field, term)
        at = np.searchsorted(term_docs, docs)
        scores += _bm25(source, field, term, docs, frequencies[at])
    return Matches(docs, scores * boost)


def _everything(source: Source) -> Matches:
    docs = np.flatnonzero(source.live()).astype(np.int64)
    return Matches(docs, np.ones(len(docs), dtype=np.float64))


def _intersection(parts: list[Matches], size: int) -> Matches:
    docs = intersect_all([part.docs for part in parts], size)
    scores = np.zeros(len(docs), dtype=np.float64)
    for part in parts:
        scores += part.scores[np.searchsorted(part.docs, docs)]
    return Matches(docs, scores)


def _union(parts: list[Matches], size: int) -> Matches:
    parts = [part for part in parts if len(part)]
    if not parts:
        return nothing()
    if len(parts) == 1:
        return parts[0]
    every_doc = np.concatenate([part.docs for part in parts])
    every_score = np.concatenate([part.scores for part in parts])
    if _dense(len(every_doc), size):  # sum into one slot per document: no sort
        present = np.zeros(size, dtype=bool)
        present[every_doc] = True
        docs = np.flatnonzero(present)
        return Matches(docs, np.bincount(every_doc, weights=every_score, minlength=size)[docs])
    docs, where = np.unique(every_doc, return_inverse=True)
    return Matches(docs, np.bincount(where, weights=every_score, minlength=len(docs)))


def _without(found: Matches, excluded: np.ndarray, size: int) -> Matches:
    keep = ~_member(found.docs, excluded, size)
    return Matches(found.docs[keep], found.scores[keep])


def _in_documents(keys: np.ndarray, docs: np.ndarray) -> np.ndarray:
    """The position keys that fall in ``docs`` (sorted)."""
    inside: np.ndarray = keys[_member(keys >> POSITION_BITS, docs)]
    return inside


def _member(values: np.ndarray, sorted_pool: np.ndarray, size: int = 0) -> np.ndarray:
    """A bool per value: is it in ``sorted_pool``? (``size`` bounds the values, when known.)"""
    if len(sorted_pool) == 0 or len(values) == 0:
        return np.zeros(len(values), dtype=bool)
    if _dense(len(values) + len(sorted_pool), size):  # a lookup table beats a binary search per value
        table = np.zeros(size, dtype=bool)
        table[sorted_pool] = True
        looked_up: np.ndarray = table[values]
        return looked_up
    at = np.searchsorted(sorted_pool, values)
    at[at == len(sorted_pool)] = 0
    found: np.ndarray = sorted_pool[at] == values
    return found


def _dense(count: int, size: int) -> bool:
    """Is a table with a slot per document cheaper than sorting or searching ``count`` numbers?"""
    return 0 < size <= count * 16
