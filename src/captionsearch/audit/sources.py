"""Which files the audit reads, and each page's images as Subjects.

A folder means every file below it that shows images to readers: HTML and
template pages, Markdown and MDX, photo manifests, and image files (for the
alt text and captions in their metadata). Everything else is skipped without
complaint: package.json, lock files, fonts, scripts. A JSON or CSV file found
in a folder counts as a manifest only if it is one: its records (a list, a
list under a key, or one object) name an image under ``image`` or under the
keys ``[tool.captionsearch.fields]`` maps the image from; named on the command
line it is always read, with the field map and its aliases. An XML file counts
only if it is an export the corpus reads (WXR, OAI-PMH Dublin Core). Hidden folders
and dependency or build folders (node_modules, vendor, _site) are not
entered. A broken symbolic link is a warning, not an error.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable, Iterator, Sequence

from ..corpus import markdown_render as markdown_pages
from ..corpus.discovery import IMAGE_EXTENSIONS, selected
from ..corpus.fields import FieldMap
from ..corpus.frontmatter import FrontMatter
from ..corpus.html_tree import Node, decode_html, parse_html
from ..corpus.registry import extensions
from ..corpus.rewrite import Rewritten, line_column, line_starts
from ..corpus.templates import Prepared, prepare
from ..corpus.xml_formats import is_readable_xml
from ..errors import CorpusError
from ..records import SourceKind
from .model import Subject, Unaudited
from .pages import Located, PageContext, scan_tree
from .sites import SiteRoots

PAGE_EXTENSIONS = frozenset(
    ".html .htm .xhtml .shtml .njk .nunjucks .liquid .webc .hbs .handlebars .mustache .jinja .jinja2 .j2 "
    ".twig .erb .ejs .astro .vue .svelte".split()
)
MARKDOWN_EXTENSIONS = extensions(SourceKind.MARKDOWN)
JSX_EXTENSIONS = frozenset(".mdx .astro .vue .svelte".split())
MANIFEST_EXTENSIONS = extensions(SourceKind.MANIFEST)
AUDITED_EXTENSIONS = PAGE_EXTENSIONS | MARKDOWN_EXTENSIONS | MANIFEST_EXTENSIONS | IMAGE_EXTENSIONS
# Folders of dependencies and build output: not the site's own sources.
SKIPPED_FOLDERS = frozenset({"node_modules", "bower_components", "vendor", "_site", "__pycache__", "site-packages"})
_SNIFF_BYTES = 4 << 20


@dataclass
class Discovery:
    """The files to audit, and what was passed over on the way."""

    files: list[Path] = field(default_factory=list)
    errors: list[CorpusError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: int = 0


@dataclass(frozen=True)
class PhotoKeys:
    """What makes a JSON or CSV file found in a folder a list of photos.

    ``keys``: ``image``, and any key the image is mapped from. The built-in
    aliases (``url``, ``src``, ``thumbnail``...) are not among them: a site's
    data files use those names for other things. ``single``: a file holding
    one object is a record only when the image field is mapped (a museum's
    one-file-per-object export); a site's settings file may well have an
    ``image`` of its own.
    """

    keys: frozenset[str] = frozenset({"image"})
    single: bool = False


def photo_keys(fields: FieldMap) -> PhotoKeys:
    image = fields.get("image")
    if not image.configured:
        return PhotoKeys()
    return PhotoKeys(frozenset({"image"} | {path.head.lower() for path in image.paths if path.head}), single=True)


def discover(
    paths: Sequence[str | Path], include: Sequence[str] = (), exclude: Sequence[str] = (),
    image_keys: PhotoKeys = PhotoKeys(),
) -> Discovery:
    """The files under ``paths`` the audit reads (each once, in order)."""
    found = Discovery()
    seen: set[str] = set()
    for given in paths:
        for path in _files_of(Path(given), include, exclude, found, image_keys):
            key = os.path.realpath(path)
            if key not in seen:
                seen.add(key)
                found.files.append(path)
    return found


def _files_of(
    path: Path, include: Sequence[str], exclude: Sequence[str], found: Discovery, image_keys: PhotoKeys,
) -> Iterator[Path]:
    if path.is_dir():
        yield from _files_below(path, include, exclude, found, image_keys)
    elif path.is_symlink() and not path.exists():
        found.warnings.append(f"{path}: broken symbolic link, skipped")
    elif not path.exists():
        found.errors.append(CorpusError(str(path), "no such file or folder", hint="check the path"))
    elif path.suffix.lower() in AUDITED_EXTENSIONS:
        yield path
    else:
        kinds = " ".join(sorted(AUDITED_EXTENSIONS))
        found.errors.append(CorpusError(str(path), f"the audit does not read '{path.suffix}' files", hint=f"give one of: {kinds}"))


def _files_below(
    folder: Path, include: Sequence[str], exclude: Sequence[str], found: Discovery, image_keys: PhotoKeys,
) -> Iterator[Path]:
    candidates = []
    for current, dirs, names in os.walk(folder, onerror=lambda error: found.warnings.append(f"{error.filename}: {error.strerror}, skipped")):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_FOLDERS)
        for name in names:
            path = Path(current, name)
            if name.startswith(".") or path.suffix.lower() not in AUDITED_EXTENSIONS:
                found.skipped += 1
            elif path.is_symlink() and not path.exists():
                found.warnings.append(f"{path}: broken symbolic link, skipped")
            else:
                candidates.append(path)
    for path in sorted(candidates, key=lambda p: p.relative_to(folder).as_posix()):
        relative = PurePosixPath(path.relative_to(folder).as_posix())
        if not selected(relative, include, exclude):
            continue
        if path.suffix.lower() in MANIFEST_EXTENSIONS and not is_photo_manifest(path, image_keys):
            found.skipped += 1
            continue
        yield path


def is_photo_manifest(path: Path, photo: PhotoKeys = PhotoKeys()) -> bool:
    """Records that name an image under one of ``photo.keys``: JSON (a list, or a list under a key),
    JSONL, or CSV/TSV with such a column; XML only in a format the corpus reads (a WordPress
    export, OAI-PMH Dublin Core), never a site's sitemap.xml, feed or SVG sprite."""
    if path.suffix.lower() == ".xml":
        return is_readable_xml(path)
    try:
        with path.open("rb") as file:
            head = file.read(_SNIFF_BYTES)
    except OSError:
        return True  # let the reader report why it cannot be read
    text = head.decode("utf-8-sig", errors="replace")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        header = text.split("\n", 1)[0].lower()
        return bool(photo.keys & {cell.strip().strip('"') for cell in header.replace(";", ",").replace("\t", ",").split(",")})
    if suffix == ".jsonl":
        first = next((line for line in text.splitlines() if line.strip()), "")
        return _is_photo(_loads(first), photo.keys)
    document = _loads(text) if len(head) < _SNIFF_BYTES else None
    if document is None:  # too big to sniff whole, or broken: a manifest's reader must say what is wrong
        return any(re.search(rf'"{re.escape(key)}"\s*:', text, re.I) for key in photo.keys)
    if photo.single and _is_photo(document, photo.keys):
        return True
    return any(_is_photo(record, photo.keys) for record in _first_items(document))


