"""schema.org ImageObject and Photograph JSON-LD in pages, written from schema.org's definitions."""

from __future__ import annotations

import json
from pathlib import Path

from captionsearch.corpus import read_corpus
from captionsearch.corpus.html import read_html
from captionsearch.corpus.limits import ReadLimits

IMAGE_OBJECT = {
    "@context": "https://schema.org",
    "@type": "ImageObject",
    "contentUrl": "photos/lighthouse.jpg",
    "name": "Lighthouse at dusk",
    "caption": "The lighthouse and the north pier at dusk.",
    "description": "Taken from the harbour wall in July.",
    "creditText": "Ada Lens / Harbour Desk",
    "creator": {"@type": "Person", "name": "Ada Lens"},
    "datePublished": "2019-07-04",
    "keywords": "lighthouse, pier, dusk",
    "width": {"@type": "QuantitativeValue", "value": 1600},
    "height": "1067 px",
}


def page(tmp_path: Path, body: str, blocks: list[object]) -> Path:
    scripts = "".join(f'<script type="application/ld+json">{json.dumps(b)}</script>\n' for b in blocks)
    path = tmp_path / "story.html"
    path.write_text(f"<html><head><title>Harbour</title>\n{scripts}</head><body>{body}</body></html>", encoding="utf-8")
    return path


def test_an_image_object_becomes_a_record_with_every_field(tmp_path, errors):
    (record,) = read_html(page(tmp_path, "", [IMAGE_OBJECT]), errors.append)
    assert errors == []
    assert record.image == (tmp_path / "photos" / "lighthouse.jpg").resolve().as_posix()
    assert (record.title, record.caption) == ("Lighthouse at dusk", "The lighthouse and the north pier at dusk.")
    assert record.long_description == "Taken from the harbour wall in July."
    assert (record.credit, record.date) == ("Ada Lens / Harbour Desk", "2019-07-04")
    assert record.keywords == ("lighthouse", "pier", "dusk")
    assert (record.width, record.height) == (1600, 1067)
    assert record.alt is None and record.origin.kind == "html" and record.origin.line == 2


def test_it_and_the_pages_img_of_the_same_src_are_one_photo(tmp_path):
    body = '<figure><img src="photos/lighthouse.jpg" alt="A white lighthouse"><figcaption>At dusk.</figcaption></figure>'
    page(tmp_path, body, [IMAGE_OBJECT])
    result = read_corpus([tmp_path])
    (record,) = result.records
    assert record.alt == "A white lighthouse"  # the page's
    assert record.caption == "At dusk."  # what readers see comes first
    assert record.title == "Lighthouse at dusk" and record.credit == "Ada Lens / Harbour Desk"  # the JSON-LD's
    assert record.keywords == ("lighthouse", "pier", "dusk") and len(record.parts) == 2


def test_graphs_lists_nested_photographs_and_typed_names_are_found(tmp_path, errors):
    article = {"@context": "https://schema.org", "@graph": [
        {"@type": "NewsArticle", "headline": "Storm", "image": {
            "@type": "schema:ImageObject", "url": "https://example.org/storm.jpg", "description": "Waves"}},
        {"@type": ["CreativeWork", "Photograph"], "name": "Nets", "image": "https://example.org/nets.jpg",
         "copyrightHolder": [{"@type": "Organization", "name": "Harbour Desk"}], "keywords": ["nets", "quay"]},
        {"@type": "ImageObject", "name": "No address"},
    ]}
    storm, nets = read_html(page(tmp_path, "", [[{"@type": "WebPage"}], article]), errors.append)
    assert (storm.image, storm.caption, storm.title) == ("https://example.org/storm.jpg", "Waves", "")
    assert (nets.image, nets.title, nets.credit, nets.keywords) == (
        "https://example.org/nets.jpg", "Nets", "Harbour Desk", ("nets", "quay"))
    assert errors == []


def test_broken_or_oversized_json_ld_is_reported_and_the_page_still_read(tmp_path, errors):
    path = tmp_path / "broken.html"
    path.write_text('<html>\n<script type="application/ld+json">{"@type": "ImageObject",</script>\n'
                    '<script type="application/ld+json">' + json.dumps({"@type": "ImageObject", "contentUrl": "a.jpg",
                                                                       "caption": "x" * 5000}) + "</script>\n"
                    '<img src="b.jpg" alt="B"><script type="application/ld+json">{"never": "closed"',
                    encoding="utf-8")
    (record,) = read_html(path, errors.append, ReadLimits(record_bytes=2000))
    assert record.alt == "B"
    assert [(e.line, e.problem.split(":")[0].split(" is ")[0]) for e in errors] == [
        (2, "invalid JSON-LD"), (3, "JSON-LD block")]
