"""HTML pages: the images on a page, as records (``read_html``) or as elements (``scan_html``).

``scan_html`` builds a small tolerant element tree with the standard library's
HTMLParser and reports every element a screen reader could meet as an image
(``img``, ``input type=image``, ``area``, ``object``, ``svg`` and anything with
``role="img"``), with what the accessibility audit needs: its accessible name
and where the name came from, whether it or an ancestor is hidden, whether it
is focusable, the figure caption and the link or button text around it, and
the rules suppressed for it.

``read_html`` turns the content images of a page (an ``img`` with a ``src`` or
``srcset``) into CaptionRecords for the indexer. Its ``title`` is the image's
own ``title`` attribute, or else the nearest heading that precedes the image
inside one of the image's ancestors (the heading that introduces the section
or figure the image is in); the page's first ``h1`` names the gallery and is
never used as a photo's title.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Mapping
from urllib.parse import unquote, urlsplit

from ..errors import CorpusError
from ..records import CaptionRecord, Origin
from .html_tree import (
    HEADINGS,
    Node,
    PRESENTATIONAL,
    SUPPRESS_ATTRIBUTE,
    TreeBuilder,
    URL_SCHEME,
    accessible_name,
    css_selector,
    is_focusable,
    is_hidden,
    is_image_candidate,
    parse_rule_list,
    parse_srcset,
    squash,
    visible_text,
)


@dataclass(frozen=True)
class ImageElement:
    """An element exposed (or meant to be exposed) as an image, with its context."""

    tag: str
    role: str
    attrs: Mapping[str, str]
    line: int
    column: int
    selector: str
    snippet: str
    name: str | None  # the computed accessible name; None when there is none
    name_source: str  # "aria-labelledby", "aria-label", "alt", "title", "svg-title", "content", ""
    hidden: bool  # it or an ancestor is hidden from assistive technology
    focusable: bool
    figcaption: str = ""
    link_text: str = ""  # visible text of the enclosing link or button, images excluded
    in_control: str = ""  # "link" or "button" when inside one
    only_content: bool = False  # the image is the only content of that link or button
    adjacent_text: str = ""  # visible text right next to the image in the same parent
    heading: str = ""
    caption: str = ""
    in_figure: bool = False
    suppressed: frozenset[str] = frozenset()  # rule ids; "*" means every rule

    @property
    def alt(self) -> str | None:
        return self.attrs.get("alt")

    @property
    def src(self) -> str:
        return self.attrs.get("src") or self.attrs.get("data") or self.attrs.get("href") or ""

    @property
    def decorative(self) -> bool:
        """Marked as decorative: an empty alt or a presentational role."""
        return self.role in PRESENTATIONAL or (self.tag == "img" and self.alt == "" and not self.role)

    def srcset_urls(self) -> tuple[str, ...]:
        return parse_srcset(self.attrs.get("srcset", ""))


class _Page:
    """A parsed page and the lookups the scanners share."""

    def __init__(self, text: str) -> None:
        builder = TreeBuilder()
        builder.feed(text)
        builder.close()
        self.root = builder.root
        self.by_id = builder.by_id
        self.order = builder.order
        self.position = {id(node): i for i, node in enumerate(self.order)}

    def gallery(self) -> str:
        title = next((n for n in self.order if n.tag == "title"), None)
        if title is not None and visible_text(title):
            return visible_text(title)
        h1 = self.first_h1()
        return visible_text(h1) if h1 is not None else ""

    def first_h1(self) -> Node | None:
        return next((n for n in self.order if n.tag == "h1"), None)

    def heading_for(self, node: Node) -> str:
        """The nearest heading before ``node`` whose parent also contains ``node``."""
        ancestors = {id(a) for a in node.ancestors()}
        first_h1 = self.first_h1()
        for candidate in reversed(self.order[: self.position[id(node)]]):
            if candidate.tag in HEADINGS and candidate is not first_h1:
                if candidate.parent is not None and id(candidate.parent) in ancestors:
                    return visible_text(candidate)
        return ""

    def caption_for(self, node: Node) -> tuple[str, str]:
        """(figcaption text, caption text): the figure's caption, or a described-by/caption-classed one."""
        figcaption = ""
        figure = next((a for a in node.ancestors() if a.tag == "figure"), None)
        if figure is not None:
            found = next((e for e in figure.elements() if e.tag == "figcaption"), None)
            figcaption = visible_text(found) if found is not None else ""
        if figcaption:
            return figcaption, figcaption
        refs = [self.by_id[i] for i in (node.get("aria-describedby") or "").split() if i in self.by_id]
        described = squash(" ".join(visible_text(r) for r in refs))
        if described:
            return "", described
        for container in list(node.ancestors())[:2]:
            for element in container.elements():
                if "caption" in (element.get("class") or "").lower() and element is not node:
                    return "", visible_text(element)
        return "", ""

    def control_for(self, node: Node) -> Node | None:
        """The link or button the image sits in, if any."""
        for ancestor in node.ancestors():
            if (ancestor.tag == "a" and "href" in ancestor.attrs) or ancestor.tag == "button":
                return ancestor
            if ancestor.role in ("link", "button"):
                return ancestor
        return None

    def suppressed_for(self, node: Node) -> frozenset[str]:
        ids = set(node.suppressed)
        for element in (node, *node.ancestors()):
            if SUPPRESS_ATTRIBUTE in element.attrs:
                ids |= parse_rule_list(element.attrs[SUPPRESS_ATTRIBUTE])
        return frozenset(ids)


