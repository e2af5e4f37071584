"""Facets: "group:value" keys, the groups an index holds, and which values a page shows."""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import Any, Sequence

from ..errors import ConfigError
from ..nlp import ENTITY_GROUPS

FACET_VALUES_SHOWN = 12

# The groups the indexer writes facets in: entity groups (nlp.ENTITY_GROUPS), the gallery, the
# year, the source kind and whether there is an image (indexing.documents), and the audit status
# (indexing.status). tests/search keeps this in step with what an index holds.
FACET_GROUPS = tuple(sorted({*ENTITY_GROUPS.values(), "gallery", "year", "source", "status", "has"}))
# Every record has one of these: "has:image" is what the query language's has:image looks for.
HAS_IMAGE = ("has", "image")
HAS_NO_IMAGE = ("has", "no-image")


def facet_value(group: str, value: str) -> str:
    """'place:China' — commas separate values in the index, so none may remain."""
    return f"{group}:{' '.join(value.replace(',', ' ').split())}"


@dataclass(frozen=True)
class FacetValue:
    group: str
    value: str
    count: int
    selected: bool = False

    @property
    def key(self) -> str:
        return f"{self.group}:{self.value}"

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "count": self.count, "selected": self.selected, "filter": self.key}


def check_filters(filters: Sequence[str]) -> None:
    """Raise ConfigError for a filter that is not group:value with a known group, naming the groups."""
    for key in filters:
        group, sep, value = key.partition(":")
        if not (sep and value.strip()) or group not in FACET_GROUPS:
            raise ConfigError(
                f"unknown filter {key!r}: filter by group:value, the group one of "
                f"{', '.join(FACET_GROUPS)} (for example place:China or year:2019)"
            )


def facet_groups(counts: dict[str, int], filters: Sequence[str]) -> dict[str, tuple[FacetValue, ...]]:
    """The FACET_VALUES_SHOWN values of each group to show: selected ones first, then by count, then by name.

    A large collection has thousands of facet values (every person and place
    named), so only the values that can make the cut are sorted and made
    into FacetValues: those whose count reaches the group's N-th highest.
    """
    groups: dict[str, list[tuple[str, int]]] = {}
    for key, count in counts.items():
        group, _, value = key.partition(":")
        groups.setdefault(group, []).append((value, count))
    selected = set(filters)
    return {group: _shown_values(group, values, selected) for group, values in sorted(groups.items())}


def _shown_values(group: str, values: list[tuple[str, int]], selected: set[str]) -> tuple[FacetValue, ...]:
    if len(values) > FACET_VALUES_SHOWN:
        cut = heapq.nlargest(FACET_VALUES_SHOWN, (count for _, count in values))[-1]
        values = [(v, c) for v, c in values if c >= cut or f"{group}:{v}" in selected]
    chosen = [FacetValue(group, v, c, f"{group}:{v}" in selected) for v, c in values]
    chosen.sort(key=lambda f: (not f.selected, -f.count, f.value.casefold()))
    return tuple(chosen[:FACET_VALUES_SHOWN])
