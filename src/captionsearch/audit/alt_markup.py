"""Where an image's alt is in its markup, and the change that gives it a new one.

Just enough of an HTML or JSX/MDX start tag, or of a Markdown image, is read to
change the alt and nothing else. When the markup is not plainly one that can be
edited (template code, an alt bound by a framework or written twice, spread
props that could override it), the answer is None rather than a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

IMAGE_TAGS = frozenset({"img", "area"})
HTML_IMAGE_TAGS = IMAGE_TAGS | {"input"}
# Template languages' delimiters; an alt or a tag holding them is not ours to rewrite.
_TEMPLATE = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}|<%|%>|<\?|\?>|\$\{")
# alt bound by a framework (Vue, Alpine, Angular, Svelte): a literal alt beside it would fight it.
_BOUND_ALT = re.compile(r"(?:[:@]|v-bind:|x-bind:|bind:)alt|\[(?:attr\.)?alt\]", re.I)
_TAG_NAME = re.compile(r"<([A-Za-z][^\s/>]*)")
_ATTRIBUTE_NAME = re.compile(r"=?[^\s/>=]+")
_UNQUOTED_VALUE = re.compile(r"[^\s>]*")
_UNQUOTED_SAFE = re.compile(r"[^\s\"'=<>`&]+")
_SPACE = " \t\n\r\f"
# Markdown characters that would turn alt text into markup (emphasis, code, links,
# autolinks, entities, table cells) unless escaped.
_MARKDOWN_SPECIAL = re.compile(r"([\\\[\]`*_<>&|~])")
_DEFINITION = re.compile(r"^ {0,3}\[((?:\\.|[^\]\\])+)\]:", re.M)
_BLANK_LINE = re.compile(r"\n[ \t]*(?:\n|$)")
_FULL_REFERENCE = re.compile(r"\[((?:\\.|[^\]\\\[])+)\]")


@dataclass(frozen=True)
class _Attribute:
    """One attribute of a start tag, by offsets into the text."""

    name: str
    start: int  # offset of the name
    name_end: int
    value_start: int | None = None  # None: a bare attribute (no "=")
    value_end: int | None = None
    quote: str = ""  # '"', "'", "" (unquoted) or "{" (a JSX expression)


@dataclass(frozen=True)
class _Tag:
    """A start tag: its name and attributes, by offsets into the text."""

    name: str
    name_start: int
    attributes: tuple[_Attribute, ...]
    spreads: tuple[int, ...]  # offsets of JSX spread props {...rest}


# -- HTML and JSX start tags ------------------------------------------------------


def html_change(text: str, at: int, alt: str) -> tuple[int, int, str] | None:
    """(start, end, replacement) setting the alt of the start tag at ``at``."""
    tag = _scan_tag(text, at)
    if tag is None or not _is_image_tag(text, tag):
        return None
    # JSX props are case-sensitive, HTML attributes are not (<IMG ALT=...> is old HTML, not a component).
    component = not tag.name.islower() and tag.name.lower() not in HTML_IMAGE_TAGS
    if any(_BOUND_ALT.fullmatch(a.name) for a in tag.attributes):
        return None
    alts = [a for a in tag.attributes if a.name.lower() == "alt"]
    if len(alts) > 1 or (component and alts and alts[0].name != "alt"):
        return None  # which one wins differs between parsers (browsers: the first, React: the last)
    if not alts:
        if tag.spreads:
            return None  # an alt inserted before {...props} could be overridden by it
        end = tag.name_start + len(tag.name)
        return tag.name_start, end, f'{tag.name} alt="{_escape_attribute(alt, chr(34))}"'
    return _attribute_change(text, alts[0], alt, tag)


def _attribute_change(text: str, attribute: _Attribute, alt: str, tag: _Tag) -> tuple[int, int, str] | None:
    """(start, end, replacement) giving an existing alt attribute the value ``alt``."""
    if any(spread > attribute.start for spread in tag.spreads) or attribute.quote == "{":
        return None
    if attribute.value_start is None or attribute.value_end is None:  # bare `alt`
        return attribute.start, attribute.name_end, f'{attribute.name}="{_escape_attribute(alt, chr(34))}"'
    start, end, quote = attribute.value_start, attribute.value_end, attribute.quote
    if _TEMPLATE.search(text[start:end]):
        return None
    if quote:
        if start == end:  # widen `""` to its quotes, so the edit's old text is not empty
            return start - 1, end + 1, quote + _escape_attribute(alt, quote) + quote
        return start, end, _escape_attribute(alt, quote)
    if text[start - 1] != "=":
        return None  # `alt= src=x`: HTML reads alt="src=x", surely not what the author meant
    if start == end:  # `alt=` right before ">"
        return attribute.start, end, f'{attribute.name}="{_escape_attribute(alt, chr(34))}"'
    if _UNQUOTED_SAFE.fullmatch(alt):
        return start, end, alt
    return start, end, '"' + _escape_attribute(alt, '"') + '"'


def _escape_attribute(value: str, quote: str) -> str:
    """``value`` escaped for an attribute value quoted with ``quote``."""
    value = value.replace("&", "&amp;")
    return value.replace('"', "&quot;") if quote == '"' else value.replace("'", "&#39;")


def _is_image_tag(text: str, tag: _Tag) -> bool:
    """<img>, <area>, <input type=image>, or a JSX component (a capitalised name)."""
    name = tag.name.lower()
    if name in IMAGE_TAGS or (tag.name[0].isupper() and name not in HTML_IMAGE_TAGS):
        return True
    if name != "input":
        return False
    types = [a for a in tag.attributes if a.name.lower() == "type"]
    if len(types) != 1 or types[0].value_start is None or types[0].quote == "{":
        return False
    return text[types[0].value_start : types[0].value_end].strip().lower() == "image"


def _scan_tag(text: str, at: int) -> _Tag | None:
    """The start tag at ``at`` with its attributes' positions; None if it is not plainly one."""
    match = _TAG_NAME.match(text, at)
    if match is None or _TEMPLATE.search(match.group(1)):
        return None
    attributes: list[_Attribute] = []
    spreads: list[int] = []
    i = match.end()
    while True:
        while i < len(text) and (text[i] in _SPACE or (text[i] == "/" and not text.startswith("/>", i))):
            i += 1
        if i >= len(text):
            return None  # the tag never closes
        if text.startswith("/>", i) or text[i] == ">":
            return _Tag(match.group(1), at + 1, tuple(attributes), tuple(spreads))
        if text[i] == "{":
            end = _jsx_braces(text, i)
            if end is None or not _is_spread_or_comment(text[i:end]):
                return None  # template code between attributes
            if text[i + 1 : end].lstrip().startswith("..."):
                spreads.append(i)
            i = end
            continue
        attribute = _scan_attribute(text, i)
        if attribute is None:
            return None
        attributes.append(attribute)
        i = attribute.value_end if attribute.value_end is not None else attribute.name_end
        if attribute.quote in ('"', "'"):
            i += 1  # past the closing quote


