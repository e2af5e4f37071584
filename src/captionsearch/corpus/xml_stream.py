"""XML read safely and a record at a time: the corpus's XML formats share this parser.

An export can hold tens of thousands of records, so the file is fed to expat
in blocks and each record element is handed on (and dropped from the tree)
as soon as it closes: memory holds one record, not the file. What a hostile
file could do is refused up front:

* a DOCTYPE is refused outright: a DTD declares entities, and entities can
  expand without bound (the "billion laughs") or read local files; no export
  format captionsearch reads needs one;
* one record may hold at most ``max-record-bytes`` of the file, and elements
  may nest at most ``max-json-depth`` deep (the limits JSON entries have).
"""

from __future__ import annotations

import xml.parsers.expat
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable, Iterator
from xml.etree.ElementTree import Element

from .limits import ReadLimits

BLOCK = 1 << 16
SNIFF_BYTES = 16 * BLOCK  # where the document element must start for a file's format to be told
CONTEXT_CHARS = 1_000  # of a context element's text (a channel's title): more is not a title
_SEPARATOR = "}"


class XmlRefused(ValueError):
    """The file cannot be read (malformed, a DTD, a limit broken): message, line and what to do."""

    def __init__(self, message: str, line: int | None, hint: str):
        super().__init__(message)
        self.line = line
        self.hint = hint


@dataclass(frozen=True)
class Root:
    """The document element: its name ("{namespace}local") and every namespace the file declares."""

    tag: str
    namespaces: frozenset[str]

    @property
    def local(self) -> str:
        return self.tag.rsplit(_SEPARATOR, 1)[-1]

    @property
    def namespace(self) -> str:
        return self.tag[1:].split(_SEPARATOR, 1)[0] if self.tag.startswith("{") else ""


@dataclass
class Found:
    """A record element as it closed, the line it opened on, and why it cannot be used ("" if it can).

    ``context`` holds the text of the elements outside records the format
    asked to keep (a channel's title), as read so far.
    """

    element: Element
    line: int
    problem: str = ""
    hint: str = ""
    context: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Format:
    """What one XML format reads: which elements are records, which outside them are kept as context."""

    is_record: Callable[[str, int], bool]  # (tag, depth) -> a record starts here
    context: frozenset[str] = frozenset()  # tags whose text is kept when met outside a record


@dataclass
class _Builder:
    """Builds record elements from expat's events; everything outside records is dropped as it closes."""

    form: Format
    limits: ReadLimits
    parser: xml.parsers.expat.XMLParserType
    stack: list[Element] = field(default_factory=list)
    done: list[Found] = field(default_factory=list)
    context: dict[str, str] = field(default_factory=dict)
    record_depth: int = -1  # where the open record is on the stack; -1: none open
    record_line: int = 0
    record_offset: int = 0
    oversized: bool = False

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        depth = len(self.stack)
        if depth >= self.limits.json_depth:
            raise XmlRefused(f"elements nest more than max-json-depth ({self.limits.json_depth}) deep",
                             self.parser.CurrentLineNumber, "flatten the file; an export record needs a few levels")
        element = Element(_name(tag), {_name(k): v for k, v in attributes.items()})
        if self.record_depth < 0 and self.form.is_record(element.tag, depth):
            self.record_depth, self.record_line = depth, self.parser.CurrentLineNumber
            self.record_offset, self.oversized = self.parser.CurrentByteIndex, False
        elif self._in_record() and not self._over_limit():
            self.stack[-1].append(element)
        self.stack.append(element)

    def end(self, tag: str) -> None:
        element = self.stack.pop()
        depth = len(self.stack)
        if depth == self.record_depth:
            self.record_depth = -1
            self.done.append(self._found(element))
        elif not self._in_record() and element.tag in self.form.context:
            self.context.setdefault(element.tag, (element.text or "")[:CONTEXT_CHARS].strip())

    def text(self, data: str) -> None:
        if not self.stack or self._over_limit():
            return
        parent = self.stack[-1]
        if not self._in_record() and (parent.tag not in self.form.context
                                      or len(parent.text or "") > CONTEXT_CHARS):
            return  # text between records: nothing reads it, or enough of it was kept
        parent.text = (parent.text or "") + data  # records' elements hold text or children, not both

    def _in_record(self) -> bool:
        return self.record_depth >= 0

    def _over_limit(self) -> bool:
        if self._in_record() and not self.oversized:
            self.oversized = self.parser.CurrentByteIndex - self.record_offset > self.limits.record_bytes
        return self._in_record() and self.oversized

    def _found(self, element: Element) -> Found:
        if not self.oversized:
            return Found(element, self.record_line, context=dict(self.context))
        size = self.parser.CurrentByteIndex - self.record_offset
        return Found(Element(element.tag), self.record_line, context=dict(self.context),
                     problem=f"record is {size:,} bytes, over max-record-bytes ({self.limits.record_bytes:,})",
                     hint="split it, or raise max-record-bytes")


def _name(tag: str) -> str:
    return "{" + tag if _SEPARATOR in tag else tag


def _refuse_doctype(*_: object) -> None:
    raise XmlRefused("the file declares a DOCTYPE, which is refused", None,
                     "remove the <!DOCTYPE ...> line: its entities could expand without bound")


def parse_records(path: Path, form: Format, limits: ReadLimits) -> Iterator[Found]:
    """The record elements of ``path``, each as it closes.

    Raises XmlRefused, after the records read so far were yielded.
    """
    with path.open("rb") as file:
        yield from _parse(file, form, limits)


def _parse(file: BinaryIO, form: Format, limits: ReadLimits) -> Iterator[Found]:
    parser = xml.parsers.expat.ParserCreate(namespace_separator=_SEPARATOR)
    builder = _Builder(form, limits, parser)
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_doctype
    parser.CharacterDataHandler = builder.text
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    while True:
        block = file.read(BLOCK)
        try:
            parser.Parse(block, not block)
        except xml.parsers.expat.ExpatError as exc:
            yield from builder.done
            raise XmlRefused(f"invalid XML: {xml.parsers.expat.ErrorString(exc.code)}", exc.lineno,
                             "fix the markup there") from None
        except XmlRefused:
            yield from builder.done
            raise
        yield from builder.done
        builder.done.clear()
        if not block:
            return


def sniff_root(path: Path, limit: int = SNIFF_BYTES) -> Root | None:
    """The document element of an XML file, read from at most its first ``limit`` bytes.

    None when no element starts there; raises XmlRefused for a DOCTYPE or
    malformed XML before it, and OSError when the file cannot be read.
    """
    found: list[Root] = []
    parser = xml.parsers.expat.ParserCreate(namespace_separator=_SEPARATOR)
    namespaces: set[str] = set()
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.StartNamespaceDeclHandler = lambda prefix, uri: namespaces.add(uri)

    def start(tag: str, attributes: dict[str, str]) -> None:
        found.append(Root(_name(tag), frozenset(namespaces)))
        raise _RootFound

    parser.StartElementHandler = start
    with path.open("rb") as file:
        for _ in range(limit // BLOCK):
            block = file.read(BLOCK)
            try:
                parser.Parse(block, not block)
            except _RootFound:
                break
            except xml.parsers.expat.ExpatError as exc:
                raise XmlRefused(f"invalid XML: {xml.parsers.expat.ErrorString(exc.code)}", exc.lineno,
                                 "fix the markup there") from None
            if not block:
                break
    return found[0] if found else None


class _RootFound(Exception):
    """Stops the sniffing parser at the first element."""
