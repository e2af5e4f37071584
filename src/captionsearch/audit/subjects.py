"""What the rules look at: one Subject per place an image's text alternative is published.

HTML pages are scanned element by element (accessible names, hidden state,
captions, links); manifests, Markdown and image files come as CaptionRecords
from the corpus readers. A photo described by a page and a manifest is
audited in both places, because readers meet both.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from typing import Iterable, Iterator, Mapping

from ..corpus.html import ImageElement, resolve_image
from ..corpus.html_tree import GLOBAL_ARIA, parse_rule_list
from ..records import CaptionRecord
from .model import Subject

_COMMENT = re.compile(r"<!--\s*captionsearch[-:\s]*(?:ignore|disable)\b(.*?)-->", re.I | re.S)
NAMING_ATTRIBUTES = ("title",)


def file_names(urls: Iterable[str]) -> tuple[str, ...]:
    return tuple(PurePosixPath(u.split("?")[0].split("#")[0]).name for u in urls if u)


def exposing_attributes(element: ImageElement) -> tuple[str, ...]:
    """Attributes that expose a decorative image anyway (ARIA globals, a title)."""
    found = [a for a in sorted(element.attrs) if a in GLOBAL_ARIA and element.attrs[a].strip()]
    found += [a for a in NAMING_ATTRIBUTES if (element.attrs.get(a) or "").strip()]
    return tuple(found)


def subject_from_element(
    element: ImageElement, path: str, page: Path | None = None, suggestions: Mapping[str, str] | None = None
) -> Subject:
    src = element.src
    resolved = resolve_image(src, page) if page is not None and src else src
    return Subject(
        kind="html",
        path=path,
        line=element.line,
        column=element.column,
        alt=element.alt,
        image=src,
        image_names=file_names((src, *element.srcset_urls())),
        name=element.name,
        name_source=element.name_source,
        tag=element.tag,
        role=element.role,
        decorative=element.decorative,
        hidden=element.hidden,
        focusable=element.focusable,
        exposing_attributes=exposing_attributes(element),
        selector=element.selector,
        snippet=element.snippet,
        figcaption=element.figcaption,
        caption=element.caption,
        link_text=element.link_text,
        in_control=element.in_control,
        only_content=element.only_content,
        adjacent_text=element.adjacent_text,
        gallery_photo=element.in_figure,
        group=path,
        suppressed=element.suppressed,
        suggestion=(suggestions or {}).get(resolved, ""),
    )


def subjects_from_record(record: CaptionRecord, with_html: bool = False) -> Iterator[Subject]:
    """Subjects of a merged record: its manifest and Markdown entries, or its metadata alone.

    HTML parts are left out unless ``with_html``: pages are audited from their elements.
    """
    parts = record.parts or (record,)
    metadata = next((p for p in parts if p.origin.kind == "metadata"), None)
    suggestion = (metadata.alt or "").strip() if metadata is not None else ""
    kinds = ("manifest", "markdown", "html") if with_html else ("manifest", "markdown")
    written = [p for p in parts if p.origin.kind in kinds]
    if not written and not any(p.origin.kind == "html" for p in parts) and metadata is not None:
        written = [metadata]
    for part in written:
        path = part.origin.path
        yield Subject(
            kind=part.origin.kind,
            path=path,
            line=part.origin.line,
            column=part.origin.column,
            alt=part.alt,
            image=part.image,
            image_names=file_names((part.image, *part.srcset)),
            name=part.alt,
            name_source="alt" if part.alt is not None else "",
            decorative=part.origin.kind == "html" and part.alt == "",
            caption=part.caption or (record.caption if part.origin.kind == "manifest" else ""),
            gallery_photo=part.origin.kind in ("manifest", "metadata"),
            group=part.gallery or path,
            suppressed=markdown_suppression(part.origin.path, part.origin.line) if part.origin.kind == "markdown" else frozenset(),
            suggestion=suggestion if part.origin.kind != "metadata" else "",
            snippet=_record_snippet(part),
            alt_elsewhere=any((p.alt or "").strip() for p in parts if p is not part),
        )


def _record_snippet(part: CaptionRecord) -> str:
    if part.origin.kind == "markdown":
        return f"![{part.alt or ''}]({PurePosixPath(part.image).name})"
    return f"image={PurePosixPath(part.image).name} alt={part.alt!r}"


def markdown_suppression(path: str, line: int | None) -> frozenset[str]:
    """Rules named in a captionsearch-ignore comment on the image's line or the line before."""
    if not line:
        return frozenset()
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return frozenset()
    ids: frozenset[str] = frozenset()
    for text in lines[max(line - 2, 0) : line]:
        for match in _COMMENT.finditer(text):
            ids |= parse_rule_list(match.group(1))
    return ids
