"""Every corpus format: its source kind, its file extensions, and its reader. One line each.

A reader has one shape, ``read(path, report, limits) -> Iterator[CaptionRecord]``:
it yields the records of one file and passes each problem to ``report``,
carrying on with the rest. Readers are imported when first used, so looking
up a file's format (discovery, the audit's walk) costs no reader's imports.

Adding a format: a reader module in corpus/, one line in READERS, its tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from importlib import import_module
from pathlib import Path
from typing import Callable, Iterator

from ..records import CaptionRecord, SourceKind


@dataclass(frozen=True)
class Reader:
    """A corpus format: the kind of source it is, the extensions of its files, where its reader is."""

    kind: SourceKind
    extensions: frozenset[str]
    location: str  # "module:function" in captionsearch.corpus

    @cached_property
    def read(self) -> Callable[..., Iterator[CaptionRecord]]:
        module, function = self.location.split(":")
        return getattr(import_module(f"captionsearch.corpus.{module}"), function)


READERS: tuple[Reader, ...] = (
    Reader(SourceKind.MANIFEST, frozenset({".json", ".jsonl", ".csv", ".tsv"}), "manifest:read_manifest"),
    Reader(SourceKind.MANIFEST, frozenset({".xml"}), "xml_formats:read_xml"),  # WXR, OAI-PMH, Dublin Core
    Reader(SourceKind.HTML, frozenset({".html", ".htm"}), "html:read_html"),
    Reader(SourceKind.MARKDOWN, frozenset({".md", ".markdown", ".mdown", ".mkd", ".mdx"}), "markdown:read_markdown"),
    Reader(SourceKind.METADATA, frozenset({".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp"}),
           "metadata:read_image_metadata"),
)
_BY_EXTENSION = {extension: reader for reader in READERS for extension in reader.extensions}
SUPPORTED_EXTENSIONS = frozenset(_BY_EXTENSION)


def extensions(kind: SourceKind) -> frozenset[str]:
    """The file extensions of one kind of source (several readers may read one kind)."""
    return frozenset().union(*(reader.extensions for reader in READERS if reader.kind == kind))


def reader_for(path: Path) -> Reader | None:
    """The format of a file, by its extension (None: not a corpus file)."""
    return _BY_EXTENSION.get(path.suffix.lower())
