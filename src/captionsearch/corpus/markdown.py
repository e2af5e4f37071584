"""Markdown reader: inline ``![alt](src "title")`` and reference-style images.

What a record gets:

* ``alt`` is the bracket text; an empty ``![](x)`` gives None, because Markdown
  has no way to mark an image decorative and the audit should flag it.
* ``title`` is the optional link title (the tooltip).
* ``caption`` (decided here; Markdown has no captions): for an image that
  starts its paragraph, the rest of that paragraph (so an emphasised line
  right under the image is its caption); for an image alone in its
  paragraph, the next paragraph when it is plain text (not a heading, list,
  quote, table, code, HTML or another image). An image in the middle of
  prose gets no caption: the text around it is not about it.
* ``gallery`` is the document's first level-1 heading; ``page`` the file.

Images inside fenced code blocks and code spans are ignored; a YAML front
matter block is skipped. Lines and columns are 1-based and point at the "!".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ..errors import CorpusError
from ..records import CaptionRecord, Origin
from .references import resolve_image
from .textfile import Report, read_text

_TITLE = r"""(?:"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|\((?:\\.|[^)\\])*\))"""
_INLINE = re.compile(
    r"!\[(?P<alt>(?:\\.|[^\]\\])*)\]"
    r"(?:\(\s*(?P<src><[^>\n]*>|[^\s)]+)(?:\s+(?P<title>" + _TITLE + r"))?\s*\)"
    r"|\[(?P<ref>(?:\\.|[^\]\\])*)\])?"
)
_DEFINITION = re.compile(
    r"^ {0,3}\[(?P<label>(?:\\.|[^\]\\])+)\]:\s*(?P<src><[^>\n]*>|\S+)(?:\s+(?P<title>" + _TITLE + r"))?\s*$"
)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_NOT_PROSE = re.compile(r"^ {0,3}(?:#|>|[-*+]\s|\d+[.)]\s|\||<|!\[|```|~~~|(?:[-*_]\s*){3,}$)")
_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(?:=+|-+)\s*$")
_EMPHASIS = re.compile(r"^(\*{1,2}|_{1,2})(.+)\1$", re.DOTALL)
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


@dataclass(frozen=True)
class Paragraph:
    first_line: int  # 1-based
    lines: tuple[str, ...]  # code spans blanked out

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def read_markdown(path: Path, report: Report) -> Iterator[CaptionRecord]:
    text = read_text(path, report)
    if text is None:
        return
    lines = _prose_lines(text.splitlines())
    definitions = _definitions(lines)
    paragraphs = _paragraphs(lines)
    gallery = _first_heading(paragraphs)
    for index, paragraph in enumerate(paragraphs):
        following = paragraphs[index + 1] if index + 1 < len(paragraphs) else None
        yield from _images_of(paragraph, following, definitions, gallery, path, report)


def _prose_lines(lines: list[str]) -> list[str]:
    """The lines with front matter, fenced code and code spans blanked (numbering kept)."""
    kept, fence = [], ""
    in_front_matter = bool(lines) and lines[0].strip() == "---"
    for number, line in enumerate(lines):
        if in_front_matter:
            in_front_matter = number == 0 or line.strip() not in ("---", "...")
            kept.append("")
            continue
        opening = _FENCE.match(line)
        if fence or opening:
            closes = bool(fence) and line.strip().startswith(fence) and not line.strip().strip(fence[0])
            fence = "" if closes else (fence or opening.group(1))  # type: ignore[union-attr]
            kept.append("")
            continue
        kept.append(_CODE_SPAN.sub(lambda m: " " * len(m.group()), line))
    return kept


def _definitions(lines: list[str]) -> dict[str, tuple[str, str]]:
    """Reference definitions: normalised label -> (src, title); the first one wins."""
    found: dict[str, tuple[str, str]] = {}
    for line in lines:
        match = _DEFINITION.match(line)
        if match:
            found.setdefault(_label(match.group("label")), (_src(match.group("src")), _title(match.group("title"))))
    return found


def _paragraphs(lines: list[str]) -> list[Paragraph]:
    paragraphs, current, start = [], [], 0
    for number, line in enumerate(lines + [""], start=1):
        if line.strip() and not _DEFINITION.match(line):
            if not current:
                start = number
            current.append(line)
        elif current:
            paragraphs.append(Paragraph(start, tuple(current)))
            current = []
    return paragraphs


def _first_heading(paragraphs: list[Paragraph]) -> str:
    for paragraph in paragraphs:
        for line in paragraph.lines:
            match = re.match(r"^ {0,3}# +(.+?)(?: +#+)?\s*$", line)
            if match:
                return _plain(match.group(1))
    return ""


def _images_of(
    paragraph: Paragraph,
    following: Paragraph | None,
    definitions: dict[str, tuple[str, str]],
    gallery: str,
    path: Path,
    report: Report,
) -> Iterator[CaptionRecord]:
    text = paragraph.text
    matches = [m for m in _INLINE.finditer(text) if not _is_escaped(text, m.start())]
    for match in matches:
        target = _target(match, definitions)
        line = paragraph.first_line + text.count("\n", 0, match.start())
        if target is None:
            if match.group("ref") is not None:  # a shortcut "![x]" with no definition is just text
                label = match.group("ref") or match.group("alt")
                hint = f"add a line '[{label}]: path/to/image.jpg'"
                report(CorpusError(path, f"image reference [{label}] is not defined", line, hint))
            continue
        src, title = target
        if not src:
            report(CorpusError(path, "image has no source", line, "write ![alt](path/to/image.jpg)"))
            continue
        column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        yield CaptionRecord(
            id="",
            image=resolve_image(src, path, site_page=True),
            origin=Origin(str(path), line, column, "markdown"),
            title=title,
            caption=_caption(match, matches, paragraph, following),
            alt=_plain(match.group("alt")) or None,
            gallery=gallery,
            page=str(path),
        )


def _target(match: re.Match[str], definitions: dict[str, tuple[str, str]]) -> tuple[str, str] | None:
    if match.group("src") is not None:
        return _src(match.group("src")), _title(match.group("title"))
    label = match.group("ref") or match.group("alt")
    return definitions.get(_label(label))


def _caption(
    match: re.Match[str], matches: list[re.Match[str]], paragraph: Paragraph, following: Paragraph | None
) -> str:
    text = paragraph.text
    if len(matches) != 1 or text[: match.start()].strip():
        return ""  # several images, or one inside prose: no caption can be told apart
    rest = text[match.end() :].strip()
    if rest:
        return _plain(rest)
    if following is None or _NOT_PROSE.match(following.lines[0]) or _SETEXT_UNDERLINE.match(following.lines[-1]):
        return ""
    return _plain(following.text)


def _plain(text: str) -> str:
    """Inline Markdown -> the text a reader sees: links to their text, emphasis and escapes dropped."""
    text = " ".join(text.split())
    text = _LINK.sub(r"\1", text)
    emphasis = _EMPHASIS.match(text)
    while emphasis:
        text = emphasis.group(2).strip()
        emphasis = _EMPHASIS.match(text)
    return _ESCAPE.sub(r"\1", text)


def _src(raw: str) -> str:
    return raw[1:-1].strip() if raw.startswith("<") and raw.endswith(">") else raw


def _title(raw: str | None) -> str:
    return _plain(raw[1:-1]) if raw else ""


def _label(raw: str) -> str:
    return " ".join(raw.split()).casefold()


def _is_escaped(text: str, pos: int) -> bool:
    backslashes = len(text[:pos]) - len(text[:pos].rstrip("\\"))
    return backslashes % 2 == 1
