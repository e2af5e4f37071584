"""Corpus readers: manifests, HTML pages, Markdown and image files -> CaptionRecords.

Every reader has the same shape, ``read_<format>(path, report)``, yields
records and passes each problem to ``report`` as a CorpusError, carrying on
with the rest. read_corpus() finds the files, reads each with the reader for
its extension and merges the records into one per photo (see merge).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

from ..errors import CorpusError
from ..records import CaptionRecord
from .discovery import (
    HTML_EXTENSIONS,
    IMAGE_EXTENSIONS,
    MANIFEST_EXTENSIONS,
    MARKDOWN_EXTENSIONS,
    SUPPORTED_EXTENSIONS,
    corpus_root,
    iter_corpus_files,
)
from .html import read_html
from .manifest import read_manifest
from .markdown import read_markdown
from .merge import merge_records
from .metadata import read_image_metadata
from .textfile import Report

__all__ = [
    "CorpusResult",
    "SUPPORTED_EXTENSIONS",
    "iter_corpus_files",
    "read_corpus",
    "read_file",
]


@dataclass(frozen=True)
class CorpusResult:
    """What a corpus holds: one record per photo (sorted by id), the problems, the files read."""

    records: tuple[CaptionRecord, ...]
    errors: tuple[CorpusError, ...]
    files: tuple[Path, ...]


def read_corpus(
    paths: Sequence[str | Path],
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
) -> CorpusResult:
    """Read every corpus file under ``paths`` and merge the records per photo.

    Generated ids are relative to the common folder of ``paths``, so they stay
    the same when the whole corpus folder moves.
    """
    errors: list[CorpusError] = []
    files = tuple(iter_corpus_files(paths, include, exclude, report=errors.append))
    records = [record for path in files for record in read_file(path, errors.append)]
    merged = merge_records(records, corpus_root(paths), errors.append)
    return CorpusResult(tuple(sorted(merged, key=lambda r: r.id)), tuple(errors), files)


def read_file(path: Path, report: Report) -> Iterator[CaptionRecord]:
    """The records of one file, read by the reader for its extension."""
    suffix = path.suffix.lower()
    if suffix in MANIFEST_EXTENSIONS:
        return read_manifest(path, report)
    if suffix in HTML_EXTENSIONS:
        return read_html(path, report)
    if suffix in MARKDOWN_EXTENSIONS:
        return read_markdown(path, report)
    if suffix in IMAGE_EXTENSIONS:
        return read_image_metadata(path, report)
    raise ValueError(f"no reader for {path.suffix} files")
