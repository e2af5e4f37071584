"""One record per photo: merging sources, precedence, ids and duplicates."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from captionsearch.corpus import read_corpus
from captionsearch.corpus.merge import merge_group
from captionsearch.records import CaptionRecord, Origin

PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>G</title></head><body>
<h1>Moon Gallery</h1>
<section><h2>Page Title</h2>
<figure><img src="images/a.jpg" alt="Alt from the page" width="800" height="450">
<figcaption>Caption from the page.</figcaption></figure></section>
<figure><img src="images/b.jpg" alt=""><figcaption>Decorative on the page.</figcaption></figure>
</body></html>
"""


def build_corpus(root: Path, write_jpeg, xmp) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    inner = '<Iptc4xmpCore:AltTextAccessibility><rdf:Alt><rdf:li xml:lang="x-default">Alt from the file</rdf:li></rdf:Alt></Iptc4xmpCore:AltTextAccessibility>'
    write_jpeg(root / "images" / "a.jpg", size=(160, 90), iptc=[((2, 120), b"Caption from the file"), ((2, 25), b"Moon"), ((2, 25), b"crater")], xmp=xmp(inner, 'photoshop:Credit="File Credit"'))
    write_jpeg(root / "images" / "b.jpg", xmp=xmp(inner))
    write_jpeg(root / "images" / "c.jpg", xmp=xmp(inner, 'dc:description="Only the file knows c"'))
    manifest = {"gallery": {"title": "Manifest Gallery"}, "photos": [
        {"id": "photo-a", "image": "images/a.jpg", "title": "Manifest Title", "keywords": ["moon", "lander"]},
        {"image": "images/b.jpg", "alt": "Alt from the manifest", "caption": "Manifest caption for b"}]}
    (root / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    (root / "gallery.html").write_text(PAGE, encoding="utf-8")
    return root


def by_name(result) -> dict[str, CaptionRecord]:
    return {Path(r.image).name: r for r in result.records}


def test_page_manifest_and_file_merge_into_one_record(tmp_path, write_jpeg, xmp):
    root = build_corpus(tmp_path / "corpus", write_jpeg, xmp)
    result = read_corpus([root])
    assert result.errors == ()
    assert len(result.records) == 3
    a = by_name(result)["a.jpg"]
    assert a.id == "photo-a"
    assert [p.origin.kind for p in a.parts] == ["manifest", "html", "metadata"]
    assert (a.title, a.caption, a.credit) == ("Manifest Title", "Caption from the page.", "File Credit")
    assert a.alt == "Alt from the page"
    assert (a.width, a.height) == (160, 90)  # the file's own pixel size comes before the page's display size
    assert a.keywords == ("moon", "lander", "crater")
    assert a.gallery == "Manifest Gallery"
    kinds = {name: origin.kind for name, origin in a.field_origins}
    assert kinds == {"title": "manifest", "caption": "html", "credit": "metadata", "alt": "html", "keywords": "manifest",
                     "gallery": "manifest", "page": "html", "width": "metadata", "height": "metadata"}
    assert a.origin == a.parts[0].origin and a.origin.kind == "manifest"
    assert a.origin_of("credit").path == str(root / "images" / "a.jpg")
    assert a.part("metadata").caption == "Caption from the file"


def test_alt_precedence_keeps_empty_apart_from_absent(tmp_path, write_jpeg, xmp):
    records = by_name(read_corpus([build_corpus(tmp_path / "corpus", write_jpeg, xmp)]))
    assert records["b.jpg"].alt == ""  # the page marks it decorative: that is what readers get
    assert records["b.jpg"].caption == "Manifest caption for b"
    assert records["c.jpg"].alt == "Alt from the file"
    assert records["c.jpg"].origin.kind == "metadata"


def test_manifest_alt_comes_before_the_file():
    def part(kind, alt):
        return CaptionRecord("", "/x.jpg", Origin(f"/{kind}", 1, None, kind), alt=alt)

    merged = merge_group([part("metadata", "file"), part("manifest", "manifest"), part("markdown", None)], "/")
    assert merged.alt == "manifest" and merged.origin_of("alt").kind == "manifest"
    assert merge_group([part("metadata", "file"), part("markdown", None)], "/").alt == "file"


def test_generated_ids_are_stable_across_runs_and_moves(tmp_path, write_jpeg, xmp):
    first = build_corpus(tmp_path / "one" / "corpus", write_jpeg, xmp)
    ids = [r.id for r in read_corpus([first]).records]
    assert ids == [r.id for r in read_corpus([first]).records]
    moved = tmp_path / "elsewhere" / "deeper" / "corpus"
    shutil.copytree(first, moved)
    assert [r.id for r in read_corpus([moved]).records] == ids
    generated = by_name(read_corpus([moved]))["c.jpg"].id
    assert generated.startswith("c-") and generated != by_name(read_corpus([moved]))["b.jpg"].id


def test_duplicate_ids_and_repeated_images(tmp_path, write_jpeg):
    for name in ("a.jpg", "b.jpg"):
        write_jpeg(tmp_path / name)
    (tmp_path / "m.jsonl").write_text(
        '{"id": "x", "image": "a.jpg", "title": "First"}\n'
        '{"id": "x", "image": "b.jpg", "title": "Clash"}\n'
        '{"id": "y", "image": "a.jpg", "title": "Again"}\n',
        encoding="utf-8",
    )
    result = read_corpus([tmp_path])
    manifest = str(tmp_path / "m.jsonl")
    assert [(e.path, e.line) for e in result.errors] == [(manifest, 2)]
    assert f"duplicate id 'x', first at {manifest}:1" in str(result.errors[0])
    assert "give each record its own id" in str(result.errors[0])
    # Two records with different ids that share an image are both kept, each with the image's metadata.
    shared = sorted((r.id, r.title) for r in result.records if r.image.endswith("a.jpg"))
    assert shared == [("x", "First"), ("y", "Again")]
    records = by_name(result)
    assert records["b.jpg"].id != "x" and records["b.jpg"].title == ""  # kept from its own file only
    assert [r.id for r in result.records] == sorted(r.id for r in result.records)
