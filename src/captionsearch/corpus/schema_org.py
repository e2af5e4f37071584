"""schema.org ImageObject and Photograph descriptions in a page's JSON-LD, as records.

A page may describe its photos in ``<script type="application/ld+json">``
blocks: an object, a list of them, or an ``@graph``, with the photo at the
top or inside another object (an article's ``image``). Each ImageObject or
Photograph with an image address becomes a record of the page:

    image             contentUrl, else url (a Photograph: its image)
    title             name, else headline
    caption           caption, else description
    long_description  description, when the caption is given too
    credit            creditText, else copyrightHolder, else creator (a name, or a Person's name)
    date              datePublished, else dateCreated, else uploadDate
    keywords          keywords (a list, or a text split at commas)
    width, height     width and height (a number, "1200", "1200 px" or {"value": 1200})

It describes the same photo as the page's ``img`` with the same src, so the
two are merged into one record by their image.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Callable, Iterator

from ..errors import CorpusError
from ..records import CaptionRecord, Origin, SourceKind
from . import references
from .html_tree import squash
from .limits import ReadLimits, nesting_depth, number_parsers, utf8_length_over
from .textfile import LineCounter, Report

PHOTO_TYPES = frozenset({"ImageObject", "Photograph"})
_OPENER = re.compile(r"""<script\b[^>]*?\btype\s*=\s*["']?application/ld\+json["']?[^>]*>""", re.I)
_CLOSER = re.compile(r"</script\s*>", re.I)
_PIXELS = re.compile(r"\s*([0-9]{1,9})\s*(px)?\s*", re.I)


def json_ld_records(text: str, path: Path, report: Report, limits: ReadLimits) -> Iterator[CaptionRecord]:
    """A record per ImageObject or Photograph described in the page's JSON-LD blocks."""
    lines = LineCounter(text)
    for start, block in _blocks(text):
        line = lines.line(start)
        document = _decoded(block, path, line, report, limits)
        for found in _photos(document, limits.json_depth):
            record = _record(found, path, line)
            if record is not None:
                yield record


def _blocks(text: str) -> Iterator[tuple[int, str]]:
    """(offset, content) of each JSON-LD script; one pass, however many scripts are left unclosed."""
    position = 0
    while opener := _OPENER.search(text, position):
        closer = _CLOSER.search(text, opener.end())
        if closer is None:
            return  # no script after this one can close either
        yield opener.start(), text[opener.end() : closer.start()]
        position = closer.end()


def _decoded(block: str, path: Path, line: int, report: Report, limits: ReadLimits) -> Any:
    size = utf8_length_over(block, limits.record_bytes)
    if size is not None:
        report(CorpusError(path, f"JSON-LD block is {size:,} bytes, over max-record-bytes ({limits.record_bytes:,})",
                           line, "split it, or raise max-record-bytes"))
        return None
    try:
        document = json.loads(block, **number_parsers(limits))
    except json.JSONDecodeError as exc:
        report(CorpusError(path, f"invalid JSON-LD: {exc.msg}", line + exc.lineno - 1, "fix the syntax there"))
        return None
    except RecursionError:
        document = None
    if document is None or nesting_depth(document, limits.json_depth) > limits.json_depth:
        report(CorpusError(path, f"JSON-LD nests deeper than max-json-depth ({limits.json_depth})", line,
                           "flatten it"))
        return None
    return document


def _photos(document: Any, max_depth: int) -> Iterator[dict]:
    """Every ImageObject or Photograph in a JSON-LD value, in document order."""
    stack: list[Any] = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, list):
            stack.extend(reversed(value))
        elif isinstance(value, dict):
            if PHOTO_TYPES & {_local_type(t) for t in _list(value.get("@type"))}:
                yield value
            stack.extend(reversed([v for v in value.values() if isinstance(v, (list, dict))]))


def _local_type(value: Any) -> str:
    """"ImageObject", "schema:ImageObject" and "https://schema.org/ImageObject" are one type."""
    return re.split(r"[/:#]", value)[-1] if isinstance(value, str) else ""


def _record(photo: dict, path: Path, line: int) -> CaptionRecord | None:
    image = _image_address(photo)
    if not image:
        return None
    caption, description = _text(photo.get("caption")), _text(photo.get("description"))
    return CaptionRecord(
        id="",
        image=references.resolve_image(image, path, site_page=True),
        origin=Origin(str(path), line, None, SourceKind.HTML),
        title=_text(photo.get("name")) or _text(photo.get("headline")),
        caption=caption or description,
        long_description=description if caption and description != caption else "",
        credit=_first(photo, ("creditText", "copyrightHolder", "creator"), _names),
        date=_first(photo, ("datePublished", "dateCreated", "uploadDate"), _text),
        keywords=_keywords(photo.get("keywords")),
        page=str(path),
        width=_pixels(photo.get("width")),
        height=_pixels(photo.get("height")),
    )


def _image_address(photo: dict) -> str:
    for key in ("contentUrl", "url", "image"):
        for value in _list(photo.get(key)):
            address = _text(value) or (_image_address(value) if isinstance(value, dict) and value is not photo else "")
            if address:
                return address
    return ""


def _first(photo: dict, keys: tuple[str, ...], read: Callable[[Any], str]) -> str:
    return next((text for text in (read(photo.get(key)) for key in keys) if text), "")


def _names(value: Any) -> str:
    """A credit: a text, a Person's or Organization's name, or a list of them."""
    names = [_text(v) or (_text(v.get("name")) if isinstance(v, dict) else "") for v in _list(value)]
    return ", ".join(dict.fromkeys(n for n in names if n))


def _keywords(value: Any) -> tuple[str, ...]:
    words = value.split(",") if isinstance(value, str) else [v for v in _list(value) if isinstance(v, str)]
    return tuple(dict.fromkeys(squash(w) for w in words if w.strip()))


def _pixels(value: Any) -> int | None:
    if isinstance(value, dict):
        value = value.get("value")
    if isinstance(value, str) and (match := _PIXELS.fullmatch(value)):
        value = int(match.group(1))
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _text(value: Any) -> str:
    if isinstance(value, dict) and "@value" in value:  # a JSON-LD value object
        value = value["@value"]
    return squash(value) if isinstance(value, str) else ""


def _list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
