"""XML exports: one reader for .xml that tells the formats apart by the document element.

    a WordPress export (WXR)   <rss> declaring the wordpress.org/export namespace
    an OAI-PMH response        <OAI-PMH> (ListRecords, GetRecord) holding oai_dc records
    a Dublin Core record       <oai_dc:dc> on its own

Any other XML (a sitemap, a feed, an SVG) is named as such and not read. Each
format is a module with ``recognises(root)``, ``FORMAT`` (which elements are
records) and ``record(found, path)`` (the CaptionRecord of one, or None when
it is not a photo); records are read as they close (see xml_stream).
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import Iterator

from ..errors import CorpusError
from ..records import CaptionRecord
from .limits import DEFAULT_LIMITS, ReadLimits
from .photo_entry import EntryProblem
from .textfile import Report
from .xml_stream import SNIFF_BYTES, Root, XmlRefused, parse_records, sniff_root

FORMAT_MODULES = ("wxr", "oai_dc")
FORMAT_NAMES = "a WordPress export (WXR), an OAI-PMH response or a Dublin Core (oai_dc) record"


def xml_format(root: Root | None) -> ModuleType | None:
    """The module reading XML whose document element is ``root``, or None for any other XML."""
    if root is None:
        return None
    for name in FORMAT_MODULES:
        module = import_module(f"captionsearch.corpus.{name}")
        if module.recognises(root):
            return module
    return None


def is_readable_xml(path: Path) -> bool:
    """Whether ``path`` is XML in one of the formats read here (a cheap look at its first element)."""
    try:
        return xml_format(sniff_root(path)) is not None
    except (OSError, XmlRefused):
        return False


def is_other_xml(path: Path) -> bool:
    """Whether ``path`` is well-formed XML of another kind (its document element says so).

    XML that cannot be looked at (a DOCTYPE, broken markup, no element) is not
    "other": its reader says what is wrong with it.
    """
    try:
        root = sniff_root(path)
    except (OSError, XmlRefused):
        return False
    return root is not None and xml_format(root) is None


def read_xml(path: Path, report: Report, limits: ReadLimits = DEFAULT_LIMITS) -> Iterator[CaptionRecord]:
    """The photos of an XML export; other XML is reported as not a format captionsearch reads."""
    try:
        root = sniff_root(path)
    except XmlRefused as refused:
        report(CorpusError(path, str(refused), refused.line, refused.hint))
        return
    except OSError as exc:
        report(CorpusError(path, f"cannot read file: {exc.strerror}", hint="check that it exists and is readable"))
        return
    module = xml_format(root)
    if module is None:
        report(_not_a_format(path, root))
        return
    yield from _records(path, module, report, limits)


def _records(path: Path, module: ModuleType, report: Report, limits: ReadLimits) -> Iterator[CaptionRecord]:
    try:
        for found in parse_records(path, module.FORMAT, limits):
            if found.problem:
                report(CorpusError(path, found.problem, found.line, found.hint))
                continue
            try:
                record = module.record(found, path)
            except EntryProblem as problem:
                report(CorpusError(path, str(problem), found.line, problem.hint))
                continue
            if record is not None:
                yield record
    except XmlRefused as refused:
        report(CorpusError(path, str(refused), refused.line, refused.hint))


def _not_a_format(path: Path, root: Root | None) -> CorpusError:
    if root is None:
        return CorpusError(path, f"no XML element in the file's first {SNIFF_BYTES:,} bytes",
                           hint=f"give {FORMAT_NAMES}, its document element near the start")
    namespace = f" in namespace {root.namespace}" if root.namespace else ""
    return CorpusError(path, f"XML of another kind: its document element is <{root.local}>{namespace}",
                       hint=f"captionsearch reads {FORMAT_NAMES}; leave this file out (--exclude)")
