"""Where values start and end in a JSON text, so manifest entries can name their line.

The json module parses without positions; these functions walk a JSON text
with a small token scanner (strings, brackets, and the runs between them) and
return character offsets. The scanner never recurses and never converts a
number, so a value nested 100,000 deep or a number of a million digits costs
one linear pass, not a RecursionError or a ValueError.
"""

from __future__ import annotations

import json
import re

_SPACE = re.compile(r"[ \t\n\r]*")
# A string (escapes skipped whole), one bracket, or a run of anything else.
_TOKEN = re.compile(r'"(?:[^"\\]++|\\.)*+"|[\[\]{}]|[^"\[\]{}]++', re.DOTALL)
_SCALAR = re.compile(r"[^,\]}\s]*")
_STRING_DECODER = json.JSONDecoder()


class UnbalancedJSON(ValueError):
    """A container that is never closed, or a bracket that closes nothing."""


def skip_space(text: str, pos: int) -> int:
    return _SPACE.match(text, pos).end()  # type: ignore[union-attr]


def value_span(text: str, pos: int) -> tuple[int, int]:
    """(end offset, nesting depth) of the value starting at ``pos``; scalars have depth 0."""
    if pos >= len(text):
        raise UnbalancedJSON("the text ends where a value should start")
    if text[pos] == '"':
        match = _TOKEN.match(text, pos)
        if match is None:
            raise UnbalancedJSON("a string is never closed")
        return match.end(), 0
    if text[pos] not in "[{":
        return _SCALAR.match(text, pos).end(), 0  # type: ignore[union-attr]
    depth = deepest = 0
    for match in _TOKEN.finditer(text, pos):
        first = text[match.start()]
        if first in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif first in "]}":
            depth -= 1
            if depth == 0:
                return match.end(), deepest
    raise UnbalancedJSON("a list or object is never closed")


def array_item_spans(text: str, start: int) -> list[tuple[int, int, int]]:
    """(start, end, depth) of each item of the array whose "[" is at ``start``."""
    spans: list[tuple[int, int, int]] = []
    pos = skip_space(text, start + 1)
    while pos < len(text) and text[pos] != "]":
        end, depth = value_span(text, pos)
        spans.append((pos, end, depth))
        pos = _after_separator(text, end)
    if pos >= len(text):
        raise UnbalancedJSON("a list is never closed")
    return spans


def object_member_spans(text: str, start: int) -> dict[str, tuple[int, int, int]]:
    """(start, end, depth) of each member value of the object whose "{" is at ``start`` (last key wins)."""
    spans: dict[str, tuple[int, int, int]] = {}
    pos = skip_space(text, start + 1)
    while pos < len(text) and text[pos] != "}":
        key, pos = _STRING_DECODER.raw_decode(text, pos)
        pos = skip_space(text, skip_space(text, pos) + 1)  # past the ":"
        end, depth = value_span(text, pos)
        spans[str(key)] = (pos, end, depth)
        pos = _after_separator(text, end)
    if pos >= len(text):
        raise UnbalancedJSON("an object is never closed")
    return spans


def _after_separator(text: str, pos: int) -> int:
    """Skip the space and the "," after a value, if any."""
    pos = skip_space(text, pos)
    if pos < len(text) and text[pos] == ",":
        pos = skip_space(text, pos + 1)
    return pos
