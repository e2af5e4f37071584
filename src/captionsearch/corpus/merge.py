"""One record per photo, however many sources describe it.

Records are grouped by ``image``. Each field takes the first non-empty value
in source precedence: the manifest (what the photo desk curated), then the
HTML page, Markdown, and the image's own metadata. Alt text is the
exception: what the page shows readers comes first, then the manifest, then
the metadata's accessibility field; None (no alt) and "" (decorative) keep
their meaning, so a page's alt="" wins over a manifest's text.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Container, Iterable, Iterator

from ..errors import CorpusError
from ..records import CaptionRecord, Origin, SourceKind, image_record_id
from .textfile import Report

PRECEDENCE = (SourceKind.MANIFEST, SourceKind.HTML, SourceKind.MARKDOWN, SourceKind.METADATA)
ALT_PRECEDENCE = (SourceKind.HTML, SourceKind.MARKDOWN, SourceKind.MANIFEST, SourceKind.METADATA)
# The pixel size is the image file's own when it was read; a page's width and
# height attributes are display hints and may be scaled.
SIZE_PRECEDENCE = (SourceKind.METADATA, SourceKind.MANIFEST, SourceKind.HTML, SourceKind.MARKDOWN)
FIRST_VALUE_FIELDS = (
    "title", "caption", "credit", "date", "gallery", "page",
    "srcset", "long_description",
)  # fmt: skip


def merge_records(records: Iterable[CaptionRecord], root: str, report: Report) -> list[CaptionRecord]:
    """Merge per-source records (in reading order) into one record per image."""
    return list(merge_stream(records, root, report))


def merge_stream(
    records: Iterable[CaptionRecord], root: str, report: Report, shared: Container[str] | None = None
) -> Iterator[CaptionRecord]:
    """Merge per-source records into one record per image, yielding them as they can be.

    ``shared`` names the images that more than one record describes: a record
    of any other image is complete as read and goes on at once, so only
    photos with several sources wait for the end of the input. Without
    ``shared`` every record waits (any image may have a partner).
    """
    groups: dict[str, list[CaptionRecord]] = defaultdict(list)
    for record in drop_duplicate_entries(records, report):
        if shared is None or record.image in shared:
            groups[record.image].append(record)
        else:
            yield merge_group([record], root)
    for parts in groups.values():
        yield merge_group(parts, root)


def drop_duplicate_entries(records: Iterable[CaptionRecord], report: Report) -> Iterator[CaptionRecord]:
    """Keep the first manifest entry for each id and for each image within a manifest."""
    # Where each entry was first listed, not the entries themselves: a large
    # manifest streams through, and only these positions stay in memory.
    first_by_id: dict[str, tuple[str, Origin]] = {}
    first_by_image: dict[tuple[str, str], Origin] = {}
    for record in records:
        if record.origin.kind == SourceKind.MANIFEST:
            problem = _duplicate_problem(record, first_by_id, first_by_image)
            if problem:
                report(CorpusError(record.origin.path, problem[0], record.origin.line, problem[1]))
                continue
            first_by_image[(record.origin.path, record.image)] = record.origin
            if record.id:
                first_by_id.setdefault(record.id, (record.image, record.origin))
        yield record


def _duplicate_problem(
    record: CaptionRecord,
    first_by_id: dict[str, tuple[str, Origin]],
    first_by_image: dict[tuple[str, str], Origin],
) -> tuple[str, str] | None:
    earlier = first_by_image.get((record.origin.path, record.image))
    if earlier:
        return f"photo '{record.image}' is listed twice, first at {_where(earlier)}", "list each photo once"
    image, origin = first_by_id.get(record.id, (record.image, None))
    if origin and image != record.image:
        return f"duplicate id '{record.id}', first at {_where(origin)}", "give each photo its own id"
    return None


def _where(origin: Origin) -> str:
    return f"{origin.path}:{origin.line}" if origin.line else origin.path


def merge_group(parts: list[CaptionRecord], root: str) -> CaptionRecord:
    """One record from the records of one image (at least one)."""
    ordered = sorted(parts, key=lambda p: PRECEDENCE.index(p.origin.kind))
    values: dict[str, object] = {}
    origins: dict[str, Origin] = {}
    for name in FIRST_VALUE_FIELDS:
        _take_first(name, ordered, values, origins)
    _take_alt(parts, values, origins)
    _take_size(parts, values, origins)
    _take_keywords(ordered, values, origins)
    explicit_id = next((p.id for p in ordered if p.id), "")
    image = ordered[0].image
    return CaptionRecord(
        id=explicit_id or image_record_id(image, root),
        image=image,
        origin=ordered[0].origin,
        field_origins=tuple(origins.items()),
        parts=tuple(ordered),
        **values,  # type: ignore[arg-type]
    )


def _take_first(name: str, ordered: list[CaptionRecord], values: dict, origins: dict) -> None:
    for part in ordered:
        value = getattr(part, name)
        if value:
            values[name], origins[name] = value, part.origin
            return


def _take_alt(parts: list[CaptionRecord], values: dict, origins: dict) -> None:
    ordered = sorted(parts, key=lambda p: ALT_PRECEDENCE.index(p.origin.kind))
    for part in ordered:
        if part.alt is not None:
            values["alt"], origins["alt"] = part.alt, part.origin
            return


def _take_size(parts: list[CaptionRecord], values: dict, origins: dict) -> None:
    """Width and height as a pair, from the first source that gives both."""
    for part in sorted(parts, key=lambda p: SIZE_PRECEDENCE.index(p.origin.kind)):
        if part.width and part.height:
            values["width"], values["height"] = part.width, part.height
            origins["width"] = origins["height"] = part.origin
            return


def _take_keywords(ordered: list[CaptionRecord], values: dict, origins: dict) -> None:
    """The union of every source's keywords, in precedence order, case-insensitively unique."""
    keywords: dict[str, str] = {}
    for part in ordered:
        for keyword in part.keywords:
            keywords.setdefault(keyword.casefold(), keyword)
        if part.keywords and "keywords" not in origins:
            origins["keywords"] = part.origin
    if keywords:
        values["keywords"] = tuple(keywords.values())
