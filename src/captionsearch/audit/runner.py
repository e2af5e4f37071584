"""Running an audit: find (rules over subjects), decide (select, suppress, baseline), report.

``audit_paths`` and ``audit_records`` are the library API the CLI and the web
front end call. Nothing here imports spaCy unless a vague rule is active.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterable, Sequence

from ..corpus import read_corpus
from ..corpus.discovery import HTML_EXTENSIONS
from ..corpus.html import read_page, scan_html
from ..records import CaptionRecord
from . import checks
from .baseline import split_by_baseline
from .config import AuditConfig
from .model import AuditResult, Finding, Rule, Subject, portable
from .rules import RULES, SUGGESTION
from .subjects import subject_from_element, subjects_from_record


def audit_records(records: Iterable[CaptionRecord], config: AuditConfig | None = None) -> list[Finding]:
    """Findings for records (e.g. the web front end's photos), at the record level.

    Without the page's markup, rules that need it (hidden, focusable, links)
    see what the record says: its alt, caption and image.
    """
    config = config or AuditConfig()
    subjects = [s for record in records for s in subjects_from_record(record, with_html=True)]
    return sorted(unsuppressed(find_findings(subjects, config))[0], key=Finding.sort_key)


def audit_paths(
    paths: Sequence[str | Path], config: AuditConfig | None = None, baseline: Counter[str] | None = None
) -> AuditResult:
    """Audit the pages, manifests, Markdown and image files under ``paths``."""
    config = config or AuditConfig()
    corpus = read_corpus(paths, config.include, config.exclude)
    errors = tuple(str(e) for e in corpus.errors)
    subjects = list(page_subjects(corpus.files, corpus.records))
    subjects += [s for record in corpus.records for s in subjects_from_record(record)]
    findings, suppressed = unsuppressed(find_findings(subjects, config))
    known = 0
    if baseline is not None:
        findings, known = split_by_baseline(findings, baseline)
    return AuditResult(
        findings=tuple(sorted(findings, key=Finding.sort_key)),
        errors=errors,
        files=tuple(str(f) for f in corpus.files),
        baselined=known,
        suppressed=suppressed,
    )


def page_subjects(files: Iterable[Path], records: Iterable[CaptionRecord]) -> Iterable[Subject]:
    """Subjects of every HTML page among ``files``, with the image files' own alt text as suggestions."""
    suggestions = {}
    for record in records:
        metadata = record.part("metadata") if record.parts else None
        if metadata is not None and (metadata.alt or "").strip():
            suggestions[record.image] = metadata.alt.strip()
    for path in files:
        if path.suffix.lower() not in HTML_EXTENSIONS:
            continue
        text = read_page(path, report=lambda error: None)  # read_corpus reported it already
        if text is None:
            continue
        for element in scan_html(text, str(path)):
            yield subject_from_element(element, str(path), path, suggestions)


# -- find ---------------------------------------------------------------------


def find_findings(subjects: list[Subject], config: AuditConfig) -> list[tuple[Finding, Subject]]:
    """Run the active rules over the subjects."""
    rules = [RULES[rule_id] for rule_id in config.active_rules()]
    context = build_context(subjects, rules, config)
    occurrences: Counter[str] = Counter()
    found = []
    for subject in subjects:
        for rule in rules:
            for hit in rule.check(subject, context):
                identity = fingerprint_of(rule, subject, hit.key)
                occurrences[identity] += 1
                found.append((make_finding(rule, hit, subject, config, f"{identity}:{occurrences[identity]}"), subject))
    return found


def build_context(subjects: list[Subject], rules: list[Rule], config: AuditConfig) -> checks.Context:
    context = checks.Context(
        max_alt_length=config.max_alt_length,
        extra_placeholders=frozenset(config.placeholder_words),
        redundancy_threshold=config.redundancy,
        duplicate_of=duplicates(subjects),
    )
    if any(rule.needs_language for rule in rules):
        from .vague import judge_texts  # loads spaCy: only when a vague rule runs

        active = {rule.id for rule in rules}
        # Tag only the texts an active rule judges: captions are long and the tagger is slow.
        texts = [checks.alt_text(s) for s in subjects] if "alt-vague" in active else []
        if "caption-vague" in active:
            texts += [s.caption for s in subjects if s.gallery_photo]
        context.vagueness = judge_texts(texts, config.pipeline, config.vague_min_words, config.generic_nouns)
    return context


def duplicates(subjects: list[Subject]) -> dict[int, Subject]:
    """Each subject whose alt an earlier, different image of its page or gallery already uses."""
    first: dict[tuple[str, str], Subject] = {}
    images: dict[tuple[str, str], set[str]] = defaultdict(set)
    repeated = {}
    for subject in subjects:
        text = checks.fold(checks.alt_text(subject))
        if not text:
            continue
        key = (subject.group, text)
        image = subject.image or subject.selector
        if key in first and image not in images[key]:
            repeated[id(subject)] = first[key]
        first.setdefault(key, subject)
        images[key].add(image)
    return repeated


def fingerprint_of(rule: Rule, subject: Subject, key: str) -> str:
    """What stays the same when lines move: rule, file, and which image with which text."""
    parts = (rule.id, key, Path(subject.path).as_posix(), portable(subject.image), subject.tag, checks.fold(subject.alt or ""))
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def make_finding(rule: Rule, hit, subject: Subject, config: AuditConfig, fingerprint: str) -> Finding:
    message = rule.message(hit, subject)
    suggestion = ""
    if rule.suggests_metadata_alt and subject.suggestion and checks.fold(subject.suggestion) != checks.fold(subject.alt or ""):
        suggestion = subject.suggestion
        message += SUGGESTION.format(suggestion=suggestion)
    return Finding(
        rule=rule.id,
        severity=config.severity_of(rule.id),
        path=subject.path,
        line=subject.line or 1,
        column=subject.column or 1,
        selector=subject.selector,
        snippet=subject.snippet,
        message=message,
        wcag=rule.wcag,
        help_url=rule.help_url(config.help_base_url),
        fingerprint=hashlib.sha1(fingerprint.encode("utf-8")).hexdigest()[:16],
        suggestion=suggestion,
        heuristic=rule.heuristic,
        image=subject.image,
    )


# -- decide -------------------------------------------------------------------


def unsuppressed(found: list[tuple[Finding, Subject]]) -> tuple[list[Finding], int]:
    """Drop findings an inline comment or attribute suppresses; count them."""
    kept = [f for f, s in found if not ({f.rule, "*"} & s.suppressed)]
    return kept, len(found) - len(kept)
