"""Where values start in a JSON text, so manifest entries can name their line.

The json module parses without positions; these functions walk a document
that json.loads has already accepted, letting the stdlib decoder skip each
value, and return character offsets.
"""

from __future__ import annotations

import json
import re

_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def skip_space(text: str, pos: int) -> int:
    return _SPACE.match(text, pos).end()  # type: ignore[union-attr]


def array_item_offsets(text: str, start: int) -> list[int]:
    """Offsets of the items of the array whose "[" is at ``start``."""
    offsets: list[int] = []
    pos = skip_space(text, start + 1)
    while text[pos] != "]":
        offsets.append(pos)
        pos = _after_value(text, pos)
    return offsets


def object_member_offsets(text: str, start: int) -> dict[str, int]:
    """Offsets of the member values of the object whose "{" is at ``start`` (last key wins)."""
    offsets: dict[str, int] = {}
    pos = skip_space(text, start + 1)
    while text[pos] != "}":
        key, pos = _DECODER.raw_decode(text, pos)
        pos = skip_space(text, skip_space(text, pos) + 1)  # past the ":"
        offsets[key] = pos
        pos = _after_value(text, pos)
    return offsets


def _after_value(text: str, pos: int) -> int:
    """Skip the value at ``pos`` and the "," after it, if any."""
    _, pos = _DECODER.raw_decode(text, pos)
    pos = skip_space(text, pos)
    if text[pos] == ",":
        pos = skip_space(text, pos + 1)
    return pos
