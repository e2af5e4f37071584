"""Accessibility status of each photo, as index facets ("status:alt-vague", "status:ok").

The audit's rules run over the records being indexed. Rules that need the
trained pipeline (the vague judgements) run only in the enrichment pass, so
the search tier never waits for the model.
"""

from __future__ import annotations

from typing import Sequence

from ..audit.config import AuditConfig
from ..audit.rules import RULES
from ..audit.runner import audit_records
from ..records import CaptionRecord
from ..settings import DEFAULT_PIPELINE

OK = "ok"
# Of the rules that need the trained pipeline, only alt-vague becomes a facet: it
# tags short alt texts. caption-vague would tag every caption a second time (after
# the entity pass) and halve enrichment throughput; the audit and the photo page
# still report it.
LANGUAGE_RULES = ("alt-vague",)
STATIC_RULES = tuple(rule_id for rule_id, rule in RULES.items() if not rule.needs_language)


def statuses(
    records: Sequence[CaptionRecord], language: bool, pipeline: str = DEFAULT_PIPELINE
) -> dict[str, tuple[str, ...]]:
    """Record id -> the audit rules it fails (static rules, plus the vague ones if ``language``)."""
    rules = STATIC_RULES + (LANGUAGE_RULES if language else ())
    findings = audit_records(records, AuditConfig(select=rules, pipeline=pipeline))
    by_image: dict[str, set[str]] = {}
    for finding in findings:
        by_image.setdefault(finding.image, set()).add(finding.rule)
    return {r.id: tuple(sorted(by_image.get(r.image, ()))) if r.image else () for r in records}


def status_facets(rule_ids: Sequence[str]) -> tuple[str, ...]:
    return tuple(f"status:{rule_id}" for rule_id in rule_ids) or (f"status:{OK}",)
