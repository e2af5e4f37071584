"""How assistive technology meets an image: which elements are images, their names, hidden state.

Follows HTML-AAM and the Accessible Name Computation (accname 1.2) for the
image-like elements:

=====================  =====================================================
element                name, first non-empty of
=====================  =====================================================
``img``                aria-labelledby, aria-label, alt, title
``input type=image``   aria-labelledby, aria-label, alt, title
``area`` (with href)   aria-labelledby, aria-label, alt, title
``svg``                aria-labelledby, aria-label, its ``<title>`` child
                       (a ``title`` attribute does not name an svg)
``object``             aria-labelledby, aria-label, title (its fallback
                       content is shown when the object fails to load; it
                       does not name it)
``embed`` (an image)   aria-labelledby, aria-label, title
``role="img"``         aria-labelledby, aria-label, title (an image role
                       takes no name from its content)
=====================  =====================================================

An ``img`` with ``alt=""`` and an element with ``role="presentation"`` or
``"none"`` are decorative, unless a global ARIA attribute or focusability
makes the browser expose them anyway (the presentational role conflict).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Mapping

from ..corpus.html_tree import NOT_RENDERED, Node, squash, style_of, text_of, visible_text

PRESENTATIONAL = frozenset({"presentation", "none"})
SVG_IMAGE_ROLES = frozenset({"img", "graphics-document", "graphics-symbol"}) | PRESENTATIONAL
# ARIA 1.2 global states and properties: any of them makes a presentational role ignored.
GLOBAL_ARIA = frozenset(
    "aria-atomic aria-busy aria-controls aria-current aria-describedby aria-details "
    "aria-dropeffect aria-flowto aria-grabbed aria-haspopup aria-invalid aria-keyshortcuts "
    "aria-label aria-labelledby aria-live aria-owns aria-relevant aria-roledescription".split()
)
FOCUSABLE_TAGS = frozenset({"button", "select", "textarea", "iframe", "summary"})
_IMAGE_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|svg|avif|bmp|tiff?|ico|heic|jxl)(?:[?#].*)?$", re.I)
_TABINDEX = re.compile(r"\s*-?\d+\s*")


@dataclass(frozen=True)
class Name:
    """An accessible name and where it came from ("alt", "aria-label", ...); text None: no name."""

    text: str | None
    source: str = ""


def image_kind(node: Node) -> str:
    """What makes ``node`` an image to assistive technology, or '' when it is not one.

    'img', 'input-image', 'area', 'svg', 'object', 'embed' or 'role-img'. An svg
    counts with an image role or a <title> (it is then a graphics document);
    an svg with neither is left alone, as browsers mostly do. An area counts
    only as a link (with href); an object or embed only when it holds an image.
    """
    if node.tag == "img":
        return "img"
    if node.tag == "input":
        return "input-image" if node.get("type", "").strip().lower() == "image" else ""
    if node.tag == "svg":
        if node.role in SVG_IMAGE_ROLES or _svg_title(node) is not None:
            return "svg"
        return ""
    if node.role == "img":
        return "role-img"
    if node.tag == "area":
        return "area" if "href" in node.attrs else ""
    if node.tag in ("object", "embed"):
        return node.tag if _holds_image(node) else ""
    return ""


def _holds_image(node: Node) -> bool:
    mime = (node.get("type") or "").strip().lower()
    if mime:
        return mime.startswith("image/")
    return bool(_IMAGE_FILE.search(node.get("data") or node.get("src") or ""))


def inside_image(node: Node) -> bool:
    """Elements inside an svg or a role=img element are part of that image, not images of their own."""
    return any(a.tag == "svg" or a.role == "img" for a in node.ancestors())


def is_presentational(node: Node) -> bool:
    """Marked decorative: a presentational role, or an img with alt="" (exposed anyway if ARIA names it)."""
    if node.role in PRESENTATIONAL:
        return True
    return node.tag == "img" and node.get("alt") == "" and not node.role


def exposing_attributes(node: Node) -> tuple[str, ...]:
    """Attributes that expose a decorative image anyway: global ARIA, and a title."""
    found = [a for a in sorted(node.attrs) if a in GLOBAL_ARIA and node.attrs[a].strip()]
    if (node.get("title") or "").strip():
        found.append("title")
    return tuple(found)


def accessible_name(node: Node, by_id: Mapping[str, Node]) -> Name:
    """The element's accessible name, after the accname steps its kind uses (see the module table)."""
    labelled = _labelledby_text(node, by_id)
    if labelled:
        return Name(labelled, "aria-labelledby")
    label = squash(node.get("aria-label") or "")
    if label:
        return Name(label, "aria-label")
    kind = image_kind(node) or node.tag
    if kind in ("img", "input-image", "area"):
        alt = node.get("alt")
        if alt is not None and (alt.strip() or kind == "img"):
            return Name(squash(alt), "alt")
    if kind == "svg":
        title = _svg_title(node)
        if title is not None and text_alternative(title, by_id):
            return Name(text_alternative(title, by_id), "svg-title")
        return Name(None)
    title_attr = squash(node.get("title") or "")
    if title_attr:
        return Name(title_attr, "title")
    return Name(None)


