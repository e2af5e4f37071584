"""Template code in site sources: Liquid/Jekyll, Hugo, Nunjucks, Handlebars, ERB, JSX/MDX.

A site's sources are templates: ``{{ "/x.png" | relative_url }}`` in a src,
``{% if %}`` around an attribute, ``{{< figure alt="…" >}}`` in place of an
image. ``prepare`` rewrites a source so that an HTML (or Markdown) parser sees
what the page will show:

* code samples (``{% highlight %}…{% endhighlight %}``, Hugo's
  ``{{< code >}}``…), template comments and control statements are blanked;
* image includes and shortcodes that carry their parameters
  (``{% include image.html src="…" alt="…" %}``, ``{{< figure … >}}``,
  ``{% image "src", "alt" %}``) become the ``<img>`` they render;
* JSX attribute expressions (``alt={"…"}``, ``src={logo}``) and Vue/Angular
  bindings (``:alt="…"``) become plain attributes, literal strings as text and
  expressions as template code.

Template expressions left in a value are template code: ``strip`` removes
them before an alt is measured or judged, and an alt that is nothing else is
dynamic (decided when the page is built), which the audit reports and does
not judge. Image calls it cannot read are listed (``Prepared.unread``), with why.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Iterable

from .rewrite import Rewriter, Rewritten, line_column, line_starts

# Template code inside a value: expressions and statements of the common engines.
CODE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|<%.*?%>|\$\{[^{}]*\}|\[\[.*?\]\]", re.S)
_STATEMENT = re.compile(
    r"\{%-?.*?-?%\}"  # Liquid, Nunjucks, Jinja, Twig, Markdoc
    r"|\{#.*?#\}"  # Nunjucks/Jinja comments
    r"|\{\{-?\s*(?:/\*.*?\*/|(?:if|else|else if|end|with|range|define|block|template|break|continue|partial|"
    r"partialCached|return|\$[\w.]+\s*:?=)\b.*?)\s*-?\}\}"  # Go templates (Hugo): actions, comments
    r"|\{\{~?[#/^!>*].*?\}\}"  # Handlebars/Mustache blocks, comments, partials
    r"|<%(?!=|-)(?:.*?)%>",  # ERB/EJS statements
    re.S,
)
# Regions whose content is code to show, captured into a variable, or a comment: blanked whole.
_CODE_REGION = re.compile(
    r"\{%-?\s*(?P<block>highlight|codeblock|code|comment)\b[^%]*?%\}.*?\{%-?\s*end(?P=block)\s*-?%\}"
    r"|\{%-?\s*(?P<capture>set|capture)\s+[\w.]+\s*-?%\}.*?\{%-?\s*end(?P=capture)\s*-?%\}"  # {% set x %}, not {% set x = 1 %}
    r"|\{\{[<%]\s*(?P<shortcode>highlight|code|code-toggle|codeblock|example|syntax)\b.*?[>%]\}\}.*?\{\{[<%]\s*/(?P=shortcode)\s*[>%]\}\}"
    r"|\{\{[<%]/\*.*?\*/[>%]\}\}"  # Hugo's escaped shortcode, shown as code in docs
    r"|\{\{-?\s*/\*.*?\*/\s*-?\}\}"  # Go template comments
    r"|\{#.*?#\}",  # Nunjucks/Jinja comments
    re.S,
)
# Output exactly as written: template tags inside are text, not calls.
_RAW = re.compile(r"\{%-?\s*raw\s*-?%\}(.*?)\{%-?\s*endraw\s*-?%\}", re.S)
_HUGO_SHORTCODE = re.compile(r"\{\{([<%])\s*(?P<name>[\w./-]+)(?P<params>(?:[^>%]|[>%](?!\}\}))*?)\s*[>%]\}\}", re.S)
_LIQUID_TAG = re.compile(r"\{%-?\s*(?P<tag>include(?:_relative)?|render|[\w-]+)\s+(?P<params>.*?)\s*/?-?%\}", re.S)
_PARAM = re.compile(r"""(?P<key>[\w:-]+)\s*=\s*(?P<value>"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|[^\s,]+)|(?P<positional>"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*')""")
_QUOTED_PATH = re.compile(r"""["']([^"'\s]+\.[A-Za-z0-9]{2,5})["']""")
# An include, shortcode or component named for an image: "image.html", "figure", "post-image", "HeroImage".
IMAGE_NAME = re.compile(r"(?:^|[-_/]|(?<=[a-z]))(?:image|img|figure|picture|photo|screenshot|illustration)s?$", re.I)
SRC_PARAMS = ("src", "image", "img", "file", "path", "url", "photo", "source")
ALT_PARAMS = ("alt", "alt_text", "alttext", "image_alt", "imagealt")
# JSX/Svelte/Astro `name={expression}`; Vue `:name="…"`, `v-bind:name`; Angular `[name]`, `[attr.name]`.
_JSX_ATTRIBUTE = re.compile(r"(?<=\s)(?P<name>[A-Za-z_][\w:.-]*)=\{")
_BOUND_ATTRIBUTE = re.compile(r"(?<=\s)(?::|v-bind:|\[(?:attr\.)?)(?P<name>[A-Za-z][\w-]*)\]?=(?P<quote>[\"'])")
_STRING_LITERAL = re.compile(r"""^\s*(?:"((?:\\.|[^"\\])*)"|'((?:\\.|[^'\\])*)'|`([^`$]*)`)\s*$""", re.S)
_TAG_START = re.compile(r"<[A-Za-z][\w:.-]*")


def strip(text: str) -> str:
    """``text`` without template code, spaces squashed."""
    return " ".join(CODE.sub(" ", text).split())


def has_code(text: str) -> bool:
    return bool(CODE.search(text))


def static_part(src: str) -> str:
    """The part of a templated src that is a path: '/x.png' of '{{ "/x.png" | relative_url }}'."""
    if not has_code(src):
        return src.strip()
    rest = strip(src)
    if rest:
        return rest
    literal = _QUOTED_PATH.search(src)
    return literal.group(1) if literal else ""


def is_dynamic(text: str | None) -> bool:
    """A value that is template code and nothing else: its text is decided when the page is built."""
    return bool(text and has_code(text) and not strip(text))


@dataclass(frozen=True)
class UnreadCall:
    """An image include or shortcode that could not be read as the image it shows, and why."""

    line: int
    column: int
    what: str
    reason: str


@dataclass
class Prepared:
    """A source rewritten for parsing, the way back to its positions, and what could not be read."""

    rewritten: Rewritten
    unread: list[UnreadCall] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.rewritten.text


def prepare(
    text: str,
    path: str = "",
    jsx: bool = False,
    skip: Iterable[tuple[int, int]] = (),
    hide: Iterable[tuple[int, int]] = (),
    tag_lines_as_blocks: bool = False,
    markdown: bool = False,
    removals: Iterable[tuple[int, int]] = (),
) -> Prepared:
    """Rewrite a templated source for parsing (see the module docstring).

    ``skip`` lists (start, end) offsets left exactly as written (a Markdown
    file's code blocks), ``hide`` offsets blanked (its front matter). ``jsx``
    turns on JSX attribute expressions (MDX, Astro, Svelte, Vue sources).
    ``tag_lines_as_blocks`` (MDX) makes a line holding only a start or end tag
    a block of its own, so that the Markdown between ``<Steps>`` and
    ``</Steps>`` is read as Markdown, as MDX does, not as raw HTML.
    ``markdown`` keeps template code in a link's address from ending it
    (``![x]({{ site.baseurl }}/x.png)``). ``removals`` are spans taken out
    first (see ``indented_block_margins``).
    """
    rewriter = Rewriter(text)
    for start, end in hide:
        rewriter.blank(start, end)
    for start, end in removals:
        rewriter.replace(start, end, "")
    for start, end in skip:
        rewriter.protect(start, end)
    unread: list[UnreadCall] = []
    starts = line_starts(text)
    for match in _CODE_REGION.finditer(text):
        rewriter.blank(match.start(), match.end())
    for match in _RAW.finditer(text):
        if not rewriter.overlaps(match.start(), match.end()):
            rewriter.blank(match.start(), match.start(1))
            rewriter.replace(match.start(1), match.end(1), match.group(1))
            rewriter.blank(match.end(1), match.end())
    for call in _image_calls(text):
        if rewriter.overlaps(call.start, call.end):
            continue
        markup, problem = call.markup()
        if markup:
            rewriter.replace(call.start, call.end, markup + "\n" * text.count("\n", call.start, call.end))
        else:
            rewriter.blank(call.start, call.end)
            line, column = line_column(starts, call.start)
            unread.append(UnreadCall(line, column, call.describe(), problem))
    for match in _STATEMENT.finditer(text):
        if not rewriter.overlaps(match.start(), match.end()):
            rewriter.blank(match.start(), match.end())
    for match in _HUGO_SHORTCODE.finditer(text):  # shortcodes that are not images render unknown markup
        if not rewriter.overlaps(match.start(), match.end()):
            rewriter.blank(match.start(), match.end())
    _rewrite_bindings(text, rewriter, jsx)
    if tag_lines_as_blocks:
        _separate_tag_lines(text, rewriter)
    if markdown:
        _close_up_expressions(text, rewriter)
    return Prepared(rewriter.result(), unread)


_EXPRESSION = re.compile(r"\{\{[^{}\n]*?\}\}|\{%[^\n]*?%\}")
_BLOCK_STARTER = re.compile(r"^( *)(?:!!!|\?\?\?\+?|===)[ \t]+\S")


def _close_up_expressions(text: str, rewriter: Rewriter) -> None:
    """Spaces inside a one-line template expression become underscores: same length, and a Markdown
    link's address no longer ends at them. The expression is template code either way."""
    for match in _EXPRESSION.finditer(text):
        if " " in match.group(0) and not rewriter.overlaps(match.start(), match.end()):
            rewriter.replace(match.start(), match.end(), match.group(0).replace(" ", "_"))


def indented_block_margins(text: str) -> list[tuple[int, int]]:
    """The spans of indentation Python-Markdown's block syntaxes (admonitions ``!!! note``,
    collapsibles ``??? note``, content tabs ``=== "Tab"``) add to their content: without them
    the content reads as the Markdown it is, not as indented code."""
    margins: list[tuple[int, int]] = []
    open_blocks: list[int] = []  # the indent of each enclosing block's first line
    offset = 0
    for line in text.splitlines(keepends=True):
        indent = len(line) - len(line.lstrip(" "))
        if line.strip():
            while open_blocks and indent < open_blocks[-1] + 4:
                open_blocks.pop()
            if open_blocks:
                margins.append((offset + open_blocks[0], offset + open_blocks[0] + 4 * len(open_blocks)))
            if _BLOCK_STARTER.match(line):
                open_blocks.append(indent)
        offset += len(line)
    return margins


_TAG_LINE = re.compile(r"^[ \t]*(?:<[A-Za-z][\w.:-]*(?:\s[^<>\n]*)?>|</[A-Za-z][\w.:-]*\s*>)[ \t]*$", re.M)


def _separate_tag_lines(text: str, rewriter: Rewriter) -> None:
    # An empty comment first makes the line an HTML block that ends where the line ends
    # (CommonMark's comment block), without adding a line; the tag itself stays in the page.
    for match in _TAG_LINE.finditer(text):
        if not match.group(0).rstrip().endswith("/>") and not rewriter.overlaps(match.start(), match.end()):
            rewriter.replace(match.start(), match.start(), "<!---->")


# -- image includes and shortcodes ---------------------------------------------


@dataclass(frozen=True)
class ImageCall:
    """An include, shortcode or tag that renders an image, with its parameters."""

    syntax: str  # "hugo", "liquid"
    name: str
    params: dict[str, str]
    positional: tuple[str, ...]
    start: int
    end: int

    def describe(self) -> str:
        return f"{{{{< {self.name} >}}}}" if self.syntax == "hugo" else f"{{% {self.name} %}}"

    def src(self) -> str:
        found = next((self.params[k] for k in SRC_PARAMS if k in self.params), "")
        return found or (self.positional[0] if self.positional else "")

    def alt(self) -> str | None:
        for key in ALT_PARAMS:
            if key in self.params:
                return self.params[key]
        if self.syntax == "liquid" and self.name in ("image", "img") and len(self.positional) >= 2:
            return self.positional[1]  # Eleventy's image shortcode: {% image "src", "alt" %}
        if self.syntax == "hugo" and self.name == "figure" and self.params.get("caption"):
            return strip_markup(self.params["caption"])  # Hugo's figure falls back to its caption
        return None

    def markup(self) -> tuple[str, str]:
        """The <img> this call renders (in a figure when it has a caption), or ('', why not)."""
        alt = self.alt()
        if alt is None:
            return "", f"{self.describe()} has no alt parameter, so its template decides the alt text"
        attributes = f'src="{_attr(self.src())}" alt="{_attr(alt)}" data-cs-call="{_attr(self.describe())}"'
        for key in ("width", "height", "class", "title"):
            if key in self.params:
                attributes += f' {key}="{_attr(self.params[key])}"'
        image = f"<img {attributes}>"
        caption = self.params.get("caption")
        if caption or self.name == "figure":
            return f"<figure>{image}<figcaption>{html.escape(strip_markup(caption or ''))}</figcaption></figure>", ""
        return image, ""


def strip_markup(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text).strip()


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


def _image_calls(text: str) -> Iterable[ImageCall]:
    for match in _HUGO_SHORTCODE.finditer(text):
        call = _call("hugo", match.group("name"), match.group("params"), match.start(), match.end())
        if call is not None:
            yield call
    for match in _LIQUID_TAG.finditer(text):
        tag, params = match.group("tag"), match.group("params")
        if tag in ("include", "include_relative", "render"):
            name_match = re.match(r"""\s*["']?([^\s"',]+)["']?\s*,?""", params)
            if not name_match:
                continue
            name, params = name_match.group(1), params[name_match.end():]
        else:
            name = tag
        call = _call("liquid", name, params, match.start(), match.end())
        if call is not None:
            yield call


def _call(syntax: str, name: str, raw_params: str, start: int, end: int) -> ImageCall | None:
    params: dict[str, str] = {}
    positional: list[str] = []
    for match in _PARAM.finditer(raw_params):
        if match.group("positional"):
            positional.append(_unquote(match.group("positional")))
        else:
            params[match.group("key").lower()] = _unquote(match.group("value"))
    base = name.rsplit("/", 1)[-1].lower()
    stem = base.rsplit(".", 1)[0] if syntax == "liquid" else base
    if not (IMAGE_NAME.search(stem) or any(k in params for k in ALT_PARAMS)):
        return None
    return ImageCall(syntax, stem, params, tuple(positional), start, end)


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        inner = value[1:-1]
        return re.sub(r"\\(.)", r"\1", inner)
    return "{{ " + value + " }}"  # a variable: template code


# -- JSX expressions and framework bindings -------------------------------------


def _rewrite_bindings(text: str, rewriter: Rewriter, jsx: bool) -> None:
    """Attribute values written as expressions become plain attributes the HTML parser reads."""
    for tag in _TAG_START.finditer(text):
        end = _tag_end(text, tag.end())
        inside = text[tag.end():end]
        if jsx:
            _rewrite_jsx(text, tag.end(), inside, rewriter)
        for match in _BOUND_ATTRIBUTE.finditer(inside):
            start = tag.end() + match.start()
            value_end = text.find(match.group("quote"), tag.end() + match.end())
            if value_end == -1 or rewriter.overlaps(start, value_end + 1):
                continue
            expression = text[tag.end() + match.end():value_end]
            rewriter.replace(start, value_end + 1, f'{match.group("name")}="{{{{ {_neutral(expression)} }}}}"')


def _rewrite_jsx(text: str, base: int, inside: str, rewriter: Rewriter) -> None:
    for match in _JSX_ATTRIBUTE.finditer(inside):
        open_brace = base + match.end() - 1
        close_brace = _matching_brace(text, open_brace)
        if close_brace is None:
            continue
        start = base + match.start()
        if rewriter.overlaps(start, close_brace + 1):
            continue
        expression = text[open_brace + 1:close_brace]
        literal = _STRING_LITERAL.match(expression)
        if literal:
            value = next(g for g in literal.groups() if g is not None)
            value = html.escape(re.sub(r"\\(.)", r"\1", value), quote=True)
        else:
            value = "{{ " + _neutral(expression) + " }}"
        rewriter.replace(start, close_brace + 1, f'{match.group("name")}="{value}"')


def _neutral(expression: str) -> str:
    """An expression made safe inside a quoted attribute: it is only ever treated as code."""
    return re.sub(r"[\"<>{}]", " ", expression).replace("\n", " ")


def _tag_end(text: str, position: int) -> int:
    """The offset of the '>' that ends the start tag whose name ends at ``position`` (braces and quotes skipped)."""
    depth, quote = 0, ""
    limit = min(len(text), position + 20_000)  # a start tag longer than this is not one
    for index in range(position, limit):
        ch = text[index]
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'" and depth == 0:
            quote = ch
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(depth - 1, 0)
        elif ch == ">" and depth == 0:
            return index
        elif ch == "<" and depth == 0:
            return index
    return limit


def _matching_brace(text: str, open_brace: int) -> int | None:
    depth, quote, escaped = 0, "", False
    limit = min(len(text), open_brace + 10_000)
    for index in range(open_brace, limit):
        ch = text[index]
        if quote:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == quote:
                quote = ""
        elif ch in "\"'`":
            quote = ch
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return index
    return None


def template_attributes(attrs: dict[str, str]) -> bool:
    """Attributes set when the page is built: names that are template code, or WebC's webc:is/webc:root."""
    return any(re.search(r"[{}%()$|]", name) or name.startswith("webc:") for name in attrs)
