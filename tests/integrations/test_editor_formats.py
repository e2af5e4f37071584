"""The editor and reviewdog formats, as docs/ci.md says to use them.

The VS Code task's problem matcher (docs/examples/vscode-tasks.json) is applied
to real --format concise output, and the reviewdog snippet's rdjson is checked
for what reviewdog reads: positions in UTF-8 bytes, severities, rules, and
suggestions whose ranges hold the text they replace.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

from .conftest import CI_PAGE, ci_snippet

TASKS = json.loads((CI_PAGE.parent / "examples" / "vscode-tasks.json").read_text(encoding="utf-8"))


def audit(folder: Path, *argv: str) -> str:
    run = subprocess.run([sys.executable, "-m", "captionsearch.cli", "audit", *argv], cwd=folder,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 1, run.stderr
    return run.stdout


def write_site(folder: Path) -> None:
    (folder / "site").mkdir()
    (folder / "site" / "index.html").write_text(
        '<p>Œuvres — <img src="café.jpg" alt="café.jpg"></p>\n<figure><img src="b.jpg" alt="image">'
        "<figcaption>The Yutu 2 rover on grey lunar soil, in a photo from the lander.</figcaption></figure>\n",
        encoding="utf-8")


def test_the_vscode_problem_matcher_reads_every_concise_line(tmp_path):
    write_site(tmp_path)
    (task,) = TASKS["tasks"]
    matcher = task["problemMatcher"]["pattern"]
    command = shlex.split(task["command"])
    assert command[:2] == ["captionsearch", "audit"]
    lines = audit(tmp_path, *command[2:]).splitlines()
    matches = [re.match(matcher["regexp"], line) for line in lines]
    assert lines and all(matches)
    first = matches[0]
    assert (first.group(matcher["file"]), first.group(matcher["line"]), first.group(matcher["column"])) == \
        ("site/index.html", "1", "13")
    assert {m.group(matcher["severity"]) for m in matches} <= {"error", "warning", "info"}
    assert first.group(matcher["code"]) == "alt-filename"


def test_the_reviewdog_snippet_gets_rdjson_with_byte_columns_and_applicable_suggestions(tmp_path):
    write_site(tmp_path)
    command = shlex.split(ci_snippet("reviewdog").split("|")[0])
    document = json.loads(audit(tmp_path, *command[2:]))
    assert document["source"]["name"] == "captionsearch audit"
    diagnostics = document["diagnostics"]
    line = (tmp_path / "site" / "index.html").read_bytes().split(b"\n")[0]
    filename = next(d for d in diagnostics if d["code"]["value"] == "alt-filename")
    assert line[filename["location"]["range"]["start"]["column"] - 1:].startswith(b"<img")  # bytes, not characters
    assert {d["severity"] for d in diagnostics} <= {"ERROR", "WARNING", "INFO"}
    suggested = [d for d in diagnostics if d.get("suggestions")]
    assert suggested
    text = (tmp_path / "site" / "index.html").read_bytes().split(b"\n")
    for diagnostic in suggested:
        (suggestion,) = diagnostic["suggestions"]
        start, end = suggestion["range"]["start"], suggestion["range"]["end"]
        assert start["line"] == end["line"]
        replaced = text[start["line"] - 1][start["column"] - 1:end["column"] - 1].decode("utf-8")
        assert replaced in ("image", "café.jpg") and suggestion["text"]
