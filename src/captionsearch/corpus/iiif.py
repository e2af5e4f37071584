"""IIIF Presentation 3 manifests and collections -> one record per painted image.

A Manifest is an object (a painting, a book); each of its Canvases shows one
view, and the image painted on it (the ``painting`` annotation's ``Image``
body, or the first image of a ``Choice``) is a photo. Its text is the
manifest's: ``label`` (the title; a canvas's own label is added when there
are several), ``summary`` (the caption), ``metadata`` label/value pairs (the
long description), ``requiredStatement`` and ``rights`` (the credit),
``navDate`` (the date), ``homepage`` (the page). A Canvas with no painted
image (audio, video) counts by its ``thumbnail``, as does a manifest a
collection only refers to; a manifest with no image at all is one record
without an image. Text values are language maps: English is taken,
then ``none`` (no language), then the first language given.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from ..errors import CorpusError
from ..records import CaptionRecord, Origin, SourceKind, slugify
from .html_tree import parse_html, squash, visible_text
from .limits import ReadLimits
from .references import resolve_image
from .textfile import Report

PRESENTATION_3 = "iiif.io/api/presentation/3"
PREFERRED_LANGUAGES = ("en", "none")


def is_iiif_presentation(document: Any) -> bool:
    """A IIIF Presentation 3 resource: its context says so, or it is typed Manifest or Collection."""
    if not isinstance(document, dict):
        return False
    contexts = document.get("@context")
    if any(isinstance(c, str) and PRESENTATION_3 in c for c in _list(contexts)):
        return True
    return document.get("type") in ("Manifest", "Collection")


def read_iiif(document: Any, path: Path, report: Report, limits: ReadLimits) -> Iterator[CaptionRecord]:
    """One record per image painted on a canvas of every manifest in ``document``."""
    found = 0
    # A stack, not recursion: collections may nest collections.
    stack: list[tuple[Any, str]] = [(document, "")]
    while stack:
        resource, collection = stack.pop()
        if not isinstance(resource, dict):
            continue
        if resource.get("type") == "Collection":
            label = language_value(resource.get("label"))
            stack.extend((item, label or collection) for item in reversed(_list(resource.get("items"))))
            continue
        for record in _manifest_records(resource, path, collection):
            found += 1
            yield record
    if not found:
        report(_nothing_found(document, path))


def _nothing_found(document: Any, path: Path) -> CorpusError:
    """Why a IIIF document gave no record: a collection of references, or no image in it."""
    referred = [item for item in _list(document.get("items")) if isinstance(item, dict) and "items" not in item]
    if document.get("type") == "Collection" and referred:
        return CorpusError(path, f"IIIF collection that only refers to its {len(referred)} manifests",
                           hint="save the manifests it lists and index their files")
    return CorpusError(path, "IIIF resource with nothing to index: no canvas, no thumbnail",
                       hint="give the manifest its canvases (items), or a collection its manifests")


@dataclass(frozen=True)
class _Description:
    """What a manifest says about every image in it."""

    title: str
    caption: str
    long_description: str
    credit: str
    date: str
    page: str

    @classmethod
    def of(cls, manifest: dict) -> "_Description":
        return cls(
            title=language_value(manifest.get("label")),
            caption=language_value(manifest.get("summary")),
            long_description="\n".join(_metadata_lines(manifest.get("metadata"))),
            credit="; ".join(filter(None, (_statement(manifest.get("requiredStatement")), _text(manifest.get("rights"))))),
            date=_text(manifest.get("navDate")),
            page=next((_text(h.get("id")) for h in _list(manifest.get("homepage")) if isinstance(h, dict)), ""),
        )


def _manifest_records(manifest: dict, path: Path, collection: str) -> Iterator[CaptionRecord]:
    described = _Description.of(manifest)
    views = [(canvas, place, image) for canvas in _list(manifest.get("items")) if isinstance(canvas, dict)
             for place, image in enumerate(_canvas_images(canvas))]
    if not views:
        thumbnail = _thumbnail(manifest)
        # No image at all (audio, video): the manifest is still a record, without an image.
        views = [(manifest, 0, thumbnail or {})] if thumbnail or "items" in manifest else []
    origin = Origin(str(path), None, None, SourceKind.MANIFEST)
    for number, (canvas, place, image) in enumerate(views):
        label = language_value(canvas.get("label")) if canvas is not manifest and len(views) > 1 else ""
        title = ", ".join(filter(None, (described.title, label)))
        # The canvas is the view's identity; a canvas composed of several images gives each its place.
        identity = (_text(canvas.get("id")) or f"{_text(manifest.get('id'))}#{number}") + (f"#{place}" if place else "")
        yield CaptionRecord(
            id=f"{slugify(title or 'iiif', 40)}-{hashlib.sha1(identity.encode('utf-8')).hexdigest()[:8]}",
            image=resolve_image(_text(image.get("id")), path) if image else "",
            origin=origin,
            title=title,
            caption=described.caption,
            credit=described.credit,
            date=described.date,
            gallery=collection,
            page=described.page,
            long_description=described.long_description,
            width=_pixels(image.get("width")) or _pixels(canvas.get("width")),
            height=_pixels(image.get("height")) or _pixels(canvas.get("height")),
        )


def _canvas_images(canvas: dict) -> list[dict]:
    """The images painted on a canvas, else its thumbnail (a poster for audio or video), else none."""
    images = [body for page in _list(canvas.get("items")) if isinstance(page, dict)
              for annotation in _list(page.get("items")) if _paints(annotation)
              for body in _image_bodies(annotation.get("body"))]
    if images:
        return images
    placeholder = canvas.get("placeholderCanvas")
    if isinstance(placeholder, dict) and placeholder is not canvas:  # the poster shown before a video plays
        images = _canvas_images(placeholder)
        if images:
            return images[:1]
    thumbnail = _thumbnail(canvas)
    return [thumbnail] if thumbnail else []


def _paints(annotation: Any) -> bool:
    return isinstance(annotation, dict) and "painting" in _list(annotation.get("motivation"))


def _image_bodies(body: Any) -> list[dict]:
    images = []
    for item in _list(body):
        if not isinstance(item, dict):
            continue
        if item.get("type") == "Choice":  # alternatives of one view: the first image stands for it
            images += _image_bodies(_list(item.get("items"))[:1])
        elif item.get("type") == "SpecificResource":  # a region or a rotation of an image: the image
            images += _image_bodies(item.get("source"))
        elif _is_image(item):
            images.append(item)
    return images


def _is_image(resource: dict) -> bool:
    return bool(_text(resource.get("id"))) and (
        resource.get("type") == "Image" or _text(resource.get("format")).startswith("image/"))


def _thumbnail(resource: dict) -> dict | None:
    return next((t for t in _list(resource.get("thumbnail")) if isinstance(t, dict) and _is_image(t)), None)


def language_value(value: Any) -> str:
    """The text of a language map ({"en": ["..."]}): English, else "none", else the first language."""
    if isinstance(value, str):
        return _plain(value)
    if not isinstance(value, dict) or not value:
        return ""
    language = next((lang for lang in PREFERRED_LANGUAGES if lang in value), next(iter(value)))
    return squash(" ".join(_plain(v) for v in _list(value[language]) if isinstance(v, str)))


def _metadata_lines(metadata: Any) -> Iterator[str]:
    for pair in _list(metadata):
        if isinstance(pair, dict):
            label, value = language_value(pair.get("label")), language_value(pair.get("value"))
            if value:
                yield f"{label}: {value}" if label else value


def _statement(statement: Any) -> str:
    return language_value(statement.get("value")) if isinstance(statement, dict) else ""


def _plain(text: str) -> str:
    """A value's text; IIIF lets a value that starts with "<" and ends with ">" hold a little HTML."""
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        return visible_text(parse_html(text).root)
    return squash(text)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _pixels(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
