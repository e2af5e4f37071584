"""Dublin Core records, as OAI-PMH serves them (oai_dc), or one such record on its own.

An OAI-PMH response (ListRecords, GetRecord) holds ``<record>`` elements,
each a ``<header>`` (the record's identifier; status="deleted" for a record
withdrawn, which is passed over) and ``<metadata>`` holding an
``<oai_dc:dc>``. A file may also be a bare ``<oai_dc:dc>``. Of the fifteen
elements a photo needs:

    title             dc:title (the first)
    caption           dc:description (every one, in order)
    credit            dc:creator, then dc:rights
    date              dc:date (the first)
    keywords          dc:subject (a value may list several, split at ";")
    image             the first dc:identifier that is the address of an image file
    page              the first other dc:identifier that is a web address
    id                the header's identifier

A record whose identifiers name no image file is a record without an image
(indexed, and found by ``has:image``, unless ``--require-image``).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

from ..records import CaptionRecord, Origin, SourceKind, id_problem, slugify
from .html_tree import squash
from .photo_entry import EntryProblem
from .references import resolve_image
from .wxr import IMAGE_SUFFIXES
from .xml_stream import Format, Found, Root

OAI = "{http://www.openarchives.org/OAI/2.0/}"
OAI_DC = "{http://www.openarchives.org/OAI/2.0/oai_dc/}dc"
DC = "{http://purl.org/dc/elements/1.1/}"
_WEB = re.compile(r"https?://", re.I)
# An IIIF Image API address names a picture without a file extension: .../full/max/0/default.jpg has
# one, but .../full/full/0/default also serves an image.
_IIIF_IMAGE = re.compile(r"/full/[^/]+/\d+/(default|color|gray|bitonal)(\.\w+)?$")


def _is_record(tag: str, depth: int) -> bool:
    return (tag == f"{OAI}record" and depth == 2) or (tag == OAI_DC and depth == 0) or (
        tag == f"{OAI}error" and depth == 1)


FORMAT = Format(is_record=_is_record)


def recognises(root: Root) -> bool:
    return root.tag in (f"{OAI}OAI-PMH", OAI_DC)


def record(found: Found, path: Path) -> CaptionRecord | None:
    """The photo one OAI-PMH record (or a bare oai_dc:dc) describes; None for a deleted record."""
    element = found.element
    if element.tag == f"{OAI}error":
        raise EntryProblem(f"the OAI-PMH response is an error: {element.get('code', '')} {squash(element.text or '')}",
                           "harvest again with a request the repository accepts")
    header = element.find(f"{OAI}header")
    if header is not None and header.get("status") == "deleted":
        return None
    dc = element if element.tag == OAI_DC else element.find(f"{OAI}metadata/{OAI_DC}")
    if dc is None:
        raise EntryProblem("record has no oai_dc metadata", "harvest with metadataPrefix=oai_dc")
    values = _values(dc)
    identifiers = values.get("identifier", [])
    image = next((i for i in identifiers if _is_image_address(i)), "")
    header_id = _text(header.find(f"{OAI}identifier")) if header is not None else ""
    return CaptionRecord(
        id=_usable_id(header_id),
        image=resolve_image(image, path) if image else "",
        origin=Origin(str(path), found.line, None, SourceKind.MANIFEST),
        title=next(iter(values.get("title", [])), ""),
        caption="\n".join(values.get("description", [])),
        credit="; ".join(dict.fromkeys(values.get("creator", []) + values.get("rights", []))),
        date=next(iter(values.get("date", [])), ""),
        keywords=tuple(dict.fromkeys(k.strip() for s in values.get("subject", []) for k in s.split(";") if k.strip())),
        page=next((i for i in identifiers if i != image and _WEB.match(i)), ""),
    )


def _values(dc: Element) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for child in dc:
        if child.tag.startswith(DC) and _text(child):
            values.setdefault(child.tag[len(DC):], []).append(_text(child))
    return values


def _is_image_address(identifier: str) -> bool:
    if not _WEB.match(identifier):
        return False
    address = urlsplit(identifier).path
    return PurePosixPath(address).suffix.lower() in IMAGE_SUFFIXES or bool(_IIIF_IMAGE.search(address))


def _usable_id(identifier: str) -> str:
    """The header identifier as the record's id; one a web address cannot hold becomes a readable hash."""
    if not identifier or id_problem(identifier) is None:
        return identifier
    digest = hashlib.sha1(identifier.encode("utf-8")).hexdigest()[:8]
    return f"{slugify(identifier.rsplit('/', 1)[-1], 40)}-{digest}"


def _text(element: Element | None) -> str:
    return squash(element.text or "") if element is not None else ""
