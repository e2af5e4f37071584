"""A collection export in a folder is audited when it holds photos, with the field map the index uses.

A site's own data files (its settings, a list of sponsors under a key the
image is not mapped from) stay out, so they raise no findings.
"""

from __future__ import annotations

import json
from pathlib import Path

from captionsearch.audit.config import load_audit_config
from captionsearch.audit.runner import audit_paths

ARTWORK = {
    "id": 1705, "title": "Studies of a Sleeve", "thumbnailUrl": "http://example.org/images/A00067_8.jpg",
    "creditLine": "Bequeathed 1916",
}


def write(path: Path, document: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def config(tmp_path: Path, fields: str = "") -> object:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(f"[tool.captionsearch.fields]\n{fields}\n", encoding="utf-8")
    return load_audit_config(pyproject=pyproject, environ={})


def test_one_object_per_artwork_is_audited_once_the_image_is_mapped(tmp_path: Path) -> None:
    folder = tmp_path / "artworks"
    write(folder / "a00067.json", ARTWORK)
    write(folder / "a00068.json", {**ARTWORK, "id": 1706, "thumbnailUrl": "http://example.org/images/A00068_8.jpg",
                                   "alt_text": "A00068_8.jpg"})

    unmapped = audit_paths([folder], config(tmp_path))
    assert unmapped.coverage.records == 0 and unmapped.findings == ()

    mapped = audit_paths([folder], config(tmp_path, 'image = "thumbnailUrl"'))
    assert mapped.coverage.records == 2
    found = {(f.image.rsplit("/", 1)[-1], f.rule) for f in mapped.findings}
    assert {("A00067_8.jpg", "alt-missing"), ("A00068_8.jpg", "alt-filename")} <= found
    assert {image for image, _ in found} == {"A00067_8.jpg", "A00068_8.jpg"}


def test_a_list_of_photos_under_a_key_is_audited(tmp_path: Path) -> None:
    write(tmp_path / "site" / "export.json", {"data": [{"image": "photos/IMG_2041.jpg", "alt": "IMG_2041.JPG"}]})
    result = audit_paths([tmp_path / "site"], config(tmp_path))
    assert ("alt-filename", "IMG_2041.jpg") in {(f.rule, f.image.rsplit("/", 1)[-1]) for f in result.findings}
    assert result.coverage.records == 1


def test_a_sites_settings_file_with_an_image_of_its_own_is_not_a_photo(tmp_path: Path) -> None:
    site = tmp_path / "site"
    write(site / "_data" / "site.json", {"title": "Our museum", "image": "/social-card.png"})
    write(site / "_data" / "sponsors.json", {"sponsors": [{"name": "ACME", "logo": "acme.png"}]})
    result = audit_paths([site], config(tmp_path))
    assert result.coverage.records == 0 and result.findings == () and result.errors == ()
    # Named on the command line, a file is always read: its one object is a record.
    named = audit_paths([site / "_data" / "site.json"], config(tmp_path))
    assert named.coverage.records == 1
