"""A Whoosh searcher's documents as arrays in its global document numbering: the engine's Source.

A term's posting list is read once per segment and kept in the process's
cache (cache.py) keyed by segment id: a segment's postings never change once
written (deletions are kept apart and applied through ``live``), so a
searcher opened after a commit reuses what the last one read for the
segments they share.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import numpy as np

from ..engine import PHRASE_FIELDS
from .cache import ARRAYS, INT, global_keys, narrow_documents, narrow_frequencies, narrow_keys
from .facets import FacetTable
from .postings import BYTE_TO_LENGTH, read_lengths, read_postings

SCORED_FIELDS = ("text", "title", "caption", "alt", "entity")  # their lengths are read at warm-up


class IndexArrays:
    """One searcher's documents as arrays (engine.Source), made once per searcher."""

    def __init__(self, searcher: Any):
        self.searcher = searcher
        # An index with no segments yet (nothing indexed) has one empty reader and no segment.
        self.leaves = [
            (leaf.reader(), offset) for leaf, offset in searcher.leaf_searchers() if leaf.reader().segment() is not None
        ]
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
                    live[offset + np.fromiter(reader.segment().deleted_docs(), dtype=INT)] = False
            self._live = live
        return self._live

    def postings(self, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        parts = [(self._segment_postings(reader, field, term), offset) for reader, offset in self.leaves]
        docs = np.concatenate([d.astype(INT) + offset for (d, _), offset in parts]) if parts else np.zeros(0, INT)
        weights = np.concatenate([w for (_, w), _ in parts]).astype(np.float64) if parts else np.zeros(0)
        return docs, weights

    def positions(self, field: str, term: str) -> np.ndarray:
        parts = [global_keys(self._segment_positions(reader, field, term), offset) for reader, offset in self.leaves]
        return np.concatenate(parts) if parts else np.zeros(0, INT)

    def lengths(self, field: str, docs: np.ndarray) -> np.ndarray:
        decoded: np.ndarray = BYTE_TO_LENGTH[self.encoded_lengths(field)[docs]]
        return decoded

    def encoded_lengths(self, field: str) -> np.ndarray:
        """Every document's length of ``field``, the byte Whoosh stores (``BYTE_TO_LENGTH`` decodes)."""
        key = ("lengths", field, self._segment_ids)
        encoded: np.ndarray = ARRAYS.get(key, self.io, lambda: (self._joined_lengths(field),))[0]
        return encoded

    def idf(self, field: str, term: str) -> float:
        with self.io:
            return float(self.searcher.idf(field, term))

    def average_length(self, field: str) -> float:
        return float(self.searcher.avg_field_length(field) or 1.0)  # from the segments' totals, in memory

    def facet_counts(self, docs: np.ndarray) -> dict[str, int]:
        return self.facet_table().counts(docs)

    def facet_table(self) -> FacetTable:
        key = ("facets", self._segment_ids)
        table: FacetTable = ARRAYS.get(key, self.io, lambda: (FacetTable.build(self.leaves, self.size, self.io),))[0]
        return table

    def is_cached(self, field: str, term: str, positions: bool = False) -> bool:
        """Whether every segment's list of ``term`` (its positions, if asked) is in the process's cache."""
        kind = "positions" if positions else "postings"
        return all((reader.segment().segment_id(), kind, field, term) in ARRAYS for reader, _ in self.leaves)

    def warm(self) -> None:
        """Read what every query needs (deletions, field lengths, facets) before the first one."""
        self.live()
        for field in SCORED_FIELDS:
            self.encoded_lengths(field)
        self.facet_table()

    def warm_frequent_terms(
        self, share: float = 0.5, seconds: float = float("inf"), min_share_of_photos: float = 0.01
    ) -> int:
        """Read the posting lists of the commonest words ahead of the queries that need them.

        They cost the most to read (one decode per photo carrying them) and are
        the likeliest to be asked for. Most frequent first, until ``share`` of
        the cache is full or ``seconds`` have passed; phrase fields get their
        positions. Returns the number of lists read.
        """
        deadline = time.monotonic() + seconds
        least = max(2, int(self.size * min_share_of_photos))
        with self.io:
            reader = self.searcher.reader()
            frequent = [
                (info.doc_frequency(), field, btext.decode("utf-8"))
                for field in ("text", *PHRASE_FIELDS)
                for btext, info in reader.iter_field(field)
                if info.doc_frequency() >= least
            ]
        read = 0
        for _, field, term in sorted(frequent, reverse=True):
            if ARRAYS.used >= ARRAYS.budget * share or time.monotonic() > deadline:
                break
            if field == "text":
                self.postings(field, term)
            else:
                self.positions(field, term)
            read += 1
        return read

    def _segment_postings(self, reader: Any, field: str, term: str) -> tuple[Any, ...]:
        key = (reader.segment().segment_id(), "postings", field, term)

        def load() -> tuple[np.ndarray, np.ndarray]:
            docs, weights, _ = read_postings(reader, field, term, positions=False)
            return narrow_documents(docs, reader.doc_count_all()), narrow_frequencies(weights)

        return ARRAYS.get(key, self.io, load)

    def _segment_positions(self, reader: Any, field: str, term: str) -> np.ndarray:
        segment = reader.segment().segment_id()

        def load() -> tuple[np.ndarray]:
            docs, weights, keys = read_postings(reader, field, term, positions=True)
            size = reader.doc_count_all()
            # Read together, kept together.
            ARRAYS.put((segment, "postings", field, term), (narrow_documents(docs, size), narrow_frequencies(weights)))
            return (narrow_keys(keys, size),)

        keys: np.ndarray = ARRAYS.get((segment, "positions", field, term), self.io, load)[0]
        return keys

    def _joined_lengths(self, field: str) -> np.ndarray:
        """Every document's encoded field length (a byte, as Whoosh stores it), segments end to end."""
        parts = [read_lengths(reader, field) for reader, _ in self.leaves]
        return np.concatenate(parts) if parts else np.zeros(0, np.uint8)
