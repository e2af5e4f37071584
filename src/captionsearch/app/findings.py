"""The audit's findings for the web: one photo's, and the whole collection's by rule and severity.

The audit works on CaptionRecords, so the front end hands it the indexed
records. A photo's page audits that record alone (fast); /audit audits the
collection together, so rules across photos (duplicate alt text) appear
there, and its result is kept until the index changes.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from typing import Any, Iterable

from flask import current_app

from ..audit.config import AuditConfig, load_audit_config
from ..audit.model import SEVERITIES, Finding, severity_rank
from ..audit.rules import RULES
from ..errors import CaptionSearchError
from ..records import CaptionRecord
from ..search.searching import all_photos, photo_count
from . import audit_job


@dataclass(frozen=True)
class RuleFindings:
    """One rule's findings across the collection, each with the id of its photo."""

    rule: str
    severity: str
    description: str
    help: str
    fix: str
    wcag: tuple[str, ...]
    help_url: str | None
    heuristic: bool
    findings: tuple[tuple[Finding, str | None], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "description": self.description,
            "help": self.help,
            "fix": self.fix,
            "wcag": list(self.wcag),
            "help_url": self.help_url,
            "needs_review": self.heuristic,
            "count": len(self.findings),
            "findings": [{**f.to_dict(), "photo": photo_id} for f, photo_id in self.findings],
        }


@dataclass(frozen=True)
class CollectionAudit:
    photos: int
    rules: tuple[RuleFindings, ...]
    by_severity: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(len(r.findings) for r in self.rules)

    def to_dict(self) -> dict[str, Any]:
        return {
            "photos": self.photos,
            "total": self.total,
            "by_severity": self.by_severity,
            "rules": [r.to_dict() for r in self.rules],
        }


def audit_config() -> AuditConfig:
    """The app's audit settings: AUDIT_CONFIG, else the project's, read once per app."""
    configured = current_app.config.get("AUDIT_CONFIG")
    if configured is not None:
        return configured
    if "captionsearch.audit_config" not in current_app.extensions:
        try:
            loaded = load_audit_config()
        except CaptionSearchError as exc:
            current_app.logger.warning("audit settings could not be read (%s); using the defaults", exc)
            loaded = AuditConfig()
        current_app.extensions["captionsearch.audit_config"] = loaded
    return current_app.extensions["captionsearch.audit_config"]


def rule_fix(rule_id: str) -> str:
    rule = RULES.get(rule_id)
    return rule.fix if rule else ""


def rule_help(rule_id: str) -> str:
    rule = RULES.get(rule_id)
    return rule.help if rule else rule_id


def photo_findings(record: CaptionRecord) -> list[Finding]:
    """This photo's findings, most severe first (kept per record content and config)."""
    config = audit_config()
    key = (record.id, record.content_hash(), id(config))
    with _PHOTO_LOCK:
        found = _PHOTO_CACHE.get(key)
    if found is None:
        found = tuple(_audit_records()([record], config))
        with _PHOTO_LOCK:
            if len(_PHOTO_CACHE) >= PHOTO_CACHE_SIZE:
                _PHOTO_CACHE.clear()
            _PHOTO_CACHE[key] = found
    return sorted(found, key=lambda f: (-severity_rank(f.severity), f.rule))


PHOTO_CACHE_SIZE = 4096
_PHOTO_CACHE: dict[tuple[str, str, int], tuple[Finding, ...]] = {}
_PHOTO_LOCK = threading.Lock()


AUDIT_INLINE_PHOTOS = 2_000  # above this, a collection is audited by a background process
_COLLECTION_CACHE: dict[tuple[str, int, int], CollectionAudit] = {}
_COLLECTION_LOCK = threading.Lock()


def collection_audit(index_dir: str, work_dir: str) -> CollectionAudit | None:
    """Findings of every indexed photo, grouped by rule; recomputed when the index changes.

    A collection of up to AUDIT_INLINE_PHOTOS is audited here (one thread
    computes, the others wait for its result). A larger one is audited by a
    background process (audit_job) that writes its result in ``work_dir``;
    until it is there the answer is None, and the page says to come back.
    """
    config = audit_config()
    key = (os.path.abspath(index_dir), os.stat(index_dir).st_mtime_ns, id(config))
    with _COLLECTION_LOCK:
        if key in _COLLECTION_CACHE:
            return _COLLECTION_CACHE[key]
        if photo_count(index_dir) <= AUDIT_INLINE_PHOTOS:
            report = audit_collection(index_dir, config)
        else:
            report = audit_job.prepared(index_dir, config, work_dir)
        if report is not None:
            _COLLECTION_CACHE.clear()
            _COLLECTION_CACHE[key] = report
        return report


def audit_collection(index_dir: str, config: AuditConfig) -> CollectionAudit:
    """Audit every indexed photo together (rules across photos, such as duplicate alt text, included)."""
    records = [photo.record for photo in all_photos(index_dir)]
    owners = _image_owners(records)
    grouped: dict[str, list[tuple[Finding, str | None]]] = {}
    for finding in _audit_records()(records, config):
        grouped.setdefault(finding.rule, []).append((finding, owners.get(finding.image)))
    rules = tuple(sorted(
        (_rule_findings(rule_id, items, config) for rule_id, items in grouped.items()),
        key=lambda r: (-severity_rank(r.severity), -len(r.findings), r.rule),
    ))
    by_severity = {s: sum(len(r.findings) for r in rules if r.severity == s) for s in reversed(SEVERITIES)}
    return CollectionAudit(len(records), rules, by_severity)


def _image_owners(records: Iterable[CaptionRecord]) -> dict[str, str]:
    """Image (as each source wrote it) -> the id of the photo it belongs to."""
    owners: dict[str, str] = {}
    for record in records:
        for part in (record, *record.parts):
            owners.setdefault(part.image, record.id)
    return owners


def _rule_findings(rule_id: str, items: list[tuple[Finding, str | None]], config: AuditConfig) -> RuleFindings:
    rule = RULES[rule_id]
    return RuleFindings(
        rule=rule_id,
        severity=config.severity_of(rule_id),
        description=rule.description,
        help=rule.help,
        fix=rule.fix,
        wcag=rule.wcag,
        help_url=rule.help_url(config.help_base_url),
        heuristic=rule.heuristic,
        findings=tuple(items),
    )


def _audit_records() -> Any:
    """The audit's runner, imported on first use: it reads every input format, which serving a search never needs."""
    from ..audit.runner import audit_records

    return audit_records


def import_audit() -> None:
    """Import the audit's runner now (a server's master, once it serves: its workers then share it)."""
    _audit_records()
