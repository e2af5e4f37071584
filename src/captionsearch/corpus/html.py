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

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Callable, Iterator, Mapping
from urllib.parse import unquote, urlsplit

from ..errors import CorpusError
from ..records import CaptionRecord, Origin

VOID = frozenset(
    "area base br col embed hr img input link meta param source track wbr".split()
)
# Opening one of these closes an open <p> (a tolerant subset of the HTML rules).
CLOSES_P = frozenset(
    "address article aside blockquote div dl fieldset figcaption figure footer form h1 h2 h3 "
    "h4 h5 h6 header hr main nav ol p pre section table ul".split()
)
SELF_CLOSING_SIBLINGS = frozenset("li dt dd option tr td th".split())
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
NOT_RENDERED = frozenset({"template", "noscript", "script", "style", "head"})
PRESENTATIONAL = frozenset({"presentation", "none"})
# ARIA 1.2 global states and properties: any of them makes a presentational role ignored.
GLOBAL_ARIA = frozenset(
    "aria-atomic aria-busy aria-controls aria-current aria-describedby aria-details "
    "aria-dropeffect aria-flowto aria-grabbed aria-haspopup aria-invalid aria-keyshortcuts "
    "aria-label aria-labelledby aria-live aria-owns aria-relevant aria-roledescription".split()
)
FOCUSABLE_TAGS = frozenset({"button", "select", "textarea", "iframe", "summary"})
SUPPRESS_ATTRIBUTE = "data-captionsearch-ignore"
_SUPPRESS_COMMENT = re.compile(r"^\s*captionsearch[-:\s]*(?:ignore|disable)\b(.*)$", re.I | re.S)
_URL_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)
_SPACE = re.compile(r"\s+")


@dataclass(eq=False)
class Node:
    """One element of the tolerant tree; ``children`` mixes Nodes and text."""

    tag: str
    attrs: dict[str, str]
    line: int
    column: int
    source: str
    parent: "Node | None" = None
    children: list["Node | str"] = field(default_factory=list)
    suppressed: frozenset[str] = frozenset()

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.attrs.get(name, default)

    @property
    def role(self) -> str:
        return (self.get("role") or "").strip().lower().split(" ")[0] if self.get("role") else ""

    def ancestors(self) -> Iterator["Node"]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def elements(self) -> Iterator["Node"]:
        """Descendant elements in document order."""
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.elements()


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


