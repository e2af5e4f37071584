"""Fixtures for the integrations: the project as a user's clone has it, and clean environments.

These tests install captionsearch for real (pip, pipx, pre-commit, the GitHub
Action's steps), from PyPI through pip's own cache, into folders under the
test's temporary directory: nothing runs from this source tree.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INSTALL_TIMEOUT = 900  # seconds for one install from PyPI (cold pip cache included)
# What the test process may carry that a user's shell would not: our source on the path,
# an active virtual environment, our settings, another tool's state.
FOREIGN_PREFIXES = ("CAPTIONSEARCH_", "PRE_COMMIT", "PIPX_", "GITHUB_", "RUNNER_", "INPUT_", "GIT_")
FOREIGN = {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "CI"}


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without what would leak this checkout into a test's installs."""
    env = {k: v for k, v in os.environ.items() if k not in FOREIGN and not k.startswith(FOREIGN_PREFIXES)}
    env.update(extra)
    return env


def run(command: list[str | Path], cwd: Path, env: dict[str, str], timeout: float = INSTALL_TIMEOUT,
        **options: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, **options)  # type: ignore[call-overload]


def git(*args: str, cwd: Path) -> str:
    command = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "init.defaultBranch=main", *args]
    return run(command, cwd=cwd, env=clean_env(), timeout=60, check=True).stdout.strip()


def tools(folder: Path, *names: str) -> Path:
    """A folder holding only the named commands of this test environment (pipx, pre-commit), for
    a PATH that has them without our venv's python, pip and captionsearch."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        if not (folder / name).exists():
            (folder / name).symlink_to(Path(sys.executable).parent / name)
    return folder


def base_python_bin() -> Path:
    """The folder of the Python this test venv was made from: a user's python3, not our venv's."""
    return Path(sys.base_prefix) / "bin"


@pytest.fixture(scope="session")
def project_clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project as a fresh clone has it: this working tree's files (uncommitted changes
    included, ignored files left out), committed to a new git repository of its own."""
    clone = tmp_path_factory.mktemp("clone") / "captionsearch"
    listed = run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                 env=clean_env(), timeout=60, check=True).stdout.split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():  # a tracked file deleted in the working tree is listed too
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, clone / name)
    git("init", "-q", cwd=clone)
    git("add", "-A", cwd=clone)
    git("commit", "-q", "-m", "snapshot of the working tree", cwd=clone)
    return clone


CI_PAGE = ROOT / "docs" / "ci.md"
BLOCK = re.compile(r"<!-- (file|snippet|planned): ?(.*?) -->\n```\w*\n(.*?)```", re.DOTALL)


def ci_blocks() -> list[tuple[str, str, str]]:
    """docs/ci.md's code blocks, each as (kind, name, text): kind file, snippet or planned."""
    return BLOCK.findall(CI_PAGE.read_text(encoding="utf-8"))


def ci_snippet(name: str) -> str:
    """The shell snippet docs/ci.md marks ``<!-- snippet: name -->``."""
    (text,) = [text for kind, found, text in ci_blocks() if kind == "snippet" and found == name]
    return text
