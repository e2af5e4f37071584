"""The images of one parsed page, as the audit's Subjects.

Each image-like element (see ``semantics.image_kind``) and each component
with an alt (``<Image alt="…">`` in MDX) becomes one Subject, with its
accessible name (template code removed), what it does on the page
(``purpose``), its language, hidden and focusable state, and the text around
it that a reader also hears: figure caption, link text, adjacent text.

The page was parsed from a rewritten source (see ``templates`` and
``markdown``); ``Located`` takes each element back to its line, column and
markup in the file as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Callable, Iterator

from ..corpus import templates
from ..corpus.html_tree import NOT_RENDERED, Comment, Node, TreeBuilder, parse_srcset, squash, visible_text
from . import language as languages
from . import semantics
from .model import Subject, Unaudited
from .purpose import ImageFacts, classify, is_photo

SUPPRESS_ATTRIBUTE = "data-captionsearch-ignore"
_SUPPRESS_COMMENT = re.compile(r"^\s*captionsearch[-:\s]*(?:ignore|disable)\b(.*)$", re.I | re.S)
# Components whose alt reaches the page unchanged (Next.js, Astro, Gatsby and the like require one).
IMAGE_COMPONENTS = frozenset({"Image", "Img", "Picture", "StaticImage", "GatsbyImage", "NextImage"})
GALLERY_CLASS = re.compile(r"gallery|carousel|slideshow|lightbox", re.I)
_TEXT_SAMPLE = 20_000


@dataclass(frozen=True)
class Located:
    """Where an element is in the file as written, and its markup there."""

    line: int
    column: int
    snippet: str


@dataclass(frozen=True)
class PageContext:
    """What the scanner needs to know about the page beyond its tree."""

    path: str
    locate: Callable[[Node], Located]
    resolve: Callable[[str], str]  # src as written -> the image's path or URL
    language: str = ""  # from front matter; the page's own lang attribute and text are read here
    group: str = ""
    captions: dict[int, list[Node]] = field(default_factory=dict)  # caption elements by container, found once


def parse_rule_list(text: str) -> frozenset[str]:
    """Rule ids named in a suppression; none named means every rule ("*")."""
    ids = frozenset(part for part in re.split(r"[\s,]+", text.strip()) if part)
    return ids or frozenset({"*"})


def scan_tree(tree: TreeBuilder, context: PageContext) -> tuple[list[Subject], list[Unaudited]]:
    """Every image of the page, in document order, as Subjects; and the ones that cannot be judged."""
    page_language = _page_language(tree, context)
    suppressions = _comment_suppressions(tree.comments)
    subjects: list[Subject] = []
    unaudited: list[Unaudited] = []
    for node in tree.order:
        kind = _kind(node)
        if not kind or semantics.inside_image(node):
            continue
        located = context.locate(node)
        if kind == "component-unknown":
            unaudited.append(Unaudited(context.path, located.line, located.column, f"<{node.written_tag}>",
                                       "a component without an alt attribute: its implementation decides the alt text"))
            continue
        if templates.template_attributes(node.attrs) and "alt" not in node.attrs:
            unaudited.append(Unaudited(context.path, located.line, located.column, f"<{node.written_tag}>",
                                       "its attributes are set by template code"))
            continue
        suppressed = suppressions.get(node.order, frozenset()) | _attribute_suppression(node)
        subjects.append(_subject(node, kind, tree, context, located, page_language, suppressed))
    return subjects, unaudited


def _kind(node: Node) -> str:
    written = node.written_tag
    if written[:1].isupper() and not node.tag.startswith("!"):
        if "alt" in node.attrs:
            return "component"
        if written in IMAGE_COMPONENTS:
            return "component"
        if templates.IMAGE_NAME.search(written) and ("src" in node.attrs or "name" in node.attrs):
            return "component-unknown"
        return ""
    return semantics.image_kind(node)


def _page_language(tree: TreeBuilder, context: PageContext) -> str:
    html = next((n for n in tree.order if n.tag == "html"), None)
    declared = (html.get("lang") or html.get("xml:lang") or "") if html is not None else ""
    body = next((n for n in tree.order if n.tag == "body"), tree.root)
    sample = _prose(body)
    return languages.resolve_language(declared, context.language, context.path, sample)


def _prose(node: Node) -> str:
    """Up to 20,000 characters of the page's running text, code samples left out."""
    pieces: list[str] = []
    size = 0
    stack: list[Node | str] = [node]
    while stack and size < _TEXT_SAMPLE:
        current = stack.pop()
        if isinstance(current, str):
            pieces.append(current)
            size += len(current)
        elif current.tag not in NOT_RENDERED and current.tag not in ("pre", "code", "kbd", "samp"):
            stack.extend(reversed(current.children))
    return " ".join(pieces)


