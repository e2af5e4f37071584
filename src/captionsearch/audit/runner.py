"""Running an audit: read (pages and records), find (rules over subjects), decide (select,
suppress, baseline), suggest (a better alt, and the edit that applies it).

``audit_paths`` and ``audit_records`` are the library API the CLI and the web
front end call. Nothing here imports spaCy unless a wording rule is active or
a suggestion has to be drafted from a caption.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any, Iterable, Sequence
from urllib.parse import urljoin

from ..corpus.discovery import IMAGE_EXTENSIONS, corpus_root
from ..corpus.limits import DEFAULT_LIMITS
from ..corpus.merge import merge_records
from ..corpus.metadata import read_image_metadata
from ..corpus.registry import reader_for
from ..errors import CorpusError
from ..records import CaptionRecord, SourceKind
from . import checks
from .baseline import split_by_baseline
from .config import AuditConfig
from .language import judged_in
from .model import AuditResult, Coverage, Finding, Rule, Subject, portable
from .records import record_subjects
from .rules import RULES
from .sites import SiteRoots
from .sources import MANIFEST_EXTENSIONS, discover, photo_keys, scan_page, scan_text


def audit_records(records: Iterable[CaptionRecord], config: AuditConfig | None = None) -> list[Finding]:
    """Findings for records (e.g. the web front end's photos), at the record level.

    Without the page's markup, rules that need it (hidden, focusable, links)
    see what the record says: its alt, caption and image.
    """
    config = config or AuditConfig()
    subjects = list(record_subjects(records, {}, with_pages=True))
    kept, _ = decide(find_findings(subjects, config), config)
    return sorted((finding for finding, _ in kept), key=Finding.sort_key)


def audit_paths(
    paths: Sequence[str | Path], config: AuditConfig | None = None, baseline: Counter[str] | None = None
) -> AuditResult:
    """Audit the pages, Markdown, manifests and image files under ``paths``."""
    config = config or AuditConfig()
    found = discover(paths, config.include, config.exclude, photo_keys(config.fields))
    errors: list[CorpusError] = list(found.errors)
    coverage = Coverage(skipped_files=found.skipped)
    subjects = read_subjects(found.files, paths, config, errors, coverage, found.warnings)
    return finish(subjects, config, baseline, errors, found.warnings, [str(f) for f in found.files], coverage)


def audit_urls(
    urls: Sequence[str], config: AuditConfig | None = None, baseline: Counter[str] | None = None,
    **crawling: Any,
) -> AuditResult:
    """Audit a running site: fetch its pages from ``urls`` (and a ``sitemap=``), then audit each as served.

    ``crawling`` takes the bounds of ``crawl.crawl`` (max_pages, max_depth, timeout,
    concurrency, respect_robots, render, user_agent). A start page or sitemap that
    cannot be fetched is an error; a page linked from the site that cannot (a broken
    link) is a warning, as is each kind of URL left out on purpose.
    """
    from .crawl import crawl, normalise_url

    config = config or AuditConfig()
    fetched = crawl(urls, **crawling)
    given = [u for u in (*urls, crawling.get("sitemap")) if u]
    starts = {normalise_url(u) or u for u in given}

    def about_a_start(error: str) -> bool:
        url = error.split(": ", 1)[0]
        return (normalise_url(url) or url) in starts

    errors = [e for e in fetched.errors if about_a_start(e)]
    warnings = [e for e in fetched.errors if not about_a_start(e)] + summarise_skipped(fetched.skipped)
    coverage = Coverage()
    subjects: list[Subject] = []
    for page in fetched.pages:
        scan = scan_text(page.text, page.url, resolve=functools.partial(urljoin, page.url), served=True)
        coverage.pages += 1
        coverage.unaudited += scan.unaudited
        subjects += scan.subjects
    return finish(subjects, config, baseline, errors, warnings, [p.url for p in fetched.pages], coverage)


def summarise_skipped(skipped: Sequence[str]) -> list[str]:
    """One line per reason URLs were left out ("3 URLs not fetched: disallowed by robots.txt")."""
    reasons = Counter(line.split(": ", 1)[1] if ": " in line else line for line in skipped)
    return [f"{n} URL{'s' if n != 1 else ''} not fetched: {reason}" for reason, n in reasons.most_common()]


def read_subjects(
    files: Sequence[Path], paths: Sequence[str | Path], config: AuditConfig, errors: list[CorpusError],
    coverage: Coverage, warnings: list[str],
) -> list[Subject]:
    """Every image the files show, from pages and from records, each once.

    An image file that cannot be read is a warning: the audit reads image files
    only for the alt text in their metadata, and the page that shows one is
    still audited.
    """
    roots = SiteRoots.for_paths(paths, config.site_root)
    limits = replace(DEFAULT_LIMITS, fields=config.fields)
    subjects: list[Subject] = []
    records: list[CaptionRecord] = []
    for path in files:
        suffix = path.suffix.lower()
        reader = reader_for(path)
        if suffix in MANIFEST_EXTENSIONS and reader is not None:  # a list of photos, or an export (WXR, OAI-PMH)
            records += reader.read(path, errors.append, limits)
        elif suffix in IMAGE_EXTENSIONS:
            records += read_image_metadata(path, lambda error: warnings.append(f"{error} (skipped)"))
        else:
            scan = scan_page(path, roots, errors.append)
            if scan is not None:
                coverage.pages += 1
                subjects += scan.subjects
                coverage.unaudited += scan.unaudited
    subjects = with_metadata_suggestions(subjects, records)
    alts_on_pages = {s.resolved_image: s.alt for s in subjects if s.resolved_image}
    merged = merge_records(records, corpus_root(paths), errors.append)
    from_records = list(record_subjects(merged, alts_on_pages))
    coverage.records = len(from_records)
    coverage.without_image = sum(1 for record in merged if not record.image)
    return with_image_problems(subjects + from_records) if "image-unreadable" in config.active_rules() else \
        subjects + from_records


CHECKED_IMAGE_FILES = frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp", ".tif", ".tiff"})


def with_image_problems(subjects: list[Subject]) -> list[Subject]:
    """Subjects whose local image file exists but cannot be shown, with why (each file checked once)."""
    from ..images import image_problem  # Pillow: only when the rule runs

    problems: dict[str, str] = {}
    checked = []
    for subject in subjects:
        path = subject.resolved_image
        # SVG, AVIF, BMP, ICO: formats browsers show that the index's check does not read; not judged here.
        checkable = os.path.splitext(path)[1].lower() in CHECKED_IMAGE_FILES
        if not checkable or "://" in path or path.startswith("data:") or not os.path.isfile(path):
            checked.append(subject)
            continue
        if path not in problems:
            problems[path] = image_problem(path) or ""
        checked.append(replace(subject, image_problem=problems[path]) if problems[path] else subject)
    return checked


def with_metadata_suggestions(subjects: list[Subject], records: list[CaptionRecord]) -> list[Subject]:
    """Page images whose file carries an IPTC alt text get it as their suggestion."""
    metadata_alts = {r.image: (r.alt or "").strip() for r in records
                     if r.origin.kind == SourceKind.METADATA and (r.alt or "").strip()}
    if not metadata_alts:
        return subjects
    return [replace(s, suggestion=metadata_alts[s.resolved_image]) if s.resolved_image in metadata_alts else s
            for s in subjects]


def finish(
    subjects: list[Subject],
    config: AuditConfig,
    baseline: Counter[str] | None,
    errors: Sequence[CorpusError | str],
    warnings: Sequence[str],
    files: Sequence[str],
    coverage: Coverage,
) -> AuditResult:
    """Judge the subjects and decide which findings count."""
    count_coverage(subjects, coverage)
    kept, suppressed = decide(find_findings(subjects, config), config)
    findings = add_suggestions(kept, config)
    known = 0
    if baseline is not None:
        findings, known = split_by_baseline(findings, baseline)
    return AuditResult(
        findings=tuple(sorted(findings, key=Finding.sort_key)),
        errors=tuple(str(e) for e in errors),
        files=tuple(files),
        baselined=known,
        suppressed=suppressed,
        warnings=tuple(warnings),
        coverage=coverage,
    )


def count_coverage(subjects: list[Subject], coverage: Coverage) -> None:
    coverage.images += len(subjects)
    for subject in subjects:
        coverage.by_purpose[subject.purpose] += 1
        coverage.by_language[subject.language or "unknown"] += 1
        coverage.dynamic += subject.dynamic
        if subject.purpose == "content" and subject.name and not judged_in(subject.language, subject.name):
            coverage.wording_skipped[subject.language or "unknown"] += 1


# -- find ---------------------------------------------------------------------


def find_findings(subjects: list[Subject], config: AuditConfig) -> list[tuple[Finding, Subject]]:
    """Run the active rules over the subjects, each rule only on the image purposes it judges."""
    rules = [RULES[rule_id] for rule_id in config.active_rules()]
    context = build_context(subjects, rules, config)
    occurrences: Counter[str] = Counter()
    found = []
    for subject in subjects:
        if subject.dynamic:
            continue  # the alt is decided when the page is built; counted, not judged
        for rule in rules:
            if subject.purpose not in rule.applies_to or (subject.templated and rule.literal_only):
                continue
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
        duplicate_of=duplicates([s for s in subjects if s.purpose in ("content", "functional") and not s.dynamic]),
    )
    active = {rule.id for rule in rules if rule.needs_language}
    if active:
        texts = wording_to_judge(subjects, active)
        if texts:
            from .vague import judge_texts  # loads spaCy: only when a wording rule has English text to judge

            context.vagueness = judge_texts(texts, config.pipeline, config.vague_min_words, config.generic_nouns)
    return context


# Longer texts are not judged for vagueness: they are long enough to say something (alt-too-long
# speaks to their length), and the tagger's cost grows with them.
LONGEST_JUDGED = 1_000


def wording_to_judge(subjects: list[Subject], active: set[str]) -> list[str]:
    """The English texts the active wording rules judge: content images' alts and gallery captions."""
    texts = []
    for subject in subjects:
        if subject.purpose != "content" or subject.dynamic:
            continue
        alt = checks.alt_text(subject) if not subject.templated else ""
        if "alt-vague" in active and alt and len(alt) <= LONGEST_JUDGED and judged_in(subject.language, alt):
            texts.append(alt)
        caption = subject.caption.strip()
        if len(caption) > LONGEST_JUDGED:
            continue
        if "caption-vague" in active and subject.gallery_photo and caption and judged_in(subject.language, caption):
            texts.append(caption)
    return texts


def duplicates(subjects: list[Subject]) -> dict[int, Subject]:
    """Each subject whose alt an earlier, different image of its page or gallery already uses.

    Photos are different when they show different images; linked images when
    their links go to different places (two links named alike that lead apart).
    """
    first: dict[tuple[str, str, str], Subject] = {}
    images: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    repeated = {}
    for subject in subjects:
        # The first thousand characters tell two alts apart well enough, and keep a 10 MB alt cheap.
        text = checks.fold(checks.alt_text(subject)[:LONGEST_JUDGED]) if not subject.templated else ""
        if not text:
            continue
        key = (subject.group, subject.purpose, text)
        image = (subject.link_href if subject.purpose == "functional" else "") or subject.resolved_image \
            or subject.image or subject.selector
        if key in first and image not in images[key]:
            repeated[id(subject)] = first[key]
        first.setdefault(key, subject)
        images[key].add(image)
    return repeated


def fingerprint_of(rule: Rule, subject: Subject, key: str) -> str:
    """What stays the same when lines move: rule, file, and which image with which text."""
    where = subject.path if "://" in subject.path else Path(subject.path).as_posix()
    alt = subject.alt or ""
    written = checks.fold(alt) if len(alt) <= LONGEST_JUDGED else hashlib.sha1(alt.encode("utf-8")).hexdigest()
    parts = (rule.id, key, where, portable(subject.image), subject.tag, written)
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def make_finding(rule: Rule, hit: Any, subject: Subject, config: AuditConfig, fingerprint: str) -> Finding:
    return Finding(
        rule=rule.id,
        severity=config.severity_of(rule.id),
        path=subject.path,
        line=subject.line or 1,
        column=subject.column or 1,
        selector=subject.selector,
        snippet=subject.snippet,
        message=rule.message(hit, subject),
        wcag=rule.wcag,
        help_url=rule.help_url(config.help_base_url),
        fingerprint=hashlib.sha1(fingerprint.encode("utf-8")).hexdigest()[:16],
        heuristic=rule.heuristic,
        image=subject.image,
        purpose=subject.purpose,
    )


# -- decide -------------------------------------------------------------------


def decide(
    found: list[tuple[Finding, Subject]], config: AuditConfig
) -> tuple[list[tuple[Finding, Subject]], int]:
    """Drop findings an inline comment, an attribute or the per-file-ignores table suppresses; count them."""
    ignored_by_file: dict[str, frozenset[str]] = {}
    kept = []
    for finding, subject in found:
        if finding.path not in ignored_by_file:
            ignored_by_file[finding.path] = config.ignored_in(portable(finding.path))
        if {finding.rule, "*"} & (subject.suppressed | ignored_by_file[finding.path]):
            continue
        kept.append((finding, subject))
    return kept, len(found) - len(kept)


# -- suggest ------------------------------------------------------------------


def add_suggestions(kept: list[tuple[Finding, Subject]], config: AuditConfig) -> list[Finding]:
    """Give findings on content images a proposed alt: the file's IPTC alt, else one drafted from the caption."""
    from .suggestions import suggest

    return suggest(kept, config)
