"""The array engine against Whoosh's own matchers, on a real multi-segment index with deletions.

Every query of a seeded benchmark-style mix, plus the shapes the mix lacks
(NOT, nesting, scoped fields, filters), must give the same total, the same
top hits and the same scores as Whoosh scoring every match itself
(bench/whoosh_reference.py), and the same facet counts as Whoosh's grouping.
The Whoosh backend's own arrays (warming, narrowing, merging) are tested here
too; what every backend must do is in test_backend_contract.py.
"""

from __future__ import annotations

import gc
import math
import weakref
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from captionsearch.indexing.documents import build_document
from captionsearch.search import querylang as ql
from captionsearch.search import searching
from captionsearch.search.whoosh import merging
from captionsearch.search.whoosh.reader import WhooshReader
from captionsearch.search.whoosh.writer import IndexWriter

from .conftest import make_record

TOP = 25

HAND_WRITTEN = [
    "",
    "-point",
    "NOT (point OR points)",
    "point -berlin",
    "(carry OR point) -station",
    "(berlin OR london) (station OR bridge)",
    "title:point",
    'caption:"the station"',
    'alt:"along berlin"',
    '"point after"',
    "point OR point",
    "zzzznotaword",
    '"zzzznotaword point"',
    "point zzzznotaword",
]


@pytest.fixture(scope="module")
def generator(bench_generator):
    return bench_generator


@pytest.fixture(scope="module")
def entries(generator) -> list[dict]:
    return list(generator.generate(1_500, seed=3))


def _record(entry: dict, suffix: str = ""):
    return make_record(
        entry["id"],
        entry["caption"] + suffix,
        title=entry["title"],
        alt=entry.get("alt"),
        keywords=tuple(entry["keywords"]),
        date=entry["date"],
        credit=entry["credit"],
    )


@pytest.fixture(scope="module")
def folder(entries, tmp_path_factory) -> Path:
    """Three segments: the first photos, the rest, then edits that delete older versions."""
    folder = tmp_path_factory.mktemp("engine") / "index"
    batches = [
        [_record(e) for e in entries[:900]],
        [_record(e) for e in entries[900:]],
        [_record(e, " Points carry the station.") for e in entries[::7]],
    ]
    for batch in batches:
        with IndexWriter(folder, merge=False) as writer:
            for record in batch:
                writer.put(build_document(record, None, "n"))
    return folder


@pytest.fixture(scope="module")
def reader(folder):
    opened = WhooshReader(folder)
    segments = opened.segments().values()
    assert len(segments) == 3 and sum(live for live, _ in segments) < sum(every for _, every in segments)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def reference(folder, whoosh_reference):
    """Whoosh's own searcher of the same index, and its evaluation of a tree: reference.search(tree)."""
    searcher = whoosh_reference.open_searcher(folder)
    yield _Reference(whoosh_reference, searcher)
    searcher.close()


class _Reference:
    def __init__(self, module, searcher):
        self.module, self.searcher = module, searcher

    def search(self, tree, filters=(), limit=10):
        return self.module.search(self.searcher, tree, filters, limit)

    def facet_counts(self, tree):
        return self.module.facet_counts(self.searcher, tree)


@pytest.fixture(scope="module")
def queries(generator, entries) -> list[str]:
    return [q["text"] for q in generator.query_mix(entries, 120, seed=5)] + HAND_WRITTEN


def _write(folder: Path, entries: list[dict], merge: bool = True) -> None:
    """One write session adding these photos (one commit: one segment)."""
    with IndexWriter(folder, merge=merge) as writer:
        for entry in entries:
            writer.put(build_document(_record(entry), None, "n"), new=True)


def _tree(text: str) -> ql.Node:
    return searching.normalised(ql.parse(text))


def _assert_same_ranking(ours: list[tuple[str, float]], theirs: list[tuple[str, float]], query: str) -> None:
    """Same scores in order; the same photos, allowing reordering only among equal scores."""
    assert len(ours) == len(theirs), query
    for (_, a), (_, b) in zip(ours, theirs):
        assert math.isclose(a, b, rel_tol=1e-9), query
    groups_ours: dict[float, set[str]] = {}
    groups_theirs: dict[float, set[str]] = {}
    for (i, a), (j, b) in zip(ours, theirs):
        groups_ours.setdefault(round(a, 9), set()).add(i)
        groups_theirs.setdefault(round(b, 9), set()).add(j)
    last = round(ours[-1][1], 9) if ours else None
    for score, ids in groups_ours.items():
        if score != last:  # the last group may be cut at a different tied photo
            assert ids == groups_theirs.get(score), query


