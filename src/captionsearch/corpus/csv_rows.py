"""The CSV and TSV reader: one record per row under a header row.

Any columns will do: the header names them, and the field map (fields.py)
says which fill which field. The delimiter is the one the header row uses
most (comma, semicolon, tab or bar; tab for a .tsv file).

A row that cannot be used costs that row: too many or too few cells, a cell
over ``max-csv-cell`` characters, a row over ``max-record-bytes``, or a row the
csv module refuses (a NUL byte, a cell beyond its own limit). The reader then
finds where that row ends (a newline outside quotes) and carries on from the
next one; only a quote that is never closed costs the rest of the file.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any, Iterator

from ..errors import CorpusError
from ..records import CaptionRecord, Origin, SourceKind
from .fields import looks_like_image
from .limits import DEFAULT_LIMITS, ReadLimits
from .photo_entry import Entry, records_from_entries
from .references import is_url
from .textfile import Report, read_text

_LINE_END = re.compile(r"\r\n|\r|\n")
_QUOTED = re.compile(r'"[^"]*"')
_DELIMITERS = (",", ";", "\t", "|")
# A row: quoted runs and unquoted characters up to a line end (possessive: no backtracking).
_ROW = re.compile(r'(?:"[^"]*+"|[^"\r\n]++)*+')


def read_csv(path: Path, report: Report, limits: ReadLimits = DEFAULT_LIMITS) -> Iterator[CaptionRecord]:
    return records_from_entries(csv_entries(path, report, limits), path, report, limits.fields)


def csv_entries(path: Path, report: Report, limits: ReadLimits = DEFAULT_LIMITS) -> Iterator[Entry]:
    """Each row as {column: cell} (an empty cell is None: a spreadsheet cannot tell it from a missing one)."""
    text = read_text(path, report)
    if text is None:
        return
    _allow_cells_of(max(limits.csv_cell, limits.record_bytes) + 1)
    lines = _Lines(text)
    delimiter = _delimiter(text, path)
    rows = csv.reader(lines, delimiter=delimiter)
    header = _header(rows, path, report)
    if header is None:
        return
    name = str(path)
    while True:
        start, line = lines.pos, lines.number
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:
            if not _skip_bad_row(lines, start, line, path, str(exc), report):
                return
            rows = csv.reader(lines, delimiter=delimiter)  # a fresh parser: the old one is mid-row
            continue
        problem = _row_problem(row, header, limits)
        if problem:
            report(CorpusError(path, problem[0], line, problem[1]))
            continue
        if any(cell.strip() for cell in row):
            values = {column: (cell if cell.strip() else None) for column, cell in zip(header, row)}
            yield values, Origin(name, line, None, SourceKind.MANIFEST), ""


def _allow_cells_of(size: int) -> None:
    """Let the csv module read cells up to ``size``: our own limits, checked per row, say why a row is refused.

    The csv module's limit is process-wide; it is only ever raised here, never lowered.
    """
    if csv.field_size_limit() < size:
        csv.field_size_limit(size)


class _Lines:
    """The text's lines (line ends kept) for csv.reader, from a position that can be moved."""

    def __init__(self, text: str):
        self.text = text
        self.pos = 0
        self.number = 1  # of the next line

    def __iter__(self) -> "_Lines":
        return self

    def __next__(self) -> str:
        if self.pos >= len(self.text):
            raise StopIteration
        end = _LINE_END.search(self.text, self.pos)
        stop = end.end() if end else len(self.text)
        line = self.text[self.pos : stop]
        self.pos = stop
        self.number += 1
        return line

    def move_to(self, pos: int, number: int) -> None:
        self.pos, self.number = pos, number


def _skip_bad_row(lines: _Lines, start: int, line: int, path: Path, reason: str, report: Report) -> bool:
    """Report the row at ``start`` and move past it; False when it never ends (an unclosed quote)."""
    text = lines.text
    end = _ROW.match(text, start).end()  # type: ignore[union-attr]
    if end < len(text) and text[end] == '"':
        report(CorpusError(path, f"unreadable CSV: a quote opened in the row on line {line} is never closed",
                           line, "close the quote; the rest of the file was not read"))
        return False
    report(CorpusError(path, f"unreadable CSV row: {_csv_reason(reason)}", line, "fix this row; the others were read"))
    after = _LINE_END.match(text, end)
    stop = after.end() if after else end
    lines.move_to(stop, line + 1 + len(_LINE_END.findall(text, start, end)))
    return True


def _csv_reason(reason: str) -> str:
    if "field larger than field limit" in reason:
        return f"a cell is longer than {csv.field_size_limit():,} characters"
    return reason


def _row_problem(row: list[str], header: list[str], limits: ReadLimits) -> tuple[str, str] | None:
    longest = max(range(len(row)), key=lambda i: len(row[i]), default=None)
    if longest is not None and len(row[longest]) > limits.csv_cell:
        column = header[longest] if longest < len(header) else f"cell {longest + 1}"
        return (f"cell '{column}' is {len(row[longest]):,} characters, over max-csv-cell ({limits.csv_cell:,}); "
                "this row was skipped", "shorten it, or raise max-csv-cell")
    size = sum(len(cell) for cell in row)
    if size > limits.record_bytes:
        return f"row is {size:,} characters, over max-record-bytes ({limits.record_bytes:,})", "split the entry"
    if any(cell.strip() for cell in row) and len(row) != len(header):
        return f"row has {len(row)} cells but the header has {len(header)}", "quote cells that contain the delimiter"
    return None


def _delimiter(text: str, path: Path) -> str:
    """The delimiter the header row uses most, outside quotes (a .tsv file: tab unless it has none)."""
    header = _QUOTED.sub("", text[: _header_end(text)])
    counts = {candidate: header.count(candidate) for candidate in _DELIMITERS}
    if path.suffix.lower() == ".tsv" and counts["\t"]:
        return "\t"
    best = max(_DELIMITERS, key=lambda c: counts[c])  # ties: the first listed, the comma
    return best if counts[best] else ","


def _header_end(text: str) -> int:
    match = _LINE_END.search(text)
    return match.start() if match else len(text)


def _header(rows: Any, path: Path, report: Report) -> list[str] | None:
    try:
        header = [name.strip().lower() for name in next(rows, [])]
    except csv.Error as exc:
        report(CorpusError(path, f"unreadable CSV header: {exc}", 1, "start the file with a row naming the columns"))
        return None
    problem = _header_problem(header)
    if problem:
        report(CorpusError(path, problem, 1, "start the file with a row naming the columns, such as id,image,title"))
        return None
    return header


def _header_problem(header: list[str]) -> str | None:
    if not any(header):
        return "no header row"
    looks_like_data = [name for name in header if looks_like_image(name) or is_url(name)]
    if looks_like_data:
        return f"the first row is not a header: {looks_like_data[0][:60]!r} is a value, not a column name"
    return None
