"""A small, tolerant HTML element tree and the questions the audit asks of it.

Built with the standard library's HTMLParser: which elements are hidden or
focusable, their visible text, accessible names (a practical subset of the
accessible name computation), and CSS selectors that point back at them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Iterator, Mapping

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
URL_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)
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


class TreeBuilder(HTMLParser):
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
        if self.pending_suppression and is_image_candidate(node):
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


def is_image_candidate(node: Node) -> bool:
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
