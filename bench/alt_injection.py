"""Set a known-bad alt text on every image a source tree shows, with regular expressions.

This is deliberately not the audit's parser: it is a second, simple reading of
the same sources, so that an image the audit's reader passes over shows up as
an injected image the audit did not flag. It finds Markdown images, HTML
``<img>``, ``<input type="image">`` and ``<area href>`` tags, JSX/MDX
components and custom elements that take an ``alt`` prop, and Hugo shortcodes
and Liquid/Nunjucks tags with an ``alt="..."`` parameter. It leaves alone what
a reader never sees as an image: code (fences, code spans, ``<pre>``,
``<code>``, highlight blocks), scripts, ``<template>`` contents, and comments.
"""

from __future__ import annotations

import bisect
import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Iterator

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdx"})
TAG_SUFFIXES = frozenset(".html .htm .njk .liquid .webc .hbs .md .mdx .astro .vue .svelte".split())
JSX_SUFFIXES = frozenset({".mdx", ".astro", ".vue", ".svelte"})
INJECTED_SUFFIXES = MARKDOWN_SUFFIXES | TAG_SUFFIXES
# Dependencies and build output are not the site's own sources.
SKIPPED_FOLDERS = frozenset({"node_modules", "bower_components", "vendor", "_site"})
# Liquid/Nunjucks tags whose alt= is a variable, not an image's parameter.
NON_IMAGE_TEMPLATE_TAGS = frozenset("set assign if elsif elif unless for while capture case when macro call with let".split())

# Braces nest three deep: {{ f({a: 1}) }} in a template, {() => {...}} in JSX.
_BRACES = r"\{(?:[^{}]|\{(?:[^{}]|\{[^{}]*+\})*+\})*+\}"
_VALUE = rf"\"[^\"]*+\"|'[^']*+'|{_BRACES}|[^\s>\"'{{}}]++"
TAG_START = re.compile(r"<([A-Za-z][\w.:-]*)(?=[\s/>])")
TAG_REST = re.compile(rf"(?:\s++|\"[^\"]*+\"|'[^']*+'|{_BRACES}|[^\s>\"'{{}}/]++|/(?!>))*+/?>")
ATTRIBUTE = re.compile(rf"(?P<name>[^\s=/>\"'{{}}]+)(?:\s*=\s*(?P<value>{_VALUE}))?|{_BRACES}|\"[^\"]*\"|'[^']*'|\S")
ALT_NAMES = frozenset({"alt", ":alt", "v-bind:alt"})

MARKDOWN_IMAGE = re.compile(
    r"(?<!\\)!\[(?P<alt>(?:[^\[\]\\\n]|\\.|\[[^\[\]\n]*\]|\n(?![ \t>]*\n))*+)\]"
    r"(?P<after>\(|\[(?P<label>[^\]\n]*)\])?"
)
REFERENCE_DEFINITION = re.compile(r"^[ \t>]{0,8}\[([^\]\n]+)\]:[ \t]*\S", re.MULTILINE)
FENCE = re.compile(r"^[ \t>]*(`{3,}|~{3,})(.*)$")
BACKTICKS = re.compile(r"`+")
BLANK_LINE = re.compile(r"\n[ \t>]*\n")

SHORTCODE = re.compile(r"\{\{<(?!\s*/)(.*?)>\}\}|\{\{%(?!\s*/)(.*?)%\}\}", re.DOTALL)
TEMPLATE_TAG = re.compile(r"\{%-?\s*(\w+)(.*?)-?%\}", re.DOTALL)
PARAMETER_ALT = re.compile(r"(?<![\w.:-])alt\s*=\s*(\"[^\"]*\"|'[^']*'|`[^`]*`)")

