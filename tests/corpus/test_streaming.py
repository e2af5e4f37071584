"""Reading a corpus record by record: lines, image references and merging without the whole input."""

from __future__ import annotations

import json
import os
from pathlib import Path

from captionsearch.corpus import read_file, stream_corpus
from captionsearch.corpus.merge import merge_records, merge_stream
from captionsearch.corpus.references import resolve_image
from captionsearch.corpus.textfile import read_lines, read_text
from captionsearch.records import CaptionRecord, Origin


def test_lines_are_those_of_the_whole_text(tmp_path: Path) -> None:
    path = tmp_path / "m.jsonl"
    path.write_bytes("\ufeffone\r\ntwo\rthree\n\nfour\u2028five\x85six\nseven".encode("utf-8"))
    assert list(read_lines(path, report=lambda e: None)) == read_text(path, lambda e: None).splitlines()


def test_a_file_that_is_not_utf8_yields_no_lines_and_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "m.jsonl"
    path.write_bytes(b'{"a": 1}\n' * 3 + "{\"b\": \"caf\u00e9\"}\n".encode("latin-1") + b'{"c": 1}\n')
    errors: list = []
    assert read_lines(path, errors.append) is None
    assert [(e.line, "not UTF-8 text" in str(e)) for e in errors] == [(4, True)]


def test_a_character_cut_by_the_reading_block_is_still_utf8(tmp_path: Path) -> None:
    from captionsearch.corpus.textfile import _first_line_not_utf8

    path = tmp_path / "m.jsonl"
    path.write_bytes(b"x" * 1023 + "\u00e9\n\u00e9".encode("utf-8"))
    assert _first_line_not_utf8(path, block=1024) is None
    path.write_bytes(b"x\n" * 600 + b"\xff")
    assert _first_line_not_utf8(path, block=1024) == 601


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
