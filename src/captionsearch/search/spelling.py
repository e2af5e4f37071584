"""Did you mean: a query's unknown words replaced by the likeliest words of the collection."""

from __future__ import annotations

from .. import nlp
from . import querylang as ql
from .backend import IndexReader
from .distance import edit_distance

FEW_RESULTS = 3  # fewer hits than this and a spelling suggestion is worth offering


def corrected_tree(reader: IndexReader, tree: ql.Node) -> ql.Node | None:
    """The query with each unknown word replaced by the likeliest known one; None if none is unknown."""
    corrections = {}
    for word in ql.positive_words(tree):
        if word.quoted:
            continue
        folded = [w for w, _ in nlp.analyse(word.text)]
        if len(folded) != 1 or folded[0] in nlp.FUNCTION_WORDS or folded[0].isdigit():
            continue
        if reader.in_dictionary(folded[0]) and _photos_using(reader, folded[0]):
            continue
        candidates = {c: _photos_using(reader, c) for c in reader.spelling_candidates(folded[0])}
        best = best_correction(folded[0], {c: n for c, n in candidates.items() if n})
        if best:
            corrections[word.text] = best
    return ql.replace_words(tree, corrections) if corrections else None


def _photos_using(reader: IndexReader, word: str) -> int:
    """Photos with a form of this dictionary word (its stem).

    The dictionary keeps the words of deleted photos, so this is what says
    whether a word is still in the collection.
    """
    return reader.doc_frequency("text", nlp.stem(word))


def best_correction(word: str, candidates: dict[str, int]) -> str | None:
    """The closest candidate by edit distance, then the most used, then alphabetical."""
    ranked = sorted(candidates, key=lambda c: (edit_distance(word, c), -candidates[c], c))
    return ranked[0] if ranked else None
