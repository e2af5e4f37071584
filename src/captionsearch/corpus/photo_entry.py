"""One record (a JSON object or a CSV row) -> CaptionRecord, through the field mapping.

Shared by the JSON, JSONL and CSV readers so the three formats accept the
same keys with the same meaning. Each field is read from the paths the field
map gives it (fields.py): the field's own name, common aliases, or what a
mapping says; keys not used are ignored, so an export can carry its own
extras. A record need not have an image (a catalogue entry not yet
photographed); it is indexed without one.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

from ..errors import CorpusError
from ..records import CaptionRecord, Origin, id_problem
from .field_paths import KeyPath, lookup, squash
from .fields import DEFAULT_FIELDS, FieldMap, FieldPaths
from .limits import LongNumber
from .references import resolve_image
from .textfile import Report

TEXT_KEYS = ("title", "caption", "credit", "date", "page", "long_description")
SIZE_KEYS = ("width", "height")
PLAIN_TEXT = frozenset({"title", "caption", "alt", "credit", "long_description"})  # HTML markup is dropped
_KEYWORD_SEPARATORS = re.compile(r"[,;]")
_PIXELS = re.compile(r"[0-9]{1,9}")  # ASCII digits only: str.isdigit() also takes "²", which int() refuses
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")

Entry = tuple[Any, Origin, str]  # an entry as written, where it starts, its gallery's title


class EntryProblem(ValueError):
    """What is wrong with one entry, and what to do about it."""

    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.hint = hint


@dataclass(frozen=True)
class Mapped:
    """A field's value as read, and the path it was read from."""

    value: Any
    path: KeyPath


def record_from_entry(
    entry: Any,
    path: Path,
    origin: Origin,
    gallery: str = "",
    fields: FieldMap = DEFAULT_FIELDS,
    problems: list[EntryProblem] | None = None,
) -> CaptionRecord:
    """The record an entry describes; raises EntryProblem if it cannot be used.

    A pixel size that cannot be read costs only itself: it is added to
    ``problems`` (when given) and the record is made without it.
    """
    values = {name: found.value for name, found in mapped_values(entry, fields, problems).items()}
    image = values.get("image") or ""
    return CaptionRecord(
        id=values.get("id") or "",
        image=resolve_image(image, path) if image else "",
        origin=origin,
        alt=values.get("alt"),
        keywords=values.get("keywords") or (),
        gallery=gallery,
        **{key: values.get(key) or "" for key in TEXT_KEYS},
        **{key: values.get(key) for key in SIZE_KEYS},
    )


def mapped_values(
    entry: Any, fields: FieldMap = DEFAULT_FIELDS, problems: list[EntryProblem] | None = None
) -> dict[str, Mapped]:
    """Each field that has a value in ``entry``: the value (converted) and its path."""
    if not isinstance(entry, Mapping):
        raise EntryProblem("photo entry is not an object", 'write each photo as {"image": "...", ...}')
    top = {squash(str(k)): v for k, v in entry.items()}
    found: dict[str, Mapped] = {}
    for field in fields.fields:
        try:
            value = _first_value(entry, top, field)
        except EntryProblem as problem:
            if problems is None or field.name not in SIZE_KEYS:
                raise
            problems.append(problem)  # a museum's "width" in millimetres, "(each):": not worth the record
            continue
        if value is not None:
            found[field.name] = value
    return found


def ignored_keys(entry: Mapping[str, Any], used: Mapping[str, Mapped]) -> list[str]:
    """The top-level keys of ``entry`` no field was read from."""
    heads = {m.path.head for m in used.values()}
    return [str(key) for key in entry if squash(str(key)) not in heads]


def records_from_entries(
    entries: Iterable[Entry], path: Path, report: Report, fields: FieldMap = DEFAULT_FIELDS
) -> Iterator[CaptionRecord]:
    """The record of each entry; an entry that cannot be used is reported, and the rest read."""
    for entry, origin, gallery in entries:
        problems: list[EntryProblem] = []
        try:
            yield record_from_entry(entry, path, origin, gallery, fields, problems)
        except EntryProblem as problem:
            report(problem_error(problem, path, origin.line))
        for problem in problems:
            report(CorpusError(path, str(problem), origin.line, f"{problem.hint}; the record was read without it"))


