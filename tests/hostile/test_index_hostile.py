"""``captionsearch index`` on hostile input: no traceback, no hang, nothing good lost, exit 2 with one line a problem.

Each class of cases (tests/hostile/cases.py) is one corpus folder and one
run of the real command in a subprocess, killed if it takes over RUN_TIMEOUT
seconds. Every case's lines must be printed, each on its own line, and every
good photo around the bad input must be in the index afterwards.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from captionsearch.search import searching

from . import cases

RUN_TIMEOUT = 60  # seconds for a whole class; a hang fails the test instead of the suite (a run takes a few seconds)
CLASSES = {
    "json": cases.JSON_CASES,
    "jsonl": cases.JSONL_CASES,
    "csv": cases.CSV_CASES,
    "ids": cases.ID_CASES,
    "text": cases.TEXT_CASES,
    "files": cases.FILE_CASES,
    "xml": cases.XML_CASES,
}


def run_index(corpus: Path, index: Path, *options: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """The real command, from inside the corpus folder (so the paths it prints are the corpus's own)."""
    command = [sys.executable, "-m", "captionsearch.cli", "index", ".", "--index", str(index), "--progress", "never",
               *options]
    return subprocess.run(command, cwd=corpus, env={**os.environ, **(env or {})}, capture_output=True, text=True,
                          timeout=RUN_TIMEOUT)


def problem_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith(("captionsearch: error: ", "captionsearch: warning: "))]


def check_run(run: subprocess.CompletedProcess, class_cases: tuple[cases.Case, ...], index: Path) -> None:
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    lines = problem_lines(run.stderr)
    other = [line for line in run.stderr.splitlines() if line not in lines and not line.startswith("captionsearch: ")]
    assert other == [], other  # every line is one of ours: no warning from a library, no stray output
    for case in class_cases:
        for expected in case.expect:
            assert any(expected in line for line in lines), (case.name, expected, lines)
    assert run.returncode == (2 if lines else 0), run.stderr[-3000:]
    missing = [i for case in class_cases for i in case.good if searching.get_photo(i, index) is None]
    assert missing == [], missing


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_hostile_input_costs_only_itself(name: str, tmp_path: Path) -> None:
    class_cases = CLASSES[name]
    corpus = tmp_path / name
    corpus.mkdir()
    (corpus / "good.jsonl").write_text('{"id": "good-photo", "image": "https://x.example/g.jpg", "caption": "A rover."}\n',
                                       encoding="utf-8")
    for case in class_cases:
        case.write(corpus)
    env = {key: value for case in class_cases for key, value in case.env.items()}
    run = run_index(corpus, tmp_path / "index", "--no-entities", env=env)
    check_run(run, class_cases + (cases.Case("the good file", lambda folder: None, (), ("good-photo",)),), tmp_path / "index")


def test_long_text_is_cut_before_the_trained_pipeline_sees_it(tmp_path: Path) -> None:
    """With entities on: the trained pipeline (entities, the vague rules) gets at most max-text-chars a field.

    A lower limit than the default keeps the model's work, and the run, short on a busy machine.
    """
    corpus = tmp_path / "text"
    corpus.mkdir()
    for case in cases.TEXT_CASES:
        case.write(corpus)
    env = {"CAPTIONSEARCH_MAX_RECORD_BYTES": "4000000", "CAPTIONSEARCH_MAX_TEXT_CHARS": "5000"}
    run = run_index(corpus, tmp_path / "index", env=env)
    expected = cases.Case("cut at 5,000", lambda folder: None, (
        "text.jsonl:2: caption is 520,005 characters; only the first 5,000 are indexed (max-text-chars)",
        "text.jsonl:2: alt is 1,599,999 characters; only the first 5,000 are indexed"), ("text-before", "text-long"))
    check_run(run, (expected,), tmp_path / "index")
    photo = searching.get_photo("text-long", tmp_path / "index")
    assert len(photo.record.caption) == len(photo.record.alt) == 5_000
    assert "text-long" in {hit.id for hit in searching.search("crater plain", tmp_path / "index").hits}
    assert "entities found for 3" in run.stdout  # the trained pipeline ran, on the cut text


def test_hostile_images_are_indexed_without_their_image(tmp_path: Path) -> None:
    case = cases.image_case(tmp_path / "outside")
    corpus = tmp_path / "images"
    corpus.mkdir()
    case.write(corpus)
    run = run_index(corpus, tmp_path / "index", "--no-entities", env=case.env)
    check_run(run, (case,), tmp_path / "index")
    shown = {i: searching.get_photo(i, tmp_path / "index").record.image_file for i in case.good}
    assert [i for i, file in shown.items() if file.usable] == ["img-good"]
    assert not shown["img-missing"].problem  # not there (yet) is not a warning: the photo shows a placeholder
