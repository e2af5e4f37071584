"""A re-run over unchanged files reads nothing; any change to the files, their images or the options is seen."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from captionsearch.indexing import IndexOptions, index_corpus, index_records
from captionsearch.indexing.inputs import INPUTS_FILE
from captionsearch.search import searching
from captionsearch.search.backend import get_backend

from .conftest import make_record

PLAIN = IndexOptions(entities=False)


def write_manifest(path: Path, captions: dict[str, str], image: str | None = None) -> None:
    entries = [{"id": key, "image": image or f"images/{key}.jpg", "caption": text} for key, text in captions.items()]
    path.write_text("".join(json.dumps(entry) + "\n" for entry in entries), encoding="utf-8")


def ids(query: str, index_dir: Path) -> set[str]:
    return {hit.id for hit in searching.search(query, index_dir, limit=100, suggest=False).hits}


def indexed(index_dir: Path) -> set[str]:
    """Every photo in the index."""
    reader = get_backend().open_reader(index_dir)
    try:
        return {record["id"] for record in reader.stored_records()}
    finally:
        reader.close()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    write_manifest(folder / "photos.jsonl", {f"p{i}": f"The rover crossed crater {i}." for i in range(4)})
    return folder


def refuse_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any reading of a corpus file fail the test: a no-op run must not open one."""
    import captionsearch.corpus as corpus_package

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("a corpus file was read")

    monkeypatch.setattr(corpus_package, "read_file", never)


