"""Manifest readers: JSON, JSONL, CSV and TSV files of records.

JSON may hold a list of records, one record, our gallery manifest
``{"gallery": {...}, "photos": [...]}`` (the gallery's title becomes each
record's ``gallery``) or a list of records under a key, found by looking
(json_shapes.py) or named with ``--records-at``; a standard format
(standard_json.py) is recognised first. JSONL has one record per line, CSV
and TSV one per row under a header row. Which keys fill which field is the
field map's business (fields.py). Every record carries the line its entry
starts on.

Reading is linear and bounded (see limits.py): an entry that is too large,
too deeply nested or holds an over-long number costs that entry; a JSON
syntax error costs the file (the first one is named); a JSONL line or a CSV
row that cannot be read costs that line or row.
"""

from __future__ import annotations

import json
from importlib import import_module
from pathlib import Path
from typing import Any, Container, Iterator

from ..errors import CorpusError
from ..records import CaptionRecord, Origin, SourceKind
from .csv_rows import csv_entries, read_csv
from .field_paths import PathSyntaxError, lookup, squash
from .json_positions import UnbalancedJSON, array_item_spans, object_member_spans, skip_space, value_span
from .json_shapes import Shape, ShapeProblem, find_records, parse_records_at
from .limits import DEFAULT_LIMITS, ReadLimits, nesting_depth, number_parsers, utf8_length_over
from .photo_entry import Entry, EntryProblem, problem_error, records_from_entries
from .standard_json import STANDARD_JSON
from .textfile import LineCounter, Report, jsonl_lines, read_text

__all__ = ["manifest_entries", "read_csv", "read_json", "read_jsonl", "read_manifest"]

_Span = tuple[int, int, int]  # start, end, nesting depth


def read_manifest(path: Path, report: Report, limits: ReadLimits = DEFAULT_LIMITS) -> Iterator[CaptionRecord]:
    """Dispatch on the extension: .json, .jsonl, .csv or .tsv."""
    readers = {".json": read_json, ".jsonl": read_jsonl, ".csv": read_csv, ".tsv": read_csv}
    return readers[path.suffix.lower()](path, report, limits)


def manifest_entries(path: Path, report: Report, limits: ReadLimits = DEFAULT_LIMITS) -> Iterator[Entry]:
    """The entries of a manifest as written (before the field map), with where each starts."""
    readers = {".json": json_entries, ".jsonl": jsonl_entries, ".csv": csv_entries, ".tsv": csv_entries}
    return readers[path.suffix.lower()](path, report, limits)


def read_json(path: Path, report: Report, limits: ReadLimits = DEFAULT_LIMITS) -> Iterator[CaptionRecord]:
    parsed = _parsed(path, report, limits)
    if parsed is None:
        return
    text, document = parsed
    standard = _standard_reader(document, limits)
    if standard is not None:
        yield from standard(document, path, report, limits)
        return
    yield from records_from_entries(_json_entries(text, document, path, report, limits), path, report, limits.fields)


def read_jsonl(
    path: Path, report: Report, limits: ReadLimits = DEFAULT_LIMITS, only: Container[int] | None = None
) -> Iterator[CaptionRecord]:
    """The photos of a JSONL manifest; ``only`` (line numbers) leaves every other line undecoded."""
    return records_from_entries(jsonl_entries(path, report, limits, only), path, report, limits.fields)


def json_entries(path: Path, report: Report, limits: ReadLimits = DEFAULT_LIMITS) -> Iterator[Entry]:
    parsed = _parsed(path, report, limits)
    if parsed is not None:
        yield from _json_entries(*parsed, path, report, limits)


def _parsed(path: Path, report: Report, limits: ReadLimits) -> tuple[str, Any] | None:
    """The file's text and its decoded document (None when nested too deep to decode whole)."""
    text = read_text(path, report)
    if text is None:
        return None
    try:
        return text, json.loads(text, **number_parsers(limits))
    except json.JSONDecodeError as exc:
        report(CorpusError(path, f"invalid JSON: {exc.msg} at column {exc.colno}", exc.lineno, "fix the syntax there"))
        return None
    except RecursionError:
        # Nested deeper than the parser can go: each entry is measured before it is decoded.
        return text, None


