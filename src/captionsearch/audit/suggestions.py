"""Proposed alt texts for content images with a missing or useless alt, and the edits that apply them.

The proposal is the image file's own IPTC "Alt Text (Accessibility)" when it
has one (what the photo desk wrote), else a draft from the photo's caption
(its subject and what it does; see ``drafting``). A proposal for an image
written in HTML, Markdown or a component comes with the source edit that puts
it in place (``fixes.Edit``), which ``captionsearch audit --fix`` applies.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from .config import AuditConfig
from .model import Finding, Subject
from .rules import RULES

FROM_METADATA = "; the image file's IPTC Alt Text (Accessibility) says \"{suggestion}\": use it as the alt"
FROM_CAPTION = "; suggested from its caption: \"{suggestion}\""
EDITABLE_SOURCES = ("html", "markdown", "component")
DRAFT_LENGTH = 150  # a draft says what is shown in a sentence; details stay in the caption
CAPTION_READ = 2_000  # characters of a caption the draft is made from


def wants_suggestion(finding: Finding, subject: Subject) -> bool:
    return RULES[finding.rule].suggests_alt and subject.purpose == "content" and not subject.dynamic


def suggest(kept: list[tuple[Finding, Subject]], config: AuditConfig) -> list[Finding]:
    """The findings, those on content images given a proposed alt (and its edit) where one can be made."""
    wanted = [(f, s) for f, s in kept if wants_suggestion(f, s)]
    captions = {s.caption.strip() for f, s in wanted if not s.suggestion and s.caption.strip()}
    drafts = _drafts(captions, config) if captions else {}
    sources = _SourceCache()
    result = []
    for finding, subject in kept:
        if not wants_suggestion(finding, subject):
            result.append(finding)
            continue
        proposal, origin = _proposal(subject, drafts)
        if not proposal or _same(proposal, subject.alt or ""):
            result.append(finding)
            continue
        template = FROM_METADATA if origin == "metadata" else FROM_CAPTION
        result.append(replace(
            finding,
            message=finding.message + template.format(suggestion=proposal),
            suggestion=proposal,
            suggestion_source=origin,
            fix=_edit(subject, proposal, sources) if subject.source in EDITABLE_SOURCES else None,
        ))
    return result


def _proposal(subject: Subject, drafts: dict[str, str]) -> tuple[str, str]:
    if subject.suggestion:
        return subject.suggestion, "metadata"
    draft = drafts.get(subject.caption.strip(), "")
    return (draft, "caption") if draft else ("", "")


def _same(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def _drafts(captions: set[str], config: AuditConfig) -> dict[str, str]:
    from .drafting import draft_alts  # loads spaCy's parser: only when a caption is to be drafted from

    # A draft comes from the caption's first sentences: the parser need not read a whole essay.
    heads = {caption: caption[:CAPTION_READ] for caption in captions}
    drafts = draft_alts(sorted(set(heads.values())), config.pipeline, min(config.max_alt_length, DRAFT_LENGTH))
    return {caption: drafts.get(head, "") for caption, head in heads.items()}


class _SourceCache:
    """Each source file read once, for the edits of every finding in it."""

    def __init__(self) -> None:
        self._texts: dict[str, str | None] = {}

    def text(self, path: str) -> str | None:
        if path not in self._texts:
            try:
                self._texts[path] = Path(path).read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError):
                self._texts[path] = None
        return self._texts[path]


def _edit(subject: Subject, proposal: str, sources: _SourceCache) -> object | None:
    from .fixes import alt_edit

    text = sources.text(subject.path)
    if text is None or not subject.line or not subject.column:
        return None
    return alt_edit(subject.path, text, subject.line, subject.column, proposal)


