"""IIIF Presentation 3: manifests and collections written from the specification, read through .json."""

from __future__ import annotations

import json
from pathlib import Path

from captionsearch.corpus import read_corpus, read_file
from captionsearch.corpus.iiif import language_value

CONTEXT = "http://iiif.io/api/presentation/3/context.json"


def painting(canvas: str, body: dict) -> dict:
    return {"id": f"{canvas}/page", "type": "AnnotationPage", "items": [
        {"id": f"{canvas}/anno", "type": "Annotation", "motivation": "painting", "body": body, "target": canvas}]}


def image(url: str, width: int = 1200, height: int = 800) -> dict:
    return {"id": url, "type": "Image", "format": "image/jpeg", "width": width, "height": height}


def canvas(number: int, body: dict, label: str = "") -> dict:
    uri = f"https://example.org/iiif/harbour/canvas/{number}"
    return {"id": uri, "type": "Canvas", "width": 3000, "height": 2000, "items": [painting(uri, body)],
            **({"label": {"none": [label]}} if label else {})}


MANIFEST = {
    "@context": CONTEXT,
    "id": "https://example.org/iiif/harbour/manifest",
    "type": "Manifest",
    "label": {"fr": ["Le port au crépuscule"], "en": ["The harbour at dusk"]},
    "summary": {"none": ["Fishing boats moored below the lighthouse."]},
    "metadata": [
        {"label": {"en": ["Photographer"]}, "value": {"none": ["Ada Lens"]}},
        {"label": {"en": ["Medium"]}, "value": {"en": ["<span>Silver <b>gelatin</b> print</span>"]}},
    ],
    "requiredStatement": {"label": {"en": ["Attribution"]}, "value": {"en": ["Example Museum"]}},
    "rights": "http://creativecommons.org/licenses/by/4.0/",
    "navDate": "1931-06-01T00:00:00Z",
    "homepage": [{"id": "https://example.org/objects/harbour", "type": "Text", "label": {"en": ["Harbour"]}}],
    "items": [
        canvas(1, image("https://example.org/img/harbour-front.jpg"), "front"),
        canvas(2, {"type": "Choice", "items": [image("https://example.org/img/harbour-back.jpg", 600, 400),
                                                image("https://example.org/img/harbour-back-ir.jpg")]}, "back"),
        canvas(3, {"id": "https://example.org/av/harbour.mp4", "type": "Video", "format": "video/mp4"}, "film"),
    ],
}


def write(tmp_path: Path, name: str, document: object) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_each_painted_image_is_a_record_with_the_manifests_text(tmp_path, errors):
    front, back = read_file(write(tmp_path, "harbour.json", MANIFEST), errors.append)
    assert errors == []
    assert front.image == "https://example.org/img/harbour-front.jpg"
    assert back.image == "https://example.org/img/harbour-back.jpg"  # the first choice stands for the view
    assert (front.title, back.title) == ("The harbour at dusk, front", "The harbour at dusk, back")
    assert front.caption == "Fishing boats moored below the lighthouse."
    assert front.long_description == "Photographer: Ada Lens\nMedium: Silver gelatin print"
    assert front.credit == "Example Museum; http://creativecommons.org/licenses/by/4.0/"
    assert (front.date, front.page) == ("1931-06-01T00:00:00Z", "https://example.org/objects/harbour")
    assert (front.width, front.height, back.width, back.height) == (1200, 800, 600, 400)
    assert front.id != back.id and front.id.startswith("the-harbour-at-dusk-front-")
    assert front.origin.kind == "manifest"


