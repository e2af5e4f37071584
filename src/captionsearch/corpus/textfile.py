"""Reading a corpus text file: strict UTF-8, and offsets turned into line numbers.

Every text reader goes through read_text(), so a file in another encoding is
reported the same way whatever its format, instead of being read as mojibake.
JSONL is read line by line instead (jsonl_lines), so that one bad line costs
that line only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable, Container, Iterator

from ..errors import CorpusError

Report = Callable[[CorpusError], None]
_BOM = b"\xef\xbb\xbf"
_SKIP_BLOCK = 1 << 20


def read_text(path: Path, report: Report) -> str | None:
    """The file's text (a UTF-8 BOM dropped), or None after reporting why not."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        report(CorpusError(path, f"cannot read file: {exc.strerror}", hint="check that it exists and is readable"))
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        report(CorpusError(path, "not UTF-8 text", line, hint="save it as UTF-8"))
        return None


@dataclass(frozen=True)
class Line:
    """One line of a JSONL file: its text, or why it cannot be used (``problem`` and ``hint``)."""

    number: int
    text: str = ""
    problem: str = ""
    hint: str = ""


def jsonl_lines(
    path: Path, max_bytes: int, report: Report, only: Container[int] | None = None
) -> Iterator[Line] | None:
    """The lines of a JSONL file, split at "\\n" only, each decoded on its own.

    JSON strings may hold U+2028, U+2029 or U+0085, which str.splitlines()
    would take for line ends. A line that is not UTF-8, or longer than
    ``max_bytes``, comes back with a problem and the next line is read as
    usual; no line is ever held beyond ``max_bytes``. None (after
    reporting) if the file cannot be opened. ``only`` (line numbers) skips
    every other line without decoding it.
    """
    try:
        file = path.open("rb")
    except OSError as exc:
        report(CorpusError(path, f"cannot read file: {exc.strerror}", hint="check that it exists and is readable"))
        return None
    return _lines(file, max_bytes, only)


def _lines(file: BinaryIO, max_bytes: int, only: Container[int] | None = None) -> Iterator[Line]:
    with file:
        number = 0
        while raw := file.readline(max_bytes + 1):
            number += 1
            if only is not None and number not in only:
                if len(raw) > max_bytes and not raw.endswith(b"\n"):
                    _skip_rest_of_line(file)
                continue
            if number == 1 and raw.startswith(_BOM):
                raw = raw[len(_BOM) :]
            if len(raw) > max_bytes and not raw.endswith(b"\n"):
                size = len(raw) + _skip_rest_of_line(file)
                yield Line(number, problem=f"line is {size:,} bytes, over max-record-bytes ({max_bytes:,})",
                           hint="split the entry, or raise max-record-bytes")
                continue
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield Line(number, problem=f"not UTF-8 text (byte {exc.start + 1} of the line)", hint="save it as UTF-8")
                continue
            yield Line(number, text.rstrip("\r\n"))


def _skip_rest_of_line(file: BinaryIO) -> int:
    """Read past the end of an over-long line, a block at a time; the bytes skipped."""
    skipped = 0
    while block := file.readline(_SKIP_BLOCK):
        skipped += len(block)
        if block.endswith(b"\n"):
            break
    return skipped


class LineCounter:
    """Line and column of offsets met in increasing order, counting each newline once.

    line_of() counts from the start of the text every time, and column_of()
    looks back to the start of the line, which is the whole file for a
    manifest written on one line: both are quadratic over the entries of a
    large file. This remembers where the current line starts.
    """

    def __init__(self, text: str):
        self.text = text
        self._offset = 0
        self._line = 1
        self._line_start = 0

    def line(self, offset: int) -> int:
        if offset < self._offset:
            self._offset, self._line, self._line_start = 0, 1, 0
        newlines = self.text.count("\n", self._offset, offset)
        if newlines:
            self._line += newlines
            self._line_start = self.text.rfind("\n", self._offset, offset) + 1
        self._offset = offset
        return self._line

    def column(self, offset: int) -> int:
        self.line(offset)
        return offset - self._line_start + 1


def line_of(text: str, offset: int) -> int:
    """1-based line number of a character offset."""
    return text.count("\n", 0, offset) + 1


def column_of(text: str, offset: int) -> int:
    """1-based column of a character offset."""
    return offset - (text.rfind("\n", 0, offset) + 1) + 1
