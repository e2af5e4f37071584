"""IndexReader over one Whoosh searcher: queries run by the engine over its arrays.

Queries do not go through Whoosh's matchers, which decode and score one
posting at a time; ``engine`` evaluates them over whole posting lists read
from the index (and cached): the same hits, scores and counts, several
times faster on common words (tests/search/test_engine.py compares them).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterator, Sequence

import numpy as np
from whoosh import scoring

from .. import engine
from .. import querylang as ql
from ..backend import RawHit, RawResults
from .arrays import IndexArrays
from .dictionary import dictionary
from .schema import open_index
from .similar import similar_documents


class WhooshReader:
    """A searcher of the index's latest commit, its arrays and its dictionary; shared by threads."""

    def __init__(self, index_dir: str | os.PathLike[str]):
        self.index_dir = Path(index_dir)
        self._searcher: Any = open_index(self.index_dir).searcher(weighting=scoring.BM25F())
        self.arrays = IndexArrays(self._searcher)

    def doc_count(self) -> int:
        return int(self._searcher.doc_count())

    def search(
        self, tree: ql.Node, filters: Sequence[str] = (), offset: int = 0, limit: int = 10, facets: bool = True
    ) -> RawResults:
        """Run a normalised query tree; ``filters`` are facet values that every hit must carry."""
        found = engine.evaluate(tree, self.arrays)
        if filters:
            allowed = engine.intersect_all([self.arrays.postings("facet", value)[0] for value in filters])
            found = engine.restrict(found, allowed)
        best = engine.top(found, offset + limit)[offset:]
        with self.arrays.io:
            hits = tuple(self._hit(int(found.docs[i]), float(found.scores[i])) for i in best)
        counts = self.arrays.facet_counts(found.docs) if facets else {}
        return RawResults(len(found), hits, counts)

    def facet_counts(self) -> dict[str, int]:
        return self.arrays.facet_counts(np.flatnonzero(self.arrays.live()))

    def stored_record(self, record_id: str) -> dict[str, Any] | None:
        with self.arrays.io:
            fields = self._searcher.document(id=record_id)
        if not fields:
            return None
        record: dict[str, Any] = fields["record"]
        return record

    def stored_records(self) -> Iterator[dict[str, Any]]:
        for docnum in np.flatnonzero(self.arrays.live()):
            with self.arrays.io:  # per document: the caller may take its time between them
                fields = self._searcher.stored_fields(int(docnum))
            yield fields["record"]

    def doc_frequency(self, field: str, term: str) -> int:
        with self.arrays.io:
            return int(self._searcher.reader().doc_frequency(field, term))

    def in_dictionary(self, word: str) -> bool:
        return word in dictionary(self.index_dir).words

    def spelling_candidates(self, word: str, maxdist: int = 2) -> list[str]:
        return dictionary(self.index_dir).candidates(word, maxdist)

    def more_like(self, record_id: str, text: str, limit: int = 6) -> list[RawHit]:
        found = similar_documents(self.arrays, record_id, text, limit)
        with self.arrays.io:
            return [self._hit(docnum, score) for docnum, score in found]

    def warm(self, frequent_share: float = 0.0, seconds: float = float("inf")) -> int:
        self.arrays.warm()
        return self.arrays.warm_frequent_terms(share=frequent_share, seconds=seconds) if frequent_share else 0

    def segments(self) -> dict[str, tuple[int, int]]:
        """Segment id -> (live documents, all documents), in index order."""
        return {
            reader.segment().segment_id(): (reader.doc_count(), reader.doc_count_all())
            for reader, _ in self.arrays.leaves
        }

    def up_to_date(self) -> bool:
        return bool(self._searcher.up_to_date())

    def close(self) -> None:
        self._searcher.close()

    def _hit(self, docnum: int, score: float) -> RawHit:
        fields = self._searcher.stored_fields(docnum)
        return RawHit(fields["id"], score, fields["record"])
