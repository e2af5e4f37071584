"""Corpus readers: manifests, collection exports, HTML pages, Markdown and image files -> CaptionRecords.

Every reader has the same shape, ``read_<format>(path, report)``, yields
records and passes each problem to ``report`` as a CorpusError, carrying on
with the rest. read_corpus() finds the files, reads each with the reader for
its extension and merges the records into one per photo (see merge);
stream_corpus() does the same for the indexer without holding every record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Container, Iterator, Sequence

from ..errors import CorpusError
from ..records import CaptionRecord
from .discovery import (
    IMAGE_EXTENSIONS,
    MANIFEST_EXTENSIONS,
    SUPPORTED_EXTENSIONS,
    corpus_root,
    iter_corpus_files,
)
from .limits import DEFAULT_LIMITS, ReadLimits
from .manifest import read_jsonl
from .merge import drop_duplicate_entries, merge_stream
from .references import forget_resolved_folders
from .registry import reader_for
from .textfile import Report

__all__ = [
    "CorpusResult",
    "CorpusStream",
    "ReadLimits",
    "SUPPORTED_EXTENSIONS",
    "iter_corpus_files",
    "read_corpus",
    "read_file",
    "stream_corpus",
]


@dataclass(frozen=True)
class CorpusResult:
    """What a corpus holds: one record per photo (sorted by id), the problems, the files read."""

    records: tuple[CaptionRecord, ...]
    errors: tuple[CorpusError, ...]
    files: tuple[Path, ...]


@dataclass
class CorpusStream:
    """A corpus read as it is consumed, so a large one never sits in memory whole.

    ``errors`` grows while the records are read: it is complete only once
    read() has been consumed to the end.
    """

    files: tuple[Path, ...]
    root: str
    errors: list[CorpusError] = field(default_factory=list)
    limits: ReadLimits = DEFAULT_LIMITS

    def read(self) -> Iterator[CaptionRecord]:
        """One merged record per photo, in reading order (photos with several sources last)."""
        forget_resolved_folders()  # the file system may have changed since the last reading
        shared = self._shared_images()
        records = _read_files(self.files, self.errors.append, self.limits)
        yield from merge_stream(records, self.root, self.errors.append, shared)

    def single_jsonl(self) -> Path | None:
        """The corpus's one file, if it is a JSONL manifest: a photo per line, never merged with another."""
        if len(self.files) == 1 and self.files[0].suffix.lower() == ".jsonl":
            return self.files[0]
        return None

    def read_lines(self, numbers: Container[int]) -> Iterator[CaptionRecord]:
        """The photos on these lines of the corpus's one JSONL file (see single_jsonl), as read() gives them."""
        path = self.single_jsonl()
        assert path is not None, "only a corpus of one JSONL manifest is read by line"
        records = read_jsonl(path, self.errors.append, self.limits, only=numbers)
        yield from merge_stream(records, self.root, self.errors.append, shared=())

    def _shared_images(self) -> set[str]:
        """The images that more than one record describes, found by a first, silent reading.

        A single manifest lists each photo once, so it needs no such pass. An
        image file describes itself: its name is enough, its metadata is not read.
        """
        if len(self.files) == 1 and self.files[0].suffix.lower() in MANIFEST_EXTENSIONS:
            return set()
        seen: set[str] = set()
        shared: set[str] = set()
        for image in self._images():
            (shared if image in seen else seen).add(image)
        return shared

    def _images(self) -> Iterator[str]:
        texts = [path for path in self.files if path.suffix.lower() not in IMAGE_EXTENSIONS]
        for record in drop_duplicate_entries(_read_files(texts, _ignore, self.limits), _ignore):
            if record.image:  # a record without an image merges with nothing
                yield record.image
        for path in self.files:
            if path.suffix.lower() in IMAGE_EXTENSIONS:
                yield path.resolve().as_posix()


def _read_files(paths: Sequence[Path], report: Report, limits: ReadLimits) -> Iterator[CaptionRecord]:
    for path in paths:
        try:
            yield from read_file(path, report, limits)
        except Exception as exc:  # noqa: BLE001 - whatever a reader trips on costs its file, never the run
            report(CorpusError(path, f"could not be read: {type(exc).__name__}: {exc}",
                               hint="the records read before this point were kept; please report this file"))


def _ignore(error: CorpusError) -> None:
    """The first, silent reading leaves problems to the second, which reports them."""


def stream_corpus(
    paths: Sequence[str | Path],
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    limits: ReadLimits = DEFAULT_LIMITS,
) -> CorpusStream:
    """The corpus files under ``paths``, ready to be read record by record (see read_corpus)."""
    errors: list[CorpusError] = []
    files = tuple(iter_corpus_files(paths, include, exclude, report=errors.append))
    return CorpusStream(files, corpus_root(paths), errors, limits)


def read_corpus(
    paths: Sequence[str | Path],
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    limits: ReadLimits = DEFAULT_LIMITS,
) -> CorpusResult:
    """Read every corpus file under ``paths`` and merge the records per photo.

    Generated ids are relative to the common folder of ``paths``, so they stay
    the same when the whole corpus folder moves.
    """
    corpus = stream_corpus(paths, include, exclude, limits)
    records = sorted(corpus.read(), key=lambda r: r.id)
    return CorpusResult(tuple(records), tuple(corpus.errors), corpus.files)


def read_file(path: Path, report: Report, limits: ReadLimits = DEFAULT_LIMITS) -> Iterator[CaptionRecord]:
    """The records of one file, read by the reader the registry names for its extension."""
    reader = reader_for(path)
    if reader is None:
        raise ValueError(f"no reader for {path.suffix} files")
    return reader.read(path, report, limits)
