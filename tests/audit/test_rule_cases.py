"""Rules from data: every case file's fail examples must be found, its pass examples not.

A case is an HTML fragment, a Markdown file, manifest entries, or a source of
another kind ({"file": "page.mdx", "text": ...}); it is written to a fresh
folder and audited through audit_paths with only its rule selected.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from captionsearch.audit.config import AuditConfig
from captionsearch.audit.runner import audit_paths

CASES = Path(__file__).parent / "cases"
PAGE = "<!doctype html><html><head><title>Case</title></head><body>\n{}\n</body></html>\n"


def load_cases() -> list:
    params = []
    for path in sorted(CASES.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for outcome in ("fail", "pass"):
            for number, case in enumerate(data[outcome], 1):
                params.append(pytest.param(data["rule"], outcome, case, id=f"{data['rule']}-{outcome}-{number}"))
    return params


def write_case(folder: Path, case: dict) -> Path:
    if "html" in case:
        target = folder / "page.html"
        target.write_text(PAGE.format(case["html"]), encoding="utf-8")
    elif "markdown" in case:
        target = folder / "page.md"
        target.write_text("# Case\n\n" + case["markdown"], encoding="utf-8")
    elif "file" in case:
        target = folder / case["file"]
        target.write_text(case["text"], encoding="utf-8")
    else:
        target = folder / "manifest.json"
        document = {"gallery": {"title": "Case"}, "photos": case["manifest"]}
        target.write_text(json.dumps(document), encoding="utf-8")
    return target


@pytest.mark.parametrize(("rule", "outcome", "case"), load_cases())
def test_case(tmp_path, rule, outcome, case):
    target = write_case(tmp_path, case)
    result = audit_paths([target], AuditConfig(select=(rule,), pipeline="en_core_web_sm"))
    found = [f for f in result.findings if f.rule == rule]
    assert not result.errors
    if outcome == "fail":
        assert found, f"{rule} should flag {case}"
    else:
        assert not found, f"{rule} should pass {case}: {[f.message for f in found]}"
