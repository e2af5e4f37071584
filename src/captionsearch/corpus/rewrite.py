"""Edits of a source text that remember where everything was.

Templated sources are parsed after rewriting them (template statements
blanked, image shortcodes turned into the markup they stand for). Findings
must still point at the file as written, so every rewrite goes through a
Rewriter, and ``Rewritten.position`` maps a place in the new text back to the
line and column it had in the original.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass


def line_starts(text: str) -> list[int]:
    """The offset at which each line starts (line 1 at index 0)."""
    starts = [0]
    position = text.find("\n")
    while position != -1:
        starts.append(position + 1)
        position = text.find("\n", position + 1)
    return starts


def offset_of(starts: list[int], line: int, column: int) -> int:
    """The offset of a 1-based line and column, given ``line_starts``."""
    return starts[min(max(line, 1), len(starts)) - 1] + column - 1


def line_column(starts: list[int], offset: int) -> tuple[int, int]:
    """The 1-based line and column of an offset, given ``line_starts``."""
    line = bisect.bisect_right(starts, offset)
    return line, offset - starts[line - 1] + 1


def blank(text: str) -> str:
    """``text`` with every character but line breaks turned into a space: same length, same lines."""
    return "".join(ch if ch in "\r\n" else " " for ch in text)


@dataclass(frozen=True)
class Rewritten:
    """A rewritten text and the way back to the original's lines and columns."""

    text: str
    original: str
    # (start in new text, end in new text, start in original, end in original), in order
    spans: tuple[tuple[int, int, int, int], ...]

    def original_offset(self, offset: int) -> int:
        """Where a new-text offset was in the original (inside a replacement: the replaced text's start)."""
        index = bisect.bisect_right(self._span_starts, offset) - 1
        if index < 0:
            return offset
        new_start, new_end, old_start, old_end = self.spans[index]
        if offset < new_end:
            return old_start
        return offset - new_end + old_end

    def position(self, line: int, column: int) -> tuple[int, int]:
        """The original line and column of a 1-based place in the new text."""
        offset = offset_of(self._new_starts, line, column)
        return line_column(self._old_starts, self.original_offset(offset))

    def __post_init__(self) -> None:
        object.__setattr__(self, "_span_starts", [span[0] for span in self.spans])
        object.__setattr__(self, "_new_starts", line_starts(self.text))
        object.__setattr__(self, "_old_starts", line_starts(self.original))


class Rewriter:
    """Collects non-overlapping replacements of an original text, then applies them all at once."""

    def __init__(self, original: str) -> None:
        self.original = original
        self.edits: list[tuple[int, int, str]] = []
        self._taken: list[tuple[int, int]] = []

    def replace(self, start: int, end: int, text: str) -> bool:
        """Replace ``original[start:end]`` by ``text``; False (and nothing done) if it overlaps an earlier edit."""
        if self.overlaps(start, end):
            return False
        bisect.insort(self._taken, (start, end))
        self.edits.append((start, end, text))
        return True

    def protect(self, start: int, end: int) -> None:
        """Keep ``original[start:end]`` as written, around any edits already made inside it."""
        cursor = start
        for taken_start, taken_end in [t for t in self._taken if t[1] > start and t[0] < end]:
            if cursor < taken_start:
                self.replace(cursor, taken_start, self.original[cursor:taken_start])
            cursor = max(cursor, taken_end)
        if cursor < end:
            self.replace(cursor, end, self.original[cursor:end])

    def blank(self, start: int, end: int) -> bool:
        return self.replace(start, end, blank(self.original[start:end]))

    def overlaps(self, start: int, end: int) -> bool:
        index = bisect.bisect_left(self._taken, (start, end))
        before = self._taken[index - 1] if index else None
        after = self._taken[index] if index < len(self._taken) else None
        return bool((before and before[1] > start) or (after and after[0] < end))

    def result(self) -> Rewritten:
        pieces, spans, cursor, new_length = [], [], 0, 0
        for start, end, text in sorted(self.edits):
            pieces.append(self.original[cursor:start])
            new_length += start - cursor
            pieces.append(text)
            spans.append((new_length, new_length + len(text), start, end))
            new_length += len(text)
            cursor = end
        pieces.append(self.original[cursor:])
        return Rewritten("".join(pieces), self.original, tuple(spans))