def test_every_query_ranks_and_counts_as_whoosh_does(reader, reference, queries) -> None:
    for text in queries:
        tree = _tree(text)
        ours = reader.search(tree, limit=TOP, facets=False)
        total, theirs = reference.search(tree, limit=TOP)
        assert ours.total == total, text
        _assert_same_ranking([(h.id, h.score) for h in ours.hits], theirs, text)


def test_the_mix_is_not_trivial(reader, queries) -> None:
    totals = [reader.search(_tree(text), limit=1, facets=False).total for text in queries]
    assert sum(1 for t in totals if t == 0) < len(totals) / 2
    assert max(totals) > reader.doc_count() / 2  # common words, where the engine earns its keep


@pytest.mark.parametrize("text", ["point", "berlin OR london", '"the station"', "-point", ""])
def test_facet_counts_match_whoosh_grouping(reader, reference, text) -> None:
    tree = _tree(text)
    ours = reader.search(tree, limit=5, facets=True).facet_counts
    assert ours and ours == reference.facet_counts(tree)


def test_whole_collection_facets_match_grouping_everything(reader, reference) -> None:
    assert reader.facet_counts() == reference.facet_counts(ql.Everything())


def test_filters_keep_only_photos_carrying_every_value(reader, reference) -> None:
    counts = reader.facet_counts()
    years = sorted((v for v in counts if v.startswith("year:")), key=counts.get, reverse=True)[:2]
    assert years
    for filters in ([years[0]], years[:2]):
        tree = _tree("point")
        ours = reader.search(tree, filters, limit=TOP, facets=False)
        total, theirs = reference.search(tree, filters, limit=TOP)
        assert ours.total == total
        _assert_same_ranking([(h.id, h.score) for h in ours.hits], theirs, str(filters))
    assert reader.search(_tree("point"), years[:2], facets=False).total == 0  # one year each


def test_paging_continues_the_same_ranking(reader) -> None:
    tree = _tree("point OR station")
    whole = reader.search(tree, limit=30, facets=False).hits
    pages = [reader.search(tree, offset=o, limit=10, facets=False).hits for o in (0, 10, 20)]
    assert [h.id for page in pages for h in page] == [h.id for h in whole]


def test_threads_reading_a_cold_index_at_once_get_the_right_answers(entries, queries, whoosh_reference, tmp_path) -> None:
    """Whoosh's file handles are shared by a searcher's threads; reads must not interleave."""
    folder = tmp_path / "index"
    _write(folder, entries)
    opened = whoosh_reference.open_searcher(folder)
    try:
        expected = {text: whoosh_reference.search(opened, _tree(text), limit=5) for text in queries}
        fresh = WhooshReader(folder)  # nothing read yet
        with ThreadPoolExecutor(8) as pool:
            got = dict(pool.map(lambda text: (text, fresh.search(_tree(text), limit=5)), queries))
        fresh.close()
    finally:
        opened.close()
    for text, (total, top) in expected.items():
        assert got[text].total == total, text
        _assert_same_ranking([(h.id, h.score) for h in got[text].hits], top, text)


def test_warming_reads_the_commonest_words_first_within_its_share(entries, whoosh_reference, tmp_path) -> None:
    folder = tmp_path / "index"
    _write(folder, entries)
    opened = WhooshReader(folder)
    reference = whoosh_reference.open_searcher(folder)
    try:
        terms = reference.reader().iter_field("text")
        by_frequency = sorted(((info.doc_frequency(), t.decode()) for t, info in terms), reverse=True)
        commonest = by_frequency[0][1]
        assert opened.arrays.warm_frequent_terms(share=0.0) == 0  # no room: nothing read
        assert not opened.arrays.is_cached("text", commonest)
        assert opened.arrays.warm_frequent_terms(share=1.0) > 0
        assert opened.arrays.is_cached("text", commonest)
        assert opened.arrays.is_cached("caption", commonest, positions=True) or not opened.doc_frequency("caption", commonest)
        rare = [term for frequency, term in by_frequency if frequency < len(entries) * 0.01]
        assert rare and not any(opened.arrays.is_cached("text", term) for term in rare)
        # What was read gives the answers Whoosh gives.
        tree = _tree(commonest)
        total, top = whoosh_reference.search(reference, tree, limit=10)
        ours = opened.search(tree, limit=10, facets=False)
        assert ours.total == total
        _assert_same_ranking([(h.id, h.score) for h in ours.hits], top, "warmed")
    finally:
        opened.close()
        reference.close()


