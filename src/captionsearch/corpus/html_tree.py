"""A small, tolerant HTML element tree with source positions.

Built with the standard library's HTMLParser, which never raises on bad
markup: elements, text and comments in document order, each element with the
line and column of its start tag and the start tag as written. What the tree
means to a reader (headings, captions) or to assistive technology (names,
roles, hidden state) is decided by the code that reads it.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Callable, Iterator, overload

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
URL_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)
_SPACE = re.compile(r"\s+")


@dataclass(eq=False)
class Node:
    """One element of the tolerant tree; ``children`` mixes Nodes and text."""

    tag: str
    attrs: dict[str, str]
    line: int
    column: int
    source: str  # the start tag as written
    parent: "Node | None" = None
    children: list["Node | str"] = field(default_factory=list)
    order: int = 0  # position among all elements, in document order
    index_in_parent: int = 0  # position among the parent's children (text included)
    same_tag_index: int = 1  # 1-based, among the parent's children of the same tag
    same_tag_count: int = 1

    @overload
    def get(self, name: str) -> str | None: ...

    @overload
    def get(self, name: str, default: str) -> str: ...

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.attrs.get(name, default)

    @property
    def role(self) -> str:
        """The first token of the role attribute, lower case ('' when none)."""
        tokens = (self.get("role") or "").strip().lower().split()
        return tokens[0] if tokens else ""

    @property
    def written_tag(self) -> str:
        """The tag name as written (HTMLParser lower-cases it): 'Image' for a JSX component."""
        match = re.match(r"<\s*([^\s/>]+)", self.source)
        return match.group(1) if match else self.tag

    def ancestors(self) -> Iterator["Node"]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def elements(self) -> Iterator["Node"]:
        """Descendant elements in document order (iteratively: pages can nest deeply)."""
        stack = [iter(self.children)]
        while stack:
            child = next(stack[-1], None)
            if child is None:
                stack.pop()
            elif isinstance(child, Node):
                yield child
                stack.append(iter(child.children))


@dataclass(frozen=True)
class Comment:
    """A comment, and how many elements came before it (so it can be placed in document order)."""

    text: str
    elements_before: int


class TreeBuilder(HTMLParser):
    """HTMLParser that keeps a forgiving element tree with source positions."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, 1, 1, "")
        self.stack = [self.root]
        self.by_id: dict[str, Node] = {}
        self.order: list[Node] = []
        self.comments: list[Comment] = []

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
        values: dict[str, str] = {}
        for name, value in attrs:
            values.setdefault(name.lower(), value if value is not None else "")  # the first one counts, as in HTML
        parent = self.stack[-1]
        node = Node(tag, values, line, offset + 1, self.get_starttag_text() or "", parent, order=len(self.order),
                    index_in_parent=len(parent.children))
        parent.children.append(node)
        self.order.append(node)
        if values.get("id"):
            self.by_id.setdefault(values["id"], node)
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
        self.comments.append(Comment(data, len(self.order)))


def parse_html(text: str) -> TreeBuilder:
    """The tree of ``text``, with each element's place among its same-tag siblings counted once."""
    builder = TreeBuilder()
    builder.feed(text)
    builder.close()
    _count_same_tag_siblings(builder.order)
    return builder


def _count_same_tag_siblings(order: list[Node]) -> None:
    counts: dict[tuple[int, str], int] = {}
    for node in order:
        key = (id(node.parent), node.tag)
        counts[key] = counts.get(key, 0) + 1
        node.same_tag_index = counts[key]
    for node in order:
        node.same_tag_count = counts[(id(node.parent), node.tag)]


def parse_srcset(srcset: str) -> tuple[str, ...]:
    """The URLs of a srcset value (candidates are separated by commas)."""
    urls = []
    for candidate in re.split(r",\s+|,(?=\S+\s+\d)", srcset.strip()):
        url = candidate.strip().split(" ")[0].rstrip(",")
        if url:
            urls.append(url)
    return tuple(urls)


