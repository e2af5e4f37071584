"""One manifest entry (a JSON object or a CSV row) -> CaptionRecord.

Shared by the JSON, JSONL and CSV readers so the three formats accept the
same keys with the same meaning. Keys are matched case-insensitively; keys
not listed below are ignored, so a CMS export can carry its own extras.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Mapping

from ..errors import CorpusError
from ..records import CaptionRecord, Origin, id_problem
from .limits import LongNumber
from .references import resolve_image

TEXT_KEYS = ("title", "caption", "credit", "date", "page", "long_description")
SIZE_KEYS = ("width", "height")
_KEYWORD_SEPARATORS = re.compile(r"[,;]")
_PIXELS = re.compile(r"[0-9]{1,9}")  # ASCII digits only: str.isdigit() also takes "²", which int() refuses


class EntryProblem(ValueError):
    """What is wrong with one entry, and what to do about it."""

    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.hint = hint


def record_from_entry(entry: Any, path: Path, origin: Origin, gallery: str = "") -> CaptionRecord:
    """The record an entry describes; raises EntryProblem if it cannot be used."""
    if not isinstance(entry, Mapping):
        raise EntryProblem("photo entry is not an object", 'write each photo as {"image": "...", ...}')
    values = {str(k).strip().lower(): v for k, v in entry.items()}
    image = _text(values, "image")
    if not image:
        raise EntryProblem("photo has no 'image'", "add the image's path or URL")
    record_id = _text(values, "id")
    problem = id_problem(record_id) if record_id else None
    if problem:
        raise EntryProblem(problem, "use letters, digits, '-', '_' or '.'")
    return CaptionRecord(
        id=record_id,
        image=resolve_image(image, path),
        origin=origin,
        alt=_alt(values),
        keywords=_keywords(values.get("keywords")),
        gallery=gallery,
        **{key: _text(values, key) for key in TEXT_KEYS},
        **{key: _size(values, key) for key in SIZE_KEYS},
    )


def problem_error(problem: EntryProblem, path: Path, line: int | None) -> CorpusError:
    return CorpusError(path, str(problem), line, problem.hint)


def _text(values: Mapping[str, Any], key: str) -> str:
    value = values.get(key)
    if value is None:
        return ""
    _refuse_long_number(value, key)
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise EntryProblem(f"'{key}' is not text", f"write '{key}' as a string")
    return str(value).strip()


def _alt(values: Mapping[str, Any]) -> str | None:
    """None when there is no alt (or CSV leaves the cell empty), else the text ("" = decorative)."""
    if values.get("alt") is None:
        return None
    return _text(values, "alt")


def _keywords(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = _KEYWORD_SEPARATORS.split(value)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise EntryProblem("'keywords' is not a list of words", 'write them as ["a", "b"] or "a, b"')
    return tuple(dict.fromkeys(v.strip() for v in value if v.strip()))


def _size(values: Mapping[str, Any], key: str) -> int | None:
    value = values.get(key)
    if value is None or value == "":
        return None
    _refuse_long_number(value, key)
    if isinstance(value, str) and _PIXELS.fullmatch(value.strip()):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise EntryProblem(f"'{key}' is not a whole number of pixels", f"write '{key}' like 1600, or leave it out")
    return value


def _refuse_long_number(value: Any, key: str) -> None:
    if isinstance(value, LongNumber):
        raise EntryProblem(f"'{key}' is a number of {value.digits:,} digits, over max-number-digits ({value.limit})",
                           f"write '{key}' as a string, or shorten it")
