"""One normalise path for captions and queries: variants meet, offsets point at the original words."""

from __future__ import annotations

import pytest

from captionsearch import nlp


def stems(text: str) -> list[str]:
    return nlp.normalise(text)


@pytest.mark.parametrize(
    "variants",
    [
        ("rover", "rovers", "Rover", "ROVERS"),
        ("simulation", "simulated", "simulating", "simulations", "simulate"),
        ("landing", "landed", "lands", "land"),
        ("Kármán", "Karman", "KARMAN", "kárman"),
        ("photo", "photos"),
    ],
)
def test_morphological_case_and_accent_variants_share_one_term(variants: tuple[str, ...]) -> None:
    assert len({tuple(stems(v)) for v in variants}) == 1


@pytest.mark.parametrize(
    "variants",
    [
        ("Chang'e-4", "Chang'e 4", "Chang’e 4", "Chang'e4", "CHANG'E-4"),
        ("Yutu-2", "Yutu 2", "Yutu2", "yutu-2"),
        ("far-side", "far side", "Far Side"),
    ],
)
def test_punctuation_variants_of_names_give_the_same_term_sequence(variants: tuple[str, ...]) -> None:
    assert len({tuple(stems(v)) for v in variants}) == 1


@pytest.mark.parametrize(
    "a, b",
    [
        ("lander", "landing"),  # a spacecraft is not an event
        ("Chang'e", "change"),  # the apostrophe keeps a name apart from an English word
        ("art", "artist"),
        ("news", "new"),
        ("moon", "month"),
    ],
)
def test_distinct_words_stay_distinct(a: str, b: str) -> None:
    assert stems(a) != stems(b)


def test_possessives_and_punctuation_are_not_terms() -> None:
    assert stems("the moon's far side — China's probe.") == ["the", "moon", "far", "side", "china", "probe"]


def test_tokens_keep_offsets_of_the_original_text() -> None:
    text = "Yutu-2 crossed Kármán’s rim; Chang’e 4 watched."
    for token in nlp.tokenize(text):
        assert text[token.start : token.end] == token.text
    assert [t.text for t in nlp.tokenize(text)][:4] == ["Yutu", "2", "crossed", "Kármán"]


def test_words_are_folded_but_not_stemmed() -> None:
    assert nlp.words("Simulated Kármán rovers") == ["simulated", "karman", "rovers"]


def test_a_word_written_with_combining_accents_is_the_word_written_composed() -> None:
    decomposed = "Kirchen-Gebra\u0308uche, Ka\u0301rma\u0301n"  # "a" + U+0308, as some exports write "ä"
    assert nlp.normalise(decomposed) == nlp.normalise("Kirchen-Gebräuche, Kármán") == ["kirchen", "gebrauch", "karman"]
    assert [t.text for t in nlp.tokenize(decomposed)][1] == "Gebra\u0308uche"


def test_stemming_from_many_threads_at_once_gives_each_word_its_own_stem() -> None:
    """A web server stems queries and highlights from several threads at once."""
    from concurrent.futures import ThreadPoolExecutor

    import snowballstemmer

    words = [f"{stem}{ending}" for stem in ("connect", "generat", "relat", "hope", "organis", "nation", "simulat")
             for ending in ("ion", "ions", "ing", "ed", "ively", "ational", "izations", "fulness", "ers")]
    words = [f"{word}{'s' * n}" for n in range(60) for word in words]
    reference = snowballstemmer.stemmer("english")
    expected = {word: reference.stemWord(word) for word in words}
    nlp.stem.cache_clear()  # every word through the stemmer itself, not the cache
    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(nlp.stem, words))
    assert dict(zip(words, got)) == expected


@pytest.mark.parametrize(
    "text, compared, matched",
    [
        ("Kármán  Crater", "kármán crater", "karman  crater"),  # accents: kept to compare, gone to match
        ("Chang\u2019e", "chang\u2019e", "chang'e"),  # apostrophes: unified only to match
        ("\ufb01re STRASSE", "fire strasse", "fire strasse"),  # compatibility forms and case: both
        ("  Straße\t\n", "strasse", "  strasse\t\n"),  # white space: collapsed only to compare
    ],
)
def test_one_fold_in_two_strengths(text: str, compared: str, matched: str) -> None:
    """The audit compares whole texts by fold(); search matches words by fold(search=True)."""
    assert nlp.fold(text) == compared
    assert nlp.fold(text, search=True) == matched