COMMENTS = {
    "html": re.compile(r"<!--.*?-->", re.DOTALL),
    "go": re.compile(r"\{\{-?\s*/\*.*?\*/\s*-?\}\}", re.DOTALL),
    "jinja": re.compile(r"\{#.*?#\}", re.DOTALL),
    "handlebars": re.compile(r"\{\{!--.*?--\}\}|\{\{![^-].*?\}\}", re.DOTALL),
    "liquid": re.compile(r"\{%-?\s*comment\s*-?%\}.*?\{%-?\s*endcomment\s*-?%\}", re.DOTALL),
    "jsx": re.compile(r"\{/\*.*?\*/\}", re.DOTALL),
}
CODE_BLOCKS = (
    re.compile(r"\{%-?\s*raw\s*-?%\}.*?\{%-?\s*endraw\s*-?%\}", re.DOTALL),
    re.compile(r"\{%-?\s*highlight\b.*?\{%-?\s*endhighlight\s*-?%\}", re.DOTALL),
    re.compile(r"\{\{([<%])\s*(highlight|code|code-toggle)(?![\w-]).*?\{\{[<%]\s*/\s*\2\s*[>%]\}\}", re.DOTALL),
)
CONTAINER = re.compile(r"<(pre|code|script|style|template)\b[^>]*>.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
ASTRO_FRONTMATTER = re.compile(r"\A\s*---\n.*?\n---", re.DOTALL)


@dataclass(frozen=True)
class Edit:
    """Replace ``text[start:end]`` with ``replacement``."""

    start: int
    end: int
    replacement: str


@dataclass
class Site:
    """One injected image: where it is (in the injected file), what kind, and its edits."""

    kind: str  # markdown, html, component, shortcode, template-tag
    start: int
    end: int
    edits: list[Edit]
    hidden: bool = False  # aria-hidden="true" or role="presentation"/"none"
    path: str = ""
    line: int = 0
    end_line: int = 0
    text: str = ""

    def to_dict(self) -> dict:
        """The site as the JSON report lists it."""
        return {"path": self.path, "line": self.line, "end_line": self.end_line, "kind": self.kind,
                "hidden": self.hidden, "text": self.text}


@dataclass
class Masks:
    """Spans of a file where nothing is an image a reader sees (sorted, merged)."""

    spans: list[tuple[int, int]] = field(default_factory=list)

    def add(self, start: int, end: int) -> None:
        """Add a span; call ``merge`` before asking ``covers``."""
        self.spans.append((start, end))

    def merge(self) -> None:
        """Sort and join overlapping spans so ``covers`` can bisect."""
        merged: list[tuple[int, int]] = []
        for start, end in sorted(self.spans):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        self.spans = merged

    def covers(self, position: int) -> bool:
        """Whether ``position`` falls inside a masked span."""
        index = bisect.bisect_right(self.spans, (position, float("inf"))) - 1
        return index >= 0 and self.spans[index][0] <= position < self.spans[index][1]


# -- where images cannot be ------------------------------------------------------------


def masks_for(text: str, suffix: str) -> Masks:
    """Comments, code and scripts of one file, by what its kind of file can hold."""
    masks = Masks()
    for kind in _comment_kinds(suffix):
        for match in COMMENTS[kind].finditer(text):
            masks.add(*match.span())
    for pattern in CODE_BLOCKS:
        for match in pattern.finditer(text):
            masks.add(*match.span())
    if suffix in MARKDOWN_SUFFIXES:
        for span in fenced_code(text):
            masks.add(*span)
    masks.merge()
    if suffix in MARKDOWN_SUFFIXES:
        for span in code_spans(text, masks):
            masks.add(*span)
        masks.merge()
    if suffix == ".astro" and (front := ASTRO_FRONTMATTER.match(text)):
        masks.add(*front.span())
    for match in CONTAINER.finditer(text):
        # A Vue component's markup is its <template>; elsewhere <template> content is inert.
        if not masks.covers(match.start()) and not (suffix == ".vue" and match.group(1).lower() == "template"):
            masks.add(*match.span())
    masks.merge()
    return masks


def _comment_kinds(suffix: str) -> tuple[str, ...]:
    """The comment syntaxes a file of this kind can hold."""
    if suffix in JSX_SUFFIXES:
        return ("html", "jsx")
    if suffix == ".hbs":
        return ("html", "handlebars")
    return ("html", "go", "jinja", "liquid")


def fenced_code(text: str) -> Iterator[tuple[int, int]]:
    """Spans of ``` and ~~~ fenced blocks; an unclosed fence runs to the end, as in CommonMark."""
    opened: tuple[int, str] | None = None
    offset = 0
    for line in text.splitlines(keepends=True):
        match = FENCE.match(line.rstrip("\r\n"))
        if opened is None and match and not (match.group(1)[0] == "`" and "`" in match.group(2)):
            opened = (offset, match.group(1))
        elif opened and match and match.group(1)[0] == opened[1][0] and len(match.group(1)) >= len(opened[1]) \
                and not match.group(2).strip():
            yield opened[0], offset + len(line)
            opened = None
        offset += len(line)
    if opened:
        yield opened[0], len(text)


def code_spans(text: str, masks: Masks) -> Iterator[tuple[int, int]]:
    """Spans of inline code: a run of backticks up to the next run as long, within a paragraph."""
    position = 0
    while match := BACKTICKS.search(text, position):
        position = match.end()
        if masks.covers(match.start()) or (match.start() > 0 and text[match.start() - 1] == "\\"):
            continue
        paragraph_end = BLANK_LINE.search(text, position)
        limit = paragraph_end.start() if paragraph_end else len(text)
        closing = next((c for c in BACKTICKS.finditer(text, position, limit) if len(c.group()) == len(match.group())), None)
        if closing:
            yield match.start(), closing.end()
            position = closing.end()


# -- the images ----------------------------------------------------------------------


def markdown_sites(text: str, alt: str) -> Iterator[Site]:
    """``![alt](src)`` and ``![alt][ref]``; collapsed and shortcut references keep their label."""
    labels = {normal_label(m.group(1)) for m in REFERENCE_DEFINITION.finditer(text)}
    for match in MARKDOWN_IMAGE.finditer(text):
        after, label = match.group("after"), match.group("label")
        if after == "(" or (after and label and label.strip()):
            edit = Edit(match.start("alt"), match.end("alt"), alt)
        elif normal_label(match.group("alt")) in labels:
            # ![x][] and ![x] take their label from the text: keep it as an explicit reference.
            edit = Edit(match.start(), match.end(), f"![{alt}][{match.group('alt')}]")
        else:
            continue
        yield Site("markdown", match.start(), match.end(), [edit])


def normal_label(label: str) -> str:
    """A reference label as Markdown compares them: case and runs of spaces don't matter."""
    return " ".join(label.split()).casefold()


def tag_sites(text: str, alt: str, suffix: str) -> Iterator[Site]:
    """HTML image tags (alt replaced or added), and components or custom elements with an alt prop."""
    for start in TAG_START.finditer(text):
        rest = TAG_REST.match(text, start.end())
        if not rest:
            continue
        name = start.group(1)
        attributes = list(parse_attributes(text, start.end(), rest.end()))
        kind = tag_kind(name, attributes, suffix)
        if kind is None:
            continue
        alts = [(s, e) for n, s, e, _ in attributes if n.lower() in ALT_NAMES]
        if alts:
            edits = [Edit(s, e, f'alt="{alt}"') for s, e in alts]
        elif kind == "html":
            edits = [Edit(start.end(), start.end(), f' alt="{alt}"')]
        else:
            continue  # a component without an alt prop may not be an image at all
        yield Site(kind, start.start(), rest.end(), edits, hidden=is_hidden(attributes))


def parse_attributes(text: str, start: int, end: int) -> Iterator[tuple[str, int, int, str]]:
    """(name, start, end, unquoted value) of each attribute between ``start`` and ``end``."""
    for match in ATTRIBUTE.finditer(text, start, end):
        if match.group("name"):
            value = match.group("value") or ""
            yield match.group("name"), match.start(), match.end(), value.strip("\"'{}").strip()


def tag_kind(name: str, attributes: list[tuple[str, int, int, str]], suffix: str) -> str | None:
    """'html' for an image element, 'component' for a component with an alt prop, else None."""
    values = {n.lower(): v for n, _, _, v in attributes}
    lowered = name.lower()
    if lowered in ("img", "input", "area") and (name.islower() or suffix not in JSX_SUFFIXES):
        if lowered == "input" and values.get("type", "").lower() != "image":
            return None
        if lowered == "area" and "href" not in values:
            return None
        return "html"
    if (name[0].isupper() or "-" in name) and ALT_NAMES & values.keys():
        return "component"
    return None


def is_hidden(attributes: list[tuple[str, int, int, str]]) -> bool:
    """Hidden from assistive technology, or decorative by its role."""
    values = {n.lower(): v.lower() for n, _, _, v in attributes}
    return values.get("aria-hidden") == "true" or values.get("role") in ("presentation", "none")


def parameter_sites(text: str, alt: str) -> Iterator[Site]:
    """Hugo shortcodes and Liquid/Nunjucks tags (includes, image tags) with an alt="..." parameter."""
    for match in SHORTCODE.finditer(text):
        body = 1 if match.group(1) is not None else 2
        yield from _parameter_site("shortcode", match, body, alt)
    for match in TEMPLATE_TAG.finditer(text):
        if match.group(1).lower() not in NON_IMAGE_TEMPLATE_TAGS:
            yield from _parameter_site("template-tag", match, 2, alt)


def _parameter_site(kind: str, match: re.Match, group: int, alt: str) -> Iterator[Site]:
    """A site for a shortcode or template tag whose ``group`` holds alt= parameters."""
    edits = [Edit(*m.span(1), f'"{alt}"') for m in PARAMETER_ALT.finditer(match.group(group))]
    offset = match.start(group)
    if edits:
        yield Site(kind, match.start(), match.end(), [Edit(e.start + offset, e.end + offset, e.replacement) for e in edits])


# -- one file, one tree --------------------------------------------------------------


def find_sites(text: str, suffix: str, alt: str) -> list[Site]:
    """The images of one file outside its masks, first come first kept where they overlap."""
    masks = masks_for(text, suffix)
    found: list[Site] = []
    if suffix in MARKDOWN_SUFFIXES:
        found += markdown_sites(text, alt)
    if suffix in TAG_SUFFIXES:
        found += tag_sites(text, alt, suffix)
    found += parameter_sites(text, alt)
    kept: list[Site] = []
    for site in sorted(found, key=lambda s: (s.start, -s.end)):
        if masks.covers(site.start) or (kept and site.start < kept[-1].end):
            continue
        kept.append(site)
    return kept


def inject_text(text: str, sites: list[Site]) -> str:
    """Apply the sites' edits, and move each site's offsets to where they land in the result."""
    pieces: list[str] = []
    position = shift = 0
    for site in sites:
        site.start += shift
        for edit in sorted(site.edits, key=lambda e: e.start):
            pieces += [text[position:edit.start], edit.replacement]
            shift += len(edit.replacement) - (edit.end - edit.start)
            position = edit.end
        site.end += shift
    pieces.append(text[position:])
    return "".join(pieces)


def inject_file(path: Path, relative: str, alt: str) -> list[Site]:
    """Inject ``alt`` into every image of one file, in place; the sites carry lines of the new text."""
    raw = path.read_bytes()
    text = raw.decode("utf-8", errors="surrogateescape")
    sites = find_sites(text, path.suffix.lower(), alt)
    if not sites:
        return []
    injected = inject_text(text, sites)
    path.write_bytes(injected.encode("utf-8", errors="surrogateescape"))
    starts = [0] + [m.end() for m in re.finditer("\n", injected)]
    for site in sites:
        site.path = relative
        site.line = bisect.bisect_right(starts, site.start)
        site.end_line = bisect.bisect_right(starts, max(site.start, site.end - 1))
        line_end = injected.find("\n", site.start)
        line = injected[starts[site.line - 1]:line_end if line_end >= 0 else None].strip()[:200]
        site.text = line.encode("utf-8", errors="replace").decode("utf-8")
    return sites


def inject_tree(root: Path, alt: str) -> list[Site]:
    """Inject ``alt`` into every image of every source file below ``root``, in place."""
    sites: list[Site] = []
    for path in source_files(root):
        relative = str(PurePosixPath(path.relative_to(root).as_posix()))
        sites += inject_file(path, relative, alt)
    return sites


def source_files(root: Path) -> Iterator[Path]:
    """The tree's page sources, in a stable order, outside hidden, dependency and build folders."""
    for current, folders, names in os.walk(root):
        folders[:] = sorted(f for f in folders if not f.startswith(".") and f not in SKIPPED_FOLDERS)
        for name in sorted(names):
            path = Path(current, name)
            if path.suffix.lower() in INJECTED_SUFFIXES and not path.is_symlink() and path.is_file():
                yield path