class _TreeBuilder(HTMLParser):
    """HTMLParser that keeps a forgiving element tree with source positions."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, 1, 1, "")
        self.stack = [self.root]
        self.pending_suppression: frozenset[str] = frozenset()
        self.by_id: dict[str, Node] = {}
        self.order: list[Node] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open(tag, attrs, void=tag in VOID)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open(tag, attrs, void=True)

    def _open(self, tag: str, attrs: list[tuple[str, str | None]], void: bool) -> None:
        current = self.stack[-1]
        if current.tag == "p" and tag in CLOSES_P:
            self.stack.pop()
        elif tag in SELF_CLOSING_SIBLINGS and self.stack[-1].tag == tag:
            self.stack.pop()
        line, offset = self.getpos()
        values = {name.lower(): (value if value is not None else "") for name, value in attrs}
        node = Node(tag, values, line, offset + 1, self.get_starttag_text() or "", self.stack[-1])
        self.stack[-1].children.append(node)
        self.order.append(node)
        if values.get("id"):
            self.by_id.setdefault(values["id"], node)
        if self.pending_suppression and _is_image_candidate(node):
            node.suppressed = self.pending_suppression
            self.pending_suppression = frozenset()
        if not void:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        if self.stack[-1].tag not in ("script", "style"):
            self.stack[-1].children.append(data)

    def handle_comment(self, data: str) -> None:
        match = _SUPPRESS_COMMENT.match(data)
        if match:
            self.pending_suppression = parse_rule_list(match.group(1))


def parse_rule_list(text: str) -> frozenset[str]:
    """Rule ids named in a suppression; none named means every rule ("*")."""
    ids = frozenset(part for part in re.split(r"[\s,]+", text.strip()) if part)
    return ids or frozenset({"*"})


def parse_srcset(srcset: str) -> tuple[str, ...]:
    """The URLs of a srcset value (candidates are separated by commas)."""
    urls = []
    for candidate in re.split(r",\s+|,(?=\S+\s+\d)", srcset.strip()):
        url = candidate.strip().split(" ")[0].rstrip(",")
        if url:
            urls.append(url)
    return tuple(urls)


SVG_IMAGE_ROLES = frozenset({"img", "graphics-document", "graphics-symbol"}) | PRESENTATIONAL


def _is_image_candidate(node: Node) -> bool:
    """An element a screen reader meets as an image (an svg only with an image or presentational role)."""
    if node.tag in ("img", "object") or node.role == "img":
        return True
    if node.tag == "svg":
        return node.role in SVG_IMAGE_ROLES
    if node.tag == "area":
        return "href" in node.attrs
    return node.tag == "input" and node.get("type", "").lower() == "image"


def squash(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _style(node: Node) -> dict[str, str]:
    declarations = {}
    for part in (node.get("style") or "").split(";"):
        if ":" in part:
            key, value = part.split(":", 1)
            declarations[key.strip().lower()] = value.strip().lower().replace("!important", "").strip()
    return declarations


def is_hidden(node: Node) -> bool:
    """Hidden from assistive technology: by itself or by an ancestor."""
    visibility = ""
    for element in (node, *node.ancestors()):
        style = _style(element)
        if element.tag in NOT_RENDERED or "hidden" in element.attrs:
            return True
        if element.get("aria-hidden", "").strip().lower() == "true":
            return True
        if style.get("display") == "none":
            return True
        if not visibility and "visibility" in style:
            visibility = style["visibility"]
    return visibility in ("hidden", "collapse")


def is_focusable(node: Node) -> bool:
    if "disabled" in node.attrs:
        return False
    if re.fullmatch(r"\s*-?\d+\s*", node.get("tabindex", "") or ""):
        return True
    if node.tag in ("a", "area") and "href" in node.attrs:
        return True
    if node.tag == "input":
        return node.get("type", "").lower() != "hidden"
    contenteditable = node.get("contenteditable")
    if contenteditable is not None and contenteditable.lower() != "false":
        return True
    return node.tag in FOCUSABLE_TAGS


def visible_text(node: Node, with_alt: bool = False) -> str:
    """Rendered text of ``node``; with ``with_alt``, images count by their names (accname)."""
    pieces: list[str] = []
    _collect_text(node, pieces, with_alt, top=True)
    return squash(" ".join(pieces))


def _collect_text(node: Node, pieces: list[str], with_alt: bool, top: bool = False) -> None:
    if not top and (node.tag in NOT_RENDERED or is_hidden_self(node)):
        return
    if node.tag == "img" or (node.tag == "input" and node.get("type", "").lower() == "image"):
        if with_alt:
            pieces.append(node.get("aria-label") or node.get("alt") or "")
        return
    if node.tag == "svg" and not with_alt:
        return
    for child in node.children:
        if isinstance(child, str):
            pieces.append(child)
        else:
            _collect_text(child, pieces, with_alt)


def is_hidden_self(node: Node) -> bool:
    style = _style(node)
    return (
        "hidden" in node.attrs
        or node.get("aria-hidden", "").strip().lower() == "true"
        or style.get("display") == "none"
        or style.get("visibility") in ("hidden", "collapse")
    )


def accessible_name(node: Node, by_id: Mapping[str, Node]) -> tuple[str | None, str]:
    """The accessible name and its source, after the W3C accname steps an image uses."""
    refs = [by_id[i] for i in (node.get("aria-labelledby") or "").split() if i in by_id]
    labelled = squash(" ".join(visible_text(ref, with_alt=True) for ref in refs if ref is not node))
    if labelled:
        return labelled, "aria-labelledby"
    label = squash(node.get("aria-label") or "")
    if label:
        return label, "aria-label"
    is_image_input = node.tag == "input" and node.get("type", "").lower() == "image"
    if node.tag in ("img", "area") or is_image_input:
        alt = node.get("alt")
        if alt is not None and (alt.strip() or node.tag == "img"):
            return alt.strip(), "alt"
    if node.tag == "svg":
        title = next((c for c in node.children if isinstance(c, Node) and c.tag == "title"), None)
        if title is not None and visible_text(title):
            return visible_text(title), "svg-title"
    if node.tag == "object":
        fallback = visible_text(node, with_alt=True)
        if fallback:
            return fallback, "content"
    title_attr = squash(node.get("title") or "")
    if title_attr:
        return title_attr, "title"
    return None, ""


def css_selector(node: Node) -> str:
    """A CSS selector for ``node``: from its own or its nearest ancestor's #id, else from html."""
    steps: list[str] = []
    element: Node | None = node
    while element is not None and element.tag != "#document":
        element_id = element.get("id")
        if element_id:
            steps.append("#" + _css_ident(element_id))
            break
        steps.append(_step(element))
        element = element.parent
    return " > ".join(reversed(steps))


def _step(node: Node) -> str:
    siblings = [c for c in node.parent.children if isinstance(c, Node) and c.tag == node.tag] if node.parent else [node]
    if len(siblings) == 1:
        return node.tag
    return f"{node.tag}:nth-of-type({siblings.index(node) + 1})"


def _css_ident(text: str) -> str:
    escaped = re.sub(r"([^\w-])", r"\\\1", text)
    return ("\\3" + escaped[0] + " " + escaped[1:]) if escaped[:1].isdigit() else escaped


class _Page:
    """A parsed page and the lookups the scanners share."""

    def __init__(self, text: str) -> None:
        builder = _TreeBuilder()
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
        if _is_image_candidate(node) and not _inside_image(node):
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
    return sum(1 for e in control.elements() if _is_image_candidate(e) and not is_hidden(e))


# -- records for the indexer -------------------------------------------------


def resolve_image(src: str, page_path: Path) -> str:
    """An absolute POSIX path for a local src (relative to the page), a URL unchanged.

    A root-relative src ("/images/x.jpg") is taken relative to the page's folder,
    the only site root a folder of files has.
    """
    src = src.strip()
    if not src or _URL_SCHEME.match(src) or src.startswith("//"):
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