def _svg_title(node: Node) -> Node | None:
    return next((c for c in node.children if isinstance(c, Node) and c.tag == "title"), None)


def _labelledby_text(node: Node, by_id: Mapping[str, Node]) -> str:
    refs = [by_id[i] for i in (node.get("aria-labelledby") or "").split() if i in by_id]
    return squash(" ".join(text_alternative(ref, by_id) for ref in refs if ref is not node))


def text_alternative(node: Node, by_id: Mapping[str, Node]) -> str:
    """The text an element contributes to a name (accname step 2, for a referenced or descendant node).

    Its aria-label, an image's alt, else its content, images inside counted by
    their alt. Hidden descendants are skipped; the element itself counts even
    when it is hidden (accname: a hidden element referenced by aria-labelledby
    still names).
    """

    def own_text(element: Node) -> str | None:
        label = squash(element.get("aria-label") or "")
        if label:
            return label
        if element.tag in ("img", "area") or (element.tag == "input" and element.get("type", "").lower() == "image"):
            return element.get("alt") or ""
        return None

    return text_of(node, own_text)


def is_hidden(node: Node) -> bool:
    """Hidden from assistive technology, by itself or by an ancestor."""
    visibility = ""
    for element in (node, *node.ancestors()):
        if element.tag in NOT_RENDERED or "hidden" in element.attrs:
            return True
        if element.get("aria-hidden", "").strip().lower() == "true":
            return True
        style = style_of(element) if element.get("style") else {}
        if style.get("display") == "none":
            return True
        if not visibility and "visibility" in style:
            visibility = style["visibility"]
    return visibility in ("hidden", "collapse")


def is_focusable(node: Node) -> bool:
    if "disabled" in node.attrs:
        return False
    if _TABINDEX.fullmatch(node.get("tabindex", "") or ""):
        return True
    if node.tag in ("a", "area") and "href" in node.attrs:
        return True
    if node.tag == "input":
        return node.get("type", "").lower() != "hidden"
    contenteditable = node.get("contenteditable")
    if contenteditable is not None and contenteditable.lower() != "false":
        return True
    return node.tag in FOCUSABLE_TAGS


def control_of(node: Node) -> Node | None:
    """The link or button the image sits in (or is: an image button, an image-map area)."""
    if node.tag == "area" or (node.tag == "input" and node.get("type", "").lower() == "image"):
        return node
    for ancestor in node.ancestors():
        if (ancestor.tag == "a" and "href" in ancestor.attrs) or ancestor.tag == "button":
            return ancestor
        if ancestor.role in ("link", "button", "menuitem", "tab"):
            return ancestor
    return None


def own_name(control: Node, by_id: Mapping[str, Node]) -> str:
    """A link's or button's name without the images in it: its ARIA label or title, else its text."""
    labelled = _labelledby_text(control, by_id)
    if labelled:
        return labelled
    label = squash(control.get("aria-label") or "")
    if label:
        return label
    return visible_text(control) or squash(control.get("title") or "")


def control_kind(control: Node) -> str:
    if control.tag == "button" or control.role in ("button", "menuitem", "tab") or control.tag == "input":
        return "button"
    return "link"


def css_selector(node: Node) -> str:
    """A CSS selector for ``node``: from its own or its nearest ancestor's #id, else from html."""
    steps: list[str] = []
    element: Node | None = node
    while element is not None and element.tag != "#document":
        element_id = element.get("id")
        if element_id:
            steps.append("#" + _css_ident(element_id))
            break
        steps.append(element.tag if element.same_tag_count == 1 else f"{element.tag}:nth-of-type({element.same_tag_index})")
        element = element.parent
    return " > ".join(reversed(steps))


def _css_ident(text: str) -> str:
    escaped = re.sub(r"([^\w-])", r"\\\1", text)
    return ("\\3" + escaped[0] + " " + escaped[1:]) if escaped[:1].isdigit() else escaped


def file_name(url: str) -> str:
    """The last path segment of a URL or path, without query or fragment."""
    return PurePosixPath(url.split("?")[0].split("#")[0]).name
