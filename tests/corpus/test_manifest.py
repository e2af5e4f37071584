"""Manifest readers: JSON (both shapes), JSONL and CSV; every field, lines, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

from captionsearch.corpus.manifest import read_csv, read_json, read_jsonl, read_manifest

GALLERY_JSON = """{
  "gallery": {"title": "Far Side", "publication": "Example Post", "author": "A. Writer"},
  "photos": [
    {"id": "landing", "image": "images/landing.jpg", "title": "A Soft Landing",
     "caption": "The probe descends.", "alt": "Grey crater field seen from above",
     "credit": "CNSA", "date": "2019-01-03", "keywords": ["moon", "lander"],
     "page": "https://example.org/gallery", "long_description": "Long text.",
     "width": 1600, "height": 900},

    {
      "image": "https://example.org/rover.jpg",
      "alt": ""
    }
  ]
}
"""


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_json_gallery_form_reads_every_field(tmp_path, errors):
    path = write(tmp_path, "manifest.json", GALLERY_JSON)
    first, second = read_json(path, errors.append)
    assert errors == []
    assert first.id == "landing"
    assert first.image == (tmp_path / "images" / "landing.jpg").resolve().as_posix()
    assert (first.title, first.caption, first.alt) == ("A Soft Landing", "The probe descends.", "Grey crater field seen from above")
    assert (first.credit, first.date, first.keywords) == ("CNSA", "2019-01-03", ("moon", "lander"))
    assert (first.page, first.long_description, first.width, first.height) == ("https://example.org/gallery", "Long text.", 1600, 900)
    assert first.gallery == second.gallery == "Far Side"
    assert (first.origin.path, first.origin.line, first.origin.column, first.origin.kind) == (str(path), 4, 5, "manifest")
    assert (second.origin.line, second.origin.column) == (10, 5)
    assert second.id == "" and second.image == "https://example.org/rover.jpg"
    assert second.alt == "" and first.caption and second.caption == "" and second.width is None


def test_json_list_form_and_absent_alt(tmp_path, errors):
    path = write(tmp_path, "photos.json", '[{"image": "a.jpg"},\n {"image": "b.jpg", "id": 7}]')
    a, b = read_manifest(path, errors.append)
    assert errors == []
    assert a.alt is None and a.gallery == ""
    assert (a.origin.line, b.origin.line, b.id) == (1, 2, "7")


def test_absolute_paths_and_urls_in_a_manifest(tmp_path, errors):
    path = write(tmp_path, "m.jsonl", '{"image": "/srv/photos/a.jpg"}\n{"image": "HTTPS://example.org/b.jpg?s=1"}\n')
    a, b = read_jsonl(path, errors.append)
    assert (a.image, b.image) == ("/srv/photos/a.jpg", "HTTPS://example.org/b.jpg?s=1")


def test_json_with_bom_is_fine(tmp_path, errors):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + b'[\n{"image": "a.jpg", "title": "Caf\xc3\xa9"}]')
    (record,) = read_json(path, errors.append)
    assert errors == [] and record.title == "Café" and record.origin.line == 2


def test_malformed_json_names_the_line(tmp_path, errors):
    path = write(tmp_path, "bad.json", '[\n  {"image": "a.jpg"},\n  {"image": "b.jpg",}\n]')
    assert list(read_json(path, errors.append)) == []
    (error,) = errors
    assert error.path == str(path) and error.line == 3
    assert "invalid JSON" in str(error) and f"{path}:3:" in str(error)


def test_not_utf8_is_reported(tmp_path, errors):
    path = write(tmp_path, "latin.json", '[\n{"image": "a.jpg", "title": "Café"}]', encoding="latin-1")
    assert list(read_json(path, errors.append)) == []
    (error,) = errors
    assert error.line == 2 and "not UTF-8 text" in str(error) and "save it as UTF-8" in str(error)


def test_entry_problems_are_reported_and_the_rest_read(tmp_path, errors):
    photos = [{"title": "no image yet"}, "just a string", {"image": "ok.jpg", "title": {"en": "not text"}},
              {"image": "w.jpg", "width": "wide"}, {"image": "kw.jpg", "keywords": [1, 2]}, {"image": "good.jpg"}]
    path = write(tmp_path, "m.json", "[\n" + ",\n".join(json.dumps(p) for p in photos) + "\n]")
    records = list(read_json(path, errors.append))
    # A size that cannot be read costs only itself: w.jpg is read without a width.
    assert [(Path(r.image).name if r.image else "", r.width) for r in records] == [("", None), ("w.jpg", None),
                                                                                  ("good.jpg", None)]
    assert records[0].title == "no image yet" and "the record was read without it" in str(errors[2])
    assert [e.line for e in errors] == [3, 4, 5, 6]
    assert "not an object" in str(errors[0])
    assert "'title' is not text" in str(errors[1]) and "'width'" in str(errors[2]) and "'keywords'" in str(errors[3])


def test_json_without_photo_list_is_one_error(tmp_path, errors):
    path = write(tmp_path, "m.json", '{"gallery": {"title": "x"}, "pictures": []}')
    assert list(read_json(path, errors.append)) == []
    assert len(errors) == 1 and "no list of photos" in str(errors[0]) and "--records-at" in str(errors[0])


def test_jsonl_reads_each_line_and_skips_bad_ones(tmp_path, errors):
    text = '{"id": "a", "image": "a.jpg", "keywords": "moon; rover, lander"}\n\n{"image": \n{"image": "c.jpg"}\n'
    path = write(tmp_path, "m.jsonl", text)
    a, c = read_jsonl(path, errors.append)
    assert (a.origin.line, c.origin.line) == (1, 4)
    assert a.keywords == ("moon", "rover", "lander")
    (error,) = errors
    assert error.line == 3 and "invalid JSON" in str(error)


def test_csv_reads_header_named_columns(tmp_path, errors):
    text = (
        "ID, Image ,Title,Caption,Alt,Keywords,Width\n"
        'a,images/a.jpg,"Landing, day one","Line one\nline two",,"moon; lander",1200\n'
        "b,images/b.jpg,Rover,,A rover on grey soil,,\n"
    )
    path = write(tmp_path, "m.csv", text)
    a, b = read_csv(path, errors.append)
    assert errors == []
    assert (a.id, a.title, a.caption, a.width) == ("a", "Landing, day one", "Line one\nline two", 1200)
    assert a.alt is None and a.keywords == ("moon", "lander")
    assert b.alt == "A rover on grey soil" and b.width is None
    assert (a.origin.line, b.origin.line) == (2, 4)


def test_csv_with_semicolons(tmp_path, errors):
    path = write(tmp_path, "m.csv", "image;title\na.jpg;Crater, south rim\n")
    (record,) = read_csv(path, errors.append)
    assert errors == [] and record.title == "Crater, south rim"


def test_bad_csv_row_is_reported_with_its_line(tmp_path, errors):
    path = write(tmp_path, "m.csv", "image,title\na.jpg,One\nb.jpg,Two, with a comma\nc.jpg,Three\n")
    records = list(read_csv(path, errors.append))
    assert [r.title for r in records] == ["One", "Three"]
    (error,) = errors
    assert error.line == 3 and "3 cells but the header has 2" in str(error)


def test_csv_reads_any_columns_through_the_field_names(tmp_path, errors):
    path = write(tmp_path, "m.csv", "file,headline\na.jpg,One\n")
    (record,) = read_csv(path, errors.append)
    assert errors == [] and Path(record.image).name == "a.jpg" and record.title == "One"


def test_csv_without_a_header_row_is_one_error(tmp_path, errors):
    path = write(tmp_path, "m.csv", "a.jpg,One\nb.jpg,Two\n")
    assert list(read_csv(path, errors.append)) == []
    assert len(errors) == 1 and "the first row is not a header" in str(errors[0]) and errors[0].line == 1
