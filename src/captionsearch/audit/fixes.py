"""The edit that sets an image's alt text in its source file, and applying edits safely.

An ``Edit`` is a replacement of a range of a text file, in the shape of a
SARIF replacement: 1-based lines and columns, the end exclusive. Lines end at
"\\n" (a "\\r\\n" ends one line, as in html.parser's positions), columns count
Unicode code points, and a leading byte order mark is never counted, so the
positions the corpus readers report can be used as they are.

``alt_edit`` finds the alt in the markup at a position (``alt_markup`` reads
just enough of a start tag or a Markdown image to change the alt and nothing
else) and returns None rather than guess where the markup is not plainly one
it can edit.

Each edit remembers the text its range held (``old_text``): ``fix_files``
re-reads the file and leaves it alone when that text is no longer there.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterator, Sequence

from ..corpus.rewrite import line_column, line_starts
from .alt_markup import html_change, markdown_change

BOM = "\ufeff"


class EditMismatch(ValueError):
    """An edit's range no longer holds the text it was made for: the file changed."""


@dataclass(frozen=True)
class Edit:
    """Replace the range start..end (exclusive) of a file's text with ``text``."""

    path: str
    start_line: int
    start_column: int
    end_line: int
    end_column: int
    text: str
    # What the range held when the edit was made; None skips the check.
    old_text: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The edit as JSON-ready data, keyed by field name."""
        return asdict(self)


# -- positions ----------------------------------------------------------------


def _split_bom(source: str) -> tuple[str, str]:
    """(BOM, the text without it): positions never count the BOM."""
    return (BOM, source[1:]) if source.startswith(BOM) else ("", source)


def _offset(text: str, starts: list[int], line: int, column: int) -> int | None:
    """Offset of a 1-based line and column, or None when the text has no such place."""
    if not 1 <= line <= len(starts) or column < 1:
        return None
    line_end = starts[line] - 1 if line < len(starts) else len(text)
    offset = starts[line - 1] + column - 1
    return offset if offset <= line_end else None


# -- the edit -------------------------------------------------------------------


def alt_edit(path: str, source: str, line: int, column: int, new_alt: str) -> Edit | None:
    """The edit giving the image whose markup starts at line:column of ``source`` the alt ``new_alt``.

    Whitespace runs in ``new_alt`` become single spaces. None when the markup
    there cannot be edited safely.
    """
    text = _split_bom(source)[1]
    starts = line_starts(text)
    at = _offset(text, starts, line, column)
    if at is None:
        return None
    alt = " ".join(new_alt.split())
    if text.startswith("![", at):
        change = markdown_change(text, at, alt)
    elif text.startswith("<", at):
        change = html_change(text, at, alt)
    else:
        change = None
    if change is None:
        return None
    start, end, replacement = change
    return Edit(path, *line_column(starts, start), *line_column(starts, end), replacement, text[start:end])


# -- applying edits ------------------------------------------------------------------


def apply_edits(source: str, edits: Sequence[Edit]) -> str:
    """``source`` with the edits applied (any order; identical duplicates count once).

    Raises ValueError when two edits overlap, and EditMismatch (a ValueError)
    when a range is not in the text or no longer holds the edit's old text.
    """
    bom, text = _split_bom(source)
    starts = line_starts(text)
    spans = sorted({(*_span(text, starts, edit), edit.text) for edit in edits})
    for (start, end, _), (next_start, _next_end, _) in zip(spans, spans[1:]):
        # Sharing a start is ambiguous even for insertions: which text would come first?
        if next_start < end or next_start == start:
            raise ValueError(f"edits overlap at line {line_column(starts, next_start)[0]}")
    pieces, done = [], 0
    for start, end, replacement in spans:
        pieces += [text[done:start], replacement]
        done = end
    return bom + "".join(pieces) + text[done:]


def _span(text: str, starts: list[int], edit: Edit) -> tuple[int, int]:
    """The offsets of an edit's range, checked against the text."""
    start = _offset(text, starts, edit.start_line, edit.start_column)
    end = _offset(text, starts, edit.end_line, edit.end_column)
    where = f"line {edit.start_line} column {edit.start_column}"
    if start is None or end is None or end < start:
        raise EditMismatch(f"{where} is not in the file any more")
    if edit.old_text is not None and text[start:end] != edit.old_text:
        raise EditMismatch(f"{where} no longer holds {edit.old_text!r}")
    return start, end


