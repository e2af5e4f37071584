"""Image-metadata reader: XMP, IPTC IIM and EXIF from real files written with Pillow."""

from __future__ import annotations

import io

from PIL import Image
from PIL.PngImagePlugin import PngInfo

from captionsearch.corpus.metadata import read_image_metadata

FULL_XMP = """
<dc:title><rdf:Alt><rdf:li xml:lang="de">Weiche Landung</rdf:li><rdf:li xml:lang="x-default">Soft landing</rdf:li></rdf:Alt></dc:title>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">The probe descends toward the crater.</rdf:li></rdf:Alt></dc:description>
<dc:subject><rdf:Bag><rdf:li>moon</rdf:li><rdf:li>lander</rdf:li></rdf:Bag></dc:subject>
<Iptc4xmpCore:AltTextAccessibility><rdf:Alt><rdf:li xml:lang="x-default">Dark grey craters seen from above</rdf:li></rdf:Alt></Iptc4xmpCore:AltTextAccessibility>
<Iptc4xmpCore:ExtDescrAccessibility><rdf:Alt><rdf:li xml:lang="x-default">A wide field of craters.</rdf:li></rdf:Alt></Iptc4xmpCore:ExtDescrAccessibility>
"""


def read_one(path, errors):
    records = list(read_image_metadata(path, errors.append))
    assert len(records) == 1, errors
    return records[0]


def test_xmp_fields(tmp_path, errors, write_jpeg, xmp):
    packet = xmp(FULL_XMP, 'photoshop:Credit="CNSA" photoshop:DateCreated="2019-01-03T10:26:00+08:00"')
    path = write_jpeg(tmp_path / "a.jpg", size=(320, 200), xmp=packet)
    record = read_one(path, errors)
    assert errors == []
    assert (record.title, record.caption) == ("Soft landing", "The probe descends toward the crater.")
    assert (record.credit, record.date, record.keywords) == ("CNSA", "2019-01-03", ("moon", "lander"))
    assert record.alt == "Dark grey craters seen from above"
    assert record.long_description == "A wide field of craters."
    assert (record.width, record.height) == (320, 200)
    assert record.image == path.resolve().as_posix() and record.id == ""
    assert (record.origin.path, record.origin.kind) == (str(path), "metadata")


def test_empty_alt_text_accessibility_is_empty_not_absent(tmp_path, errors, write_jpeg, xmp):
    inner = '<Iptc4xmpCore:AltTextAccessibility><rdf:Alt><rdf:li xml:lang="x-default"></rdf:li></rdf:Alt></Iptc4xmpCore:AltTextAccessibility>'
    assert read_one(write_jpeg(tmp_path / "d.jpg", xmp=xmp(inner)), errors).alt == ""
    assert read_one(write_jpeg(tmp_path / "n.jpg", xmp=xmp("")), errors).alt is None


def test_iptc_utf8_declared(tmp_path, errors, write_jpeg):
    datasets = [((1, 90), b"\x1b%G"), ((2, 5), "chang-e-4".encode()), ((2, 105), "Kármán crater".encode()),
                ((2, 25), b"moon"), ((2, 25), b"crater"), ((2, 55), b"20190103"),
                ((2, 80), b"A. Photographer"), ((2, 120), "Rover — on the rim".encode())]
    record = read_one(write_jpeg(tmp_path / "i.jpg", iptc=datasets), errors)
    assert errors == []
    assert (record.title, record.caption) == ("Kármán crater", "Rover — on the rim")
    assert (record.keywords, record.date, record.credit) == (("moon", "crater"), "2019-01-03", "A. Photographer")


def test_iptc_without_charset_falls_back_to_an_8_bit_code_page(tmp_path, errors, write_jpeg):
    datasets = [((2, 5), "Crater Kármán".encode("latin-1")), ((2, 110), "Agência".encode("latin-1")),
                ((2, 120), "Caf\xe9 on the moon".encode("latin-1"))]
    record = read_one(write_jpeg(tmp_path / "l.jpg", iptc=datasets), errors)
    assert (record.title, record.credit, record.caption) == ("Crater Kármán", "Agência", "Café on the moon")


def test_xmp_wins_over_iptc_and_exif_is_the_last_caption(tmp_path, errors, write_jpeg, xmp):
    both = write_jpeg(tmp_path / "b.jpg", iptc=[((2, 120), b"IPTC caption")], xmp=xmp("", 'dc:description="XMP caption"'))
    assert read_one(both, errors).caption == "XMP caption"
    exif_only = write_jpeg(tmp_path / "e.jpg", exif={270: "EXIF caption"})
    assert read_one(exif_only, errors).caption == "EXIF caption"
    camera = write_jpeg(tmp_path / "c.jpg", exif={270: "OLYMPUS DIGITAL CAMERA         "})
    assert read_one(camera, errors).caption == ""


def test_png_with_xmp(tmp_path, errors, xmp):
    info = PngInfo()
    info.add_itxt("XML:com.adobe.xmp", xmp("", 'dc:description="PNG caption"'))
    path = tmp_path / "p.png"
    Image.new("RGB", (30, 20)).save(path, pnginfo=info)
    record = read_one(path, errors)
    assert (record.caption, record.width, record.height) == ("PNG caption", 30, 20)


def test_unreadable_xmp_is_reported_but_the_image_is_kept(tmp_path, errors, write_jpeg):
    path = write_jpeg(tmp_path / "x.jpg", iptc=[((2, 120), b"Still here")], xmp="<x:xmpmeta><unclosed>")
    assert read_one(path, errors).caption == "Still here"
    (error,) = errors
    assert error.path == str(path) and "unreadable XMP" in str(error)


def test_not_an_image_with_an_image_extension(tmp_path, errors):
    path = tmp_path / "notes.jpg"
    path.write_text("these are not pixels\n", encoding="utf-8")
    assert list(read_image_metadata(path, errors.append)) == []
    (error,) = errors
    assert error.path == str(path)
    assert "cannot read image" in str(error) and "re-export it or remove it" in str(error)


def test_corrupt_image_header(tmp_path, errors):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40)).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    data[16:24] = b"\xff" * 8  # width and height of the IHDR chunk
    path = tmp_path / "broken.png"
    path.write_bytes(bytes(data))
    assert list(read_image_metadata(path, errors.append)) == []
    assert "cannot read image" in str(errors[0])


def test_truncated_jpeg_is_reported(tmp_path, errors, write_jpeg):
    path = write_jpeg(tmp_path / "t.jpg")
    path.write_bytes(path.read_bytes()[:20])
    assert list(read_image_metadata(path, errors.append)) == []
    assert "cannot read image" in str(errors[0])
