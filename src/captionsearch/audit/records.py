"""Photos described by records: manifest entries and the metadata inside image files.

A manifest entry is audited where it is written. An image file is audited on
its own only when its metadata holds an alt text or a caption (the work of a
photo desk) and no page or manifest the audit reads shows it; otherwise the
file's IPTC "Alt Text (Accessibility)" is what the audit suggests for the
page or entry that shows it. A bare image file, with no text in it, is not a
finding: its alt text belongs to the page that shows it. A record without
an image (a catalogue entry not yet photographed) has nothing to audit; the
run counts it.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Iterable, Iterator, Mapping

from ..records import CaptionRecord, SourceKind
from .model import Subject
from .semantics import file_name

PAGES = (SourceKind.HTML, SourceKind.MARKDOWN)


def has_text(record: CaptionRecord) -> bool:
    """An image file whose metadata holds an alt text or a caption: a photo desk's work.

    A title alone does not count: design and export tools write one (a layer or file name).
    """
    return record.alt is not None or bool(record.caption.strip())


def record_subjects(
    records: Iterable[CaptionRecord], alts_on_pages: Mapping[str, str | None], with_pages: bool = False
) -> Iterator[Subject]:
    """Subjects of merged records: manifest entries, and image files that stand on their own.

    ``alts_on_pages`` maps each image a page shows to the alt it gives there.
    With ``with_pages`` (the web front end's records, read without their
    markup) the records' HTML and Markdown parts are subjects too.
    """
    for record in records:
        if not record.image:
            continue  # no image to describe yet (counted by the caller)
        parts = record.parts or (record,)
        metadata = next((p for p in parts if p.origin.kind == SourceKind.METADATA), None)
        suggestion = (metadata.alt or "").strip() if metadata is not None else ""
        kinds = (SourceKind.MANIFEST, SourceKind.MARKDOWN, SourceKind.HTML) if with_pages else (SourceKind.MANIFEST,)
        written = [p for p in parts if p.origin.kind in kinds]
        shown = record.image in alts_on_pages or any(p.origin.kind in PAGES for p in parts)
        if not written and metadata is not None and has_text(metadata) and not shown:
            written = [metadata]
        page_alt = alts_on_pages.get(record.image)
        for part in written:
            others = [p.alt for p in parts if p is not part] + [page_alt]
            yield _subject(record, part, suggestion, alt_elsewhere=any((a or "").strip() for a in others))


def _subject(record: CaptionRecord, part: CaptionRecord, suggestion: str, alt_elsewhere: bool) -> Subject:
    kind = part.origin.kind
    decorative = kind in PAGES and part.alt == ""
    return Subject(
        source=kind,
        path=part.origin.path,
        line=part.origin.line,
        column=part.origin.column,
        alt=part.alt,
        image=part.image,
        resolved_image=record.image,
        image_names=tuple(file_name(u) for u in (part.image, *part.srcset) if u),
        name=" ".join(part.alt.split()) if part.alt is not None else None,
        name_source="alt" if part.alt is not None else "",
        purpose="decorative" if decorative else "content",
        purpose_reason="marked decorative" if decorative else "a photo of a collection",
        decorative=decorative,
        photo=not decorative,
        caption=part.caption or (record.caption if kind == SourceKind.MANIFEST else ""),
        gallery_photo=kind in (SourceKind.MANIFEST, SourceKind.METADATA),
        group=part.gallery or part.origin.path,
        suggestion=suggestion if kind != SourceKind.METADATA else "",
        snippet=_snippet(part),
        alt_elsewhere=alt_elsewhere,
    )


def _snippet(part: CaptionRecord) -> str:
    if part.origin.kind == SourceKind.MARKDOWN:
        return f"![{part.alt or ''}]({PurePosixPath(part.image).name})"
    return f"image={PurePosixPath(part.image).name} alt={part.alt!r}"
