"""The pre-commit hook, run by the real pre-commit in a temporary git repository.

pre-commit builds the hook's environment itself (pip install of a clone of this
project plus the manifest's additional_dependencies, from PyPI), so this also
proves the environment gets the English pipeline the vague rules need.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import ROOT, ci_snippet, clean_env, git, run, tools

CONFIG_EXAMPLE = ROOT / "docs/examples/pre-commit-config.yaml"
HOOK_ID = "captionsearch-audit"

GOOD = '<!doctype html><html lang="en"><title>t</title><img src="pad.jpg" alt="A white rocket on the launch pad at dawn"></html>\n'
BAD = '<!doctype html><html lang="en"><title>t</title>\n<img src="lander.jpg">\n<img src="closing.jpg" alt="Closing In"></html>\n'
GOOD_MD = "# Launch\n\n![The crowd watching the rocket rise over the sea](crowd.jpg)\n"
MANIFEST = '[{"id": "p1", "image": "pad.jpg", "title": "Pad", "caption": "The rocket on its pad.", "alt": "IMG_0042.jpg"}]\n'


def env(home: Path) -> dict[str, str]:
    """pre-commit on the PATH, its store under the test's folder."""
    path = f"{tools(home / 'tools', 'pre-commit')}:{os.environ['PATH']}"
    return clean_env(PATH=path, PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never")


def pre_commit(*args: str | Path, cwd: Path, home: Path):
    return run([sys.executable, "-m", "pre_commit", *args], cwd=cwd, env=env(home))


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pre-commit's store, under the test's folder (try-repo builds the hook's environment in a
    temporary store of its own)."""
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A user's repository: a good page, a bad page, Markdown, a manifest and files no hook should see."""
    repo = tmp_path / "photo-site"
    repo.mkdir()
    (repo / "good.html").write_text(GOOD, encoding="utf-8")
    (repo / "bad.html").write_text(BAD, encoding="utf-8")
    (repo / "launch.md").write_text(GOOD_MD, encoding="utf-8")
    (repo / "photos.manifest.json").write_text(MANIFEST, encoding="utf-8")
    (repo / "package.json").write_text('{"name": "photo-site", "version": "1.0.0"}\n', encoding="utf-8")
    (repo / "notes.mdx").write_text("# Notes\n\n<Image src={hero} />\n", encoding="utf-8")
    git("init", "-q", cwd=repo)
    return repo


def test_the_manifest_declares_the_model_and_only_text_the_audit_reads() -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == HOOK_ID and hook["entry"] == "captionsearch audit" and hook["language"] == "python"
    model = [line for line in (ROOT / "requirements-model.txt").read_text().splitlines() if line and not line.startswith("#")]
    assert hook["additional_dependencies"] == [model[0].split(" ")[0]]  # the version requirements-model.txt hash-pins
    files = re.compile(hook["files"])
    for name in ("index.html", "a/b.HTM", "README.md", "post.markdown", "notes.mdx", "_layouts/post.njk",
                 "photos/manifest.json", "x.manifest.jsonl", "manifest.csv"):
        assert files.search(name), name
    for name in ("package.json", "data.csv", "photo.jpg", "site.css", "manifests/data.json"):
        assert not files.search(name), name


@pytest.mark.install
def test_try_repo_passes_staged_good_files_and_fails_on_a_staged_bad_one(project_clone: Path, repo: Path, home: Path) -> None:
    git("add", "good.html", "launch.md", "package.json", cwd=repo)
    passed = pre_commit("try-repo", project_clone, HOOK_ID, cwd=repo, home=home)
    assert passed.returncode == 0, passed.stdout[-3000:] + passed.stderr[-3000:]
    assert re.search(r"captionsearch audit \(alt text\)\.+Passed", passed.stdout)

    git("add", "bad.html", "photos.manifest.json", "notes.mdx", cwd=repo)
    failed = pre_commit("try-repo", project_clone, HOOK_ID, cwd=repo, home=home)
    assert failed.returncode == 1, failed.stdout[-3000:] + failed.stderr[-3000:]
    assert re.search(r"captionsearch audit \(alt text\)\.+Failed", failed.stdout)
    assert re.search(r"bad\.html:2:1: error \[alt-missing\]", failed.stdout)
    assert "[alt-filename]" in failed.stdout  # the manifest was audited too
    assert "[alt-vague]" in failed.stdout  # a judgement of the English pipeline: the model is there
    assert "notes.mdx:3:1: error [alt-missing]" in failed.stdout  # an MDX component without its alt
    assert "package.json" not in failed.stdout


@pytest.mark.install
def test_the_documented_config_is_pinned_to_a_commit_by_the_documented_command(project_clone: Path, repo: Path, home: Path) -> None:
    config = yaml.safe_load(CONFIG_EXAMPLE.read_text(encoding="utf-8"))
    (entry,) = config["repos"]
    assert entry["repo"] == "https://github.com/captionsearch/captionsearch" and entry["hooks"] == [{"id": HOOK_ID}]
    entry["repo"] = str(project_clone)  # the one change: this project's clone stands in for GitHub
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")

    updated = run(["bash", "-euc", ci_snippet("pre-commit-pin")], cwd=repo, env=env(home))
    assert updated.returncode == 0, updated.stdout + updated.stderr
    pinned = yaml.safe_load((repo / ".pre-commit-config.yaml").read_text(encoding="utf-8"))["repos"][0]["rev"]
    assert pinned == git("rev-parse", "HEAD", cwd=project_clone)
    # The pinned config names the hook try-repo ran above; the environment is the same one.
    valid = pre_commit("validate-config", ".pre-commit-config.yaml", cwd=repo, home=home)
    assert valid.returncode == 0, valid.stdout + valid.stderr
