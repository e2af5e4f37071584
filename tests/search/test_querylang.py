"""The query language: what people type becomes the right tree, or a helpful error."""

from __future__ import annotations

import pytest

from captionsearch.errors import QuerySyntaxError
from captionsearch.search import querylang as ql
from captionsearch.search.searching import normalised


def W(text: str, field: str = "text", quoted: bool = False) -> ql.Word:
    return ql.Word(field, text, quoted)


@pytest.mark.parametrize(
    "query, tree",
    [
        ("rover", W("rover")),
        ("rover landing", ql.And((W("rover"), W("landing")))),
        ("rover AND landing", ql.And((W("rover"), W("landing")))),
        ('"far side"', W("far side", quoted=True)),
        ("rover OR lander", ql.Or((W("rover"), W("lander")))),
        ("rover -artist", ql.And((W("rover"), ql.Not(W("artist"))))),
        ("rover NOT artist", ql.And((W("rover"), ql.Not(W("artist"))))),
        ("title:rover", W("rover", "title")),
        ('caption:"far side"', W("far side", "caption", quoted=True)),
        ("ALT:moon", W("moon", "alt")),
        ("entity:beijing", W("beijing", "entity")),
        ('-"far side"', ql.Not(W("far side", quoted=True))),
        ("(rover OR lander) -artist", ql.And((ql.Or((W("rover"), W("lander"))), ql.Not(W("artist"))))),
        ("a OR b c", ql.Or((W("a"), ql.And((W("b"), W("c")))))),
        ("", ql.Everything()),
        ("   ", ql.Everything()),
        ("10:30", W("10:30")),
        ("or", W("or")),  # lowercase operators are words
    ],
)
def test_parse(query: str, tree: ql.Node) -> None:
    assert ql.parse(query) == tree


@pytest.mark.parametrize(
    "query, fragment",
    [
        ('"far side', "unclosed quote at position 1"),
        ("rover OR", "OR at position 7 needs a term on both sides"),
        ("OR rover", "OR at position 1 needs a term on both sides"),
        ("rover NOT", "NOT at position 7 needs a term after it"),
        ("(rover", "unclosed '(' at position 1"),
        ("rover)", "unmatched ')' at position 6"),
        ("()", "empty parentheses"),
        ("colour:red", "unknown field 'colour:'"),
        ("title:", "'title:' at position 1 needs a word"),
        ("x" * 501, "the limit is 500"),
    ],
)
def test_syntax_errors_say_where_and_how_to_fix(query: str, fragment: str) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        ql.parse(query)
    assert fragment in str(caught.value)


@pytest.mark.parametrize(
    "query",
    ["rover", "rover landing", '"far side" -artist', "title:rover OR caption:lander", "NOT (a b)", 'alt:"the view"'],
)
def test_unparse_round_trips(query: str) -> None:
    tree = ql.parse(query)
    assert ql.parse(ql.unparse(tree)) == tree


def test_normalising_joins_variants_and_splits_names_into_phrases() -> None:
    assert normalised(ql.parse("Rovers")) == ql.Term("text", "rover", source="Rovers")
    assert normalised(ql.parse("Chang'e-4")) == ql.Phrase("text", ("chang'e", "4"), source="Chang'e-4")
    assert normalised(ql.parse("Chang’e 4")) == ql.And(
        (ql.Term("text", "chang'e", source="Chang’e"), ql.Term("text", "4", source="4"))
    )


def test_every_word_counts_short_common_ones_too() -> None:
    assert normalised(ql.parse("the rover")) == ql.And(
        (ql.Term("text", "the", source="the"), ql.Term("text", "rover", source="rover"))
    )
    assert normalised(ql.parse('"the rover"')) == ql.Phrase("text", ("the", "rover"), source="the rover")
    # A word with no letters or digits stands for nothing and drops out.
    assert normalised(ql.parse("rover —")) == ql.Term("text", "rover", source="rover")


def test_positive_words_skip_negated_ones() -> None:
    tree = ql.parse("rover OR lander -artist")
    assert [w.text for w in ql.positive_words(tree)] == ["rover", "lander"]