def test_a_closed_readers_arrays_are_not_kept(entries, tmp_path) -> None:
    """Only decoded lists are cached for the process; a reader's view of its segments goes with it."""
    folder = tmp_path / "index"
    _write(folder, entries[:50])
    opened = WhooshReader(folder)
    opened.warm()
    arrays = weakref.ref(opened.arrays)
    opened.close()
    del opened
    gc.collect()
    assert arrays() is None


def _segment_sizes(folder: Path) -> dict[str, tuple[int, int]]:
    """Segment id -> (live documents, all documents)."""
    opened = WhooshReader(folder)
    try:
        return opened.segments()
    finally:
        opened.close()


def test_a_small_collections_own_segments_are_not_rewritten_by_every_run(entries, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(merging, "SMALL_SEGMENT", 40)
    folder = tmp_path / "index"
    for start in (0, 30):  # the whole collection: two segments under SMALL_SEGMENT
        _write(folder, entries[start : start + 30], merge=False)
    built = set(_segment_sizes(folder))
    for start in (60, 61, 62):  # three small runs
        _write(folder, entries[start : start + 1])
    sizes = _segment_sizes(folder)
    assert built <= set(sizes)  # 30 of 63 documents is no small segment
    assert len(set(sizes) - built) <= 2  # the small runs' segments were merged as they came
    assert sum(live for live, _ in sizes.values()) == 63


def test_small_runs_merge_only_small_or_mostly_deleted_segments(entries, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(merging, "SMALL_SEGMENT", 20)
    folder = tmp_path / "index"
    for start in (0, 30, 60):  # a bulk build: three big segments, not merged
        _write(folder, entries[start : start + 30], merge=False)
    big = set(_segment_sizes(folder))
    for start in (90, 95, 100):  # three small runs
        _write(folder, entries[start : start + 5])
    sizes = _segment_sizes(folder)
    assert big <= set(sizes)  # the big segments were not rewritten
    assert len(set(sizes) - big) <= 2  # the small ones were merged as they came
    assert sum(live for live, _ in sizes.values()) == 105
    with IndexWriter(folder) as writer:  # replace most of one big segment
        for entry in entries[:20]:
            writer.put(build_document(_record(entry, " Edited."), None, "n"))
    _write(folder, entries[110:111])
    sizes = _segment_sizes(folder)
    assert len(big & set(sizes)) == 2  # the mostly deleted one was rewritten
    assert sum(live for live, _ in sizes.values()) == 106


def test_positions_beyond_sixteen_bits_are_kept_whole(entries, whoosh_reference, tmp_path) -> None:
    """Cached position keys are narrowed to 32 bits only when every position fits in 16.

    "alpha" at word 100 and "omega" at word 65,637 of one caption are only
    adjacent if a position loses its seventeenth bit; and a word said 300
    times does not fit a byte of frequency.
    """
    words = [f"filler{i % 97}" for i in range(70_000)]
    words[100], words[100 + (1 << 16) + 1] = "alpha", "omega"
    words[69_000:69_300] = ["chorus"] * 300
    words[69_500:69_502] = ["alpha", "omega"]
    long = {**entries[0], "id": "long", "caption": " ".join(words[:69_400])}
    ending = {**entries[1], "id": "ending", "caption": " ".join(words)}
    folder = tmp_path / "index"
    _write(folder, [long, ending, *entries[2:40]])
    opened = WhooshReader(folder)
    reference = whoosh_reference.open_searcher(folder)
    try:
        for text, expected in [('caption:"alpha omega"', {"ending"}), ("caption:chorus", {"long", "ending"}),
                               ('"filler3 filler4"', {"long", "ending"})]:
            tree = _tree(text)
            ours = opened.search(tree, limit=TOP, facets=False)
            total, theirs = whoosh_reference.search(reference, tree, limit=TOP)
            assert {hit.id for hit in ours.hits} == expected, text
            assert ours.total == total, text
            _assert_same_ranking([(h.id, h.score) for h in ours.hits], theirs, text)
    finally:
        opened.close()
        reference.close()