def _comment_suppressions(comments: list[Comment]) -> dict[int, frozenset[str]]:
    """Element position -> rules a captionsearch-ignore comment suppresses for the next image from there."""
    found: dict[int, frozenset[str]] = {}
    for comment in comments:
        match = _SUPPRESS_COMMENT.match(comment.text)
        if match:
            found[comment.elements_before] = parse_rule_list(match.group(1))
    return found


def _attribute_suppression(node: Node) -> frozenset[str]:
    ids: set[str] = set()
    for element in (node, *node.ancestors()):
        if SUPPRESS_ATTRIBUTE in element.attrs:
            ids |= parse_rule_list(element.attrs[SUPPRESS_ATTRIBUTE])
    return frozenset(ids)


def _subject(
    node: Node, kind: str, tree: TreeBuilder, context: PageContext, located: Located, page_language: str,
    suppressed: frozenset[str],
) -> Subject:
    src = _src(node)
    raw_alt = node.get("alt")
    name = _name(node, kind, tree)
    dynamic = templates.is_dynamic(raw_alt) or (name.source != "alt" and templates.is_dynamic(name.text))
    plain = templates.strip(name.text) if name.text is not None else None
    control = semantics.control_of(node)
    control_text = semantics.own_name(control, tree.by_id) if control is not None and control is not node else ""
    decorative = semantics.is_presentational(node) if kind != "component" else raw_alt == ""
    figure = next((a for a in node.ancestors() if a.tag == "figure"), None)
    figcaption = _figcaption(figure)
    syntax = node.get("data-cs-syntax") or ("shortcode" if "data-cs-call" in node.attrs else "")
    facts = ImageFacts(
        decorative=decorative,
        in_figure=figure is not None,
        in_gallery=any(GALLERY_CLASS.search(a.get("class") or "") for a in node.ancestors()),
        control=semantics.control_kind(control) if control is not None else "",
        control_text=control_text,
        control_href=(control.get("href") or "") if control is not None else "",
        image_control=control is node,
        names=" ".join(filter(None, (src, node.get("class"), node.get("id"), _parent_names(node)))),
        src=src,
        alt=plain or "",
        width=_pixels(node.get("width")),
        height=_pixels(node.get("height")),
        alone_in_cell=_alone_in_cell(node),
    )
    purpose, reason = classify(facts)
    return Subject(
        source=syntax or ("component" if kind == "component" else "html"),
        path=context.path,
        line=located.line,
        column=located.column,
        alt=raw_alt,
        image=src,
        resolved_image=context.resolve(src) if src and not templates.has_code(src) else "",
        image_names=tuple(semantics.file_name(u) for u in (src, *parse_srcset(node.get("srcset") or "")) if u),
        name=plain if not dynamic else None,
        name_source=name.source,
        tag=node.written_tag if kind == "component" else node.tag,
        role=node.role,
        purpose=purpose,
        purpose_reason=reason,
        language=_language(node, page_language),
        dynamic=dynamic,
        templated=bool(raw_alt) and templates.has_code(raw_alt or "") and not dynamic,
        photo=purpose == "content" and is_photo(facts),
        decorative=decorative,
        hidden=semantics.is_hidden(node),
        focusable=semantics.is_focusable(node),
        exposing_attributes=semantics.exposing_attributes(node),
        selector=semantics.css_selector(node),
        snippet=located.snippet,
        figcaption=figcaption,
        caption=figcaption or _described_by(node, tree) or _caption_nearby(node, context.captions),
        link_text=control_text,
        in_control=facts.control,
        link_href=facts.control_href,
        only_content=control is not None and control is not node and not control_text and _images_in(control) == 1,
        adjacent_text=_adjacent_text(node),
        gallery_photo=figure is not None,
        group=context.group or context.path,
        suppressed=suppressed,
    )


