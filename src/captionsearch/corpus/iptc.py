"""IPTC IIM datasets (as PIL.IptcImagePlugin.getiptcinfo returns them) -> text.

IIM carries no encoding of its own unless dataset 1:90 (Coded Character Set)
says so; ESC % G declares UTF-8. Without it, files in the wild are UTF-8
(modern tools) or Windows-1252/Latin-1 (older ones), so UTF-8 is tried first
and the 8-bit code pages are the fallback: valid UTF-8 is rarely an accident.
"""

from __future__ import annotations

from typing import Mapping

Datasets = Mapping[tuple[int, int], bytes | list[bytes]]

CODED_CHARACTER_SET = (1, 90)
UTF8_MARKERS = (b"\x1b%G", b"\x1b%/G", b"\x1b%/I")
OBJECT_NAME = (2, 5)
KEYWORDS = (2, 25)
DATE_CREATED = (2, 55)
BY_LINE = (2, 80)
HEADLINE = (2, 105)
CREDIT = (2, 110)
CAPTION_ABSTRACT = (2, 120)


def values(datasets: Datasets, key: tuple[int, int]) -> list[str]:
    """Every value of a (repeatable) dataset, decoded, blanks dropped."""
    raw = datasets.get(key)
    if raw is None:
        return []
    items = raw if isinstance(raw, list) else [raw]
    declared_utf8 = _declares_utf8(datasets)
    decoded = (_decode(item or b"", declared_utf8).strip() for item in items)
    return [text for text in decoded if text]


def first(datasets: Datasets, key: tuple[int, int]) -> str:
    found = values(datasets, key)
    return found[0] if found else ""


def date_created(datasets: Datasets) -> str:
    """2:55 is CCYYMMDD; returned as YYYY-MM-DD (or as stored, if it is not that shape)."""
    raw = first(datasets, DATE_CREATED)
    if len(raw) == 8 and raw.isdigit():
        return f"{raw[:4]}-{raw[4:6]}-{raw[6:]}"
    return raw


def _declares_utf8(datasets: Datasets) -> bool:
    marker = datasets.get(CODED_CHARACTER_SET)
    if isinstance(marker, list):
        marker = marker[0]
    return bool(marker) and marker.strip() in UTF8_MARKERS  # type: ignore[union-attr]


def _decode(raw: bytes, declared_utf8: bool) -> str:
    if declared_utf8:
        return raw.decode("utf-8", errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError:  # the five bytes cp1252 leaves undefined
            return raw.decode("latin-1")
