"""Turning library results into what templates and JSON twins show: labels, image URLs, alt text."""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import Any, Sequence

from flask import Flask, url_for

from .. import images
from ..records import CaptionRecord
from ..search.facets import FacetValue, facet_value
from ..search.results import Photo, SearchPage, public_fields

GROUP_LABELS = {
    "status": "Accessibility",
    "place": "Places",
    "person": "People",
    "organisation": "Organisations",
    "group": "Groups",
    "event": "Events",
    "product": "Products",
    "work": "Works",
    "date": "Dates",
    "year": "Year",
    "gallery": "Gallery",
    "source": "Source",
    "has": "Image",
}
GROUP_ORDER = tuple(GROUP_LABELS)
VALUE_LABELS = {
    ("status", "ok"): "No problems found",
    ("source", "html"): "HTML page",
    ("source", "manifest"): "Manifest",
    ("source", "markdown"): "Markdown",
    ("source", "metadata"): "Image metadata",
    ("has", "image"): "With an image",
    ("has", "no-image"): "No image yet",
}
_IMAGE_FILE = re.compile(r"\.(jpe?g|png|gif|webp|tiff?|bmp|heic|avif|svg)$", re.IGNORECASE)
SRCSET_SIZES = ("thumb", "medium", "large")


def group_label(group: str) -> str:
    return GROUP_LABELS.get(group, group.replace("-", " ").replace("_", " ").capitalize())


def value_label(group: str, value: str) -> str:
    """'status:alt-missing' -> 'Alt missing'; most values are shown as they are."""
    if (group, value) in VALUE_LABELS:
        return VALUE_LABELS[(group, value)]
    if group == "status":
        return value.replace("-", " ").capitalize()
    return value


def ordered_facets(facets: dict[str, Sequence[FacetValue]]) -> list[tuple[str, Sequence[FacetValue]]]:
    """Facet groups in reading order: accessibility and entities first, then the rest alphabetically."""
    def rank(group: str) -> tuple[int, str]:
        return (GROUP_ORDER.index(group) if group in GROUP_ORDER else len(GROUP_ORDER), group)

    return [(g, facets[g]) for g in sorted(facets, key=rank) if facets[g]]


def filter_label(key: str) -> str:
    group, _, value = key.partition(":")
    return f"{group_label(group)}: {value_label(group, value)}"


def alt_text(record: CaptionRecord, beside: str = "") -> str:
    """The photo's alt, else its caption, else its title; never a file name.

    ``beside`` is visible text next to the image (a tile's title). When the
    alt would only repeat it, the image is decorative there (alt=""): a
    screen reader would otherwise read the same words twice.
    """
    stem = PurePath(record.image.split("?")[0]).stem.casefold()
    for text in (record.alt, record.caption, record.title):
        text = " ".join((text or "").split())
        if text and not _IMAGE_FILE.search(text) and text.casefold() != stem:
            return "" if _same_words(text, beside) else text
    return "Photo without a description"


def _same_words(a: str, b: str) -> bool:
    def words(text: str) -> list[str]:
        return re.findall(r"\w+", text.casefold())

    return bool(b) and words(a) == words(b)


def image_urls(record: CaptionRecord, size: str = "thumb") -> dict[str, Any] | None:
    """src, srcset, width and height of a displayable rendition, or None (no local image that passed its check).

    Laid out from the size indexing found: no image is opened to render a page.
    """
    file = record.image_file
    if file is None or not file.usable:
        return None
    version = images.version(file.stamp)
    width, height = images.display_size(file.width, file.height, size)
    candidates: dict[int, str] = {}
    for name in SRCSET_SIZES:  # small originals give the same width for several sizes
        w, _ = images.display_size(file.width, file.height, name)
        candidates.setdefault(w, url_for("site.image", photo_id=record.id, size=name, v=version))
    src = url_for("site.image", photo_id=record.id, size=size, v=version)
    return {
        "src": src,
        "srcset": ", ".join(f"{url} {w}w" for w, url in sorted(candidates.items())),
        "width": width,
        "height": height,
    }


def entity_links(photo: Photo) -> list[tuple[str, list[tuple[str, str]]]]:
    """[(group label, [(entity text, filter key)])] in reading order."""
    grouped: dict[str, list[tuple[str, str]]] = {}
    for entity in photo.entities:
        grouped.setdefault(entity.group, []).append((entity.text, facet_value(entity.group, entity.text)))
    return [(group_label(g), grouped[g]) for g in sorted(grouped, key=_group_rank)]


def _group_rank(group: str) -> tuple[int, str]:
    return (GROUP_ORDER.index(group) if group in GROUP_ORDER else len(GROUP_ORDER), group)


def photo_links(record: CaptionRecord) -> dict[str, str | None]:
    file = record.image_file
    version = images.version(file.stamp) if file is not None and file.usable else None

    def image(size: str) -> str | None:
        return url_for("site.image", photo_id=record.id, size=size, v=version) if version else None

    return {
        "html": url_for("site.photo", photo_id=record.id),
        "json": url_for("site.photo_json", photo_id=record.id),
        "thumbnail": image("thumb"),
        "medium": image("medium"),
        "large": image("large"),
    }


def photo_dict(photo: Photo) -> dict[str, Any]:
    """A photo in the JSON twins: the record's fields, entities, facet keys and links."""
    return {
        "id": photo.record.id,
        **public_fields(photo.record, photo.entities),
        "facets": list(photo.facets),
        "links": photo_links(photo.record),
    }


def search_dict(page: SearchPage) -> dict[str, Any]:
    """SearchPage.to_dict() (docs/search-json.md) with each hit's links added."""
    data = page.to_dict()
    for hit, hit_data in zip(page.hits, data["hits"]):
        hit_data["links"] = photo_links(hit.record)
    return data


def page_numbers(current: int, last: int, around: int = 2) -> list[int | None]:
    """Pages to link, with None for a gap: 1 … 4 5 [6] 7 8 … 20."""
    wanted = {1, last, *range(current - around, current + around + 1)}
    numbers = sorted(n for n in wanted if 1 <= n <= last)
    shown: list[int | None] = []
    for n in numbers:
        if shown and n - shown[-1] > 1:  # type: ignore[operator]
            shown.append(None)
        shown.append(n)
    return shown


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    return f"{count:,} {singular if count == 1 else (plural_form or singular + 's')}"


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.globals.update(
        alt_text=alt_text,
        image_urls=image_urls,
        group_label=group_label,
        value_label=value_label,
        filter_label=filter_label,
        ordered_facets=ordered_facets,
        page_numbers=page_numbers,
        plural=plural,
    )

