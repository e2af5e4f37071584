"""Which files a corpus is made of: recursion, order, skipped folders, globs, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from captionsearch.corpus import iter_corpus_files, read_corpus
from captionsearch.errors import CorpusError


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for name in (
        "b.md", "a.json", "notes.txt", "images/z.jpg", "images/a.PNG", "drafts/d.md",
        ".git/x.md", "images/._a.jpg", "index/_MAIN_1.toc", "index/x.md", "segs/main_x.seg", "segs/y.csv",
    ):  # fmt: skip
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("", encoding="utf-8")
    return tmp_path


def names(paths, root: Path) -> list[str]:
    return [p.relative_to(root).as_posix() for p in paths]


def test_folder_means_supported_files_below_it_sorted(tree):
    found = names(iter_corpus_files([tree]), tree)
    assert found == ["a.json", "b.md", "drafts/d.md", "images/a.PNG", "images/z.jpg"]


def test_include_and_exclude(tree):
    assert names(iter_corpus_files([tree], include=["*.md"]), tree) == ["b.md", "drafts/d.md"]
    assert names(iter_corpus_files([tree], exclude=["drafts"]), tree) == ["a.json", "b.md", "images/a.PNG", "images/z.jpg"]
    assert names(iter_corpus_files([tree], include=["images/*"], exclude=["*.jpg"]), tree) == ["images/a.PNG"]


def test_explicit_files_and_duplicates(tree):
    found = iter_corpus_files([tree / "b.md", tree, tree / "images" / "z.jpg"])
    assert names(found, tree) == ["b.md", "a.json", "drafts/d.md", "images/a.PNG", "images/z.jpg"]


def test_missing_and_unsupported_paths(tree):
    with pytest.raises(CorpusError, match="no such file or folder"):
        list(iter_corpus_files([tree / "nowhere"]))
    reported: list[CorpusError] = []
    found = list(iter_corpus_files([tree / "nowhere", tree / "notes.txt", tree / "a.json"], report=reported.append))
    assert names(found, tree) == ["a.json"]
    assert [Path(e.path).name for e in reported] == ["nowhere", "notes.txt"]
    assert "unsupported file type '.txt'" in str(reported[1])


def test_read_corpus_reports_a_missing_path(tmp_path):
    result = read_corpus([tmp_path / "missing"])
    assert result.records == () and result.files == ()
    assert len(result.errors) == 1 and "no such file or folder" in str(result.errors[0])
