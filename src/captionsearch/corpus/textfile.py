"""Reading a corpus text file: strict UTF-8, and offsets turned into line numbers.

Every text reader goes through read_text(), so a file in another encoding is
reported the same way whatever its format, instead of being read as mojibake.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

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


def line_of(text: str, offset: int) -> int:
    """1-based line number of a character offset."""
    return text.count("\n", 0, offset) + 1


def column_of(text: str, offset: int) -> int:
    """1-based column of a character offset."""
    return offset - (text.rfind("\n", 0, offset) + 1) + 1
