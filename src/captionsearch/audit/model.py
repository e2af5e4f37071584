"""The audit's plain data: rules, the images they look at, findings, and what a run saw."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

SEVERITIES = ("notice", "warning", "error")  # lowest first

# What an image does on its page (W3C WAI's alt decision tree), which decides what a good alt is.
PURPOSES = ("decorative", "functional", "logo", "icon", "text", "content")
PURPOSE_HELP = {
    "decorative": "adds nothing to the page's meaning: an empty alt is right",
    "functional": "the only content of a link or button: the alt names the destination or action",
    "logo": "a logo, brand mark or avatar: the name of the organisation, product or person",
    "icon": "an icon or status glyph: the alt states its meaning, however short",
    "text": "an image of text (a badge, a wordmark): the alt is the text itself",
    "content": "an informative image or photo: the alt says what is shown",
}


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity)


@dataclass(frozen=True)
class Subject:
    """One place where an image's text alternative is published: a page element or a record."""

    source: str  # syntax: "html", "markdown", "shortcode", "component", "manifest", "metadata"
    path: str
    line: int | None
    column: int | None
    alt: str | None  # the alt attribute / field as written; None when absent
    image: str = ""  # src as written (HTML/Markdown) or the record's image
    resolved_image: str = ""  # the image as a file path or URL, for matching sources of one photo
    image_names: tuple[str, ...] = ()  # file names of src and srcset candidates
    name: str | None = None  # accessible name, template code removed; None when there is none
    name_source: str = ""
    tag: str = "img"
    role: str = ""
    purpose: str = "content"
    purpose_reason: str = ""
    language: str = ""  # BCP 47 primary language ("en"), "" when unknown
    dynamic: bool = False  # the alt is template code only: decided when the page is built
    templated: bool = False  # the alt mixes text and template code: its words are not all known
    photo: bool = False  # a photo (in a figure or gallery, a collection's record, a photo file)
    decorative: bool = False
    hidden: bool = False
    focusable: bool = False
    exposing_attributes: tuple[str, ...] = ()
    selector: str = ""
    snippet: str = ""
    figcaption: str = ""
    caption: str = ""
    link_text: str = ""  # visible text of the enclosing link or button, images excluded
    in_control: str = ""  # "link" or "button"
    link_href: str = ""  # where the enclosing link goes
    only_content: bool = False  # the image is the only content of that link or button
    adjacent_text: str = ""
    gallery_photo: bool = False  # a photo of a gallery or manifest, which should have a caption
    group: str = ""  # images of one page or gallery, for duplicate alts
    suppressed: frozenset[str] = frozenset()
    suggestion: str = ""  # the image file's own IPTC Alt Text (Accessibility)
    alt_elsewhere: bool = False  # another source (the page, the image file) gives this photo an alt
    image_problem: str = ""  # why the local image file cannot be shown ("not an image file..."), if it cannot

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
    """One rule: metadata, messages, the image purposes it judges and the check that finds its cases."""

    id: str
    severity: str
    wcag: tuple[str, ...]
    techniques: tuple[str, ...]
    description: str
    help: str
    fix: str
    messages: Mapping[str, str]
    check: Check
    applies_to: tuple[str, ...] = PURPOSES
    heuristic: bool = False  # a judgement: reported as "needs review"
    needs_language: bool = False  # judges wording: needs the spaCy pipeline and an English text
    suggests_alt: bool = False  # its findings carry a proposed alt when one can be made
    literal_only: bool = False  # judges the alt's words: skipped when template code supplies some of them

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
    suggestion_source: str = ""  # "metadata" (the file's IPTC alt) or "caption" (drafted from it)
    heuristic: bool = False
    image: str = ""
    purpose: str = ""
    fix: Any = None  # fixes.Edit: the source change that applies the suggestion

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
            "suggestion_source": self.suggestion_source,
            "needs_review": self.heuristic,
            "image": portable(self.image),
            "purpose": self.purpose,
            "fixes": [self.fix.to_dict()] if self.fix is not None else [],
        }

    def sort_key(self) -> tuple[Any, ...]:
        return (self.path, self.line, self.column, self.rule, self.message)


@dataclass(frozen=True)
class Unaudited:
    """An image the audit met but could not judge, and why (template code, an unreadable call)."""

    path: str
    line: int
    column: int
    what: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "column": self.column, "what": self.what, "reason": self.reason}


@dataclass
class Coverage:
    """What a run saw: pages and images read, images judged, and what was left unjudged and why."""

    pages: int = 0
    records: int = 0  # manifest entries and image files with text in their metadata
    without_image: int = 0  # records with no image to audit (catalogue entries not yet photographed)
    images: int = 0
    by_purpose: Counter[str] = field(default_factory=Counter)
    by_language: Counter[str] = field(default_factory=Counter)
    wording_skipped: Counter[str] = field(default_factory=Counter)  # language -> images not judged for wording
    dynamic: int = 0
    unaudited: list[Unaudited] = field(default_factory=list)
    skipped_files: int = 0  # files under the given folders the audit does not read (package.json, fonts...)

    def to_dict(self) -> dict[str, Any]:
        return {
            "pages": self.pages,
            "records": self.records,
            "records_without_image": self.without_image,
            "images": self.images,
            "images_by_purpose": dict(sorted(self.by_purpose.items())),
            "images_by_language": dict(sorted(self.by_language.items())),
            "wording_not_judged": dict(sorted(self.wording_skipped.items())),
            "dynamic_alt": self.dynamic,
            "not_audited": len(self.unaudited),
            "skipped_files": self.skipped_files,
        }


@dataclass(frozen=True)
class AuditResult:
    """What an audit run produced: findings that count, inputs that could not be read, and coverage."""

    findings: tuple[Finding, ...]
    errors: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    baselined: int = 0
    suppressed: int = 0
    warnings: tuple[str, ...] = ()  # problems that did not stop the run (a broken symlink, a guessed encoding)
    coverage: Coverage = field(default_factory=Coverage)

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
