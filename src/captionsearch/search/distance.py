"""The one edit distance: spelling candidates are found and ranked by it."""

from __future__ import annotations


def edit_distance(a: str, b: str, limit: int | None = None) -> int:
    """Damerau-Levenshtein distance, adjacent transpositions counting as one edit.

    (The optimal-string-alignment form: no substring is edited twice.) With
    ``limit``, the count stops as soon as it must exceed it and returns
    ``limit + 1``: a spelling candidate is wanted only within a few edits,
    and most dictionary words are ruled out in the first rows.
    """
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        # Every later cell comes from this row (+0 or more) or the one before it (+1).
        if limit is not None and min(current) > limit and min(previous) >= limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]
