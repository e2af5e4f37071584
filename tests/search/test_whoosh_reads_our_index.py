"""The index stays a Whoosh index: Whoosh's own open_dir and searcher read what indexing wrote, and agree.

Built the way `captionsearch index` builds it (index_corpus on a JSONL
manifest, a segment per commit), then re-indexed after lines were edited,
removed and added (the run that reads only the changed lines), so the
index has several segments and deleted documents. Whoosh's own searcher
must see the same photos, the same stored records, the same term
statistics and the same answers as captionsearch's engine.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from captionsearch.indexing import IndexOptions, index_corpus
from captionsearch.search import querylang as ql
from captionsearch.search import searching
from captionsearch.search.whoosh.reader import WhooshReader

OPTIONS = IndexOptions(entities=False, commit_every=1_000)  # a segment per commit
SIZE = 3_000


@pytest.fixture(scope="module")
def built(bench_generator, tmp_path_factory) -> tuple[Path, list[dict]]:
    """An index of SIZE generated photos, then re-indexed with some lines edited, one removed, one added."""
    folder = tmp_path_factory.mktemp("agreement")
    manifest, index_dir = folder / "photos.jsonl", folder / "index"
    entries = list(bench_generator.generate(SIZE, seed=11))
    manifest.write_text("".join(json.dumps(e) + "\n" for e in entries), encoding="utf-8")
    index_corpus([manifest], index_dir, OPTIONS)
    for number in range(0, SIZE, 97):
        entries[number] = dict(entries[number], caption=entries[number]["caption"] + " Zanzibarite gravel.")
    removed = entries.pop()  # the last line: the lines before it keep their numbers
    entries.append(dict(removed, id="p-added", caption="A new photo of zanzibarite."))
    manifest.write_text("".join(json.dumps(e) + "\n" for e in entries), encoding="utf-8")
    report = index_corpus([manifest], index_dir, OPTIONS)
    assert report.unchanged > SIZE * 0.9  # most lines were never decoded again
    return index_dir, entries


@pytest.fixture(scope="module")
def theirs(built, whoosh_reference):
    searcher = whoosh_reference.open_searcher(built[0])  # whoosh.index.open_dir and Whoosh's searcher
    yield searcher
    searcher.close()


@pytest.fixture(scope="module")
def ours(built):
    reader = WhooshReader(built[0])
    yield reader
    reader.close()


def test_whoosh_sees_the_same_photos_with_deletions_applied(built, theirs, ours) -> None:
    _, entries = built
    live = {theirs.stored_fields(docnum)["id"] for docnum in theirs.reader().all_doc_ids()}
    assert live == {entry["id"] for entry in entries}
    assert theirs.doc_count() == ours.doc_count() == len(entries)
    assert theirs.doc_count_all() > theirs.doc_count()  # the replaced versions are there, deleted
    assert len(theirs.reader().leaf_readers()) > 1


def test_whoosh_reads_the_same_stored_records(built, theirs, ours) -> None:
    _, entries = built
    for entry in entries[::97] + entries[-1:]:
        stored = theirs.document(id=entry["id"])
        assert stored["record"] == ours.stored_record(entry["id"])
        assert stored["record"]["caption"] == entry["caption"]


def test_whoosh_finds_each_term_in_the_same_photos(theirs, ours) -> None:
    from whoosh.query import Term

    for field, term in [("text", "point"), ("caption", "zanzibarit"), ("title", "point"), ("alt", "berlin"),
                        ("text", "gravel"), ("id", "p-added"), ("facet", "source:manifest")]:
        hits = theirs.search(Term(field, term), limit=None)
        found = {hit["id"] for hit in hits}
        docs, _ = ours.arrays.postings(field, term)
        live = ours.arrays.live()
        mine = {ours._hit(int(doc), 0.0).id for doc in docs if live[doc]}
        assert found == mine, (field, term)
        assert theirs.doc_frequency(field, term) == ours.doc_frequency(field, term)
    assert {hit["id"] for hit in theirs.search(Term("text", "zanzibarit"), limit=None)} >= {"p-added"}


@pytest.mark.parametrize(
    "text",
    ["point", "zanzibarite", "gravel point", '"civil point"', "rover OR lander", "title:point", "point -berlin"],
)
def test_whoosh_answers_queries_as_the_engine_does(whoosh_reference, theirs, ours, text) -> None:
    tree = searching.normalised(ql.parse(text))
    total, top = whoosh_reference.search(theirs, tree, limit=10)
    mine = ours.search(tree, limit=10, facets=False)
    assert mine.total == total, text
    for (_, their_score), hit in zip(top, mine.hits):
        assert math.isclose(their_score, hit.score, rel_tol=1e-9), text
    assert {i for i, _ in top} == {hit.id for hit in mine.hits} or len({s for _, s in top}) < len(top), text