def problem_error(problem: EntryProblem, path: Path, line: int | None) -> CorpusError:
    return CorpusError(path, str(problem), line, problem.hint)


def _first_value(entry: Mapping[str, Any], top: dict[str, Any], field: FieldPaths) -> Mapped | None:
    blank: Mapped | None = None  # alt="" (decorative) counts only if no path gives a text
    for path in field.paths:
        # Most paths are one key: a lookup in the record's keys as compared (``top``), no walk.
        raw = top.get(path.key) if path.key is not None else lookup(entry, path.steps)
        if raw is None:
            continue
        if raw == "" or raw == [] or not field.accepts(path, raw):
            if raw == "" and field.name == "alt" and blank is None:
                blank = Mapped("", path)
            continue
        try:
            value = _CONVERTERS[field.name](raw, _label(field.name, path))
        except EntryProblem:
            if field.strict(path):
                raise
            continue  # an alias that means something else here
        if value in ("", (), None):
            if value == "" and field.name == "alt" and blank is None:
                blank = Mapped("", path)
            continue
        return Mapped(value, path)
    return blank


@lru_cache(maxsize=1024)  # a few labels, asked for once per value read
def _label(name: str, path: KeyPath) -> str:
    return f"'{name}'" if path.text == name else f"'{name}' (from {path.text})"


# -- converters: a raw value -> the field's value, or EntryProblem -------------------------


def _text(value: Any, label: str) -> str:
    _refuse_long_number(value, label)
    if isinstance(value, list) and value and all(_is_scalar(v) for v in value):
        return "; ".join(str(v).strip() for v in value if str(v).strip())
    if not _is_scalar(value):
        raise EntryProblem(f"{label} is not text", f"write {label.split(' ')[0]} as a string")
    return str(value).strip()


def _plain(joiner: str = "; ") -> Callable[[Any, str], str]:
    def convert(value: Any, label: str) -> str:
        if isinstance(value, list) and value and all(_is_scalar(v) for v in value):
            value = joiner.join(str(v).strip() for v in value if str(v).strip())
        text = _text(value, label)
        if "<" in text and _TAG.search(text):
            # An export's HTML (<p>, <br>, <em>): its words are the caption, its markup is not.
            text = " ".join(html.unescape(_TAG.sub(" ", text)).split())
        return text

    return convert


def _first(value: Any, label: str) -> str:
    """One value (an image, a page, a date): the first of a list of them."""
    if isinstance(value, list) and value and all(_is_scalar(v) for v in value):
        value = value[0]
    return _text(value, label)


def _is_scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def _id(value: Any, label: str) -> str:
    text = _first(value, label)
    problem = id_problem(text) if text else None
    if problem:
        raise EntryProblem(problem, "use letters, digits, '-', '_' or '.'")
    return text


def _keywords(value: Any, label: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = _KEYWORD_SEPARATORS.split(value)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise EntryProblem(f"{label} is not a list of words", 'write them as ["a", "b"] or "a, b"')
    return tuple(dict.fromkeys(v.strip() for v in value if v.strip()))


def _size(value: Any, label: str) -> int | None:
    _refuse_long_number(value, label)
    if isinstance(value, str) and _PIXELS.fullmatch(value.strip()):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise EntryProblem(f"{label} is not a whole number of pixels",
                           f"write {label.split(' ')[0]} like 1600, or leave it out")
    return value


def _refuse_long_number(value: Any, label: str) -> None:
    if isinstance(value, LongNumber):
        name = label.split(" ")[0]
        raise EntryProblem(f"{label} is a number of {value.digits:,} digits, over max-number-digits ({value.limit})",
                           f"write {name} as a string, or shorten it")


_CONVERTERS: dict[str, Callable[[Any, str], Any]] = {
    "id": _id,
    "image": _first,
    "title": _plain(),
    "caption": _plain(" "),
    "alt": _plain(),
    "credit": _plain(", "),
    "date": _first,
    "keywords": _keywords,
    "long_description": _plain(" "),
    "page": _first,
    "width": _size,
    "height": _size,
}
