"""Reading a corpus text file: strict UTF-8, and offsets turned into line numbers.

Every text reader goes through read_text(), so a file in another encoding is
reported the same way whatever its format, instead of being read as mojibake.
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Callable, Iterator

from ..errors import CorpusError

Report = Callable[[CorpusError], None]


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


def read_lines(path: Path, report: Report) -> Iterator[str] | None:
    """The file's lines as read_text(...).splitlines() gives them, without the whole text in memory.

    None after reporting why not, like read_text: the file is checked to be
    UTF-8 first, so a file that is not yields no lines at all.
    """
    try:
        problem_line = _first_line_not_utf8(path)
    except OSError as exc:
        report(CorpusError(path, f"cannot read file: {exc.strerror}", hint="check that it exists and is readable"))
        return None
    if problem_line:
        report(CorpusError(path, "not UTF-8 text", problem_line, hint="save it as UTF-8"))
        return None
    return _lines(path)


def _lines(path: Path) -> Iterator[str]:
    with path.open("rb") as file:
        first = True
        for raw in file:
            # splitlines() also ends a line at \r, \x85, \u2028 and the like, as the whole text's would.
            yield from raw.decode("utf-8-sig" if first else "utf-8").splitlines()
            first = False


def _first_line_not_utf8(path: Path, block: int = 1 << 20) -> int | None:
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = 0
    with path.open("rb") as file:
        while data := file.read(block):
            try:
                decoder.decode(data)
            except UnicodeDecodeError as exc:
                # A sequence cut by the block boundary is completed from the previous block.
                start = max(exc.start - len(exc.object) + len(data), 0)
                return lines + data[:start].count(b"\n") + 1
            lines += data.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return lines + 1
    return None


def line_of(text: str, offset: int) -> int:
    """1-based line number of a character offset."""
    return text.count("\n", 0, offset) + 1


def column_of(text: str, offset: int) -> int:
    """1-based column of a character offset."""
    return offset - (text.rfind("\n", 0, offset) + 1) + 1
