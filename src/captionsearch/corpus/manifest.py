"""Manifest readers: JSON, JSONL and CSV lists of photos.

JSON is either a list of photo objects or ``{"gallery": {...}, "photos": [...]}``;
the gallery's title becomes each record's ``gallery``. JSONL has one photo
object per line, CSV one per row under a header row. The keys are those of
photo_entry. Every record carries the line its entry starts on.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any, Iterator

from ..errors import CorpusError
from ..records import CaptionRecord, Origin
from .json_positions import array_item_offsets, object_member_offsets, skip_space
from .photo_entry import EntryProblem, problem_error, record_from_entry
from .textfile import Report, column_of, line_of, read_lines, read_text


def read_manifest(path: Path, report: Report) -> Iterator[CaptionRecord]:
    """Dispatch on the extension: .json, .jsonl or .csv."""
    readers = {".json": read_json, ".jsonl": read_jsonl, ".csv": read_csv}
    return readers[path.suffix.lower()](path, report)


def read_json(path: Path, report: Report) -> Iterator[CaptionRecord]:
    text = read_text(path, report)
    if text is None:
        return
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        report(CorpusError(path, f"invalid JSON: {exc.msg} at column {exc.colno}", exc.lineno, "fix the syntax there"))
        return
    located = _locate_photos(text, document, path, report)
    if located is None:
        return
    photos, offsets, gallery = located
    name = str(path)  # one string shared by every origin, not one per photo
    for photo, offset in zip(photos, offsets):
        origin = Origin(name, line_of(text, offset), column_of(text, offset), "manifest")
        yield from _record_or_report(photo, path, origin, gallery, report)


def read_jsonl(path: Path, report: Report) -> Iterator[CaptionRecord]:
    lines = read_lines(path, report)  # line by line: a manifest of a million photos is never held whole
    if lines is None:
        return
    name = str(path)  # one string shared by every origin, not one per photo
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            photo = json.loads(line)
        except json.JSONDecodeError as exc:
            message = f"invalid JSON: {exc.msg} at column {exc.colno}"
            report(CorpusError(path, message, number, "fix the syntax on this line"))
            continue
        yield from _record_or_report(photo, path, Origin(name, number, 1, "manifest"), "", report)


def read_csv(path: Path, report: Report) -> Iterator[CaptionRecord]:
    text = read_text(path, report)
    if text is None:
        return
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    header = _header(rows, path, report)
    if header is None:
        return
    while True:
        line = rows.line_num + 1
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:
            report(CorpusError(path, f"unreadable CSV: {exc}", line, "fix the quoting from here on"))
            return
        yield from _csv_row(row, header, path, line, report)


def _locate_photos(text: str, document: Any, path: Path, report: Report) -> tuple[list, list[int], str] | None:
    """The photo entries, where each starts in ``text``, and the gallery title."""
    start = skip_space(text, 0)
    if isinstance(document, list):
        return document, array_item_offsets(text, start), ""
    if isinstance(document, dict) and isinstance(document.get("photos"), list):
        members = object_member_offsets(text, start)
        return document["photos"], array_item_offsets(text, members["photos"]), _gallery_title(document, path, report)
    report(CorpusError(path, "no list of photos", 1, 'write a list of photos, or {"gallery": {...}, "photos": [...]}'))
    return None


def _gallery_title(document: dict, path: Path, report: Report) -> str:
    gallery = document.get("gallery", {})
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


def _delimiter(text: str) -> str:
    """Comma, unless the header row plainly uses semicolons or tabs (spreadsheet exports)."""
    header = text.split("\n", 1)[0]
    if "," not in header:
        for candidate in (";", "\t"):
            if candidate in header:
                return candidate
    return ","


def _header(rows: Any, path: Path, report: Report) -> list[str] | None:
    try:
        header = [name.strip().lower() for name in next(rows, [])]
    except csv.Error as exc:
        header, problem = [], f"unreadable CSV header: {exc}"
    else:
        problem = "no 'image' column in the header row"
    if "image" not in header:
        report(CorpusError(path, problem, 1, "start the file with a header row such as id,image,title,caption,alt"))
        return None
    return header


def _csv_row(row: list[str], header: list[str], path: Path, line: int, report: Report) -> Iterator[CaptionRecord]:
    if not any(cell.strip() for cell in row):
        return
    if len(row) != len(header):
        message = f"row has {len(row)} cells but the header has {len(header)}"
        report(CorpusError(path, message, line, "quote cells that contain the delimiter"))
        return
    # A spreadsheet cannot tell an empty cell from a missing one: both mean "not given".
    values = {name: (cell if cell.strip() else None) for name, cell in zip(header, row)}
    yield from _record_or_report(values, path, Origin(str(path), line, None, "manifest"), "", report)
