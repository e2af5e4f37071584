"""Reading a corpus record by record: lines, image references and merging without the whole input."""

from __future__ import annotations

import json
import os
from pathlib import Path

from captionsearch.corpus import read_file, stream_corpus
from captionsearch.corpus.merge import merge_records, merge_stream
from captionsearch.corpus.references import resolve_image
from captionsearch.corpus.textfile import jsonl_lines
from captionsearch.records import CaptionRecord, Origin


def test_jsonl_lines_end_at_newlines_only(tmp_path: Path) -> None:
    path = tmp_path / "m.jsonl"
    path.write_bytes("\ufeffone\r\ntwo\rthree\n\nfour\u2028five\x85six\nseven".encode("utf-8"))
    lines = jsonl_lines(path, 1024, report=lambda e: None)
    assert [(line.number, line.text) for line in lines] == [
        (1, "one"), (2, "two\rthree"), (3, ""), (4, "four\u2028five\x85six"), (5, "seven")]


def test_a_line_that_is_not_utf8_costs_that_line_only(tmp_path: Path) -> None:
    path = tmp_path / "m.jsonl"
    path.write_bytes(b'{"a": 1}\n' * 3 + "{\"b\": \"caf\u00e9\"}\n".encode("latin-1") + b'{"c": 1}\n')
    lines = list(jsonl_lines(path, 1024, report=lambda e: None))
    assert [line.number for line in lines if line.problem] == [4]
    assert "not UTF-8 text" in lines[3].problem and lines[4].text == '{"c": 1}'


def test_an_over_long_line_is_skipped_without_being_held(tmp_path: Path) -> None:
    path = tmp_path / "m.jsonl"
    path.write_bytes(b'{"a": 1}\n' + b"x" * 5000 + b'\n{"c": 1}')
    lines = list(jsonl_lines(path, 100, report=lambda e: None))
    assert [(line.number, line.text) for line in lines if not line.problem] == [(1, '{"a": 1}'), (3, '{"c": 1}')]
    assert "5,001 bytes, over max-record-bytes (100)" in lines[1].problem


def test_images_behind_a_linked_folder_resolve_as_before(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.jpg").write_bytes(b"")
    os.symlink(tmp_path / "real", tmp_path / "link")
    os.symlink(tmp_path / "real" / "a.jpg", tmp_path / "real" / "alias.jpg")
    manifest = tmp_path / "m.jsonl"
    for reference in ("link/a.jpg", "link/alias.jpg", "real/../link/./a.jpg", "link/..", "missing/b.jpg"):
        assert resolve_image(reference, manifest) == (tmp_path / reference).resolve().as_posix(), reference


def part(image: str, kind: str, line: int, **values: object) -> CaptionRecord:
    return CaptionRecord(id="", image=image, origin=Origin(f"f.{kind}", line, None, kind), **values)  # type: ignore[arg-type]


def test_a_photo_with_one_source_goes_on_before_the_input_ends() -> None:
    def records():
        yield part("/a.jpg", "manifest", 1, caption="A")
        raise AssertionError("read past the first record")

    merged = merge_stream(records(), "/", report=lambda e: None, shared=set())
    assert next(merged).caption == "A"


def test_photos_with_several_sources_wait_for_all_of_them() -> None:
    records = [part("/a.jpg", "html", 1, caption="page"), part("/b.jpg", "html", 2),
               part("/a.jpg", "manifest", 3, title="manifest")]
    merged = list(merge_stream(records, "/", report=lambda e: None, shared={"/a.jpg"}))
    assert [(r.image, r.title, r.caption) for r in merged] == [("/b.jpg", "", ""), ("/a.jpg", "manifest", "page")]


def test_streamed_corpus_merges_like_the_whole_one(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text(json.dumps({"id": "p1", "image": "x.jpg", "title": "T"}) + "\n", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(
        json.dumps({"image": "x.jpg", "caption": "C"}) + "\n" + json.dumps({"image": "y.jpg"}) + "\n{bad\n",
        encoding="utf-8",
    )
    corpus = stream_corpus([tmp_path])
    streamed = sorted(corpus.read(), key=lambda r: r.id)
    errors: list = []
    files = [tmp_path / "a.jsonl", tmp_path / "b.jsonl"]
    whole = merge_records([r for f in files for r in read_file(f, errors.append)], tmp_path.as_posix(), errors.append)
    assert streamed == sorted(whole, key=lambda r: r.id)
    assert list(map(str, corpus.errors)) == list(map(str, errors))
    assert [(r.id, r.title, r.caption) for r in streamed if r.id == "p1"] == [("p1", "T", "C")]
    assert [e.line for e in corpus.errors] == [3]
