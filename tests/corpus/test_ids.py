"""Record ids: given, from the image, or from the file and position; collisions; shared images."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from captionsearch.corpus import read_corpus, stream_corpus


def write_jsonl(path: Path, entries: list[dict]) -> Path:
    path.write_text("".join(json.dumps(e) + "\n" for e in entries), encoding="utf-8")
    return path


def test_records_sharing_an_image_with_different_ids_are_all_kept(tmp_path):
    # A museum export: objects photographed together, and a placeholder image for the unphotographed.
    placeholder = "https://example.org/no-image.png"
    entries = [{"id": f"obj-{n}", "title": f"Object {n}", "image": placeholder if n % 3 else f"https://example.org/{n}.jpg"}
               for n in range(60)]
    write_jsonl(tmp_path / "export.jsonl", entries)
    result = read_corpus([tmp_path])
    assert result.errors == ()
    assert sorted(r.id for r in result.records) == sorted(e["id"] for e in entries)
    assert {r.title for r in result.records if r.id == "obj-4"} == {"Object 4"}


def test_records_without_an_image_get_ids_from_their_file_and_position_that_survive_a_move(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_jsonl(corpus / "catalogue.jsonl", [{"title": "Vase"}, {"title": "Vase"}, {"title": "Bowl", "id": "b-1"}])
    first = read_corpus([corpus])
    ids = sorted(r.id for r in first.records)
    assert first.errors == () and len(set(ids)) == 3 and "b-1" in ids
    assert all(i.startswith("catalogue-") for i in ids if i != "b-1")
    moved = tmp_path / "moved"
    shutil.copytree(corpus, moved)
    assert sorted(r.id for r in read_corpus([moved]).records) == ids


def test_an_image_listed_twice_without_ids_gives_two_records(tmp_path):
    write_jsonl(tmp_path / "m.jsonl", [{"image": "https://example.org/a.jpg", "title": "Front"},
                                       {"image": "https://example.org/a.jpg", "title": "Back"}])
    result = read_corpus([tmp_path])
    assert result.errors == () and sorted(r.title for r in result.records) == ["Back", "Front"]
    assert len({r.id for r in result.records}) == 2


def test_an_id_given_twice_is_reported_once_with_both_places(tmp_path):
    write_jsonl(tmp_path / "a.jsonl", [{"id": "x", "title": "First"}, {"id": "y", "title": "Other"}])
    write_jsonl(tmp_path / "b.jsonl", [{"id": "x", "title": "Clash"}])
    corpus = stream_corpus([tmp_path])
    records = list(corpus.read())
    (error,) = corpus.errors
    assert str(error).startswith(f"{tmp_path / 'b.jsonl'}:1: duplicate id 'x', first at {tmp_path / 'a.jsonl'}:1")
    assert sorted(r.title for r in records) == ["First", "Other"]


def test_the_same_photo_with_the_same_id_in_two_files_is_merged(tmp_path):
    write_jsonl(tmp_path / "a.jsonl", [{"id": "p1", "image": "https://example.org/p1.jpg", "title": "T"}])
    write_jsonl(tmp_path / "b.jsonl", [{"id": "p1", "image": "https://example.org/p1.jpg", "caption": "C"}])
    result = read_corpus([tmp_path])
    assert result.errors == () and [(r.id, r.title, r.caption) for r in result.records] == [("p1", "T", "C")]
