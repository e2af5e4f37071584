"""More like this: photos whose text shares the most distinctive terms with one photo's."""

from __future__ import annotations

from typing import Any

from .. import engine
from .. import querylang as ql
from .arrays import IndexArrays


def similar_documents(arrays: IndexArrays, record_id: str, text: str, limit: int = 6) -> list[tuple[int, float]]:
    """(document number, score) of the ``limit`` best, the photo itself left out.

    The text field is neither stored nor vectored, so the caller passes the
    record's normalised terms as ``text``. Whoosh picks the terms and their
    weights (its Bo1 model, as its own more_like does); the engine runs them
    as one weighted OR.
    """
    searcher: Any = arrays.searcher
    with arrays.io:
        docnum = searcher.document_number(id=record_id)
        terms = searcher.key_terms_from_text("text", text, numterms=12, normalize=True) if docnum is not None else []
    if not terms:
        return []
    found = engine.evaluate(ql.Or(tuple(ql.Term("text", term, boost=weight) for term, weight in terms)), arrays)
    best = [i for i in engine.top(found, limit + 1) if found.docs[i] != docnum][:limit]
    return [(int(found.docs[i]), float(found.scores[i])) for i in best]