def test_a_second_run_over_unchanged_files_reads_none_of_them(
    corpus: Path, index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = index_corpus([corpus], index_dir, PLAIN)
    assert (first.added, (index_dir / INPUTS_FILE).exists()) == (4, True)
    refuse_reading(monkeypatch)
    second = index_corpus([corpus], index_dir, PLAIN)
    assert (second.records, second.unchanged, second.added, second.updated, second.files) == (4, 4, 0, 0, 1)
    assert ids("rover", index_dir) == {"p0", "p1", "p2", "p3"}


def test_an_edited_file_is_read_again_even_with_the_same_size_and_time(corpus: Path, index_dir: Path) -> None:
    index_corpus([corpus], index_dir, PLAIN)
    manifest = corpus / "photos.jsonl"
    before = manifest.stat()
    text = manifest.read_text(encoding="utf-8").replace("crater 3", "valley 3")
    manifest.write_text(text, encoding="utf-8")
    os.utime(manifest, ns=(before.st_atime_ns, before.st_mtime_ns))  # same size, same time: only the hash differs
    report = index_corpus([corpus], index_dir, PLAIN)
    assert (report.updated, report.unchanged) == (1, 3)
    assert ids("valley", index_dir) == {"p3"}


def test_a_new_file_and_a_removed_one_are_seen(corpus: Path, index_dir: Path) -> None:
    index_corpus([corpus], index_dir, PLAIN)
    write_manifest(corpus / "more.jsonl", {"q1": "A lander rests on the plain."})
    assert index_corpus([corpus], index_dir, PLAIN).added == 1
    (corpus / "photos.jsonl").unlink()
    report = index_corpus([corpus], index_dir, PLAIN)
    assert (report.deleted, report.unchanged) == (4, 1)
    assert ids("rover", index_dir) == set()


def test_an_image_that_appears_or_changes_is_checked_again(corpus: Path, index_dir: Path) -> None:
    write_manifest(corpus / "photos.jsonl", {"p0": "The rover crossed a crater."}, image="images/p0.png")
    index_corpus([corpus], index_dir, PLAIN)
    assert searching.get_photo("p0", index_dir).record.image_file.stamp == ""
    (corpus / "images").mkdir()
    (corpus / "images" / "p0.png").write_bytes(b"not really a png")
    report = index_corpus([corpus], index_dir, PLAIN)
    assert report.updated == 1
    stamp = searching.get_photo("p0", index_dir).record.image_file.stamp
    assert stamp
    (corpus / "images" / "p0.png").write_bytes(b"not really a png, longer")
    assert index_corpus([corpus], index_dir, PLAIN).updated == 1
    assert searching.get_photo("p0", index_dir).record.image_file.stamp != stamp


def test_other_options_mean_a_normal_run(corpus: Path, index_dir: Path) -> None:
    index_corpus([corpus], index_dir, PLAIN)
    with_entities = index_corpus([corpus], index_dir, IndexOptions(entities=True))
    assert (with_entities.unchanged, with_entities.enriched) == (0, 4)
    assert index_corpus([corpus], index_dir, IndexOptions(entities=True)).unchanged == 4


def test_a_rebuild_leaves_stamps_the_next_plain_run_uses(
    corpus: Path, index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index_corpus([corpus], index_dir, PLAIN)
    rebuilt = index_corpus([corpus], index_dir, IndexOptions(entities=False, rebuild=True, procs=1))
    assert rebuilt.added == 4  # --rebuild reads everything, whatever the stamps say
    refuse_reading(monkeypatch)
    assert index_corpus([corpus], index_dir, PLAIN).unchanged == 4


def test_a_run_with_input_problems_leaves_no_stamps(corpus: Path, index_dir: Path) -> None:
    with (corpus / "photos.jsonl").open("a", encoding="utf-8") as manifest:
        manifest.write("{not json\n")
    index_corpus([corpus], index_dir, PLAIN)
    assert not (index_dir / INPUTS_FILE).exists()
    again = index_corpus([corpus], index_dir, PLAIN)
    assert again.errors  # the problem is reported again, not skipped with the file


def test_a_run_over_records_drops_the_stamps(corpus: Path, index_dir: Path) -> None:
    index_corpus([corpus], index_dir, PLAIN)
    index_records([make_record("p0", "A lander waits.")], index_dir, PLAIN)
    assert not (index_dir / INPUTS_FILE).exists()
    report = index_corpus([corpus], index_dir, PLAIN)
    assert (report.added, report.updated) == (3, 1)
    assert ids("rover", index_dir) == {"p0", "p1", "p2", "p3"}


def count_decoded_lines(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    from captionsearch.corpus import manifest

    decoded: list[str] = []
    original = manifest._decoded

    def counting(text: str, *args: object) -> object:
        decoded.append(text)
        return original(text, *args)

    monkeypatch.setattr(manifest, "_decoded", counting)
    return decoded


@pytest.fixture
def big_manifest(tmp_path: Path) -> Path:
    folder = tmp_path / "big"
    folder.mkdir()
    write_manifest(folder / "photos.jsonl", {f"p{i:03d}": f"The rover crossed crater {i}." for i in range(400)})
    return folder / "photos.jsonl"


def test_only_the_changed_lines_of_a_manifest_are_decoded(
    big_manifest: Path, index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index_corpus([big_manifest], index_dir, PLAIN)
    lines = big_manifest.read_text(encoding="utf-8").splitlines()
    lines[7] = lines[7].replace("crater 7.", "valley 7.")
    lines[11] = lines[11].replace('"p011"', '"q011"')
    del lines[-1]
    big_manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    decoded = count_decoded_lines(monkeypatch)
    report = index_corpus([big_manifest], index_dir, PLAIN)
    assert len(decoded) == 2  # lines 8 and 12; the last line is gone
    assert (report.records, report.added, report.updated, report.deleted, report.unchanged) == (399, 1, 1, 2, 397)
    assert ids("valley", index_dir) == {"p007"}
    found = indexed(index_dir)
    assert "q011" in found and "p011" not in found and "p399" not in found and len(found) == 399
    again = index_corpus([big_manifest], index_dir, PLAIN)
    assert (again.records, again.unchanged) == (399, 399)


def test_a_changed_line_taking_an_unchanged_lines_id_is_reported_as_a_duplicate(
    big_manifest: Path, index_dir: Path
) -> None:
    index_corpus([big_manifest], index_dir, PLAIN)
    lines = big_manifest.read_text(encoding="utf-8").splitlines()
    lines[30] = lines[30].replace('"p030"', '"p003"')
    big_manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = index_corpus([big_manifest], index_dir, PLAIN)
    assert any("p003" in str(error) for error in report.errors)
    assert {"p003", "p030"} <= indexed(index_dir)  # nothing removed on incomplete input


def test_many_changed_lines_read_the_whole_file(big_manifest: Path, index_dir: Path) -> None:
    index_corpus([big_manifest], index_dir, PLAIN)
    lines = big_manifest.read_text(encoding="utf-8").splitlines()
    big_manifest.write_text("\n".join([lines[-1], *lines[:-1]]) + "\n", encoding="utf-8")  # every line moves
    report = index_corpus([big_manifest], index_dir, PLAIN)
    assert (report.records, report.updated, report.unchanged) == (400, 400, 0)
    assert len(indexed(index_dir)) == 400
