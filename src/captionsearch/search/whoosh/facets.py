"""Each document's facet values as arrays, for counting the values of any set of matches."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ContextManager

import numpy as np

from .cache import ARRAYS, INT, narrow_documents, narrowest
from .postings import read_postings


@dataclass(frozen=True)
class FacetTable:
    """Each document's facet values, compressed-row style: values[starts[d]:starts[d + 1]]."""

    names: tuple[str, ...]
    starts: np.ndarray
    values: np.ndarray

    @classmethod
    def build(cls, leaves: list[tuple[Any, int]], size: int, io: ContextManager[Any]) -> FacetTable:
        """The table of a searcher's segments (``leaves``: each segment's reader and first document)."""
        names: dict[str, int] = {}
        docs, values = [], []
        for reader, offset in leaves:
            seg_names, seg_values, seg_docs = _segment_facets(reader, io)
            ids = np.array([names.setdefault(name, len(names)) for name in seg_names], dtype=INT)
            values.append(ids[seg_values] if len(ids) else seg_values)
            docs.append(seg_docs.astype(INT) + offset)
        all_docs = np.concatenate(docs) if docs else np.zeros(0, INT)
        all_values = np.concatenate(values) if values else np.zeros(0, INT)
        order = np.argsort(all_docs, kind="stable")
        starts = np.searchsorted(all_docs[order], np.arange(size + 1))
        return cls(
            tuple(names), starts.astype(narrowest(len(all_docs))), all_values[order].astype(narrowest(len(names)))
        )

    @property
    def nbytes(self) -> int:
        return int(self.starts.nbytes + self.values.nbytes)

    def counts(self, docs: np.ndarray) -> dict[str, int]:
        begin, end = self.starts[docs].astype(INT), self.starts[docs + 1].astype(INT)
        sizes = end - begin
        if sizes.sum() == 0:
            return {}
        # Positions of every value of every matched document, without a Python loop.
        shift = np.repeat(begin - np.cumsum(sizes) + sizes, sizes)
        picked = self.values[np.arange(sizes.sum()) + shift]
        tally = np.bincount(picked, minlength=len(self.names))
        return {self.names[i]: int(tally[i]) for i in np.flatnonzero(tally)}


def _segment_facets(reader: Any, io: ContextManager[Any]) -> tuple[Any, ...]:
    key = (reader.segment().segment_id(), "facets")
    return ARRAYS.get(key, io, lambda: _read_facets(reader))


def _read_facets(reader: Any) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(facet values, each posting's value number, each posting's document) of one segment."""
    names, values, docs = [], [], []
    for number, btext in enumerate(reader.lexicon("facet")):
        names.append(btext.decode("utf-8"))
        ids = read_postings(reader, "facet", names[-1], positions=False)[0]
        docs.append(narrow_documents(ids, reader.doc_count_all()))
        values.append(np.full(len(ids), number, dtype=narrowest(number)))
    if not names:
        return [], np.zeros(0, np.uint8), np.zeros(0, np.uint8)
    return names, np.concatenate(values), np.concatenate(docs)
