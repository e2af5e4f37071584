"""Manifest readers: JSON, JSONL and CSV lists of photos.

JSON is either a list of photo objects or ``{"gallery": {...}, "photos": [...]}``;
the gallery's title becomes each record's ``gallery``. JSONL has one photo
object per line, CSV one per row under a header row. The keys are those of
photo_entry. Every record carries the line its entry starts on.

Reading is linear and bounded (see limits.py): an entry that is too large,
too deeply nested or holds an over-long number costs that entry; a JSON
syntax error costs the file (the first one is named); a JSONL line or a CSV
row that cannot be read costs that line or row.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Container, Iterator

from ..errors import CorpusError
from ..records import CaptionRecord, Origin, SourceKind
from .csv_rows import read_csv
from .json_positions import UnbalancedJSON, array_item_spans, object_member_spans, skip_space
from .limits import DEFAULT_LIMITS, ReadLimits, nesting_depth, number_parsers, utf8_length_over
from .photo_entry import EntryProblem, problem_error, record_from_entry
from .textfile import LineCounter, Report, jsonl_lines, read_text

__all__ = ["read_csv", "read_json", "read_jsonl", "read_manifest"]

_Span = tuple[int, int, int]  # start, end, nesting depth


def read_manifest(path: Path, report: Report, limits: ReadLimits = DEFAULT_LIMITS) -> Iterator[CaptionRecord]:
    """Dispatch on the extension: .json, .jsonl or .csv."""
    readers = {".json": read_json, ".jsonl": read_jsonl, ".csv": read_csv}
    return readers[path.suffix.lower()](path, report, limits)


def read_json(path: Path, report: Report, limits: ReadLimits = DEFAULT_LIMITS) -> Iterator[CaptionRecord]:
    text = read_text(path, report)
    if text is None:
        return
    parsers = number_parsers(limits)
    try:
        document: Any = json.loads(text, **parsers)
    except json.JSONDecodeError as exc:
        report(CorpusError(path, f"invalid JSON: {exc.msg} at column {exc.colno}", exc.lineno, "fix the syntax there"))
        return
    except RecursionError:
        # Nested deeper than the parser can go: each entry is measured before it is decoded.
        document = None
    try:
        located = _locate_photos(text, document, path, report, limits)
    except (UnbalancedJSON, ValueError) as exc:
        report(CorpusError(path, f"invalid JSON: {exc}", hint="fix the brackets"))
        return
    if located is None:
        return
    photos, spans, gallery = located
    name = str(path)  # one string shared by every origin, not one per photo
    lines = LineCounter(text)
    for number, (start, end, depth) in enumerate(spans):
        origin = Origin(name, lines.line(start), lines.column(start), SourceKind.MANIFEST)
        photo = _entry(text, start, end, depth, photos[number] if photos is not None else None, parsers, limits)
        if isinstance(photo, EntryProblem):
            report(problem_error(photo, path, origin.line))
            continue
        yield from _record_or_report(photo, path, origin, gallery, report)


def read_jsonl(
    path: Path, report: Report, limits: ReadLimits = DEFAULT_LIMITS, only: Container[int] | None = None
) -> Iterator[CaptionRecord]:
    """The photos of a JSONL manifest; ``only`` (line numbers) leaves every other line undecoded."""
    lines = jsonl_lines(path, limits.record_bytes, report, only)  # a million photos are never held whole
    if lines is None:
        return
    parsers = number_parsers(limits)
    name = str(path)  # one string shared by every origin, not one per photo
    for line in lines:
        if line.problem:
            report(CorpusError(path, line.problem, line.number, line.hint))
            continue
        if not line.text.strip():
            continue
        photo = _decoded(line.text, parsers, limits)
        if isinstance(photo, EntryProblem):
            report(CorpusError(path, str(photo), line.number, photo.hint))
            continue
        yield from _record_or_report(photo, path, Origin(name, line.number, 1, SourceKind.MANIFEST), "", report)


def _decoded(text: str, parsers: dict[str, Any], limits: ReadLimits) -> Any:
    """One JSON entry, or the EntryProblem that stops it from being used."""
    try:
        value = json.loads(text, **parsers)
    except json.JSONDecodeError as exc:
        return EntryProblem(f"invalid JSON: {exc.msg} at column {exc.colno}", "fix the syntax on this line")
    except RecursionError:
        return _too_deep(limits, None)
    depth = nesting_depth(value, limits.json_depth)
    return _too_deep(limits, depth) if depth > limits.json_depth else value


def _entry(
    text: str, start: int, end: int, depth: int, decoded: Any, parsers: dict[str, Any], limits: ReadLimits
) -> Any:
    """The photo entry at ``text[start:end]`` (already decoded, or decoded here), or an EntryProblem."""
    size = utf8_length_over(text[start:end], limits.record_bytes) if end - start > limits.record_bytes // 4 else None
    if size is not None:
        return EntryProblem(f"photo entry is {size:,} bytes, over max-record-bytes ({limits.record_bytes:,})",
                            "split it, or raise max-record-bytes")
    if depth > limits.json_depth:
        return _too_deep(limits, depth)
    return decoded if decoded is not None else _decoded(text[start:end], parsers, limits)


def _too_deep(limits: ReadLimits, depth: int | None) -> EntryProblem:
    how_deep = f"{depth:,} levels" if depth and depth <= 10_000 else "thousands of levels"
    return EntryProblem(f"photo entry nests lists or objects {how_deep} deep, over max-json-depth ({limits.json_depth})",
                        "flatten it; a photo needs an object and a list of keywords")


def _locate_photos(
    text: str, document: Any, path: Path, report: Report, limits: ReadLimits
) -> tuple[list | None, list[_Span], str] | None:
    """The photo entries (None when not decoded yet), where each is in ``text``, and the gallery title."""
    start = skip_space(text, 0)
    opener = text[start : start + 1]
    if opener == "[" and (document is None or isinstance(document, list)):
        return document, array_item_spans(text, start), ""
    if opener == "{" and (document is None or isinstance(document, dict)):
        members = object_member_spans(text, start)
        photos = members.get("photos")
        if photos is not None and text[photos[0]] == "[":
            listed = document["photos"] if document is not None else None
            gallery = _gallery(text, document, members.get("gallery"), limits)
            return listed, array_item_spans(text, photos[0]), _gallery_title(gallery, path, report)
    report(CorpusError(path, "no list of photos", 1, 'write a list of photos, or {"gallery": {...}, "photos": [...]}'))
    return None


def _gallery(text: str, document: Any, span: _Span | None, limits: ReadLimits) -> Any:
    if document is not None:
        return document.get("gallery", {})
    if span is None:
        return {}
    start, end, depth = span
    value = _decoded(text[start:end], number_parsers(limits), limits) if depth <= limits.json_depth else None
    return None if isinstance(value, EntryProblem) else value


def _gallery_title(gallery: Any, path: Path, report: Report) -> str:
    title = gallery.get("title", "") if isinstance(gallery, dict) else None
    if not isinstance(title, str):
        report(CorpusError(path, "'gallery' has no usable title", hint='write "gallery": {"title": "...", ...}'))
        return ""
    return title.strip()


def _record_or_report(photo: Any, path: Path, origin: Origin, gallery: str, report: Report) -> Iterator[CaptionRecord]:
    try:
        yield record_from_entry(photo, path, origin, gallery)
    except EntryProblem as problem:
        report(problem_error(problem, path, origin.line))