def _json_entries(text: str, document: Any, path: Path, report: Report, limits: ReadLimits) -> Iterator[Entry]:
    try:
        located = _locate_photos(text, document, path, report, limits)
    except (UnbalancedJSON, ValueError) as exc:
        report(CorpusError(path, f"invalid JSON: {exc}", hint="fix the brackets"))
        return
    if located is None:
        return
    photos, spans, gallery = located
    parsers = number_parsers(limits)
    name = str(path)  # one string shared by every origin, not one per photo
    lines = LineCounter(text)
    for number, (start, end, depth) in enumerate(spans):
        origin = Origin(name, lines.line(start), lines.column(start), SourceKind.MANIFEST)
        photo = _entry(text, start, end, depth, photos[number] if photos is not None else None, parsers, limits)
        if isinstance(photo, EntryProblem):
            report(problem_error(photo, path, origin.line))
            continue
        yield photo, origin, gallery


def _standard_reader(document: Any, limits: ReadLimits) -> Any:
    """The reader of the standard format ``document`` is in (standard_json.py), or None."""
    if document is None or limits.records_at:
        return None
    for recognise, location in STANDARD_JSON:
        if recognise(document):
            module, function = location.split(":")
            return getattr(import_module(f"captionsearch.corpus.{module}"), function)
    return None


def jsonl_entries(
    path: Path, report: Report, limits: ReadLimits = DEFAULT_LIMITS, only: Container[int] | None = None
) -> Iterator[Entry]:
    """The entries of a JSONL manifest; ``only`` (line numbers) leaves every other line undecoded."""
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
        yield photo, Origin(name, line.number, 1, SourceKind.MANIFEST), ""


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
    """The records (None when not decoded yet), where each is in ``text``, and the gallery title."""
    try:
        shape = _shape(text, document, limits)
    except ShapeProblem as problem:
        report(CorpusError(path, str(problem), 1, problem.hint))
        return None
    except PathSyntaxError as exc:
        report(CorpusError(path, f"--records-at: {exc}", hint="write a key path such as data or response.docs"))
        return None
    span = _span_at(text, skip_space(text, 0), shape.steps)
    if span is None:
        report(CorpusError(path, f"nothing at --records-at {shape.text}", 1, "name a key path that is in the file"))
        return None
    value = _decoded_at(document, shape.steps)
    if shape.single or text[span[0]] == "{":
        return ([value] if document is not None else None), [span], ""
    if text[span[0]] != "[":
        report(CorpusError(path, f"--records-at {shape.text} is not a list or an object", 1,
                           "name the key that holds the records"))
        return None
    gallery = ""
    if shape.steps == ("photos",):
        members = object_member_spans(text, skip_space(text, 0))
        gallery = _gallery_title(_gallery(text, document, members.get("gallery"), limits), path, report)
    return value, array_item_spans(text, span[0]), gallery


def _shape(text: str, document: Any, limits: ReadLimits) -> Shape:
    """Where the records are: named by --records-at, or found in the decoded document."""
    if limits.records_at:
        named = parse_records_at(limits.records_at)
        return Shape(named.steps if named else ())
    if document is not None:
        return find_records(document, limits.fields)
    # Too deep to decode whole: only the shapes that need no looking inside.
    start = skip_space(text, 0)
    if text[start : start + 1] == "[":
        return Shape(())
    if text[start : start + 1] == "{" and "photos" in object_member_spans(text, start):
        return Shape(("photos",))
    raise ShapeProblem("no list of photos found: the file nests too deeply to look inside",
                       "say where the records are with --records-at")


def _span_at(text: str, start: int, steps: tuple[Any, ...]) -> _Span | None:
    """(start, end, depth) of the value at ``steps`` in the JSON ``text`` (keys matched as paths match them)."""
    end, depth = value_span(text, start)
    span = (start, end, depth)
    for step in steps:
        opener = text[span[0]]
        if opener == "{" and not isinstance(step, int):
            members = object_member_spans(text, span[0])
            key = str(step) if str(step) in members else next(
                (k for k in members if squash(k) == squash(str(step))), None)
            found = members.get(key) if key is not None else None
        elif opener == "[" and isinstance(step, int):
            items = array_item_spans(text, span[0])
            found = items[step] if step < len(items) else None
        else:
            found = None
        if found is None:
            return None
        span = found
    return span


def _decoded_at(document: Any, steps: tuple[Any, ...]) -> Any:
    return None if document is None else lookup(document, steps)


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
