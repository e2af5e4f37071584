"""The image route: renditions of indexed photos only, upright, cached, with long-lived headers."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from captionsearch import images


def fetch(client, url):
    response = client.get(url)
    body = response.get_data()
    response.close()
    return response, body


def test_thumbnail_is_a_jpeg_with_long_lived_cache_headers(client, app):
    response, body = fetch(client, "/image/rover-one/thumb.jpg?v=x")
    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert "immutable" in response.headers["Cache-Control"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    with Image.open(io.BytesIO(body)) as image:
        assert image.format == "JPEG" and image.width == images.SIZES["thumb"]
    cached = list(Path(app.config["CACHE_DIR"]).rglob("*.jpg"))
    assert len(cached) == 1
    again, body_again = fetch(client, "/image/rover-one/thumb.jpg")
    assert body_again == body and list(Path(app.config["CACHE_DIR"]).rglob("*.jpg")) == cached


def test_small_images_are_not_enlarged(client):
    _, body = fetch(client, "/image/rotated/large.jpg")
    with Image.open(io.BytesIO(body)) as image:
        assert image.size == (200, 400)


def test_exif_orientation_is_respected(client):
    # The original is 400x200 with orientation 6 (rotate 90° clockwise to view): upright it is 200x400.
    _, body = fetch(client, "/image/rotated/thumb.jpg")
    with Image.open(io.BytesIO(body)) as image:
        assert image.size == (200, 400)
        top_right = image.getpixel((image.width - 10, 10))
        assert min(top_right) > 200  # the white corner mark moved from top left to top right
    html = client.get("/photo/rotated").get_data(as_text=True)
    assert 'width="200" height="400"' in html


@pytest.mark.parametrize("url", [
    "/image/../../etc/passwd/thumb.jpg",
    "/image/..%2F..%2F..%2Fetc%2Fpasswd/thumb.jpg",
    "/image/%2Fetc%2Fpasswd/thumb.jpg",
    "/image/rover-one/../../../etc/passwd.jpg",
    "/image/rover-one/..%2F..%2Fetc%2Fpasswd.jpg",
    "/image/rover-one/original.jpg",
    "/image/no-such-photo/thumb.jpg",
    "/image/remote/thumb.jpg",
    "/image/rover-one.jpg",
    "/static/../pyproject.toml",
    "/static/..%2F..%2Fpyproject.toml",
])
def test_image_route_refuses_anything_but_indexed_photos(client, url):
    response, body = fetch(client, url)
    assert response.status_code == 404, url
    assert b"root:" not in body and b"[project]" not in body


def test_records_hosted_elsewhere_render_without_an_image_request(client):
    html = client.get("/photo/remote").get_data(as_text=True)
    assert 'src="https://images.example.org' not in html
    assert 'role="img" aria-label="A rocket lifting off"' in html


# -- images that cannot be shown: checked at index time, guarded when served ----------------


@pytest.fixture
def hostile_site(tmp_path: Path):
    """A corpus whose manifest names good and hostile images (tests/hostile/cases.py), indexed for real."""
    from captionsearch.app import create_app
    from captionsearch.images import ImageLimits
    from captionsearch.indexing import IndexOptions, index_corpus
    from captionsearch.indexing.intake import IntakeOptions

    from ..hostile import cases

    case = cases.image_case(tmp_path / "outside")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    case.write(corpus)
    limits = ImageLimits(max_bytes=int(case.env["CAPTIONSEARCH_IMAGE_MAX_MB"]) << 20)
    index_corpus([corpus], tmp_path / "index", IndexOptions(entities=False, intake=IntakeOptions(image_limits=limits)))
    app = create_app({"INDEX_DIR": str(tmp_path / "index"), "CACHE_DIR": str(tmp_path / "thumbnails")})
    with app.test_client() as client:
        yield client, corpus, case


def test_a_photo_whose_image_failed_its_check_shows_a_placeholder(hostile_site):
    client, _, case = hostile_site
    for photo_id in case.good:
        page = client.get(f"/photo/{photo_id}")
        assert page.status_code == 200, photo_id
        shown = 'class="photo-image image-unavailable"' in page.get_data(as_text=True)
        assert shown == (photo_id != "img-good"), photo_id
        data = client.get(f"/photo/{photo_id}.json").get_json()["photo"]
        assert (data["links"]["thumbnail"] is None) == (photo_id != "img-good"), photo_id
        response, body = fetch(client, f"/image/{photo_id}/thumb.jpg")
        assert response.status_code == 200, photo_id
        assert response.mimetype == ("image/jpeg" if photo_id == "img-good" else "image/svg+xml"), photo_id


def test_json_shows_corpus_relative_paths_only(hostile_site, tmp_path: Path):
    client, _, _ = hostile_site
    for url in ("/search.json?limit=100", "/photo/img-good.json", "/photo/img-absolute.json", "/audit.json", "/.json"):
        text = client.get(url).get_data(as_text=True)
        assert str(tmp_path) not in text and "/tmp/" not in text, url
    photo = client.get("/photo/img-good.json").get_json()["photo"]
    assert photo["image"] == "images/good.jpg"
    assert client.get("/photo/img-absolute.json").get_json()["photo"]["image"] == "secret-1.jpg"


def test_an_image_broken_after_indexing_gets_a_placeholder_not_an_error(hostile_site):
    client, corpus, _ = hostile_site
    (corpus / "images" / "good.jpg").write_bytes(b"\xff\xd8\xff\xe0 no longer a JPEG")
    page = client.get("/photo/img-good")  # laid out from the size found when indexed: no image is opened
    assert page.status_code == 200 and 'width="320" height="240"' in page.get_data(as_text=True)
    response, _ = fetch(client, "/image/img-good/thumb.jpg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"


def test_an_image_swapped_for_a_link_leading_out_is_not_served(hostile_site, tmp_path: Path):
    client, corpus, _ = hostile_site
    good = corpus / "images" / "good.jpg"
    good.unlink()
    good.symlink_to(tmp_path / "outside" / "secret-0.jpg")  # a real JPEG, outside the corpus
    response, _ = fetch(client, "/image/img-good/medium.jpg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
