"""The one edit distance, and the choice of a correction among candidates."""

from __future__ import annotations

import random

import pytest

from captionsearch.search.distance import edit_distance
from captionsearch.search.spelling import best_correction


@pytest.mark.parametrize(
    "a, b, distance",
    [
        ("", "", 0),
        ("rover", "", 5),
        ("", "moon", 4),
        ("rover", "rover", 0),
        ("rovr", "rover", 1),  # an insertion
        ("rover", "rovers", 1),
        ("lander", "lamder", 1),  # a substitution
        ("teh", "the", 1),  # an adjacent transposition is one edit
        ("quarentine", "quarantine", 1),
        ("telesope", "telescope", 1),
        ("ca", "abc", 3),  # optimal string alignment: no substring is edited twice
        ("kitten", "sitting", 3),
    ],
)
def test_edit_distance(a: str, b: str, distance: int) -> None:
    assert edit_distance(a, b) == distance == edit_distance(b, a)


def test_a_limited_count_stops_past_the_limit_and_agrees_within_it() -> None:
    rng = random.Random(7)
    words = ["".join(rng.choice("aeilnorst") for _ in range(rng.randint(0, 9))) for _ in range(400)]
    for a, b in zip(words, reversed(words)):
        full = edit_distance(a, b)
        for limit in (0, 1, 2, 3):
            limited = edit_distance(a, b, limit=limit)
            assert limited == full if full <= limit else limited > limit, (a, b, limit)


def test_the_closest_candidate_wins_then_the_most_used_then_the_first_alphabetically() -> None:
    assert best_correction("rovr", {"rover": 1, "river": 50, "rivers": 90}) == "rover"
    assert best_correction("lnd", {"land": 3, "lend": 8}) == "lend"
    assert best_correction("lnd", {"lind": 3, "land": 3}) == "land"
    assert best_correction("zzz", {}) is None
