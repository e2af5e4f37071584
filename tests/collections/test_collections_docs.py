"""docs/collections.md runs as written: every command, on the pinned samples, with the output it shows."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "collections.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```console\n(.*?)```", DOC, re.S)


def steps(block: str) -> list[tuple[str, list[str]]]:
    """(command, the output lines shown under it) for each "$ " line of a block."""
    found: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            found.append((line[2:], []))
        elif line.strip():
            found[-1][1].append(line.strip())
    return found


def shown_in(line: str, output: list[str]) -> bool:
    """A shown line is an output line; one ending in "…" is the start of one."""
    if line.endswith("…"):
        return any(out.startswith(line[:-1].rstrip()) for out in output)
    return line in output


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("collections-docs")
    shutil.copytree(Path(__file__).parent, folder / "collections", ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return folder


def test_every_pinned_sample_has_a_walk_through():
    samples = {p.name for p in Path(__file__).parent.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))}
    indexed = set(re.findall(r"^\$ captionsearch index collections/([\w-]+)", DOC, re.M))
    assert indexed == samples and len(samples) >= 4


@pytest.mark.parametrize("block", BLOCKS, ids=[steps(b)[0][0][:60] for b in BLOCKS])
def test_every_command_runs_and_prints_what_the_page_shows(sandbox, block, tmp_path):
    work = tmp_path / "work"
    shutil.copytree(sandbox, work)
    for command, shown in steps(block):
        argv = shlex.split(command)
        assert argv[0] == "captionsearch"
        run = subprocess.run([sys.executable, "-m", "captionsearch.cli", *argv[1:]], cwd=work,
                             capture_output=True, text=True, timeout=300)
        assert run.returncode in (0, 1), (command, run.stderr)
        assert run.returncode == 0 or argv[1] == "audit", (command, run.stdout)  # only the audit's findings exit 1
        assert "Traceback" not in run.stderr
        output = [line.strip() for line in (run.stdout + run.stderr).splitlines()]
        missing = [line for line in shown if not shown_in(line, output)]
        assert not missing, (command, missing, run.stdout)
