"""Markdown reader: the images a Markdown (or MDX) page shows, as records for the indexer.

The page is rendered as the audit renders it (``markdown_render``: CommonMark
with raw HTML, template code read, code samples left alone), so inline,
reference and shortcut images, ``<img>`` written inside the Markdown and image
shortcodes are all photos here. What a record gets:

* ``alt`` is the alt text; an empty ``![](x)`` gives None, because Markdown
  has no way to mark an image decorative and the audit should flag it.
* ``title`` is the image's title (the tooltip).
* ``caption`` (decided here; Markdown has no captions, unless the image is in
  a figure with a figcaption): for an image that starts its paragraph, the
  rest of that paragraph (so an emphasised line right under the image is its
  caption); for an image alone in its paragraph, the next paragraph. An image
  in the middle of prose, or sharing its paragraph, gets none: the text
  around it is not about it alone.
* ``gallery`` is the document's first level-1 heading; ``page`` the file.

Lines and columns are 1-based and point at the "!" (or the "<" of a tag).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

from ..errors import CorpusError
from ..records import CaptionRecord, Origin, SourceKind
from .html_tree import Node, parse_html, parse_srcset, visible_text
from .limits import DEFAULT_LIMITS, ReadLimits
from .markdown_render import POSITION, SYNTAX, RenderedMarkdown, render_markdown
from .references import resolve_image
from .rewrite import line_column, line_starts
from .templates import static_part
from .textfile import Report, read_text

_UNDEFINED_REFERENCE = re.compile(r"!\[((?:\\.|[^\]\\])*)\]\[((?:\\.|[^\]\\])+)\]")


def read_markdown(path: Path, report: Report, limits: ReadLimits = DEFAULT_LIMITS) -> Iterator[CaptionRecord]:
    """One record per image the page shows; undefined image references are reported."""
    text = read_text(path, report)
    if text is None:
        return
    rendered = render_markdown(text, str(path), jsx=path.suffix.lower() == ".mdx")
    tree = parse_html(rendered.html)
    gallery = next((visible_text(n) for n in tree.order if n.tag == "h1"), "")
    starts = line_starts(text)
    for node in tree.order:
        if node.tag == "img":
            record = _record(node, rendered, starts, path, gallery)
            if record is not None:
                yield record
    _report_undefined_references(tree.root, text, path, report)


def _record(node: Node, rendered: RenderedMarkdown, starts: list[int], path: Path, gallery: str) -> CaptionRecord | None:
    src = static_part(node.get("src") or "") or next(iter(parse_srcset(node.get("srcset") or "")), "")
    if not src:
        return None
    marker = node.get(POSITION, "")
    offset = rendered.offsets[int(marker)] if marker.isdigit() and int(marker) < len(rendered.offsets) else -1
    line, column = line_column(starts, rendered.rewritten.original_offset(offset)) if offset >= 0 else (None, None)
    alt = node.get("alt")
    if node.get(SYNTAX) == "markdown" and not alt:
        alt = None
    return CaptionRecord(
        id="",
        image=resolve_image(src, path, site_page=True),
        origin=Origin(str(path), line, column, SourceKind.MARKDOWN),
        title=node.get("title") or "",
        caption=_caption(node),
        alt=alt,
        gallery=gallery,
        page=str(path),
    )


def _caption(image: Node) -> str:
    """The figure's caption, or the text a Markdown page puts beside or right after an image."""
    figure = next((a for a in image.ancestors() if a.tag == "figure"), None)
    if figure is not None:
        found = next((e for e in figure.elements() if e.tag == "figcaption"), None)
        return visible_text(found) if found is not None else ""
    paragraph = image.parent
    if paragraph is None or paragraph.tag != "p" or sum(1 for e in paragraph.elements() if e.tag == "img") != 1:
        return ""
    before = paragraph.children[: image.index_in_parent]
    if any((c if isinstance(c, str) else visible_text(c)).strip() for c in before):
        return ""  # the image sits in prose
    after = Node("#rest", {}, 0, 0, "", children=paragraph.children[image.index_in_parent + 1 :])
    rest = visible_text(after)
    if rest:
        return rest
    following = _next_element(paragraph)
    if following is not None and following.tag == "p" and not any(e.tag == "img" for e in following.elements()):
        return visible_text(following)
    return ""


def _next_element(node: Node) -> Node | None:
    siblings = node.parent.children if node.parent is not None else []
    for sibling in siblings[node.index_in_parent + 1 :]:
        if isinstance(sibling, Node):
            return sibling
        if sibling.strip():
            return None
    return None


def _report_undefined_references(root: Node, text: str, path: Path, report: Report) -> None:
    """``![alt][label]`` with no ``[label]:`` definition renders as text: the author meant an image."""
    seen = set()
    for node in [root, *root.elements()]:
        if node.tag in ("code", "pre"):
            continue
        for child in node.children:
            if not isinstance(child, str):
                continue
            for match in _UNDEFINED_REFERENCE.finditer(child):
                label = match.group(2)
                if label in seen:
                    continue
                seen.add(label)
                at = text.find(f"][{label}]")
                line = text.count("\n", 0, at) + 1 if at >= 0 else None
                report(CorpusError(path, f"image reference [{label}] is not defined", line,
                                   f"add a line '[{label}]: path/to/image.jpg'"))
