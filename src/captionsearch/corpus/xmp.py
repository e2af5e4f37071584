"""The few XMP properties a caption search needs, read from an XMP packet.

XMP writes a property either as an attribute of rdf:Description or as a
child element holding text, an rdf:Alt (language alternatives: the
x-default one is taken, else the first) or an rdf:Bag/rdf:Seq (a list).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
DC = "http://purl.org/dc/elements/1.1/"
PHOTOSHOP = "http://ns.adobe.com/photoshop/1.0/"
IPTC_CORE = "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

NAMESPACES = {"rdf": RDF, "dc": DC, "photoshop": PHOTOSHOP, "Iptc4xmpCore": IPTC_CORE}


class XmpUnreadable(ValueError):
    """The packet is not well-formed XML."""


@dataclass(frozen=True)
class XmpProperties:
    """Property name ("dc:title") -> its values; a single value is a one-item list."""

    found: dict[str, list[str]]

    def first(self, name: str) -> str:
        return next(iter(self.found.get(name, [])), "")

    def all(self, name: str) -> list[str]:
        return self.found.get(name, [])

    def has(self, name: str) -> bool:
        return name in self.found


def parse_xmp(packet: bytes | str) -> XmpProperties:
    """Every property of the namespaces in NAMESPACES found in ``packet``."""
    if isinstance(packet, str):
        packet = packet.encode("utf-8")
    try:
        root = ET.fromstring(packet.strip(b"\x00 \t\r\n"))
    except ET.ParseError as exc:
        raise XmpUnreadable(str(exc)) from exc
    found: dict[str, list[str]] = {}
    for description in root.iter(f"{{{RDF}}}Description"):
        for name, value in _attributes(description) + _elements(description):
            found.setdefault(name, value)
    return XmpProperties(found)


def _short_name(tag: str) -> str | None:
    """'{http://purl.org/dc/elements/1.1/}title' -> 'dc:title', for the namespaces we know."""
    if not tag.startswith("{"):
        return None
    uri, local = tag[1:].split("}", 1)
    prefix = next((p for p, u in NAMESPACES.items() if u == uri and p != "rdf"), None)
    return f"{prefix}:{local}" if prefix else None


def _attributes(description: ET.Element) -> list[tuple[str, list[str]]]:
    named = [(_short_name(key), value) for key, value in description.attrib.items()]
    return [(name, [value.strip()]) for name, value in named if name]


def _elements(description: ET.Element) -> list[tuple[str, list[str]]]:
    found = []
    for child in description:
        name = _short_name(child.tag)
        if name:
            found.append((name, _element_values(child)))
    return found


def _element_values(element: ET.Element) -> list[str]:
    container = next(iter(element), None)
    if container is None:
        return [(element.text or "").strip()]
    items = container.findall(f"{{{RDF}}}li")
    if container.tag == f"{{{RDF}}}Alt":
        preferred = [li for li in items if li.get(XML_LANG) == "x-default"]
        items = (preferred or items)[:1]
    return [(li.text or "").strip() for li in items]
