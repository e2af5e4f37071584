"""What searching returns: plain, immutable data with the documented JSON shape (docs/search-json.md)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Iterable

from ..nlp import Entity
from ..records import CaptionRecord
from .facets import FacetValue


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of text; ``match`` marks the words the query matched, as written."""

    text: str
    match: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "match": self.match}


@dataclass(frozen=True)
class Hit:
    rank: int
    score: float
    record: CaptionRecord
    entities: tuple[Entity, ...]
    highlights: dict[str, tuple[Segment, ...]]  # "title", "caption", "alt"
    facets: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return self.record.id

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.record.id,
            "rank": self.rank,
            "score": round(self.score, 4),
            **public_fields(self.record, self.entities),
            "highlights": {name: [s.to_dict() for s in segs] for name, segs in self.highlights.items()},
        }


def public_fields(record: CaptionRecord, entities: Iterable[Entity]) -> dict[str, Any]:
    """A photo's fields as every JSON output shows them (the search hits, the web's twins)."""
    return {
        "title": record.title,
        "caption": record.caption,
        "alt": record.alt,
        "credit": record.credit,
        "date": record.date,
        "keywords": list(record.keywords),
        "image": record.image,
        "page": record.page,
        "gallery": record.gallery,
        "width": record.width,
        "height": record.height,
        "entities": [{"group": e.group, "text": e.text} for e in entities],
    }


@dataclass(frozen=True)
class SearchPage:
    query: str
    total: int
    page: int
    limit: int
    hits: tuple[Hit, ...]
    facets: dict[str, tuple[FacetValue, ...]] = field(default_factory=dict)
    filters: tuple[str, ...] = ()
    corrected_query: str | None = None  # the query whose results are shown, if not the one typed
    did_you_mean: str | None = None
    elapsed_ms: float = 0.0

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.limit)) if self.limit else 1

    def to_dict(self) -> dict[str, Any]:
        """The documented, stable JSON shape (see docs/search-json.md)."""
        return {
            "query": self.query,
            "corrected_query": self.corrected_query,
            "did_you_mean": self.did_you_mean,
            "total": self.total,
            "page": self.page,
            "pages": self.pages,
            "limit": self.limit,
            "elapsed_ms": round(self.elapsed_ms, 2),
            "filters": list(self.filters),
            "facets": {g: [v.to_dict() for v in values] for g, values in self.facets.items()},
            "hits": [h.to_dict() for h in self.hits],
        }


@dataclass(frozen=True)
class Photo:
    record: CaptionRecord
    entities: tuple[Entity, ...]
    facets: tuple[str, ...]


def photo_from_stored(stored: dict[str, Any]) -> Photo:
    """A photo from the record an index stores (its entities and facets stored beside the fields)."""
    fields = dict(stored)
    entities = tuple(Entity(e["group"], e["text"]) for e in fields.pop("entities", ()))
    facets = tuple(fields.pop("facets", ()))
    return Photo(CaptionRecord.from_dict(fields), entities, facets)