def _name(node: Node, kind: str, tree: TreeBuilder) -> semantics.Name:
    if kind == "component":
        alt = node.get("alt")
        return semantics.Name(squash(alt) if alt is not None else None, "alt" if alt is not None else "")
    return semantics.accessible_name(node, tree.by_id)


def _src(node: Node) -> str:
    # An area's href is where it leads, not an image: the image is the map's <img>.
    attributes = ("src", "data", "data-src", "srcset") if node.tag == "area" else \
        ("src", "data", "href", "xlink:href", "data-src", "srcset")
    for attribute in attributes:
        value = (node.get(attribute) or "").strip()
        if value:
            return parse_srcset(value)[0] if attribute == "srcset" and parse_srcset(value) else value
    if node.parent is not None and node.parent.tag == "picture":
        for sibling in node.parent.children:
            if isinstance(sibling, Node) and sibling.tag == "source" and sibling.get("srcset"):
                urls = parse_srcset(sibling.get("srcset") or "")
                if urls:
                    return urls[0]
    return ""


def _parent_names(node: Node) -> str:
    parent = node.parent
    if parent is None or parent.tag in ("#document", "body", "main", "article"):
        return ""
    return " ".join(filter(None, (parent.get("class"), parent.get("id"))))


def _pixels(value: str | None) -> int | None:
    if not value:
        return None
    match = re.fullmatch(r"\s*(\d+)(?:px)?\s*", value)
    return int(match.group(1)) if match else None


def _alone_in_cell(node: Node) -> bool:
    cell = node.parent
    while cell is not None and cell.tag in ("span", "a", "div", "p"):
        cell = cell.parent
    return cell is not None and cell.tag in ("td", "th") and len(visible_text(cell)) <= 3


def _figcaption(figure: Node | None) -> str:
    if figure is None:
        return ""
    found = next((e for e in figure.elements() if e.tag == "figcaption"), None)
    return visible_text(found) if found is not None else ""


def _described_by(node: Node, tree: TreeBuilder) -> str:
    refs = [tree.by_id[i] for i in (node.get("aria-describedby") or "").split() if i in tree.by_id]
    return squash(" ".join(visible_text(r) for r in refs))


def _caption_nearby(node: Node, captions: dict[int, list[Node]]) -> str:
    """The text of an element with "caption" in its class, in the image's parent or grandparent.

    ``captions`` remembers each container's caption elements, so a page of
    thousands of images side by side is scanned once, not once per image.
    """
    for container in list(node.ancestors())[:2]:
        if id(container) not in captions:
            captions[id(container)] = [e for e in container.elements() if "caption" in (e.get("class") or "").lower()]
        found = next((e for e in captions[id(container)] if e is not node), None)
        if found is not None:
            return visible_text(found)
    return ""


def _images_in(control: Node) -> int:
    return sum(1 for e in control.elements() if semantics.image_kind(e) and not semantics.is_hidden(e))


def _adjacent_text(node: Node) -> str:
    """The text right before or after ``node`` among its parent's children."""
    if node.parent is None:
        return ""
    siblings = node.parent.children
    index = node.index_in_parent
    for neighbour in siblings[index + 1 : index + 2] + siblings[max(index - 1, 0) : index]:
        text = squash(neighbour if isinstance(neighbour, str) else visible_text(neighbour))
        if text:
            return text
    return ""


def _language(node: Node, page_language: str) -> str:
    for element in (node, *node.ancestors()):
        declared = element.get("lang") or element.get("xml:lang")
        if declared is not None:
            return languages.primary(declared)
    return page_language


def with_path(subjects: list[Subject], path: str) -> Iterator[Subject]:
    for subject in subjects:
        yield replace(subject, path=path)