def _first_items(document: object) -> Iterator[object]:
    """The first item of the document's list, or of each list under one of its keys."""
    if isinstance(document, list) and document:
        yield document[0]
    elif isinstance(document, dict):
        for value in document.values():
            if isinstance(value, list) and value:
                yield value[0]


def _loads(text: str) -> object:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _is_photo(entry: object, image_keys: frozenset[str]) -> bool:
    return isinstance(entry, dict) and any(str(k).strip().lower() in image_keys for k in entry)


# -- pages ---------------------------------------------------------------------


@dataclass
class PageScan:
    """The images of one page or Markdown file, and what could not be judged."""

    subjects: list[Subject] = field(default_factory=list)
    unaudited: list[Unaudited] = field(default_factory=list)
    front_matter_images_without_alt: int = 0


def scan_page(path: Path, roots: SiteRoots, report: Callable[[CorpusError], None]) -> PageScan | None:
    """The images of an HTML, template, Markdown or MDX file; None after reporting why it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        report(CorpusError(str(path), f"cannot read it: {exc.strerror or exc}", hint="check that it is readable"))
        return None
    suffix = path.suffix.lower()
    text = decode_html(data).text if suffix in PAGE_EXTENSIONS else _decode_text(data)
    return scan_text(text, str(path), roots.resolver(path))


def scan_text(
    text: str, path: str, resolve: Callable[[str], str] = lambda src: src, served: bool = False
) -> PageScan:
    """The images of a page's text; ``path`` (a file name) says its format by its extension.

    A page a server sent (``served``, its path a URL) is HTML, whatever its address ends in.
    """
    suffix = "" if served else PurePosixPath(path.split("?")[0]).suffix.lower()
    if suffix in MARKDOWN_EXTENSIONS:
        return _scan_markdown(text, Path(path), resolve, jsx=suffix in JSX_EXTENSIONS)
    prepared = prepare(text, path, jsx=suffix in JSX_EXTENSIONS)
    tree = parse_html(prepared.text)
    locate = _html_locator(prepared.rewritten)
    subjects, unaudited = scan_tree(tree, PageContext(path, locate, resolve))
    return PageScan(subjects, unread_calls(prepared, path) + unaudited)


def unread_calls(prepared: Prepared, path: str) -> list[Unaudited]:
    """The image includes and shortcodes a source's template code hides, as images not audited."""
    return [Unaudited(path, call.line, call.column, call.what, call.reason) for call in prepared.unread]


