"""HTML pages: the content images of a page, as records for the indexer.

``read_html`` turns each ``img`` with a ``src`` or ``srcset`` into a
CaptionRecord. Its ``title`` is the image's own ``title`` attribute, or else
the nearest heading that precedes the image inside one of the image's
ancestors (the heading that introduces the section or figure the image is
in); the page's first ``h1`` names the gallery and is never used as a photo's
title. The caption is the figure's figcaption, else the text the image is
described by (``aria-describedby``), else an element with "caption" in its
class near the image.

How assistive technology meets those images (names, roles, hidden state) is
the audit's business, not the indexer's: see ``captionsearch.audit.semantics``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator

from ..errors import CorpusError
from ..records import CaptionRecord, Origin, SourceKind
from . import references
from .html_tree import HEADINGS, Node, decode_html, parse_html, parse_srcset, squash, visible_text
from .limits import DEFAULT_LIMITS, ReadLimits
from .schema_org import json_ld_records


class _Page:
    """A parsed page and the lookups the reader needs, each answered without rescanning the page."""

    def __init__(self, text: str) -> None:
        tree = parse_html(text)
        self.order = tree.order
        self.by_id = tree.by_id
        self.first_h1 = next((n for n in self.order if n.tag == "h1"), None)
        self._headings: list[Node] = []  # headings before the image being read, in document order
        self._class_captions: dict[int, str] = {}

    def gallery(self) -> str:
        title = next((n for n in self.order if n.tag == "title"), None)
        if title is not None and visible_text(title):
            return visible_text(title)
        return visible_text(self.first_h1) if self.first_h1 is not None else ""

    def images(self) -> Iterator[Node]:
        """The page's rendered ``img`` elements in order, keeping track of the headings before each."""
        for node in self.order:
            if node.tag in HEADINGS and node is not self.first_h1:
                self._headings.append(node)
            elif node.tag == "img" and not any(a.tag == "template" for a in node.ancestors()):
                yield node

    def heading_for(self, node: Node) -> str:
        """The nearest heading before ``node`` whose parent also contains ``node``."""
        ancestors = {id(a) for a in node.ancestors()}
        for candidate in reversed(self._headings):
            if candidate.parent is not None and id(candidate.parent) in ancestors:
                return visible_text(candidate)
        return ""

    def caption_for(self, node: Node) -> str:
        """The figure's caption, or a described-by text, or a caption-classed element nearby."""
        figure = next((a for a in node.ancestors() if a.tag == "figure"), None)
        if figure is not None:
            found = next((e for e in figure.elements() if e.tag == "figcaption"), None)
            if found is not None and visible_text(found):
                return visible_text(found)
        refs = [self.by_id[i] for i in (node.get("aria-describedby") or "").split() if i in self.by_id]
        described = squash(" ".join(visible_text(r) for r in refs))
        if described:
            return described
        for container in list(node.ancestors())[:2]:
            caption = self._class_caption(container, node)
            if caption:
                return caption
        return ""

    def _class_caption(self, container: Node, image: Node) -> str:
        """The text of the first element with "caption" in its class inside ``container`` (once per container)."""
        key = id(container)
        if key not in self._class_captions:
            found = next((e for e in container.elements() if "caption" in (e.get("class") or "").lower()), None)
            self._class_captions[key] = visible_text(found) if found is not None and found is not image else ""
        return self._class_captions[key]


def resolve_image(src: str, page_path: Path) -> str:
    """The canonical image of a src as written in a page (see ``references.resolve_image``).

    A root-relative src ("/images/x.jpg") is taken relative to the page's folder,
    the only site root a folder of files has.
    """
    return references.resolve_image(src, page_path, site_page=True)


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(str(value).strip().rstrip("px")) if value is not None else None
    except ValueError:
        return None


def read_html(path: Path, report: Callable[[CorpusError], None], limits: ReadLimits = DEFAULT_LIMITS) -> Iterator[CaptionRecord]:
    """One record per content image of the page at ``path``; unreadable pages are reported."""
    path = Path(path)
    text = read_page(path, report)
    if text is None:
        return
    page = _Page(text)
    gallery = page.gallery()
    for node in page.images():
        srcset = parse_srcset(node.get("srcset") or "") + _picture_sources(node)
        src = (node.get("src") or "").strip() or (srcset[0] if srcset else "")
        if not src:
            continue
        yield CaptionRecord(
            id="",
            image=resolve_image(src, path),
            origin=Origin(str(path), node.line, node.column, SourceKind.HTML),
            title=squash(node.get("title") or "") or page.heading_for(node),
            caption=page.caption_for(node),
            alt=node.get("alt"),
            gallery=gallery,
            page=str(path),
            srcset=tuple(resolve_image(u, path) for u in srcset),
            width=_int_or_none(node.get("width")),
            height=_int_or_none(node.get("height")),
        )
    yield from json_ld_records(text, path, report, limits)


def _picture_sources(node: Node) -> tuple[str, ...]:
    if node.parent is None or node.parent.tag != "picture":
        return ()
    urls: tuple[str, ...] = ()
    for sibling in node.parent.children:
        if isinstance(sibling, Node) and sibling.tag == "source":
            urls += parse_srcset(sibling.get("srcset") or "")
    return urls


def read_page(path: Path, report: Callable[[CorpusError], None]) -> str | None:
    """The page's text, decoded as a browser would (BOM, declared charset, UTF-8, Windows-1252)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        report(CorpusError(str(path), f"cannot read it: {exc.strerror or exc}"))
        return None
    return decode_html(data).text