def _scan_attribute(text: str, i: int) -> _Attribute | None:
    """One attribute at ``i``, tokenised as the HTML standard does."""
    name = _ATTRIBUTE_NAME.match(text, i)
    if name is None or re.search(r"[\"'<{}]", name.group()) or _TEMPLATE.search(name.group()):
        return None
    attribute = _Attribute(name.group(), i, name.end())
    j = name.end()
    while j < len(text) and text[j] in _SPACE:
        j += 1
    if j >= len(text) or text[j] != "=":
        return attribute
    j += 1
    while j < len(text) and text[j] in _SPACE:
        j += 1
    return _scan_value(text, j, attribute)


def _scan_value(text: str, j: int, attribute: _Attribute) -> _Attribute | None:
    """``attribute`` with the offsets of its value, which starts at ``j``; None if unsafe."""
    if j >= len(text):
        return None
    quote = text[j]
    if quote in "\"'":
        close = text.find(quote, j + 1)
        if close < 0:
            return None
        return _Attribute(attribute.name, attribute.start, attribute.name_end, j + 1, close, quote)
    if quote == "{":
        end = _jsx_braces(text, j)
        return None if end is None else _Attribute(attribute.name, attribute.start, attribute.name_end, j, end, "{")
    value = _UNQUOTED_VALUE.match(text, j)
    assert value is not None  # the pattern matches the empty string
    if re.search(r"[\"'<`]", value.group()) or _TEMPLATE.search(value.group()):
        return None
    return _Attribute(attribute.name, attribute.start, attribute.name_end, j, value.end(), "")


