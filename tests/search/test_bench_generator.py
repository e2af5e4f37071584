"""The benchmark's caption generator: deterministic for a seed, shaped as specified."""

from __future__ import annotations

import json
from collections import Counter

import pytest


@pytest.fixture(scope="module")
def generate(bench_generator):
    return bench_generator


@pytest.fixture(scope="module")
def entries(generate):
    return list(generate.generate(2_000, seed=7))


def test_same_seed_same_captions(generate, entries):
    assert list(generate.generate(2_000, seed=7)) == entries


def test_other_seed_other_captions(generate, entries):
    assert list(generate.generate(50, seed=8)) != entries[:50]


def test_a_smaller_size_is_a_prefix(generate, entries):
    assert list(generate.generate(300, seed=7)) == entries[:300]


def test_titles_and_captions_have_the_specified_lengths(entries):
    assert all(3 <= len(e["title"].split()) <= 6 for e in entries)
    assert all(20 <= len(e["caption"].split()) <= 60 for e in entries)


def test_entries_are_manifest_entries_with_unique_ids(entries):
    assert len({e["id"] for e in entries}) == len(entries)
    assert all(e["image"] and e["credit"] and e["date"][:2] in ("19", "20") for e in entries)
    json.dumps(entries)  # plain JSON data


def test_vocabulary_is_a_few_thousand_words_and_zipf_like(generate, entries):
    assert 2_000 <= generate.build_vocabulary().size <= 10_000
    counts = Counter(w.strip(".,").lower() for e in entries for w in e["caption"].split())
    ranked = [n for _, n in counts.most_common()]
    assert ranked[0] > 20 * ranked[len(ranked) // 2]  # a steep head and a long tail


def test_captions_name_people_places_and_dates(generate, entries):
    text = " ".join(e["caption"] for e in entries)
    assert any(name in text for name in generate.FIRST_NAMES)
    assert any(place in text for place in generate.PLACES)
    assert any(month in text for month in generate.MONTHS)


def test_changed_edits_the_given_fraction(generate, entries):
    edited = generate.changed(entries, 0.01, seed=7)
    assert sum(a != b for a, b in zip(entries, edited)) == 20
    assert [e["id"] for e in edited] == [e["id"] for e in entries]


def test_query_mix_is_fixed_and_covers_every_kind(generate, entries):
    mix = generate.query_mix(entries, 60, seed=11)
    assert mix == generate.query_mix(entries, 60, seed=11)
    assert Counter(q["kind"] for q in mix) == {kind: 10 for kind in generate.QUERY_KINDS}
    assert all(q["text"].startswith('"') for q in mix if q["kind"] == "phrase")
    assert all(" OR " in q["text"] for q in mix if q["kind"] == "or")


def test_alt_text_comes_at_the_stated_rates(generate, entries):
    present = sum(1 for e in entries if e.get("alt"))
    empty = sum(1 for e in entries if e.get("alt") == "")
    absent = sum(1 for e in entries if "alt" not in e)
    assert abs(present / len(entries) - generate.ALT_SHARE) < 0.03
    assert abs(empty / len(entries) - generate.EMPTY_ALT_SHARE) < 0.03
    assert abs(absent / len(entries) - (1 - generate.ALT_SHARE - generate.EMPTY_ALT_SHARE)) < 0.03
