"""Searching the bundled Chang'e 4 gallery through the library API.

Expected photo sets are computed here from the corpus's own manifest with
plain regular expressions, independently of the index and its stemmer.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from captionsearch import nlp
from captionsearch.indexing import IndexOptions, index_corpus
from captionsearch.search import searching


@pytest.fixture(scope="session")
def manifest(corpus_dir: Path) -> list[dict]:
    return json.loads((corpus_dir / "manifest.json").read_text(encoding="utf-8"))["photos"]


@pytest.fixture(scope="session")
def bundled_index(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    index_dir = tmp_path_factory.mktemp("bundled") / "index"
    report = index_corpus([corpus_dir], index_dir, IndexOptions(entities=True))
    assert report.errors == () and report.records == 11
    return index_dir


def expected(manifest: list[dict], pattern: str) -> set[str]:
    regex = re.compile(pattern, re.IGNORECASE)
    return {p["id"] for p in manifest if regex.search(p["title"] + "\n" + p["caption"])}


def found(query: str, index_dir: Path, **options: object) -> set[str]:
    page = searching.search(query, index_dir, limit=100, **options)  # type: ignore[arg-type]
    return {hit.id for hit in page.hits}


def test_rover_finds_exactly_the_photos_that_mention_a_rover(bundled_index: Path, manifest: list[dict]) -> None:
    rover_photos = expected(manifest, r"\brovers?\b")
    assert len(rover_photos) >= 4
    assert found("rover", bundled_index) == rover_photos
    assert found("rovers", bundled_index) == rover_photos
    assert found("ROVER", bundled_index) == rover_photos


def test_simulation_finds_simulations_and_simulated_landings(bundled_index: Path, manifest: list[dict]) -> None:
    simulated = expected(manifest, r"\bsimulat(ion|ed|ing|e)s?\b")
    assert len(simulated) == 4
    for query in ("simulation", "simulated", "simulating", "simulations"):
        assert found(query, bundled_index) == simulated, query


def test_short_common_words_must_match_too(bundled_index: Path, manifest: list[dict]) -> None:
    # "its" is not dropped: only rover photos whose text has "its" (or "it", its stem) match.
    with_its = expected(manifest, r"\brovers?\b") & expected(manifest, r"\bits?\b")
    assert 0 < len(with_its) < len(expected(manifest, r"\brovers?\b"))
    assert found("rover its", bundled_index) == with_its
    assert found("its rover", bundled_index) == with_its


def test_far_side_as_a_phrase(bundled_index: Path, manifest: list[dict]) -> None:
    phrase = expected(manifest, r"\bfar[\s-]side\b")
    assert found('"far side"', bundled_index) == phrase
    # Both words somewhere, not adjacent, is a different (larger or equal) set.
    assert found("far side", bundled_index) >= phrase


def test_von_karman_finds_the_photo_that_names_the_crater(bundled_index: Path, manifest: list[dict]) -> None:
    crater = expected(manifest, r"von k[aá]rm[aá]n")
    assert len(crater) == 1
    for query in ("Von Karman", "von kármán", '"Von Karman crater"', "Karman"):
        assert found(query, bundled_index) == crater, query


@pytest.mark.parametrize("variant", ["Yutu-2", "Yutu 2", "yutu2", '"Yutu 2"'])
def test_name_variants_find_the_same_photos(bundled_index: Path, manifest: list[dict], variant: str) -> None:
    assert found(variant, bundled_index) == expected(manifest, r"yutu[\s-]?2")


@pytest.mark.parametrize("typo, meant", [("rovr", "rover"), ("rvoer", "rover"), ("rovet", "rover"),
                                         ("simulaton", "simulation"), ("crater", "crater"), ("lnuar", "lunar")])
def test_a_one_letter_typo_still_reaches_the_right_photos(bundled_index: Path, typo: str, meant: str) -> None:
    page = searching.search(typo, bundled_index, limit=100)
    assert {h.id for h in page.hits} == found(meant, bundled_index, suggest=False)
    if typo != meant:
        assert page.corrected_query == meant and page.did_you_mean == meant


def test_a_typo_beside_a_good_word_is_suggested_for_the_whole_query(bundled_index: Path) -> None:
    page = searching.search("lunar rovr", bundled_index)
    assert page.did_you_mean == "lunar rover"
    assert page.total == len(found("lunar rover", bundled_index))


def test_field_scopes_or_and_not(bundled_index: Path, manifest: list[dict]) -> None:
    assert found("title:rover", bundled_index) == {p["id"] for p in manifest if re.search(r"rover", p["title"], re.I)}
    assert found("rover -artist", bundled_index) == expected(manifest, r"\brover") - expected(manifest, r"\bartist")
    assert found("rover OR simulation", bundled_index) == expected(manifest, r"\brover|\bsimulat")
    assert found('caption:"far side" NOT title:rover', bundled_index) == expected(
        manifest, r"far[\s-]side"
    ) - {p["id"] for p in manifest if "rover" in p["title"].lower()}


def test_highlights_mark_the_original_words_not_stems(bundled_index: Path) -> None:
    page = searching.search("simulation", bundled_index)
    assert page.hits
    for hit in page.hits:
        segments = hit.highlights["caption"]
        assert "".join(s.text for s in segments) == hit.record.caption
        marked = [s.text for s in segments if s.match]
        assert marked, hit.id
        assert all(nlp.normalise(word) == ["simul"] and word.lower().startswith("simulat") for word in marked)


def test_phrase_highlights_only_the_phrase(bundled_index: Path) -> None:
    page = searching.search('"lunar surface"', bundled_index)
    assert page.hits
    for hit in page.hits:
        for field in ("title", "caption", "alt"):
            marked = [s.text.lower() for s in hit.highlights[field] if s.match]
            assert all(word in {"lunar", "surface"} for word in marked)
            assert len(marked) % 2 == 0  # whole phrases only: "lunar" alone is not marked
        assert any(s.match for segs in hit.highlights.values() for s in segs), hit.id


def test_entities_become_facets_and_filters_narrow_results(bundled_index: Path) -> None:
    page = searching.search("", bundled_index, limit=100)
    assert page.total == 11
    places = {v.value: v.count for v in page.facets.get("place", ())}
    assert "China" in places
    narrowed = searching.search("", bundled_index, limit=100, filters=("place:China",))
    assert narrowed.total == places["China"] < 11
    assert all("place:China" in hit.facets for hit in narrowed.hits)
    assert [v for v in narrowed.facets["place"] if v.value == "China"][0].selected


def test_pages_cover_all_results_once(bundled_index: Path) -> None:
    everything = searching.search("moon", bundled_index, limit=100)
    seen = []
    for number in range(1, everything.total // 3 + 2):
        page = searching.search("moon", bundled_index, page=number, limit=3)
        assert page.pages == -(-everything.total // 3)
        seen.extend(h.id for h in page.hits)
    assert seen == [h.id for h in everything.hits]


def test_json_shape_is_stable(bundled_index: Path) -> None:
    data = searching.search("rover", bundled_index, limit=2).to_dict()
    assert set(data) == {"query", "corrected_query", "did_you_mean", "total", "page", "pages", "limit",
                         "elapsed_ms", "filters", "facets", "hits"}
    hit = data["hits"][0]
    assert set(hit) == {"id", "rank", "score", "title", "caption", "alt", "credit", "date", "keywords", "image",
                        "page", "gallery", "width", "height", "entities", "highlights"}
    assert set(hit["highlights"]) == {"title", "caption", "alt"}
    assert {"text", "match"} == set(hit["highlights"]["caption"][0])
    json.dumps(data)  # plain data all the way down


def test_each_photo_is_listed_once_though_three_sources_describe_it(bundled_index: Path) -> None:
    page = searching.search("", bundled_index, limit=100)
    assert len({h.id for h in page.hits}) == len(page.hits) == 11
    kinds = {part.origin.kind for part in page.hits[0].record.parts}
    assert {"manifest", "html", "metadata"} <= kinds


def test_accessibility_status_is_a_facet_agreeing_with_the_audit(bundled_index: Path, corpus_dir: Path) -> None:
    from captionsearch.audit.runner import audit_records
    from captionsearch.corpus import read_corpus

    records = read_corpus([corpus_dir]).records
    by_image = {r.image: r.id for r in records}
    vague = {by_image[f.image] for f in audit_records(records) if f.rule == "alt-vague"}
    assert {"closing-in", "down-and-down"} <= vague
    page = searching.search("", bundled_index, limit=100, filters=("status:alt-vague",))
    assert {h.id for h in page.hits} == vague
    statuses = {v.value for v in searching.collection_facets(bundled_index)["status"]}
    assert "alt-vague" in statuses


def test_the_package_api_of_the_readme_searches(bundled_index: Path, manifest: list[dict]) -> None:
    """``captionsearch.search("rover", index_dir=...)`` as README.md shows it, whatever was imported before."""
    import captionsearch
    from captionsearch.search import engine  # noqa: F401  (importing the package's modules keeps it callable)

    page = captionsearch.search("rover", index_dir=bundled_index, limit=100)
    assert {hit.id for hit in page.hits} == expected(manifest, r"\brovers?\b")
    assert page.to_dict()["total"] == page.total == captionsearch.search("rover", index_dir=bundled_index).total
