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