def _jsx_braces(text: str, i: int) -> int | None:
    """End (exclusive) of the balanced {...} at ``i``, skipping JavaScript strings; None if unbalanced."""
    depth = 0
    j = i
    while j < len(text):
        char = text[j]
        if char in "\"'`":
            close = _string_end(text, j)
            if close is None:
                return None
            j = close
            continue
        depth += {"{": 1, "}": -1}.get(char, 0)
        j += 1
        if depth == 0:
            return j
    return None


def _string_end(text: str, i: int) -> int | None:
    """End (exclusive) of the JavaScript string literal at ``i``, or None."""
    quote, j = text[i], i + 1
    while j < len(text):
        if text[j] == "\\":
            j += 2
        elif text[j] == quote:
            return j + 1
        else:
            j += 1
    return None


def _is_spread_or_comment(braces: str) -> bool:
    """A JSX spread ``{...props}`` or comment ``{/* */}`` between attributes."""
    inner = braces[1:-1].strip()
    if braces.startswith(("{{", "{%", "{#")):
        return False
    return inner.startswith("...") or (inner.startswith("/*") and inner.endswith("*/"))


# -- Markdown images ---------------------------------------------------------------


def markdown_change(text: str, at: int, alt: str) -> tuple[int, int, str] | None:
    """(start, end, replacement) setting the alt of the Markdown image at ``at``."""
    if _is_escaped(text, at):
        return None
    close = _closing_bracket(text, at + 1)
    if close is None:
        return None
    raw = text[at + 2 : close]
    escaped = _escape_markdown(alt)
    after = close + 1
    if text.startswith("(", after) and _inline_target_end(text, after) is not None:
        return (at + 2, close, escaped) if raw else (at + 1, after, f"[{escaped}]")
    full = _FULL_REFERENCE.match(text, after)
    if full:  # "![x][label]": an image only if the label is defined
        if _label(full.group(1)) not in _definitions(text):
            return None
        return (at + 2, close, escaped) if raw else (at + 1, after, f"[{escaped}]")
    if not raw or _label(raw) not in _definitions(text):
        return None  # "![x]" with no definition is text, not an image
    # Collapsed "![x][]" and shortcut "![x]" use the alt as the label: keep it as an explicit one.
    end = after + 2 if text.startswith("[]", after) else after
    return at + 2, end, f"{escaped}][{raw}]"


def _is_escaped(text: str, at: int) -> bool:
    """Whether the character at ``at`` follows an odd number of backslashes."""
    backslashes = len(text[:at]) - len(text[:at].rstrip("\\"))
    return backslashes % 2 == 1


def _closing_bracket(text: str, open_at: int) -> int | None:
    """Offset of the "]" matching the "[" at ``open_at`` (escapes, nesting and code spans respected)."""
    depth, j = 0, open_at
    while j < len(text):
        char = text[j]
        if char == "\\":
            j += 2
            continue
        if char == "`":
            run = re.compile(r"`+").match(text, j)
            assert run is not None
            closing = re.compile(r"(?<!`)" + run.group() + r"(?!`)").search(text, run.end())
            j = closing.end() if closing else run.end()
            continue
        if char == "\n" and _BLANK_LINE.match(text, j):
            return None  # a blank line ends the paragraph
        depth += {"[": 1, "]": -1}.get(char, 0)
        if depth == 0:
            return j
        j += 1
    return None


def _inline_target_end(text: str, open_at: int) -> int | None:
    """End of a valid inline "(destination "title")" at ``open_at``, or None."""
    pattern = re.compile(
        r"\([ \t]*\n?[ \t]*"
        r"(?:<(?:\\.|[^<>\\\n])*>|(?:\\.|[^\s()\\]|\((?:\\.|[^\s()\\])*\))*)"
        r"(?:[ \t]*\n?[ \t]*(?:\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'|\((?:\\.|[^()\\])*\)))?"
        r"[ \t]*\n?[ \t]*\)"
    )
    match = pattern.match(text, open_at)
    return match.end() if match else None


def _definitions(text: str) -> set[str]:
    """The normalised labels of the document's link reference definitions."""
    return {_label(m.group(1)) for m in _DEFINITION.finditer(text)}


def _label(raw: str) -> str:
    """A link label as CommonMark matches it: case-folded, inner whitespace collapsed."""
    return " ".join(raw.split()).casefold()


def _escape_markdown(alt: str) -> str:
    """``alt`` with a backslash before each character Markdown could read as markup."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", alt)


