"""Markdown (and MDX) as the page it renders to, with every element traced back to its source.

The file is rendered by markdown-it-py (CommonMark with tables, raw HTML
allowed) into HTML that the indexer and the audit read like any page, so an
image written as ``![alt](src)``, as ``<img>`` inside the Markdown, or as a
shortcode is the same image to both. Before rendering, template code is
rewritten (see ``templates``); code blocks and code spans are left as they
are, so an image shown as code is never taken for one. While rendering, each Markdown image and
each HTML start tag gets a ``data-cs-pos`` attribute: its offset in the
rewritten text, which ``Rewritten`` takes back to a line and column of the
file as written.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any, Sequence
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .frontmatter import FrontMatter, read_front_matter
from .rewrite import Rewriter, Rewritten, line_starts
from .templates import Prepared, indented_block_margins, prepare

POSITION = "data-cs-pos"
SYNTAX = "data-cs-syntax"
_START_TAG = re.compile(r"<([A-Za-z][\w:.-]*)(?=[\s/>])")
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)")
_IMAGE_MARK = re.compile(r"(?<!\\)!\[")
_SEARCH_WINDOW = 20_000


@dataclass
class RenderedMarkdown:
    """The HTML a Markdown file renders to, and what is needed to read it back."""

    html: str
    prepared: Prepared
    front_matter: FrontMatter
    offsets: list[int] = field(default_factory=list)  # data-cs-pos value -> offset in the rewritten text

    @property
    def rewritten(self) -> Rewritten:
        return self.prepared.rewritten


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.add_render_rule("image", _render_image)
    md.add_render_rule("html_inline", _render_html)
    md.add_render_rule("html_block", _render_html)
    return md


_MD: MarkdownIt | None = None


def looks_like_mdx(text: str) -> bool:
    """Markdown written for MDX (React's docs keep it in .md files): imports, components, JSX values."""
    return bool(_MDX_SIGNS.search(text))


_MDX_SIGNS = re.compile(r"^(?:import|export)\s[^\n]*\bfrom\b|<[A-Z][\w.]*[\s/>]|<[a-z][\w-]*\s[^<>\n]*=\{", re.M)


def render_markdown(text: str, path: str = "", jsx: bool = False) -> RenderedMarkdown:
    """Render ``text`` (Markdown, or MDX with ``jsx``) to HTML whose elements carry their source offsets."""
    global _MD
    if _MD is None:
        _MD = _parser()
    jsx = jsx or looks_like_mdx(text)
    front = read_front_matter(text)
    hide = [(0, front.end)] if front.end else []
    margins = indented_block_margins(text)
    skip = _code_regions_as_read(text, hide, margins, jsx)
    prepared = prepare(text, path, jsx=jsx, skip=skip, hide=hide, tag_lines_as_blocks=jsx, markdown=True,
                       removals=margins)
    env: dict[str, Any] = {"positions": []}
    tokens = _MD.parse(prepared.text, env)
    _locate_tokens(tokens, prepared.text)
    rendered = _MD.renderer.render(tokens, _MD.options, env)
    return RenderedMarkdown(rendered, prepared, front, env["positions"])


def _code_regions_as_read(
    text: str, hide: list[tuple[int, int]], margins: list[tuple[int, int]], jsx: bool
) -> list[tuple[int, int]]:
    """Code blocks and spans, found in the text as the parser will read it (front matter blanked,
    block margins taken off), as offsets of ``text``."""
    rewriter = Rewriter(text)
    for start, end in hide:
        rewriter.blank(start, end)
    for start, end in margins:
        rewriter.replace(start, end, "")
    body = rewriter.result()
    found = _fenced_regions(body.text) if jsx else _code_regions(_MD, body.text)
    return [(body.original_offset(start), body.original_offset(end)) for start, end in found]


def _code_regions(md: MarkdownIt, body: str) -> list[tuple[int, int]]:
    """Offsets of code blocks and code spans: left exactly as written."""
    starts = line_starts(body)
    regions: list[tuple[int, int]] = []
    for token in md.parse(body):
        if token.type in ("fence", "code_block") and token.map:
            end = starts[token.map[1]] if token.map[1] < len(starts) else len(body)
            regions.append((starts[token.map[0]], end))
        elif token.type == "inline" and token.map and "`" in token.content:
            start = starts[token.map[0]]
            end = starts[token.map[1]] if token.map[1] < len(starts) else len(body)
            regions.extend((start + m.start(), start + m.end()) for m in _CODE_SPAN.finditer(body[start:end]))
    return _merge(regions)


_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")


def _fenced_regions(body: str) -> list[tuple[int, int]]:
    """Fenced code and code spans, found line by line (MDX: its JSX blocks would hide fences from a
    CommonMark parse, and it has no indented code blocks)."""
    regions: list[tuple[int, int]] = []
    fence, start, offset = "", 0, 0
    for line in body.splitlines(keepends=True):
        opening = _FENCE.match(line)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence) \
                    and not line.strip().strip(fence[0]):
                regions.append((start, offset + len(line)))
                fence = ""
        elif opening:
            fence, start = opening.group(1), offset
        else:
            regions.extend((offset + m.start(), offset + m.end()) for m in _CODE_SPAN.finditer(line))
        offset += len(line)
    if fence:
        regions.append((start, len(body)))
    return _merge(regions)


