"""Records without an image in the web front end: a "No image" placeholder, the has facet, the JSON twin."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from captionsearch.app import create_app
from captionsearch.indexing import IndexOptions, index_corpus

from .conftest import FAST_AUDIT, LiveServer, write_image

CATALOGUE = [
    {"id": "vase-1", "title": "Blue vase", "description": "A blue glazed vase, not yet photographed."},
    {"id": "bowl-1", "title": "Bowl", "description": "A glazed bowl.", "image": "bowl.jpg", "alt": "A shallow bowl"},
]


@pytest.fixture(scope="module")
def catalogue_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("catalogue")
    write_image(folder / "bowl.jpg", (64, 48), (20, 60, 160))
    (folder / "catalogue.json").write_text(json.dumps({"items": CATALOGUE}), encoding="utf-8")
    index_dir = folder / "index"
    report = index_corpus([folder], index_dir, IndexOptions(entities=False))
    assert report.records == 2 and not report.errors and not report.warnings
    return index_dir


@pytest.fixture
def client(catalogue_index: Path, tmp_path: Path):
    app = create_app({"INDEX_DIR": str(catalogue_index), "CACHE_DIR": str(tmp_path / "thumbnails"),
                      "AUDIT_CONFIG": FAST_AUDIT})
    with app.test_client() as test_client:
        yield test_client


def test_the_photo_page_of_a_record_without_an_image_shows_the_placeholder(client):
    html = client.get("/photo/vase-1").get_data(as_text=True)
    assert 'class="photo-image image-unavailable no-image" role="img" aria-label="A blue glazed vase' in html
    assert ">No image</span>" in html
    with_image = client.get("/photo/bowl-1").get_data(as_text=True)
    assert "photo-image image-unavailable" not in with_image and '<img class="photo-image"' in with_image


def test_search_results_and_facets_say_which_have_an_image(client):
    html = client.get("/search?q=glazed").get_data(as_text=True)
    assert html.count(">No image</span>") == 1
    assert "No image yet" in html and "With an image" in html  # the facet values, labelled
    data = client.get("/search.json?q=glazed").get_json()
    assert {f["filter"]: f["count"] for f in data["facets"]["has"]} == {"has:image": 1, "has:no-image": 1}
    only = client.get("/search.json?q=glazed&f=has:no-image").get_json()
    assert [hit["id"] for hit in only["hits"]] == ["vase-1"]
    queried = client.get("/search.json?q=glazed+-has:image").get_json()
    assert [hit["id"] for hit in queried["hits"]] == ["vase-1"]


def test_the_photo_json_of_a_record_without_an_image_has_no_image_links(client):
    photo = client.get("/photo/vase-1.json").get_json()["photo"]
    assert photo["image"] == ""
    assert "/image/" not in json.dumps(photo)


@pytest.mark.browser
def test_the_no_image_placeholder_shows_in_the_browser(page: Page, catalogue_index: Path, tmp_path: Path):
    server = LiveServer(catalogue_index, tmp_path)
    try:
        page.goto(f"{server.url}/search?q=-has:image")
        placeholder = page.locator(".card .no-image")
        expect(placeholder).to_have_count(1)
        expect(placeholder).to_be_visible()
        expect(placeholder).to_have_text("No image")
        expect(placeholder).to_have_attribute("aria-label", "A blue glazed vase, not yet photographed.")
        box = placeholder.bounding_box()
        assert box is not None and box["width"] > 40 and box["height"] > 40
    finally:
        server.stop()


def test_an_index_of_nothing_yet_serves_its_pages(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    index_dir = tmp_path / "index"
    report = index_corpus([tmp_path / "empty"], index_dir, IndexOptions(entities=False))
    assert report.records == 0 and not report.errors
    app = create_app({"INDEX_DIR": str(index_dir), "CACHE_DIR": str(tmp_path / "thumbnails"), "AUDIT_CONFIG": FAST_AUDIT})
    with app.test_client() as client:
        assert client.get("/").status_code == 200
        page = client.get("/search?q=rover")
        assert page.status_code == 200 and b"rover" in page.data
        twin = client.get("/search.json?q=rover")
        assert twin.status_code == 200 and twin.get_json()["total"] == 0
