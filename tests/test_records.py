"""CaptionRecord's plain-data form is complete and round-trips; its hash follows its content."""

from __future__ import annotations

from dataclasses import fields

from captionsearch.records import CaptionRecord, ImageFile, Origin


def full_record() -> CaptionRecord:
    page = Origin("gallery.html", 12, 5, "html")
    part = CaptionRecord(id="", image="/c/a.jpg", origin=page, alt="A rover", caption="From the page.")
    return CaptionRecord(
        id="a", image="/c/a.jpg", origin=Origin("m.json", 3, None, "manifest"), title="T", caption="C",
        alt="A rover", credit="Cr", date="2019-01-03", keywords=("moon", "rover"), gallery="G", page="p.html",
        srcset=("a-2x.jpg",), long_description="L", width=1600, height=900,
        field_origins=(("alt", page),), parts=(part,),
        image_file=ImageFile("/c", "a.jpg", "17:2048", 1600, 900),
    )


def test_to_dict_holds_every_field_and_round_trips() -> None:
    record = full_record()
    data = record.to_dict()
    assert set(data) == {f.name for f in fields(CaptionRecord)}
    again = CaptionRecord.from_dict(data)
    assert again == record and again.parts == record.parts


def test_content_hash_changes_with_content_only() -> None:
    record = full_record()
    assert record.content_hash() == full_record().content_hash()
    assert record.with_changes(caption="Other").content_hash() != record.content_hash()
    assert record.with_changes(keywords=("moon",)).content_hash() != record.content_hash()


def test_a_record_without_an_image_file_hashes_as_before_and_one_with_it_changes_with_the_file() -> None:
    record = full_record()
    plain = record.with_changes(image_file=None)
    assert "image_file" not in plain.to_dict()
    changed = record.with_changes(image_file=ImageFile("/c", "a.jpg", "18:2048", 1600, 900))
    assert len({plain.content_hash(), record.content_hash(), changed.content_hash()}) == 3
