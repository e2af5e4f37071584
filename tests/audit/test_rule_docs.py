"""Docs stay honest: every rule has a page, cases and a row in docs/audit.md; imports stay light."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from captionsearch.audit.config import AUDIT_SETTINGS
from captionsearch.audit.docs import REQUIRED_SECTIONS, rule_page
from captionsearch.audit.model import PURPOSES
from captionsearch.audit.rules import RULES

CASES = Path(__file__).parent / "cases"


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_has_page_cases_and_docs_entry(repo_root, rule_id):
    page = rule_page(rule_id)
    assert page.startswith(f"# {rule_id}\n")
    assert all(section in page for section in REQUIRED_SECTIONS)
    cases = json.loads((CASES / f"{rule_id}.json").read_text(encoding="utf-8"))
    assert cases["rule"] == rule_id
    assert len(cases["pass"]) >= 10 and len(cases["fail"]) >= 10
    assert f"`{rule_id}`" in (repo_root / "docs" / "audit.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_metadata_is_complete(rule_id):
    rule = RULES[rule_id]
    assert rule.severity in ("error", "warning", "notice") and rule.wcag
    assert rule.description and rule.help and rule.fix and rule.messages["default" if "default" in rule.messages else next(iter(rule.messages))]
    assert rule.help_url("https://example.org/rules/") == f"https://example.org/rules/{rule_id}.md"


def test_every_audit_setting_is_documented(repo_root):
    docs = (repo_root / "docs" / "audit.md").read_text(encoding="utf-8")
    assert all(f"`{s.name.replace('_', '-')}`" in docs for s in AUDIT_SETTINGS)


def test_audit_command_imports_no_heavy_modules():
    code = (
        "import sys, captionsearch.cli.audit, captionsearch.audit;"
        "heavy = [m for m in ('spacy', 'whoosh', 'flask') if m in sys.modules];"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == ""


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_page_names_the_image_purposes_it_applies_to(rule_id):
    page = rule_page(rule_id)
    section = page.split("## Applies to", 1)[1].split("\n## ", 1)[0]
    listed = section.split("Image purposes:", 1)[1].split(".", 1)[0]
    assert set(re.findall(r"`([a-z]+)`", listed)) == set(RULES[rule_id].applies_to)
    assert set(RULES[rule_id].applies_to) <= set(PURPOSES)
