"""Which segments a commit merges: only the small ones and the mostly deleted ones."""

from __future__ import annotations

from typing import Any

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