def _adjacent_text(node: Node) -> str:
    """The text right before or after ``node`` among its parent's children."""
    if node.parent is None:
        return ""
    siblings = node.parent.children
    index = next(i for i, c in enumerate(siblings) if c is node)
    for neighbour in (siblings[index + 1 : index + 2] + siblings[max(index - 1, 0) : index]):
        text = squash(neighbour if isinstance(neighbour, str) else visible_text(neighbour))
        if text:
            return text
    return ""


def scan_html(text: str, path: str = "") -> list[ImageElement]:
    """Every image candidate on a page, in document order, with its audit context."""
    page = _Page(text)
    images = []
    for node in page.order:
        if is_image_candidate(node) and not _inside_image(node):
            images.append(_image_element(page, node))
    return images


def _inside_image(node: Node) -> bool:
    """Elements inside an svg or role=img element are part of that image, not images of their own."""
    return any(a.tag == "svg" or a.role == "img" for a in node.ancestors())


def _image_element(page: _Page, node: Node) -> ImageElement:
    name, source = accessible_name(node, page.by_id)
    figcaption, caption = page.caption_for(node)
    control = page.control_for(node)
    link_text = visible_text(control) if control is not None else ""
    only = control is not None and not link_text and _image_count(control) == 1
    kind = ""
    if control is not None:
        kind = "button" if control.tag == "button" or control.role == "button" else "link"
    return ImageElement(
        tag=node.tag,
        role=node.role,
        attrs=dict(node.attrs),
        line=node.line,
        column=node.column,
        selector=css_selector(node),
        snippet=node.source,
        name=name,
        name_source=source,
        hidden=is_hidden(node),
        focusable=is_focusable(node),
        figcaption=figcaption,
        link_text=link_text,
        in_control=kind,
        only_content=only,
        adjacent_text=_adjacent_text(node),
        heading=page.heading_for(node),
        caption=caption,
        in_figure=any(a.tag == "figure" for a in node.ancestors()),
        suppressed=page.suppressed_for(node),
    )


def _image_count(control: Node) -> int:
    return sum(1 for e in control.elements() if is_image_candidate(e) and not is_hidden(e))


# -- records for the indexer -------------------------------------------------


def resolve_image(src: str, page_path: Path) -> str:
    """An absolute POSIX path for a local src (relative to the page), a URL unchanged.

    A root-relative src ("/images/x.jpg") is taken relative to the page's folder,
    the only site root a folder of files has.
    """
    src = src.strip()
    if not src or URL_SCHEME.match(src) or src.startswith("//"):
        return src
    local = unquote(urlsplit(src).path).lstrip("/")
    return (page_path.parent / local).resolve().as_posix()


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(str(value).strip().rstrip("px")) if value is not None else None
    except ValueError:
        return None


def read_html(path: Path, report: Callable[[CorpusError], None]) -> Iterator[CaptionRecord]:
    """One record per content image of the page at ``path``; unreadable pages are reported."""
    path = Path(path)
    text = read_page(path, report)
    if text is None:
        return
    page = _Page(text)
    gallery = page.gallery()
    for node in page.order:
        if node.tag != "img" or any(a.tag == "template" for a in node.ancestors()):
            continue
        srcset = parse_srcset(node.get("srcset") or "") + _picture_sources(node)
        src = (node.get("src") or "").strip() or (srcset[0] if srcset else "")
        if not src:
            continue
        figcaption, caption = page.caption_for(node)
        yield CaptionRecord(
            id="",
            image=resolve_image(src, path),
            origin=Origin(str(path), node.line, node.column, "html"),
            title=squash(node.get("title") or "") or page.heading_for(node),
            caption=caption,
            alt=node.get("alt"),
            gallery=gallery,
            page=str(path),
            srcset=tuple(resolve_image(u, path) for u in srcset),
            width=_int_or_none(node.get("width")),
            height=_int_or_none(node.get("height")),
        )


def _picture_sources(node: Node) -> tuple[str, ...]:
    if node.parent is None or node.parent.tag != "picture":
        return ()
    urls: tuple[str, ...] = ()
    for sibling in node.parent.children:
        if isinstance(sibling, Node) and sibling.tag == "source":
            urls += parse_srcset(sibling.get("srcset") or "")
    return urls


def read_page(path: Path, report: Callable[[CorpusError], None]) -> str | None:
    """The page's text, or None after reporting why it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        report(CorpusError(str(path), f"cannot read it: {exc.strerror or exc}"))
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        report(CorpusError(str(path), f"not UTF-8 text (byte {exc.start})", hint="save the page as UTF-8"))
        return None