def unified_diff(path: str, before: str, after: str) -> str:
    """A unified diff from ``before`` to ``after`` with ``--- a/path`` and ``+++ b/path`` headers; '' if equal."""
    if before == after:
        return ""
    name = path.replace(os.sep, "/").removeprefix("./")
    lines = difflib.unified_diff(_lines(before), _lines(after), f"a/{name}", f"b/{name}", lineterm="\n")
    # difflib leaves a last line without its newline as it is; patch and git want this marker.
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def _lines(text: str) -> list[str]:
    """Lines with their endings, split at "\\n" only (as patch does), so "\\r\\n" stays whole."""
    return re.findall(r"[^\n]*\n|[^\n]+\Z", text)


def fix_files(edits: Sequence[Edit], write: bool) -> tuple[str, list[str]]:
    """Apply edits to their files: (the combined unified diff, problems); with ``write`` save the files.

    A file that cannot be read as UTF-8, or no longer matches one of its
    edits, is left as it is and named in a problem. Files are replaced
    atomically, keeping their mode, BOM and line endings.
    """
    diffs: list[str] = []
    problems: list[str] = []
    for path, group in _by_file(edits):
        diff, problem = _fix_file(path, group, write)
        diffs.append(diff)
        if problem:
            problems.append(problem)
    return "".join(diffs), problems


def _fix_file(path: str, edits: list[Edit], write: bool) -> tuple[str, str | None]:
    """(diff, problem) of one file's edits; the file is saved only if all of them apply."""
    before, problem = _read(path)
    if problem:
        return "", problem
    try:
        after = apply_edits(before, edits)
    except ValueError as exc:
        return "", f"{path}: not changed: {exc}"
    if after == before:
        return "", None
    return unified_diff(path, before, after), _save(path, before, after) if write else None


def _by_file(edits: Sequence[Edit]) -> Iterator[tuple[str, list[Edit]]]:
    """Edits grouped by the file they change (however its path is spelled), in path order."""
    groups: dict[str, tuple[str, list[Edit]]] = {}
    for edit in edits:
        groups.setdefault(os.path.realpath(edit.path), (edit.path, []))[1].append(edit)
    yield from sorted(groups.values(), key=lambda group: group[0])


def _read(path: str) -> tuple[str, str | None]:
    """The file's text, BOM included; or '' and a problem."""
    try:
        return Path(path).read_bytes().decode("utf-8"), None
    except OSError as exc:
        return "", f"{path}: cannot read: {exc.strerror}"
    except UnicodeDecodeError:
        return "", f"{path}: not changed: not UTF-8 text"


def _save(path: str, before: str, after: str) -> str | None:
    """Replace the file with ``after`` unless it no longer holds ``before``; a problem or None."""
    target = os.path.realpath(path)  # a symlink keeps pointing at the changed file
    try:
        if Path(target).read_bytes() != before.encode("utf-8"):
            return f"{path}: not changed: it changed while the fixes were being made"
        _replace_atomically(target, after.encode("utf-8"))
    except OSError as exc:
        return f"{path}: cannot write: {exc.strerror or exc}"
    return None


def _replace_atomically(target: str, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``target``, then rename it over ``target``."""
    mode = stat.S_IMODE(os.stat(target).st_mode)
    directory, name = os.path.split(target)
    descriptor, temporary = tempfile.mkstemp(dir=directory or ".", prefix=f".{name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        # Never leave a half-written temporary file next to the user's file.
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