def _merge(regions: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(regions):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        elif end > start:
            merged.append((start, end))
    return merged


# -- where each token was in the text ------------------------------------------


def _locate_tokens(tokens: Sequence[Token], text: str) -> None:
    """Record in each image and HTML token the offsets of its markup in ``text``, in document order."""
    starts = line_starts(text)
    cursor = 0
    for token in tokens:
        if token.map:
            cursor = max(cursor, starts[min(token.map[0], len(starts) - 1)])
        limit = starts[token.map[1]] if token.map and token.map[1] < len(starts) else min(len(text), cursor + _SEARCH_WINDOW)
        if token.type == "html_block":
            token.meta["tags"], cursor = _tag_offsets(token.content, text, cursor, limit)
        elif token.type == "inline":
            cursor = _locate_inline(token.children or [], text, cursor, limit)


def _locate_inline(children: Sequence[Token], text: str, cursor: int, limit: int) -> int:
    for child in children:
        if child.type == "image":
            found = _IMAGE_MARK.search(text, cursor, limit)
            if found:
                child.meta["offset"] = found.start()
                cursor = found.end()
        elif child.type == "html_inline":
            child.meta["tags"], cursor = _tag_offsets(child.content, text, cursor, limit)
        elif child.type in ("text", "code_inline") and len(child.content) >= 3:
            found_at = text.find(child.content, cursor, limit)
            if found_at != -1:
                cursor = found_at + len(child.content)
    return cursor


def _tag_offsets(content: str, text: str, cursor: int, limit: int) -> tuple[list[int], int]:
    """The offset in ``text`` of each start tag in an HTML token's ``content``."""
    offsets = []
    for match in _START_TAG.finditer(content):
        probe = content[match.start() : content.find("\n", match.start()) if "\n" in content[match.start():] else None]
        found_at = text.find(probe[:80], cursor, limit)
        if found_at == -1:
            offsets.append(-1)
            continue
        offsets.append(found_at)
        cursor = found_at + len(match.group(0))
    return offsets, cursor


# -- rendering with positions --------------------------------------------------


def _mark(env: dict[str, Any], offset: int) -> str:
    positions: list[int] = env["positions"]
    positions.append(offset)
    return f' {POSITION}="{len(positions) - 1}"'


def _render_image(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env)
    # markdown-it percent-encodes the address; the audit wants it as written ({{ … }} and all).
    src = unquote(str(token.attrGet("src") or ""))
    attributes = f'src="{html.escape(src)}" alt="{html.escape(alt)}"'
    title = token.attrGet("title")
    if title:
        attributes += f' title="{html.escape(str(title))}"'
    offset = token.meta.get("offset", -1)
    return f"<img {attributes} {SYNTAX}=\"markdown\"{_mark(env, offset)}>"


def _render_html(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
    token = tokens[idx]
    offsets = iter(token.meta.get("tags", []))

    def add_position(match: re.Match[str]) -> str:
        return match.group(0) + _mark(env, next(offsets, -1))

    return _START_TAG.sub(add_position, token.content)