def _decode_text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _scan_markdown(text: str, path: Path, resolve: Callable[[str], str], jsx: bool) -> PageScan:
    rendered = markdown_pages.render_markdown(text, str(path), jsx=jsx)
    tree = parse_html(rendered.html)
    locate = _markdown_locator(rendered.rewritten, rendered.offsets)
    context = PageContext(str(path), locate, resolve, language=rendered.front_matter.language)
    subjects, unaudited = scan_tree(tree, context)
    subjects += _front_matter_subjects(rendered.front_matter, path, resolve)
    scan = PageScan(subjects, unread_calls(rendered.prepared, str(path)) + unaudited)
    scan.front_matter_images_without_alt = rendered.front_matter.images_without_alt
    return scan


def _front_matter_subjects(front: FrontMatter, path: Path, resolve: Callable[[str], str]) -> list[Subject]:
    from .semantics import file_name

    return [
        Subject(
            source="front-matter", path=str(path), line=image.line, column=1, alt=image.alt, image=image.src,
            resolved_image=resolve(image.src), image_names=(file_name(image.src),),
            name=" ".join((image.alt or "").split()), name_source="alt", decorative=image.alt == "",
            purpose="decorative" if image.alt == "" else "content", purpose_reason="an image of the page's front matter",
            language=front.language, snippet=f"image: {image.src}", group=str(path),
        )
        for image in front.images
    ]


def _html_locator(rewritten: Rewritten) -> Callable[[Node], Located]:
    starts = line_starts(rewritten.original)

    def locate(node: Node) -> Located:
        line, column = rewritten.position(node.line, node.column)
        return Located(line, column, snippet_at(rewritten.original, line, column, starts))

    return locate


def _markdown_locator(rewritten: Rewritten, offsets: list[int]) -> Callable[[Node], Located]:
    starts = line_starts(rewritten.original)

    def locate(node: Node) -> Located:
        marker = node.attrs.pop(markdown_pages.POSITION, None)
        offset = offsets[int(marker)] if marker is not None and marker.isdigit() and int(marker) < len(offsets) else -1
        if offset < 0:
            return Located(1, 1, "")
        original = rewritten.original_offset(offset)
        line, column = line_column(starts, original)
        return Located(line, column, snippet_at(rewritten.original, line, column, starts))

    return locate


def snippet_at(text: str, line: int, column: int, starts: list[int] | None = None, limit: int = 300) -> str:
    """The markup that starts at line:column: a start tag, a Markdown image or a template call."""
    starts = starts if starts is not None else line_starts(text)
    offset = starts[min(line, len(starts)) - 1] + column - 1
    head = text[offset : offset + 2000]
    if head.startswith("!["):
        end = _markdown_image_end(head)
    elif head.startswith(("{{", "{%")):
        closer = "}}" if head.startswith("{{") else "%}"
        end = head.find(closer) + 2 if closer in head else len(head)
    else:
        end = _markup_end(head)
    snippet = head[:end]
    return snippet if len(snippet) <= limit else snippet[: limit - 1] + "\u2026"


def _markdown_image_end(head: str) -> int:
    depth = 0
    for index, ch in enumerate(head):
        if ch == "\\":
            continue
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth == 0:
                rest = head[index + 1 :]
                closer = {"(": ")", "[": "]"}.get(rest[:1])
                if closer and closer in rest:
                    return index + 1 + rest.index(closer) + 1
                return index + 1
    return len(head.split("\n", 1)[0])


def _markup_end(head: str) -> int:
    quote = ""
    for index, ch in enumerate(head):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'" and index and head[index - 1] == "=":
            quote = ch
        elif ch == ">":
            return index + 1
    return len(head.split("\n", 1)[0])
