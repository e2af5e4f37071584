"""Key paths into a record: ``images.0.image_url``, ``creator.*.full_name``, ``"dc:title"``.

A path is a list of steps separated by dots. A step is a key, a list index
(digits) or ``*`` (every item of a list, or every value of an object). A key
holding a dot or starting with a digit is written in double quotes. Keys are
matched as written first, then ignoring case and ``_``/``-``/spaces, so
``imageUrl``, ``image_url`` and ``Image URL`` are one key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator, Mapping

WILDCARD = object()  # the "*" step
_SQUASH = str.maketrans("", "", "_- ")


class PathSyntaxError(ValueError):
    """A path that cannot be read; the message says where."""


@dataclass(frozen=True)
class KeyPath:
    """A parsed path: its steps (str keys, int indexes, WILDCARD) and the text it was written as."""

    text: str
    steps: tuple[Any, ...]
    head: str = ""  # the top-level key the path starts from (squashed), "" for an index or wildcard
    key: str | None = None  # a path of one key: that key (squashed), looked up without walking

    @classmethod
    def of(cls, text: str, steps: tuple[Any, ...]) -> "KeyPath":
        first = steps[0] if steps else None
        head = squash(first) if isinstance(first, str) else ""
        return cls(text, steps, head, head if len(steps) == 1 and head else None)

    def __str__(self) -> str:
        return self.text


def squash(key: str) -> str:
    """A key as compared: lowercase, without underscores, hyphens and spaces."""
    return key.lower().translate(_SQUASH).strip()


def parse_path(text: str) -> KeyPath:
    """Parse one path; raises PathSyntaxError naming what is wrong."""
    text = text.strip()
    if not text:
        raise PathSyntaxError("an empty path")
    steps: list[Any] = []
    at = 0
    while at <= len(text):
        step, at = _step(text, at)
        steps.append(step)
        if at == len(text):
            break
        at += 1  # past the "."
    return KeyPath.of(text, tuple(steps))


def _step(text: str, at: int) -> tuple[Any, int]:
    if text.startswith('"', at):
        close = text.find('"', at + 1)
        if close < 0:
            raise PathSyntaxError(f"{text!r}: a quote at character {at + 1} is never closed")
        if close + 1 < len(text) and text[close + 1] != ".":
            raise PathSyntaxError(f"{text!r}: put a '.' after the quoted key at character {close + 2}")
        return text[at + 1 : close], close + 1
    end = text.find(".", at)
    end = len(text) if end < 0 else end
    word = text[at:end].strip()
    if not word:
        raise PathSyntaxError(f"{text!r}: an empty step at character {at + 1} (two dots, or a dot at an end)")
    if word == "*":
        return WILDCARD, end
    return (int(word) if word.isdigit() else word), end


def split_paths(text: str) -> list[str]:
    """``a.b,"x,y".c`` -> ["a.b", '"x,y".c']: commas outside quotes separate paths."""
    parts, current, quoted = [], [], False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == "," and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [part.strip() for part in parts if part.strip()]


def lookup(value: Any, steps: tuple[Any, ...]) -> Any:
    """The value at ``steps`` inside ``value`` (None when absent); a wildcard gives a list."""
    for number, step in enumerate(steps):
        if value is None:
            return None
        if step is WILDCARD:
            items = value.values() if isinstance(value, Mapping) else value if isinstance(value, list) else ()
            rest = steps[number + 1 :]
            return list(_flatten(lookup(item, rest) for item in items))
        value = _child(value, step)
    return value


def _child(value: Any, step: Any) -> Any:
    if isinstance(value, list):
        return value[step] if isinstance(step, int) and step < len(value) else None
    if not isinstance(value, Mapping):
        return None
    key = str(step)
    if key in value:
        return value[key]
    wanted = squash(key)
    for name, child in value.items():
        if squash(str(name)) == wanted:
            return child
    return None


def _flatten(values: Iterator[Any]) -> Iterator[Any]:
    for value in values:
        if isinstance(value, list):
            yield from (v for v in value if v is not None)
        elif value is not None:
            yield value