def squash(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def style_of(node: Node) -> dict[str, str]:
    """The element's inline style declarations, lower case, without !important."""
    declarations = {}
    for part in (node.get("style") or "").split(";"):
        if ":" in part:
            key, value = part.split(":", 1)
            declarations[key.strip().lower()] = value.strip().lower().replace("!important", "").strip()
    return declarations


def is_hidden_self(node: Node) -> bool:
    """Hidden by its own attributes or inline style (not by an ancestor's)."""
    style = style_of(node)
    return (
        "hidden" in node.attrs
        or node.get("aria-hidden", "").strip().lower() == "true"
        or style.get("display") == "none"
        or style.get("visibility") in ("hidden", "collapse")
    )


# Elements a browser lays out as blocks (or breaks): their text is set apart from its neighbours'.
BLOCKS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 header hr "
    "li main nav ol p pre section table td th tr ul".split()
)


def visible_text(node: Node, with_alt: bool = False) -> str:
    """Rendered text of ``node``; with ``with_alt``, images count by their alt text.

    Inline elements run into their neighbours ("for <b>more</b>." reads "for more."),
    blocks are set apart by a space.
    """

    def own_text(element: Node) -> str | None:
        if element.tag == "img" or (element.tag == "input" and element.get("type", "").lower() == "image"):
            return (element.get("aria-label") or element.get("alt") or "") if with_alt else ""
        if element.tag == "svg" and not with_alt:
            return ""
        return None

    return text_of(node, own_text)


def text_of(node: Node, own_text: Callable[[Node], str | None]) -> str:
    """The text of ``node`` and its rendered descendants, squashed.

    ``own_text(element)`` gives the text an element stands for in place of its
    content (an image's alt, say), or None to read its content. Hidden and
    unrendered descendants are skipped; ``node`` itself is always read.
    """
    pieces: list[str] = []
    # A stack, not recursion: generated pages can nest thousands of elements deep.
    stack: list[Node | str] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, str):
            pieces.append(current)
            continue
        if current is not node and (current.tag in NOT_RENDERED or is_hidden_self(current)):
            continue
        replacement = own_text(current)
        if replacement is not None:
            pieces.append(f" {replacement} ")
            continue
        if current.tag in BLOCKS:
            pieces.append(" ")
            stack.append(" ")  # after its children
        stack.extend(reversed(current.children))  # reversed: they come off in document order
    return squash("".join(pieces))


# -- encodings ------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
# Labels browsers map to another encoding (WHATWG Encoding): Latin-1 is read as Windows-1252, and
# a page that says UTF-16 in a <meta> (which it could not have been read with) as UTF-8.
_ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "l1": "cp1252", "us-ascii": "cp1252",
            "ascii": "cp1252", "gb2312": "gbk", "x-sjis": "shift_jis", "utf-16": "utf-8", "utf-16le": "utf-8",
            "utf-16be": "utf-8"}


@dataclass(frozen=True)
class DecodedPage:
    text: str
    encoding: str
    fallback: bool  # the page declared nothing usable and was not UTF-8: read as Windows-1252


def codec_for(label: str) -> str:
    """The Python codec for a charset label as browsers read it, or '' for a label they do not know."""
    label = label.strip().lower()
    try:
        return codecs.lookup(_ALIASES.get(label, label)).name if label else ""
    except LookupError:
        return ""


def declared_encoding(data: bytes) -> str:
    """The charset a page declares in its first 4 KB (<meta charset> or http-equiv), or ''."""
    match = _META_CHARSET.search(data[:4096])
    return codec_for(match.group(1).decode("ascii", "replace")) if match else ""


def decode_html(data: bytes, transport_charset: str = "") -> DecodedPage:
    """A page's text as a browser would decode it: a BOM, the HTTP header's charset
    (``transport_charset``), the page's own declaration, then UTF-8.

    A page that declares nothing usable and is not UTF-8 is read as Windows-1252,
    the web's default for undeclared pages, so it is always readable.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            return DecodedPage(data[len(bom):].decode(name, errors="replace"), name, False)
    declared = codec_for(transport_charset) or declared_encoding(data)
    if declared and declared not in ("utf-8", "utf_8"):
        try:
            return DecodedPage(data.decode(declared), declared, False)
        except UnicodeDecodeError:
            pass
    try:
        return DecodedPage(data.decode("utf-8"), "utf-8", False)
    except UnicodeDecodeError:
        return DecodedPage(data.decode("cp1252", errors="replace"), "cp1252", True)
