"""The per-collection gazetteer: it finds again what the trained model found, and leaves the rest to it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from captionsearch import nlp
from captionsearch.indexing import IndexOptions, index_corpus
from captionsearch.indexing.gazetteer import Gazetteer
from captionsearch.search import searching

Place, Person, Date = (lambda text: nlp.Entity("place", text)), (lambda text: nlp.Entity("person", text)), (
    lambda text: nlp.Entity("date", text)
)


def learnt(*examples: tuple[str, list[nlp.Entity]]) -> Gazetteer:
    gazetteer = Gazetteer(learn_from=len(examples))
    gazetteer.learn(examples)
    assert gazetteer.ready
    return gazetteer


EXAMPLES = [
    ("Crowds in Beijing cheer the rover.", [Place("Beijing")]),
    ("Rain falls on Beijing at night.", [Place("Beijing")]),
    ("Engineers in Beijing watch the landing.", [Place("Beijing")]),
    ("John Smith waves at the crowd on 3 January 2019.", [Person("John Smith"), Date("3 January 2019")]),
    ("Mary Jones speaks on 4 January 2019.", [Person("Mary Jones"), Date("4 January 2019")]),
    ("John Smith and Mary Jones meet on 9 January 2019.", [Person("John Smith"), Person("Mary Jones"),
                                                          Date("9 January 2019")]),
    ("Mary Jones and John Smith talk in Beijing.", [Person("Mary Jones"), Person("John Smith"), Place("Beijing")]),
]


def test_known_entities_are_found_again_with_the_models_group_and_text() -> None:
    reading = learnt(*EXAMPLES).read("Crowds cheer John Smith in Beijing.")
    assert reading.for_model() == []
    assert reading.entities(iter(())) == (Person("John Smith"), Place("Beijing"))


def test_dates_are_matched_by_the_shape_of_their_digits() -> None:
    gazetteer = learnt(*EXAMPLES)
    reading = gazetteer.read("Mary Jones waves on 7 January 2019.")
    assert reading.entities(iter(())) == (Person("Mary Jones"), Date("7 January 2019"))
    assert gazetteer.read("Mary Jones waves on 12 January 2019.").for_model()  # a shape it has not seen


def test_first_names_and_surnames_of_one_group_make_new_names() -> None:
    reading = learnt(*EXAMPLES).read("John Jones waves at the crowd.")
    assert reading.entities(iter(())) == (Person("John Jones"),)


def test_a_sentence_with_a_word_it_does_not_know_goes_to_the_model_alone() -> None:
    reading = learnt(*EXAMPLES).read("Rain falls on Beijing. Crowds in Lhasa cheer.")
    assert reading.sentences == ("Rain falls on Beijing.", "Crowds in Lhasa cheer.")
    assert reading.for_model() == ["Crowds in Lhasa cheer."]
    assert reading.entities(iter([(Place("Lhasa"),)])) == (Place("Beijing"), Place("Lhasa"))


def test_words_the_model_labels_both_ways_are_left_to_it() -> None:
    gazetteer = learnt(*EXAMPLES, ("Jordan waves.", [Person("Jordan")]), ("Jordan waves again.", [Place("Jordan")]),
                       ("Jordan cheers.", [Person("Jordan")]))
    assert gazetteer.read("Jordan waves in Beijing.").for_model() == ["Jordan waves in Beijing."]


def test_nothing_is_settled_before_enough_was_learnt() -> None:
    gazetteer = Gazetteer(learn_from=10)
    gazetteer.learn(EXAMPLES[:3])
    assert not gazetteer.ready and gazetteer.still_to_learn() == 7


@pytest.fixture(scope="module")
def bundled_captions(corpus_dir: Path) -> list[str]:
    photos = json.loads((corpus_dir / "manifest.json").read_text(encoding="utf-8"))["photos"]
    return [photo["caption"] for photo in photos if photo.get("caption")]


def test_on_the_bundled_captions_what_it_settles_is_what_the_model_finds(bundled_captions: list[str]) -> None:
    model = nlp.load_pipeline(components=("ner",))
    found = list(nlp.extract_entities(model, bundled_captions))
    gazetteer = Gazetteer(learn_from=len(bundled_captions))
    gazetteer.learn(zip(bundled_captions, found))
    settled_sentences = 0
    for caption, entities in zip(bundled_captions, found):
        reading = gazetteer.read(caption)
        for sentence, settled in zip(reading.sentences, reading.found):
            if settled is not None:
                settled_sentences += 1
                assert set(settled) <= set(entities), sentence  # nothing the model did not find in the caption
    assert settled_sentences > 0


def entity_facets(index_dir: Path, least: int) -> dict[str, set[tuple[str, int]]]:
    """The entity facets' values on at least ``least`` photos, with their counts."""
    facets = searching.collection_facets(index_dir)
    groups = set(nlp.ENTITY_GROUPS.values())
    found = {group: {(value.value, value.count) for value in values if value.count >= least}
             for group, values in facets.items() if group in groups}
    return {group: values for group, values in found.items() if values}


def test_indexing_with_the_gazetteer_gives_the_bundled_corpus_the_same_entity_facets(
    corpus_dir: Path, tmp_path: Path
) -> None:
    """Values on two photos or more are the same; a sentence the model reads apart from its caption can differ.

    (Read alone, "Chang'e 4 made the first-ever soft landing..." is not the
    person the model calls it within its caption: one photo's facet.)
    """
    model_only, with_gazetteer = tmp_path / "model-only", tmp_path / "gazetteer"
    index_corpus([corpus_dir], model_only, IndexOptions(entities=True, gazetteer_from=0))
    index_corpus([corpus_dir], with_gazetteer, IndexOptions(entities=True, gazetteer_from=4))
    facets = entity_facets(model_only, least=2)
    assert ("China", 5) in facets["place"] and facets["organisation"]
    assert facets == entity_facets(with_gazetteer, least=2)
