"""Highlighting: the words of a shown field that a query matched, marked as written."""

from __future__ import annotations

from typing import Iterable

from .. import nlp
from ..records import CaptionRecord
from . import querylang as ql
from .results import Segment

SHOWN_FIELDS = ("title", "caption", "alt")


def highlights(record: CaptionRecord, tree: ql.Node) -> dict[str, tuple[Segment, ...]]:
    """Each shown field's text split into segments, marking what a normalised query tree matched."""
    targets = _targets(tree)
    return {name: highlight(getattr(record, name) or "", targets.get(name, ())) for name in SHOWN_FIELDS}


def _targets(tree: ql.Node) -> dict[str, list[tuple[str, ...]]]:
    """Which term sequences to mark in which displayed field."""
    shown_in = {"text": SHOWN_FIELDS, "entity": ("caption",)}
    targets: dict[str, list[tuple[str, ...]]] = {}
    for node in ql.positive_terms(tree):
        sequence = (node.term,) if isinstance(node, ql.Term) else node.terms
        for name in shown_in.get(node.field, (node.field,)):
            targets.setdefault(name, []).append(sequence)
    return targets


def highlight(text: str, sequences: Iterable[tuple[str, ...]]) -> tuple[Segment, ...]:
    """Split ``text`` into segments, marking the words whose stems form a wanted sequence.

    The marks fall on the words as written in the caption (the original
    words, not stems), found by running the same tokenizer over it.
    """
    wanted = [s for s in sequences if s]
    if not text:
        return ()
    tokens = nlp.tokenize(text)
    stems = [t.stem for t in tokens]
    marked = [False] * len(tokens)
    for sequence in wanted:
        size = len(sequence)
        for start in range(len(stems) - size + 1):
            if tuple(stems[start : start + size]) == sequence:
                marked[start : start + size] = [True] * size
    return _segments(text, tokens, marked)


def _segments(text: str, tokens: list[nlp.Token], marked: list[bool]) -> tuple[Segment, ...]:
    segments: list[Segment] = []
    cursor = 0
    for token, is_marked in zip(tokens, marked):
        if not is_marked:
            continue
        if token.start > cursor:
            segments.append(Segment(text[cursor : token.start]))
        segments.append(Segment(text[token.start : token.end], True))
        cursor = token.end
    if cursor < len(text):
        segments.append(Segment(text[cursor:]))
    return tuple(segments)
