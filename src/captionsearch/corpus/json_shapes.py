"""Where the records of a JSON document are: the shapes collections are exported in.

* a list of objects: each is a record;
* ``{"gallery": {...}, "photos": [...]}``: our own gallery manifest;
* an object with a list of records under a key (``{"data": [...]}``,
  ``{"items": [...]}``, ``{"response": {"docs": [...]}}``), found by looking
  up to three objects deep for lists of objects that look like records;
* one object that is itself a record (a museum's one-file-per-artwork export).

An object looks like a record when it holds a key the field map reads an
image, a title, a caption, an alt text or a long description from. An object
with an image key of its own is one record, whatever lists it holds (an
artwork's list of contributors is not a list of records). When several lists
could hold the records, none is guessed: the error names them, for
``--records-at``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator, Mapping

from .field_paths import KeyPath, parse_path, squash
from .fields import FieldMap

CONTENT_FIELDS = ("image", "title", "caption", "alt", "long_description")
SEARCH_DEPTH = 3  # objects looked into for a list of records
SAMPLE = 5  # items of a list looked at to decide whether it holds records


@dataclass(frozen=True)
class Shape:
    """Where the records are: a key path (() for the document itself), and whether it is one record."""

    steps: tuple[Any, ...]
    single: bool = False

    @property
    def text(self) -> str:
        return path_text(self.steps)


class ShapeProblem(ValueError):
    """No records found, or more than one place they could be; the message says what to do."""

    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.hint = hint


def find_records(document: Any, fields: FieldMap) -> Shape:
    """Where the records of a decoded document are; raises ShapeProblem."""
    if isinstance(document, list):
        return Shape(())
    if not isinstance(document, Mapping):
        raise ShapeProblem(f"no list of photos: the file holds {_kind(document)}",
                           "write a list of records, or an object with a list of records under a key")
    if isinstance(document.get("photos"), list):
        return Shape(("photos",))
    heads = _heads(fields, CONTENT_FIELDS)
    own = {squash(str(key)) for key in document}
    if own & _heads(fields, ("image",)):
        return Shape((), single=True)
    candidates = list(_record_lists(document, heads, ()))
    if len(candidates) == 1:
        return Shape(candidates[0])
    if len(candidates) > 1:
        named = ", ".join(path_text(c) for c in candidates[:6])
        raise ShapeProblem(f"records could be in any of several lists ({named})",
                           f"say which with --records-at, e.g. --records-at {path_text(candidates[0])}")
    if own & heads:
        return Shape((), single=True)
    raise ShapeProblem("no list of photos or records found in the object",
                       'write a list of records, or {"items": [...]}; or say where they are with --records-at')


def _heads(fields: FieldMap, names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(p.head for name in names for p in fields.get(name).paths if p.head)


def _record_lists(value: Mapping[str, Any], heads: frozenset[str], at: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    """Paths of the lists of records under ``value`` (a list found is not looked into)."""
    for key, child in value.items():
        path = (*at, str(key))
        if isinstance(child, list):
            if _holds_records(child, heads):
                yield path
        elif isinstance(child, Mapping) and len(path) < SEARCH_DEPTH:
            yield from _record_lists(child, heads, path)


def _holds_records(items: list[Any], heads: frozenset[str]) -> bool:
    sample = items[:SAMPLE]
    return bool(sample) and all(isinstance(item, Mapping) for item in sample) and any(
        squash(str(key)) in heads for item in sample for key in item
    )


def _kind(value: Any) -> str:
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    return "a number"


def path_text(steps: tuple[Any, ...]) -> str:
    """Steps as a path one can type: quoted where a key holds a dot or is all digits."""
    if not steps:
        return "."
    return ".".join(_quoted(step) for step in steps)


def _quoted(step: Any) -> str:
    if isinstance(step, int):
        return str(step)
    text = str(step)
    return f'"{text}"' if "." in text or text.isdigit() or text == "*" or not text.strip() else text


def parse_records_at(text: str) -> KeyPath | None:
    """``--records-at``: "." (or "") the document itself, else a key path."""
    return None if text.strip() in ("", ".") else parse_path(text)
