"""docs/ci.md, "Use in CI": every code block is a file the tests run, a snippet they run, or
marked as planned; and the Action's inputs are all documented."""

from __future__ import annotations

import re

import yaml

from .conftest import CI_PAGE, ROOT, ci_blocks

# Each snippet of the page, and the test file that runs it (through ci_snippet(name)).
SNIPPETS_RUN_BY = {
    "install-pip": "test_install.py",
    "install-pipx": "test_install.py",
    "pre-commit-pin": "test_precommit.py",
    "audit-site": "test_site_audit.py",
    "reviewdog": "test_editor_formats.py",
}
# Each file the page shows, and the test file that reads it.
FILES_READ_BY = {
    "examples/alt-text.yml": "test_action.py",
    "examples/pre-commit-config.yaml": "test_precommit.py",
    "examples/vscode-tasks.json": "test_editor_formats.py",
}


def test_every_code_block_is_a_file_or_snippet_a_test_runs_or_is_marked_planned() -> None:
    page = CI_PAGE.read_text(encoding="utf-8")
    blocks = ci_blocks()
    assert len(blocks) == page.count("```") // 2, "a code block without a file/snippet/planned marker"
    here = ROOT / "tests" / "integrations"
    for kind, name, text in blocks:
        if kind == "file":
            assert text == (CI_PAGE.parent / name).read_text(encoding="utf-8"), f"docs/ci.md shows {name} out of date"
            assert name in (here / FILES_READ_BY[name]).read_text(encoding="utf-8")
        elif kind == "snippet":
            assert f'ci_snippet("{name}")' in (here / SNIPPETS_RUN_BY[name]).read_text(encoding="utf-8"), name
        else:
            assert "planned" in page[: page.index(text)].rsplit("## ", 1)[1].splitlines()[0], "a planned block outside a (planned) section"
    assert {n for k, n, _ in blocks if k == "snippet"} == set(SNIPPETS_RUN_BY)
    assert {n for k, n, _ in blocks if k == "file"} == set(FILES_READ_BY)


def test_every_input_of_the_action_is_documented_with_its_default() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    rows = dict(re.findall(r"^\| `([\w-]+)` \| (.*?) \|", CI_PAGE.read_text(encoding="utf-8"), re.MULTILINE))
    assert set(rows) == set(action["inputs"])
    for name, spec in action["inputs"].items():
        default = spec.get("default", "")
        assert (f"`{default}`" in rows[name]) if default else not rows[name].startswith("`"), name
