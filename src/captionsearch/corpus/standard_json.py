"""Standard JSON formats, recognised by their shape before a file is read as a list of records.

Each entry is ``(recognise, "module:function")``: ``recognise(document)``
says whether a decoded JSON document is in the format, and the function,
``read(document, path, report, limits) -> Iterator[CaptionRecord]``, turns it
into records. The JSON reader asks these in order before it looks for a list
of photos, so a IIIF manifest is never mistaken for one record.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import Any, Callable, Iterator

from ..records import CaptionRecord
from .iiif import is_iiif_presentation
from .limits import ReadLimits
from .textfile import Report

StandardReader = Callable[[Any, Path, Report, ReadLimits], Iterator[CaptionRecord]]

STANDARD_JSON: tuple[tuple[Callable[[Any], bool], str], ...] = (
    (is_iiif_presentation, "iiif:read_iiif"),
)


def standard_reader(document: Any) -> StandardReader | None:
    """The reader of the standard format ``document`` is in, or None (then it is a list of records)."""
    for recognise, location in STANDARD_JSON:
        if recognise(document):
            module, function = location.split(":")
            reader: StandardReader = getattr(import_module(f"captionsearch.corpus.{module}"), function)
            return reader
    return None