def test_a_video_canvas_counts_by_its_thumbnail_and_a_region_by_its_image(tmp_path, errors):
    film = canvas(1, {"id": "https://example.org/av/a.mp4", "type": "Video"})
    film["thumbnail"] = [{"id": "https://example.org/img/poster.jpg", "type": "Image", "format": "image/jpeg"}]
    region = canvas(2, {"type": "SpecificResource", "source": image("https://example.org/img/page.jpg")})
    manifest = {"@context": CONTEXT, "id": "m", "type": "Manifest", "label": {"en": ["Reel"]}, "items": [film, region]}
    records = list(read_file(write(tmp_path, "reel.json", manifest), errors.append))
    assert [r.image for r in records] == ["https://example.org/img/poster.jpg", "https://example.org/img/page.jpg"]
    assert errors == []


def test_a_collection_gives_its_label_as_the_gallery_and_reads_embedded_and_referred_manifests(tmp_path, errors):
    referred = {"id": "https://example.org/iiif/pier/manifest", "type": "Manifest", "label": {"en": ["The pier"]},
                "thumbnail": [{"id": "https://example.org/img/pier-thumb.jpg", "type": "Image"}]}
    collection = {"@context": CONTEXT, "id": "c", "type": "Collection", "label": {"en": ["Coast"]},
                  "items": [MANIFEST, referred, {"id": "https://example.org/iiif/x", "type": "Manifest"}]}
    records = list(read_file(write(tmp_path, "coast.json", collection), errors.append))
    assert [r.title for r in records] == ["The harbour at dusk, front", "The harbour at dusk, back", "The pier"]
    assert {r.gallery for r in records} == {"Coast"}
    assert errors == []


def test_a_collection_that_only_refers_to_manifests_says_so(tmp_path, errors):
    collection = {"@context": CONTEXT, "id": "c", "type": "Collection", "label": {"en": ["Coast"]},
                  "items": [{"id": "https://example.org/iiif/a", "type": "Manifest"}]}
    path = write(tmp_path, "refs.json", collection)
    assert list(read_file(path, errors.append)) == []
    assert [str(e) for e in errors] == [f"{path}: IIIF collection that only refers to its 1 manifests "
                                        "(save the manifests it lists and index their files)"]


def test_a_manifest_without_an_image_is_a_record_without_one_and_an_empty_one_is_reported(tmp_path, errors):
    audio = {"@context": [CONTEXT], "id": "m", "type": "Manifest", "label": {"en": ["Song"]},
             "summary": {"en": ["A sea shanty"]}, "items": [canvas(1, {"id": "https://example.org/a.mp3", "type": "Sound"})]}
    (song,) = read_file(write(tmp_path, "song.json", audio), errors.append)
    assert (song.title, song.caption, song.image) == ("Song", "A sea shanty", "")
    assert list(read_file(write(tmp_path, "empty.json", {"@context": CONTEXT, "type": "Manifest"}), errors.append)) == []
    assert [e.problem for e in errors] == ["IIIF resource with nothing to index: no canvas, no thumbnail"]


def test_recognised_by_type_without_a_context_and_lists_of_photos_still_read(tmp_path, errors):
    bare = {"type": "Manifest", "label": "Plain", "items": [canvas(1, image("https://example.org/p.jpg"))]}
    assert [r.title for r in read_file(write(tmp_path, "bare.json", bare), errors.append)] == ["Plain"]
    photos = [{"image": "https://example.org/q.jpg", "title": "A list", "type": "Photograph"}]
    assert [r.title for r in read_file(write(tmp_path, "list.json", photos), errors.append)] == ["A list"]
    assert errors == []


def test_language_maps_prefer_english_then_none_then_the_first():
    assert language_value({"fr": ["le port"], "none": ["port"], "en": ["harbour", "at dusk"]}) == "harbour at dusk"
    assert language_value({"fr": ["le port"], "none": ["port"]}) == "port"
    assert language_value({"de": ["Hafen"], "fr": ["le port"]}) == "Hafen"
    assert language_value({}) == "" and language_value(None) == "" and language_value("plain") == "plain"


def test_the_records_are_indexed_like_any_others(tmp_path):
    write(tmp_path, "harbour.json", MANIFEST)
    result = read_corpus([tmp_path])
    assert len(result.records) == 2 and result.errors == ()
