"""One record per photo, however many sources describe it.

Records are grouped by ``image``: a page's ``<img>``, a manifest entry and
the image file's own metadata describe the same photo. Manifest entries are
records of their own, though: two entries with different ids that share an
image (objects photographed together, a shared placeholder) are two
records, each merged with the image's other sources. An entry without an
image stands alone.

Ids: an entry's own id; else, for an entry with an image no earlier
id-less entry of its file used, an id made from the image once merged (as
for an image no manifest names); else one made from the file and the
entry's position.
The same id given twice is reported once, naming both places, and the
second entry is left out. Each field takes the first non-empty value
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
from ..records import CaptionRecord, Origin, SourceKind, image_record_id, position_record_id
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
    """Merge per-source records into one record per photo, yielding them as they can be.

    ``shared`` names the images that more than one record describes: a record
    of any other image is complete as read and goes on at once, so only
    photos with several sources wait for the end of the input. Without
    ``shared`` every record waits (any image may have a partner).
    """
    groups: dict[str, list[CaptionRecord]] = defaultdict(list)
    for record in drop_duplicate_entries(records, report, root):
        if not record.image:
            yield merge_group([record], root)
        elif shared is None or record.image in shared:
            groups[record.image].append(record)
        else:
            yield merge_group([record], root)
    for parts in groups.values():
        yield from merge_photo(parts, root)


def merge_photo(parts: list[CaptionRecord], root: str) -> Iterator[CaptionRecord]:
    """The records of one image: one per id its manifest entries give (each with the image's other sources).

    Entries without an id join the one id given, if there is one.
    """
    by_id: dict[str, list[CaptionRecord]] = defaultdict(list)
    for part in parts:
        if part.origin.kind == SourceKind.MANIFEST:
            by_id[part.id].append(part)
    if len(by_id) <= 1 or (len(by_id) == 2 and "" in by_id):
        yield merge_group(parts, root)
        return
    others = [p for p in parts if p.origin.kind != SourceKind.MANIFEST]
    for entries in by_id.values():
        yield merge_group([*entries, *others], root)


def drop_duplicate_entries(records: Iterable[CaptionRecord], report: Report, root: str = "") -> Iterator[CaptionRecord]:
    """Give every manifest entry its id, and keep the first entry of each id (reporting the others)."""
    # Where each id was first given, not the entries themselves: a large
    # manifest streams through, and only these positions stay in memory.
    first_by_id: dict[str, tuple[str, Origin]] = {}
    images_by_file: set[tuple[str, str]] = set()  # (file, image) of the id-less entries read so far
    for record in records:
        if record.origin.kind == SourceKind.MANIFEST:
            record = _with_id(record, images_by_file, root)
            if not record.id:
                yield record  # its id comes from its image, once merged
                continue
            image, earlier = first_by_id.get(record.id, ("", None))
            # The same id for the same image in another file is the same photo, listed twice on purpose.
            if earlier is not None and (earlier.path == record.origin.path or not image or image != record.image):
                report(CorpusError(record.origin.path, f"duplicate id '{record.id}', first at {_where(earlier)}",
                                   record.origin.line, "give each record its own id; this one was left out"))
                continue
            first_by_id.setdefault(record.id, (record.image, record.origin))
        yield record


def _with_id(record: CaptionRecord, images_by_file: set[tuple[str, str]], root: str) -> CaptionRecord:
    if record.id:
        return record
    key = (record.origin.path, record.image)
    if record.image and key not in images_by_file:
        images_by_file.add(key)
        return record
    return record.with_changes(id=position_record_id(record, root))


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
    image = ordered[0].image  # "" for an entry without an image: it has an id already
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
