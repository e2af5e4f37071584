"""Image-file reader: the caption, title, credit... a photo desk embeds in the file.

Pillow reads only the headers here; pixels are never decoded, so a folder of
large photos is cheap to scan (and damage in the pixel data goes unnoticed).
Each field is taken from the first source that has it, XMP first (the
current standard, and what editing tools update), then IPTC IIM, then EXIF:

  title     XMP photoshop:Headline, IIM 2:105 Headline, XMP dc:title, IIM 2:05 Object Name
            (headline first: wire services often put a short slug in the object name)
  caption   XMP dc:description, IIM 2:120 Caption-Abstract, EXIF ImageDescription
  credit    XMP photoshop:Credit, IIM 2:110 Credit, XMP dc:creator, IIM 2:80 By-line
  date      XMP photoshop:DateCreated, IIM 2:55 Date Created, EXIF DateTimeOriginal
  keywords  XMP dc:subject and IIM 2:25 Keywords, together
  alt       XMP Iptc4xmpCore:AltTextAccessibility (None when absent)
  long_description  XMP Iptc4xmpCore:ExtDescrAccessibility
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any, Iterator

from PIL import Image, IptcImagePlugin, UnidentifiedImageError

from ..errors import CorpusError
from ..images import ALLOWED_FORMATS
from ..records import CaptionRecord, Origin, SourceKind
from . import iptc
from .limits import DEFAULT_LIMITS, ReadLimits
from .textfile import Report
from .xmp import XmpProperties, XmpUnreadable, parse_xmp

EXIF_IMAGE_DESCRIPTION = 270
EXIF_IFD = 0x8769
EXIF_DATE_TIME_ORIGINAL = 36867
# Descriptions some cameras write into every photo; they describe nothing.
CAMERA_BOILERPLATE = frozenset({"OLYMPUS DIGITAL CAMERA", "SONY DSC", "DIGITAL CAMERA", "SAMSUNG", "DCIM"})
UNREADABLE_HINT = "re-export it or remove it"
ALT_TEXT = "Iptc4xmpCore:AltTextAccessibility"


def read_image_metadata(path: Path, report: Report, limits: ReadLimits = DEFAULT_LIMITS) -> Iterator[CaptionRecord]:
    """One record per image file, or a CorpusError if the file cannot be read as an image."""
    try:
        with warnings.catch_warnings():
            # Only headers are read, so a huge image costs no memory here.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path, formats=ALLOWED_FORMATS) as image:  # never EPS (Ghostscript) and the like
                record = _record(image, path, report)
    except (UnidentifiedImageError, Image.DecompressionBombError) as exc:
        report(CorpusError(path, f"cannot read image: {_reason(exc)}", hint=UNREADABLE_HINT))
        return
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        report(CorpusError(path, f"cannot read image: {exc}", hint=UNREADABLE_HINT))
        return
    yield record


def _reason(exc: Exception) -> str:
    if isinstance(exc, UnidentifiedImageError):
        return "not an image of a known type (JPEG, PNG, WebP, TIFF or GIF)"
    return str(exc)


def _record(image: Image.Image, path: Path, report: Report) -> CaptionRecord:
    xmp = _xmp(image, path, report)
    datasets = _iptc(image, path, report)
    exif = image.getexif()
    return CaptionRecord(
        id="",
        image=path.resolve().as_posix(),
        origin=Origin(str(path), None, None, SourceKind.METADATA),
        title=_title(xmp, datasets),
        caption=_caption(xmp, datasets, exif),
        credit=_credit(xmp, datasets),
        date=_first(_date(xmp.first("photoshop:DateCreated")), iptc.date_created(datasets), _exif_date(exif)),
        keywords=tuple(dict.fromkeys(xmp.all("dc:subject") + iptc.values(datasets, iptc.KEYWORDS))),
        alt=xmp.first(ALT_TEXT) if xmp.has(ALT_TEXT) else None,
        long_description=xmp.first("Iptc4xmpCore:ExtDescrAccessibility"),
        width=image.size[0],
        height=image.size[1],
    )


def _title(xmp: XmpProperties, datasets: iptc.Datasets) -> str:
    headline = _first(xmp.first("photoshop:Headline"), iptc.first(datasets, iptc.HEADLINE))
    return _first(headline, xmp.first("dc:title"), iptc.first(datasets, iptc.OBJECT_NAME))


def _caption(xmp: XmpProperties, datasets: iptc.Datasets, exif: Any) -> str:
    iim_caption = iptc.first(datasets, iptc.CAPTION_ABSTRACT)
    return _first(xmp.first("dc:description"), iim_caption, _exif_description(exif))


def _credit(xmp: XmpProperties, datasets: iptc.Datasets) -> str:
    credit = _first(xmp.first("photoshop:Credit"), iptc.first(datasets, iptc.CREDIT))
    by_line = _first(", ".join(xmp.all("dc:creator")), ", ".join(iptc.values(datasets, iptc.BY_LINE)))
    return _first(credit, by_line)


def _xmp(image: Image.Image, path: Path, report: Report) -> XmpProperties:
    packet = image.info.get("xmp") or image.info.get("XML:com.adobe.xmp")
    if not packet:
        return XmpProperties({})
    try:
        return parse_xmp(packet)
    except XmpUnreadable as exc:
        report(CorpusError(path, f"unreadable XMP metadata: {exc}", hint="re-save the metadata with a photo editor"))
        return XmpProperties({})


def _iptc(image: Image.Image, path: Path, report: Report) -> iptc.Datasets:
    try:
        return IptcImagePlugin.getiptcinfo(image) or {}  # type: ignore[arg-type]
    except (OSError, SyntaxError, ValueError) as exc:
        report(CorpusError(path, f"unreadable IPTC metadata: {exc}", hint="re-save the metadata with a photo editor"))
        return {}


def _exif_description(exif: Any) -> str:
    text = str(exif.get(EXIF_IMAGE_DESCRIPTION) or "").strip(" \x00")
    return "" if text.upper() in CAMERA_BOILERPLATE else text


def _exif_date(exif: Any) -> str:
    taken = str(exif.get_ifd(EXIF_IFD).get(EXIF_DATE_TIME_ORIGINAL) or "")
    return taken[:10].replace(":", "-") if taken[:4].isdigit() else ""


def _date(text: str) -> str:
    """An XMP date-time -> its date part (2019-01-03T10:26+08:00 -> 2019-01-03)."""
    return text.split("T", 1)[0]


def _first(*candidates: str) -> str:
    return next((c for c in candidates if c), "")
