"""A record as an index document: normalised terms, facets, its state and the stored record."""

from __future__ import annotations

import re
from typing import Iterable, Sequence

from .. import nlp
from ..records import CaptionRecord
from ..search.backend import IndexDocument
from ..search.facets import HAS_IMAGE, HAS_NO_IMAGE, facet_value
from .status import status_facets

# State flags: entities present, pending (wanted, not computed yet), not wanted.
ENRICHED, PENDING, PLAIN = "e", "p", "n"

Entities = Iterable[Sequence[str]]  # (group, text) pairs, as cached


def state(record: CaptionRecord, flag: str, digest: str | None = None) -> str:
    """What a document's state says: the record's content hash and its flag."""
    return f"{digest or record.content_hash()}:{flag}"


def entity_text(record: CaptionRecord) -> str:
    """The text entities are read from: the caption (titles are headlines, not sentences)."""
    return " ".join(t for t in (record.caption, record.long_description) if t) or record.title


def build_document(
    record: CaptionRecord,
    entities: Entities | None,
    flag: str,
    failed_rules: Sequence[str] = (),
    digest: str | None = None,
) -> IndexDocument:
    """One record as index fields: normalised terms, facets and the stored record.

    ``digest`` is the record's content hash when the caller has it already.
    """
    pairs = [(group, text) for group, text in entities or ()]
    # Analyse each shown field once: stems are indexed, folded words feed the spelling dictionary.
    analysed = {name: nlp.analyse(getattr(record, name) or "") for name in ("title", "caption", "alt")}
    title, caption, alt = (" ".join(stem for _, stem in analysed[name]) for name in ("title", "caption", "alt"))
    extra = _terms(" ".join((*record.keywords, record.credit, record.long_description)))
    entity_terms = _terms(" ".join(text for _, text in pairs))
    spelling = tuple(dict.fromkeys(word for words in analysed.values() for word, _ in words))
    facets = [*_facets(record, pairs), *status_facets(failed_rules)]
    stored = record.to_dict()
    stored["entities"] = [{"group": g, "text": t} for g, t in pairs]
    stored["facets"] = facets
    return IndexDocument(
        id=record.id,
        state=f"{record.id} {state(record, flag, digest)}",
        text=" ".join(filter(None, (title, caption, alt, extra))),
        title=title,
        caption=caption,
        alt=alt,
        entity=entity_terms,
        words=spelling,
        facets=tuple(dict.fromkeys(facets)),
        record=stored,
    )


def _terms(text: str) -> str:
    return " ".join(nlp.normalise(text)) if text else ""


_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


def _facets(record: CaptionRecord, entities: list[tuple[str, str]]) -> Iterable[str]:
    for group, text in entities:
        yield facet_value(group, text)
    if record.gallery:
        yield facet_value("gallery", record.gallery)
    year = _YEAR.search(record.date or "")
    if year:
        yield facet_value("year", year.group())
    for part in record.parts or (record,):
        yield facet_value("source", part.origin.kind or "unknown")
    yield facet_value(*HAS_IMAGE if record.image else HAS_NO_IMAGE)
