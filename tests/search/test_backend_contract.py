"""What every search backend must do (search/backend.py), run against each one in BACKENDS.

Written against the protocol only: documents go in through a backend's
writer and come back through its reader, on a real index in a temporary
folder. A new backend is added to search.backend.BACKENDS and must pass
all of this unchanged.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from captionsearch import nlp
from captionsearch.errors import IndexLocked, IndexMissing
from captionsearch.search import querylang as ql
from captionsearch.search.backend import BACKENDS, IndexDocument, SearchBackend, get_backend
from captionsearch.search.pool import ReaderPool
from captionsearch.search.searching import normalised
from captionsearch.settings import DEFAULT_QUERY_CACHE_MB


def document(
    record_id: str, caption: str, title: str = "", alt: str = "", entity: str = "", facets: tuple[str, ...] = ()
) -> IndexDocument:
    """A document as the indexer makes one: normalised terms, dictionary words, the record stored."""

    def terms(text: str) -> str:
        return " ".join(nlp.normalise(text))

    return IndexDocument(
        id=record_id,
        state=f"{record_id} hash-of-{record_id}:n",
        text=" ".join(filter(None, (terms(title), terms(caption), terms(alt)))),
        title=terms(title),
        caption=terms(caption),
        alt=terms(alt),
        entity=terms(entity),
        words=tuple(dict.fromkeys(nlp.words(f"{title} {caption} {alt}"))),
        facets=facets,
        record={"id": record_id, "title": title, "caption": caption, "alt": alt},
    )


COLLECTION = [
    document("rim", "The rover drives along the crater rim.", title="Rover on the rim",
             facets=("year:2019", "place:Moon")),
    document("tracks", "Rover tracks cross the grey regolith, rover after rover.", title="Tracks",
             facets=("year:2019",)),
    document("far-side", "The lander rests on the far side of the Moon.", title="Far side",
             alt="A lander on grey soil", entity="China", facets=("year:2019", "place:Moon", "place:China")),
    document("side-far", "Seen from the side, the far crater is dark.", title="Crater",
             facets=("year:2020",)),
    document("telescope", "A telescope points at the Moon from Chile.", title="Telescope",
             entity="Chile", facets=("year:2020", "place:Chile")),
    document("lander", "The lander unfolds its solar panels beside the rover.", title="Lander and rover",
             facets=("year:2019",)),
]


@pytest.fixture(params=sorted(BACKENDS))
def backend(request: pytest.FixtureRequest) -> SearchBackend:
    return get_backend(request.param)


def write(backend: SearchBackend, folder: Path, documents: list[IndexDocument], new: bool = False) -> None:
    with backend.writer(folder) as writer:
        for each in documents:
            writer.put(each, new=new)


@pytest.fixture
def folder(backend: SearchBackend, tmp_path: Path) -> Path:
    """An index of COLLECTION, written in one session."""
    write(backend, tmp_path / "index", COLLECTION, new=True)
    return tmp_path / "index"


@pytest.fixture
def reader(backend: SearchBackend, folder: Path):
    opened = backend.open_reader(folder)
    yield opened
    opened.close()


def search(reader, query: str, **options) -> list[str]:
    return [hit.id for hit in reader.search(normalised(ql.parse(query)), limit=50, **options).hits]


# -- building and updating ------------------------------------------------------------


def test_a_written_index_holds_every_document_and_its_record(backend, folder, reader) -> None:
    assert backend.index_exists(folder) and backend.holds_index(folder)
    assert not backend.built_by_another_version(folder)
    assert reader.doc_count() == len(COLLECTION)
    assert reader.stored_record("rim") == dict(COLLECTION[0].record)
    assert reader.stored_record("nowhere") is None
    assert sorted(record["id"] for record in reader.stored_records()) == sorted(d.id for d in COLLECTION)
    assert backend.read_states(folder) == {d.id: d.state.split(" ", 1)[1] for d in COLLECTION}


def test_a_folder_without_an_index(backend, tmp_path) -> None:
    tmp_path.joinpath("photos.json").write_text("[]", encoding="utf-8")
    assert not backend.index_exists(tmp_path) and not backend.holds_index(tmp_path)
    assert backend.read_states(tmp_path) == {} and not backend.built_by_another_version(tmp_path)
    with pytest.raises(IndexMissing):
        backend.open_reader(tmp_path)


def test_the_index_files_are_told_from_what_else_the_folder_holds(backend, folder) -> None:
    with backend.lock(folder):
        names = os.listdir(folder)
        assert any(backend.is_index_file(name) for name in names)
        assert any(backend.is_lock_file(name) for name in names)
        assert not any(backend.is_index_file(name) and backend.is_lock_file(name) for name in names)
        assert all(backend.is_index_file(name) or backend.is_lock_file(name) for name in names)
    for name in ("entities.sqlite", "thumbnails", "photos.json"):
        assert not backend.is_index_file(name) and not backend.is_lock_file(name)


def test_putting_a_known_id_replaces_the_document(backend, folder) -> None:
    write(backend, folder, [document("rim", "A lander waits on the plain.", title="Plain")])
    reader = backend.open_reader(folder)
    try:
        assert reader.doc_count() == len(COLLECTION)
        assert "rim" not in search(reader, "rover") and search(reader, "plain") == ["rim"]
        assert reader.stored_record("rim")["caption"] == "A lander waits on the plain."
        assert backend.read_states(folder)["rim"] == "hash-of-rim:n"
    finally:
        reader.close()


def test_deleted_documents_are_gone_from_every_answer(backend, folder) -> None:
    with backend.writer(folder) as writer:
        writer.delete("far-side")
        writer.delete("telescope")
    reader = backend.open_reader(folder)
    try:
        assert reader.doc_count() == len(COLLECTION) - 2
        assert reader.stored_record("far-side") is None
        assert "far-side" not in search(reader, "lander") and search(reader, "telescope") == []
        assert "place:China" not in reader.facet_counts() and reader.facet_counts()["place:Moon"] == 1
        assert set(backend.read_states(folder)) == {d.id for d in COLLECTION} - {"far-side", "telescope"}
        assert reader.search(ql.Everything()).total == len(COLLECTION) - 2
    finally:
        reader.close()


def test_an_exception_inside_a_write_session_cancels_it(backend, folder) -> None:
    with pytest.raises(RuntimeError):
        with backend.writer(folder) as writer:
            writer.put(document("extra", "A comet over the lander."))
            writer.delete("rim")
            raise RuntimeError("disk full")
    reader = backend.open_reader(folder)
    try:
        assert reader.doc_count() == len(COLLECTION) and search(reader, "comet") == []
        assert reader.stored_record("rim") is not None
    finally:
        reader.close()


def test_a_held_lock_keeps_writers_out(backend, folder) -> None:
    with backend.lock(folder) as lock:
        assert lock.recovered_from is None
        with pytest.raises(IndexLocked):
            with backend.writer(folder):
                pass
    write(backend, folder, [document("after", "Written once the lock was let go.")])


# -- queries --------------------------------------------------------------------------------


def test_words_must_all_match_and_rank_by_score(reader) -> None:
    results = reader.search(normalised(ql.parse("rover")), limit=10)
    assert results.total == 3 and {h.id for h in results.hits} == {"rim", "tracks", "lander"}
    scores = [hit.score for hit in results.hits]
    assert all(score > 0 for score in scores) and scores == sorted(scores, reverse=True)
    assert results.hits[0].id == "tracks"  # "rover" three times in a caption of the same length
    assert results.hits[0].record == dict(COLLECTION[1].record)
    assert set(search(reader, "rover lander")) == {"lander"}
    assert set(search(reader, "rovers")) == {"rim", "tracks", "lander"}  # terms, as normalised


def test_or_not_everything_and_nothing(reader) -> None:
    assert set(search(reader, "telescope OR regolith")) == {"telescope", "tracks"}
    assert set(search(reader, "rover -lander")) == {"rim", "tracks"}
    assert set(search(reader, "NOT (rover OR lander)")) == {"side-far", "telescope"}
    assert reader.search(ql.Everything()).total == len(COLLECTION)
    assert reader.search(ql.Nothing()).total == 0 and search(reader, "zzzznotaword") == []


def test_a_document_matching_more_of_the_words_ranks_higher(reader) -> None:
    assert search(reader, "lander OR solar OR panels")[0] == "lander"


def test_phrases_match_consecutive_words_in_one_field(reader) -> None:
    assert search(reader, '"far side"') == ["far-side"]  # "side, the far" is not the phrase
    assert set(search(reader, "far side")) == {"far-side", "side-far"}
    assert search(reader, 'title:"far side"') == ["far-side"]
    assert search(reader, 'alt:"far side"') == []
    assert search(reader, '"moon a lander"') == []  # the caption's end and the alt are not one text
    assert search(reader, 'alt:"grey soil"') == ["far-side"]


def test_fields_scope_a_word(reader) -> None:
    assert set(search(reader, "title:rover")) == {"rim", "lander"}
    assert search(reader, "entity:china") == ["far-side"] and search(reader, "caption:china") == []


def test_pages_continue_one_ranking(reader) -> None:
    tree = normalised(ql.parse("rover OR lander OR moon"))
    whole = [hit.id for hit in reader.search(tree, limit=6).hits]
    pages = [hit.id for offset in (0, 2, 4) for hit in reader.search(tree, offset=offset, limit=2).hits]
    assert pages == whole and len(whole) == 5


# -- facets ---------------------------------------------------------------------------------


def test_facets_are_counted_over_every_match(reader) -> None:
    assert reader.facet_counts() == {"year:2019": 4, "year:2020": 2, "place:Moon": 2, "place:China": 1,
                                     "place:Chile": 1}
    results = reader.search(normalised(ql.parse("crater OR moon")), limit=1)
    assert results.total == 4 and len(results.hits) == 1
    assert results.facet_counts == {"year:2019": 2, "year:2020": 2, "place:Moon": 2, "place:China": 1,
                                    "place:Chile": 1}
    assert reader.search(normalised(ql.parse("moon")), facets=False).facet_counts == {}


def test_filters_keep_the_matches_carrying_every_value(reader) -> None:
    assert set(search(reader, "crater OR moon", filters=("year:2019",))) == {"rim", "far-side"}
    assert search(reader, "crater OR moon", filters=("year:2019", "place:China")) == ["far-side"]
    assert search(reader, "crater OR moon", filters=("year:2020", "place:China")) == []
    assert search(reader, "crater OR moon", filters=("place:Nowhere",)) == []
    assert set(search(reader, "", filters=("place:Moon",))) == {"rim", "far-side"}


# -- spelling and more like this ------------------------------------------------------------


def test_the_dictionary_holds_every_word_written_and_offers_near_ones(reader) -> None:
    assert reader.in_dictionary("telescope") and reader.in_dictionary("regolith")
    assert not reader.in_dictionary("telesope")
    assert "telescope" in reader.spelling_candidates("telesope")
    assert "regolith" in reader.spelling_candidates("regoltih")  # a transposition is one edit
    assert reader.spelling_candidates("telescope") == []  # a word is not its own candidate
    assert "telescope" not in reader.spelling_candidates("telesc", maxdist=2)
    assert reader.doc_frequency("text", nlp.stem("rover")) == 3
    assert reader.doc_frequency("text", "zzzznotaword") == 0


def test_more_like_this_finds_the_photos_sharing_distinctive_words(reader) -> None:
    found = reader.more_like("rim", " ".join(nlp.normalise("Rover on the rim. The rover drives along the crater rim.")))
    assert found and "rim" not in {hit.id for hit in found}
    assert found[0].id in {"tracks", "lander", "side-far"} and found[0].score > 0
    assert len(reader.more_like("rim", "rover crater rim", limit=1)) == 1
    assert reader.more_like("nowhere", "rover") == []


# -- reading after a change -----------------------------------------------------------------


def test_an_open_reader_keeps_its_view_until_a_new_one_is_opened(backend, folder, reader) -> None:
    assert reader.up_to_date()
    write(backend, folder, [document("comet", "A comet over the lander.")])
    assert not reader.up_to_date()
    assert reader.doc_count() == len(COLLECTION) and search(reader, "comet") == []
    fresh = backend.open_reader(folder)
    try:
        assert fresh.up_to_date() and fresh.doc_count() == len(COLLECTION) + 1 and search(fresh, "comet") == ["comet"]
        assert fresh.in_dictionary("comet")
    finally:
        fresh.close()


def test_a_pool_hands_out_the_latest_commit(backend, folder) -> None:
    pool = ReaderPool(folder, backend)
    try:
        with pool.lease() as first:
            assert first.doc_count() == len(COLLECTION)
            write(backend, folder, [document("comet", "A comet over the lander.")])
            with pool.lease() as second:  # the first stays open for its holder
                assert second.doc_count() == len(COLLECTION) + 1 and first.doc_count() == len(COLLECTION)
        with pool.lease() as third:
            assert third is second
    finally:
        pool.close()


def test_warming_and_a_small_cache_change_no_answer(backend, folder, reader) -> None:
    queries = ["rover", '"far side"', "moon -lander", ""]
    before = [reader.search(normalised(ql.parse(q))) for q in queries]
    assert reader.warm(frequent_share=1.0) >= 0
    backend.set_cache_size(1)
    try:
        fresh = backend.open_reader(folder)
        try:
            assert [fresh.search(normalised(ql.parse(q))) for q in queries] == before
        finally:
            fresh.close()
    finally:
        backend.set_cache_size(DEFAULT_QUERY_CACHE_MB)
