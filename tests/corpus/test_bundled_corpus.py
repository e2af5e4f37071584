"""The bundled Chang'e 4 gallery: what it reads into, and that its images reproduce."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image

from captionsearch.corpus import read_corpus
from captionsearch.corpus.metadata import read_image_metadata

SOURCE = Path(__file__).parent / "data" / "gallery-source.txt"  # the published text, as taken from the page
BOILERPLATE_STARTS = ("Get the Space.com Newsletter", "Join our Space Forums")


def published_photos() -> list[tuple[str, str]]:
    """(title, caption) pairs: the lines after the page title, up to the forum promotion, minus the newsletter promotion."""
    lines = SOURCE.read_text(encoding="utf-8").split("\n")
    end = next(i for i, line in enumerate(lines) if line.startswith(BOILERPLATE_STARTS[1]))
    body = lines[1:end]
    promo = body.index(BOILERPLATE_STARTS[0])
    del body[promo : promo + 2]
    return list(zip(body[0::2], body[1::2]))


@pytest.fixture(scope="module")
def bundled(corpus_dir):
    return read_corpus([corpus_dir])


def test_reads_into_eleven_records_matching_the_published_text(bundled):
    published = published_photos()
    assert len(published) == 11
    assert bundled.errors == ()
    assert len(bundled.records) == 11
    assert sorted((r.title, r.caption) for r in bundled.records) == sorted(published)


def test_every_source_describes_every_photo(bundled, corpus_dir):
    for record in bundled.records:
        assert [p.origin.kind for p in record.parts] == ["manifest", "html", "metadata"]
        html, metadata = record.part("html"), record.part("metadata")
        assert html.caption == metadata.caption == record.caption
        assert html.alt == record.alt == record.title  # the page's alt is the slide title
        assert (metadata.width, metadata.height) == (record.width, record.height)
    assert {Path(f).name for f in bundled.files} >= {"manifest.json", "chang-e-4-gallery.html"}


def test_images_carry_title_caption_and_credit(corpus_dir):
    manifest = json.loads((corpus_dir / "manifest.json").read_text(encoding="utf-8"))
    errors: list = []
    for photo in manifest["photos"]:
        (record,) = read_image_metadata(corpus_dir / photo["image"], errors.append)
        assert (record.title, record.caption, record.credit) == (photo["title"], photo["caption"], photo["credit"])
        assert record.date == photo.get("date", "")
        assert record.alt is None  # no invented alt text in the bundled files
    assert errors == []


def test_images_are_placeholders_of_the_manifest_size_and_small(corpus_dir):
    manifest = json.loads((corpus_dir / "manifest.json").read_text(encoding="utf-8"))
    for photo in manifest["photos"]:
        path = corpus_dir / photo["image"]
        assert path.stat().st_size < 200_000
        with Image.open(path) as image:
            assert image.size == (photo["width"], photo["height"])


def test_regenerating_the_images_reproduces_them_byte_for_byte(tmp_path, corpus_dir, make_images):
    written = make_images.write_images(tmp_path)
    committed = sorted((corpus_dir / "images").glob("*.jpg"))
    assert [p.name for p in sorted(written)] == [p.name for p in committed]
    for path in committed:
        assert (tmp_path / "images" / path.name).read_bytes() == path.read_bytes(), path.name


class _ImageTags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.images: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.images.append(dict(attrs))


def test_page_declares_the_real_image_sizes(corpus_dir):
    parser = _ImageTags()
    parser.feed((corpus_dir / "chang-e-4-gallery.html").read_text(encoding="utf-8"))
    parser.close()
    assert len(parser.images) == 11
    for img in parser.images:
        with Image.open(corpus_dir / img["src"]) as image:
            assert (int(img["width"]), int(img["height"])) == image.size
        assert img["loading"] == "lazy" and img["alt"]
