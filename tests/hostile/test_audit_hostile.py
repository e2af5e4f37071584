"""``captionsearch audit`` on hostile input: no traceback, no hang, the rest audited, exit codes as documented.

The same classes of hostile manifests as the index's suite (cases.py), and a
class of hostile pages (a 12 MB alt, 100,000 nested elements, 50,000 brackets
after "![" in Markdown, 5,000 images on one page). Each class is one run of
the real command in a subprocess (a hostile page: one run each), killed if it takes over
RUN_TIMEOUT seconds.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from . import cases

RUN_TIMEOUT = 60  # seconds for a whole class: a hang guard (a run takes a few seconds; a blow-up, minutes), not a speed test
MANIFEST_CLASSES = {
    "json": cases.JSON_CASES,
    "jsonl": cases.JSONL_CASES,
    "csv": cases.CSV_CASES,
    "ids": cases.ID_CASES,
    "files": cases.FILE_CASES,
}
GOOD_PAGE = '<html lang="en"><body><img src="tram.jpg" alt="IMG_1234.JPG"></body></html>'
HOSTILE_PAGES = {
    "huge-alt.html": '<img src="a.jpg" alt="' + "rover " * 2_000_000 + '">',
    "deep.html": "<div>" * 100_000 + '<img src="b.jpg">' + "</div>" * 100_000,
    "brackets.md": "![" + "[" * 50_000 + "\n",
    "many.html": "".join(f'<img src="p{i}.jpg" alt="Tram {i} in the depot">' for i in range(5000)),
}


def run_audit(folder: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "captionsearch.cli", "audit", ".", "--format", "json"]
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=RUN_TIMEOUT)


def check_run(run: subprocess.CompletedProcess[str]) -> dict:
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    stray = [line for line in run.stderr.splitlines() if not line.startswith("captionsearch audit: ")]
    assert stray == [], stray  # every line is one of ours
    report = json.loads(run.stdout)
    # 2 exactly when a file the audit reads could not be read; else 0 or 1 by the findings
    assert run.returncode == (2 if report["errors"] else (1 if report["summary"]["failing"] else 0)), run.stderr
    assert all("\n" not in error for error in report["errors"])
    return report


@pytest.mark.parametrize("name", sorted(MANIFEST_CLASSES))
def test_hostile_manifests_cost_only_themselves(name: str, tmp_path: Path) -> None:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "page.html").write_text(GOOD_PAGE, encoding="utf-8")
    for case in MANIFEST_CLASSES[name]:
        case.write(folder)
    report = check_run(run_audit(folder))
    # The good page beside the bad input is audited whatever the manifests hold.
    assert any(f["path"] == "page.html" and f["rule"] == "alt-filename" for f in report["findings"])


EXPECTED = {"huge-alt.html": "alt-too-long", "deep.html": "alt-missing", "brackets.md": None, "many.html": None}


@pytest.mark.parametrize("name", sorted(HOSTILE_PAGES))
def test_a_hostile_page_is_audited_in_bounded_time_and_the_rest_too(name: str, tmp_path: Path) -> None:
    (tmp_path / name).write_text(HOSTILE_PAGES[name], encoding="utf-8")
    (tmp_path / "page.html").write_text(GOOD_PAGE, encoding="utf-8")
    report = check_run(run_audit(tmp_path))
    assert report["summary"]["pages"] == 2
    rules = {(f["path"], f["rule"]) for f in report["findings"]}
    assert ("page.html", "alt-filename") in rules
    if EXPECTED[name]:
        assert (name, EXPECTED[name]) in rules
