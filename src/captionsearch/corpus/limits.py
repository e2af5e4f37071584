"""How much one manifest entry may hold, so that reading stays linear and bounded.

Each limit is a setting (settings.py). An entry that breaks one is reported
and skipped; the rest of its file is read. The defaults are far above what a
real photo entry needs and far below what would make reading slow:

* ``record_bytes``: one JSON entry, JSONL line or CSV row (a caption is a few
  hundred bytes; a megabyte is a short book);
* ``json_depth``: containers inside one entry (a photo needs two: the object
  and its keyword list); the json module recurses, so depth is also what
  stands between a hostile file and a RecursionError;
* ``number_digits``: Python refuses to turn more than 4,300 digits into an int
  (CVE-2020-10735), and no pixel count needs more than a few;
* ``csv_cell``: the csv module's own default field limit.

The same object carries how a run reads its records, which every reader is
handed with the limits: the field mapping (fields.py) and, for a JSON file
whose records cannot be found by looking (manifest.py), where they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from .fields import DEFAULT_FIELDS, FieldMap


@dataclass(frozen=True)
class ReadLimits:
    record_bytes: int = 1_048_576
    json_depth: int = 64
    number_digits: int = 100
    csv_cell: int = 131_072
    fields: FieldMap = field(default=DEFAULT_FIELDS, compare=False)
    records_at: str = ""  # a key path to the records of a JSON file ("." the document itself); "" finds them

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> "ReadLimits":
        return cls(
            record_bytes=settings["max_record_bytes"],
            json_depth=settings["max_json_depth"],
            number_digits=settings["max_number_digits"],
            csv_cell=settings["max_csv_cell"],
        )


DEFAULT_LIMITS = ReadLimits()


class LongNumber:
    """A JSON number with more digits than allowed, kept as a marker instead of being converted.

    An entry only fails if it uses the value (a 5,000-digit ``width``); a long
    number in a key the reader ignores costs nothing.
    """

    __slots__ = ("digits", "limit")

    def __init__(self, digits: int, limit: int):
        self.digits = digits
        self.limit = limit

    def __repr__(self) -> str:
        return f"<number of {self.digits:,} digits>"


def number_parsers(limits: ReadLimits) -> dict[str, Any]:
    """``parse_int``/``parse_float`` for json.loads that never convert an over-long number."""

    def parse_int(text: str) -> int | LongNumber:
        return LongNumber(len(text), limits.number_digits) if len(text) > limits.number_digits else int(text)

    def parse_float(text: str) -> float | LongNumber:
        return LongNumber(len(text), limits.number_digits) if len(text) > limits.number_digits else float(text)

    return {"parse_int": parse_int, "parse_float": parse_float}


def nesting_depth(value: Any, stop_after: int) -> int:
    """How deeply lists and objects nest in ``value`` (a scalar is 0), counted without recursion.

    Counting stops once it passes ``stop_after``: only whether a limit is
    exceeded matters, and a hostile value can be very deep.
    """
    deepest = 0
    stack = [(value, 1)] if isinstance(value, (list, dict)) else []
    while stack:
        current, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > stop_after:
            break
        children = current.values() if isinstance(current, dict) else current
        stack.extend((child, depth + 1) for child in children if isinstance(child, (list, dict)))
    return deepest


def utf8_length_over(text: str, limit: int) -> int | None:
    """The UTF-8 length of ``text`` if it is over ``limit`` bytes, else None (cheaply, for short texts)."""
    if len(text) * 4 <= limit:  # at most 4 bytes a character: cannot be over
        return None
    size = len(text.encode("utf-8", "surrogatepass"))
    return size if size > limit else None
