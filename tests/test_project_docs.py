"""The README's commands, the settings table and CI stay in step with the code."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from captionsearch.errors import ConfigError
from captionsearch.settings import SETTINGS, load_settings, resolve

ROOT = Path(__file__).resolve().parents[1]


def readme_command(name: str) -> str:
    """The command CI runs, extracted by the same code .ci/run uses."""
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    function = script[script.index("readme_command() {") : script.index("\n}\n") + 3]
    result = subprocess.run(
        ["bash", "-c", f"{function}\nreadme_command {name}"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_readme_gives_one_setup_one_test_and_one_checks_command_that_ci_runs() -> None:
    setup, tests, checks = readme_command("setup"), readme_command("test"), readme_command("checks")
    assert setup.startswith("bash scripts/install && ") and "captionsearch index corpus/" in setup
    assert tests == ".venv/bin/python -m pytest"
    assert ".venv/bin/ruff check ." in checks and ".venv/bin/mypy" in checks and "ruff format --check" in checks
    assert (ROOT / "scripts" / "install").is_file()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert 'bash -c "$setup"' in ci and 'bash -c "$tests"' in ci and 'bash -c "$checks"' in ci
    assert ci.index('bash -c "$tests"') < ci.index('bash -c "$checks"')


def test_every_setting_is_documented() -> None:
    docs = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    for setting in SETTINGS:
        assert f"`{setting.name.replace('_', '-')}`" in docs, setting.name
        assert setting.env_var in docs
        assert setting.help in docs


def test_precedence_defaults_then_pyproject_then_environment_then_flags(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.captionsearch]\nindex-dir = "from-toml"\nlimit = 7\nport = 9000\n', encoding="utf-8")
    values = load_settings({"port": 8123}, pyproject=pyproject, environ={"CAPTIONSEARCH_LIMIT": "20"})
    assert values["index_dir"] == "from-toml"
    assert values["limit"] == 20
    assert values["port"] == 8123
    assert values["threads"] == 4


@pytest.mark.parametrize(
    "table, environ, message",
    [
        ({"colour": "red"}, {}, "unknown setting 'colour' in [tool.captionsearch]"),
        ({"limit": 0}, {}, "invalid value for [tool.captionsearch] limit"),
        ({}, {"CAPTIONSEARCH_ENTITIES": "maybe"}, "invalid value for CAPTIONSEARCH_ENTITIES"),
    ],
)
def test_bad_settings_name_the_key_and_where_it_was_set(table: dict, environ: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        resolve(SETTINGS, table, environ=environ)


def test_the_docs_tables_of_settings_are_the_generated_ones() -> None:
    from captionsearch.audit.config import AUDIT_SETTINGS
    from captionsearch.corpus.fields import FIELD_SETTINGS
    from captionsearch.settings import markdown_table

    for page, name, declared in (("configuration.md", "general", SETTINGS), ("audit.md", "audit", AUDIT_SETTINGS),
                                 ("configuration.md", "fields", FIELD_SETTINGS)):
        text = (ROOT / "docs" / page).read_text(encoding="utf-8")
        block = text.split(f"<!-- settings: {name} (generated: captionsearch settings --markdown) -->\n", 1)[1]
        assert block.split("<!-- /settings -->", 1)[0] == markdown_table(declared), f"regenerate the table in docs/{page}"


def test_every_setting_of_every_command_takes_the_same_precedence(tmp_path: Path) -> None:
    from captionsearch.audit.config import load_audit_config

    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.captionsearch]\npipeline = "from-toml"\n[tool.captionsearch.audit]\n'
                         'fail-on = "warning"\nmax-alt-length = 100\n', encoding="utf-8")
    environ = {"CAPTIONSEARCH_AUDIT_MAX_ALT_LENGTH": "120", "CAPTIONSEARCH_PIPELINE": "from-env"}
    sources: dict[str, str] = {}
    config = load_audit_config({"fail_on": "notice"}, pyproject=pyproject, environ=environ, sources=sources)
    assert (config.fail_on, config.max_alt_length, config.pipeline) == ("notice", 120, "from-env")
    assert sources["fail_on"] == "--fail-on" and sources["max_alt_length"] == "CAPTIONSEARCH_AUDIT_MAX_ALT_LENGTH"
    assert load_audit_config(pyproject=pyproject, environ={}).max_alt_length == 100


def test_settings_lists_both_tables_with_where_each_value_came_from(tmp_path: Path, monkeypatch, capsys) -> None:
    from captionsearch.cli import main

    (tmp_path / "pyproject.toml").write_text('[tool.captionsearch.audit]\nfail-on = "warning"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CAPTIONSEARCH_LIMIT", "7")
    assert main(["settings"]) == 0
    out = capsys.readouterr().out
    assert "[tool.captionsearch.audit]" in out and "fail-on" in out and "from [tool.captionsearch.audit] fail-on" in out
    assert "limit" in out and "from CAPTIONSEARCH_LIMIT" in out
