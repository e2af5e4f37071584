"""The audit's plain data: rules, the images they look at, and findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

SEVERITIES = ("notice", "warning", "error")  # lowest first


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity)


@dataclass(frozen=True)
class Subject:
    """One place where an image's text alternative is published: a page element or a record."""

    kind: str  # "html", "markdown", "manifest" or "metadata"
    path: str
    line: int | None
    column: int | None
    alt: str | None  # the alt attribute / field as written; None when absent
    image: str = ""  # src as written (HTML/Markdown) or the record's image
    image_names: tuple[str, ...] = ()  # file names of src and srcset candidates
    name: str | None = None  # computed accessible name (HTML); the alt elsewhere
    name_source: str = ""
    tag: str = "img"
    role: str = ""
    decorative: bool = False
    hidden: bool = False
    focusable: bool = False
    exposing_attributes: tuple[str, ...] = ()  # global ARIA attributes and naming attributes present
    selector: str = ""
    snippet: str = ""
    figcaption: str = ""
    caption: str = ""
    link_text: str = ""
    in_control: str = ""
    only_content: bool = False
    adjacent_text: str = ""
    gallery_photo: bool = False  # a photo of a gallery or manifest, which should have a caption
    group: str = ""  # images of one page or gallery, for duplicate alts
    suppressed: frozenset[str] = frozenset()
    suggestion: str = ""  # the image file's own IPTC Alt Text (Accessibility)
    alt_elsewhere: bool = False  # another source (the page, the image file) gives this photo an alt

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line or 0}:{self.column or 0}"


@dataclass(frozen=True)
class Hit:
    """What a check found: the message key of its rule and the values the message names."""

    key: str = "default"
    values: Mapping[str, Any] = field(default_factory=dict)


Check = Callable[[Subject, "Any"], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    """One rule: metadata, messages and the check that finds its cases."""

    id: str
    severity: str
    wcag: tuple[str, ...]
    techniques: tuple[str, ...]
    description: str
    help: str
    fix: str
    messages: Mapping[str, str]
    check: Check
    heuristic: bool = False  # a judgement: reported as "needs review"
    needs_language: bool = False  # needs the spaCy pipeline
    suggests_metadata_alt: bool = False  # may point to the image file's own alt text

    def message(self, hit: Hit, subject: Subject) -> str:
        values = {"alt": subject.alt or "", "name": subject.name or "", "tag": subject.tag}
        return self.messages[hit.key].format(**{**values, **hit.values})

    def help_url(self, base: str) -> str | None:
        """The rule page's address under ``base`` (None when no base is set)."""
        if not base:
            return None
        return base.replace("{rule}", self.id) if "{rule}" in base else base.rstrip("/") + f"/{self.id}.md"

    @property
    def tags(self) -> tuple[str, ...]:
        wcag_tags = tuple("wcag" + ref.replace(".", "") for ref in self.wcag)
        return ("accessibility", "alt-text", *wcag_tags) + (("needs-review",) if self.heuristic else ())


@dataclass(frozen=True)
class Finding:
    """One problem at one place; immutable, the same for every reporter."""

    rule: str
    severity: str
    path: str
    line: int
    column: int
    selector: str
    snippet: str
    message: str
    wcag: tuple[str, ...]
    help_url: str | None
    fingerprint: str
    suggestion: str = ""
    heuristic: bool = False
    image: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "selector": self.selector,
            "snippet": self.snippet,
            "message": self.message,
            "wcag": list(self.wcag),
            "help_url": self.help_url,
            "fingerprint": self.fingerprint,
            "suggestion": self.suggestion,
            "needs_review": self.heuristic,
            "image": portable(self.image),
        }

    def sort_key(self) -> tuple[Any, ...]:
        return (self.path, self.line, self.column, self.rule, self.message)


@dataclass(frozen=True)
class AuditResult:
    """What an audit run produced: findings that count, and inputs that could not be read."""

    findings: tuple[Finding, ...]
    errors: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    baselined: int = 0
    suppressed: int = 0

    def failing(self, fail_on: str) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if severity_rank(f.severity) >= severity_rank(fail_on))


def portable(path: str) -> str:
    """A local path as it reads from the working directory, so fingerprints and reports
    are the same on every checkout; URLs and paths elsewhere stay as they are."""
    if not path.startswith("/"):
        return path
    try:
        return Path(path).relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path
