"""Front matter: the YAML (``---``) or TOML (``+++``) block at the top of a Markdown page.

Three things are read from it: the page's language (``lang``,
``language``, ``locale``), its title, and images the page's template shows
with an alt given beside them (``image`` with ``image_alt``, ``cover: {image,
alt}`` and the like). YAML is read with a small reader of the subset front
matter uses (scalars, one level of nested mappings, lists of scalars), so no
YAML library is needed.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

_YAML_BLOCK = re.compile(r"\A(?:\ufeff)?---[ \t]*\r?\n(.*?\r?\n)?(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)
_TOML_BLOCK = re.compile(r"\A(?:\ufeff)?\+\+\+[ \t]*\r?\n(.*?\r?\n)?\+\+\+[ \t]*(?:\r?\n|\Z)", re.S)
_KEY = re.compile(r"^(?P<indent>[ \t]*)(?:-\s+)?(?P<key>[\w.-]+)\s*:\s*(?P<value>.*?)\s*$")
IMAGE_KEYS = ("image", "cover", "hero", "hero_image", "featured_image", "feature_image", "banner", "header_image")
ALT_SUFFIXES = ("_alt", "_alt_text", "alt", "_description")
NESTED_SRC = ("src", "image", "path", "url", "file")
NESTED_ALT = ("alt", "alt_text", "alttext", "image_alt", "image_description", "description")


@dataclass(frozen=True)
class FrontMatterImage:
    src: str
    alt: str | None
    line: int  # 1-based line of the key in the file


@dataclass(frozen=True)
class FrontMatter:
    end: int = 0  # offset just after the block; 0 when there is none
    language: str = ""
    title: str = ""
    images: tuple[FrontMatterImage, ...] = ()
    images_without_alt: int = 0
    values: dict[str, Any] = field(default_factory=dict)


def read_front_matter(text: str) -> FrontMatter:
    """The front matter at the top of ``text`` (an empty FrontMatter when there is none)."""
    match = _YAML_BLOCK.match(text)
    values: dict[str, Any] = {}
    lines: dict[str, int] = {}
    if match:
        values, lines = _read_yaml(match.group(1) or "")
    else:
        match = _TOML_BLOCK.match(text)
        if not match:
            return FrontMatter()
        try:
            values = tomllib.loads(match.group(1) or "")
        except tomllib.TOMLDecodeError:
            values = {}
        lines = _toml_key_lines(match.group(1) or "")
    images, missing = _images(values, lines)
    return FrontMatter(
        end=match.end(),
        language=str(_first(values, "lang", "language", "locale") or ""),
        title=str(values.get("title") or ""),
        images=tuple(images),
        images_without_alt=missing,
        values=values,
    )


def _first(values: dict[str, Any], *keys: str) -> Any:
    return next((values[k] for k in keys if isinstance(values.get(k), (str, int, float)) and values[k] != ""), None)


def _images(values: dict[str, Any], lines: dict[str, int]) -> tuple[list[FrontMatterImage], int]:
    images, missing = [], 0
    for key in IMAGE_KEYS:
        value = values.get(key)
        line = lines.get(key, 1) + 1  # the block's first line is the opening ---
        if isinstance(value, str) and value.strip():
            alt = _first(values, *(key + suffix for suffix in ALT_SUFFIXES), *(f"{key}Alt",))
            if alt is None and key == "image":
                alt = _first(values, "image_alt", "alt", "imageAlt")
            if alt is None:
                missing += 1
            else:
                images.append(FrontMatterImage(value.strip(), str(alt), line))
        elif isinstance(value, dict):
            src = _first(value, *NESTED_SRC)
            if not src:
                continue
            alt = _first(value, *NESTED_ALT)
            if alt is None and "alt" in value:
                alt = ""  # alt: "" -- decorative, said on purpose
            if alt is None:
                missing += 1
            else:
                images.append(FrontMatterImage(str(src), str(alt), line))
    return images, missing


def _read_yaml(block: str) -> tuple[dict[str, Any], dict[str, int]]:
    """Top-level keys with scalar, mapping (one level) or list-of-scalar values, and each key's line."""
    values: dict[str, Any] = {}
    lines: dict[str, int] = {}
    parent = ""
    for number, raw in enumerate(block.splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        match = _KEY.match(raw)
        indented = raw[:1] in (" ", "\t")
        if match and not indented:
            key, value = match.group("key"), match.group("value")
            lines[key] = number
            parent = key if value in ("", "|", ">", "|-", ">-") else ""
            values[key] = _scalar(value) if value not in ("", "|", ">", "|-", ">-") else {}
        elif match and parent and isinstance(values.get(parent), dict):
            values[parent][match.group("key")] = _scalar(match.group("value"))
        elif parent and raw.lstrip().startswith("- "):
            existing = values.get(parent)
            if not isinstance(existing, list):
                existing = values[parent] = []
            existing.append(_scalar(raw.lstrip()[2:]))
    return values, lines


def _scalar(value: str) -> Any:
    value = re.sub(r"\s+#.*$", "", value) if not value.startswith(("'", '"')) else value
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        inner = value[1:-1]
        return inner.replace("''", "'") if value[0] == "'" else re.sub(r'\\(["\\])', r"\1", inner)
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    if value in ("~", "null"):
        return None
    return value


def _toml_key_lines(block: str) -> dict[str, int]:
    lines = {}
    for number, raw in enumerate(block.splitlines(), start=1):
        match = re.match(r"^\s*(?:\[)?\s*([\w.-]+)\s*(?:=|\])", raw)
        if match:
            lines.setdefault(match.group(1), number)
    return lines
