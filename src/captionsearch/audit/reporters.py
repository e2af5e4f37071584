"""Reporters: one small function per output format, all reading the same AuditResult.

Output is deterministic (sorted findings, no timestamps) so it can be
compared byte for byte in tests and diffed between CI runs.
"""

from __future__ import annotations

import json
from collections import Counter
from itertools import groupby
from pathlib import Path
from typing import Callable
from xml.sax.saxutils import escape, quoteattr

from .. import __version__
from .config import AuditConfig
from .docs import rule_page
from .model import SEVERITIES, AuditResult, Finding, Unaudited
from .rules import RULES

JSON_SCHEMA_VERSION = 1
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVELS = {"error": "error", "warning": "warning", "notice": "note"}
INFORMATION_URI = "https://pypi.org/project/captionsearch/"


def summary(result: AuditResult, fail_on: str) -> dict[str, object]:
    counts = {s: sum(1 for f in result.findings if f.severity == s) for s in reversed(SEVERITIES)}
    return {
        "files": len(result.files),
        "findings": len(result.findings),
        "by_severity": counts,
        "failing": len(result.failing(fail_on)),
        "fail_on": fail_on,
        "baselined": result.baselined,
        "suppressed": result.suppressed,
        "input_errors": len(result.errors),
        "warnings": len(result.warnings),
        **result.coverage.to_dict(),
    }


def statistics(result: AuditResult) -> str:
    """Findings counted per rule, most first (``--statistics``), as ruff and flake8 print them."""
    counts = Counter(f.rule for f in result.findings)
    width = max((len(str(n)) for n in counts.values()), default=1)
    return "".join(f"{n:>{width}}  {rule:<22} {RULES[rule].help}\n" for rule, n in counts.most_common())


def coverage_line(result: AuditResult) -> str:
    """Pages and images read, and what was not judged: the run's reach in one line."""
    c = result.coverage
    parts = [f"{c.pages} page{'s' if c.pages != 1 else ''}", f"{c.images} image{'s' if c.images != 1 else ''}"]
    if c.without_image:
        parts.append(f"{c.without_image} record{'s' if c.without_image != 1 else ''} without an image (nothing to audit)")
    if c.unaudited:
        parts.append(f"{len(c.unaudited)} not audited")
    if c.dynamic:
        parts.append(f"{c.dynamic} with alt set by template code (not judged)")
    skipped = sum(c.wording_skipped.values())
    if skipped:
        languages = ", ".join(f"{lang} {n}" for lang, n in c.wording_skipped.most_common())
        parts.append(f"{skipped} not judged for wording, not English ({languages})")
    return "audited " + ", ".join(parts)


def unaudited_lines(result: AuditResult) -> list[str]:
    """One line per file with images the audit could not judge, with where and why."""
    by_path: dict[str, list[Unaudited]] = {}
    for item in result.coverage.unaudited:
        by_path.setdefault(item.path, []).append(item)
    lines = []
    for path, items in sorted(by_path.items()):
        reasons = "; ".join(f"line {i.line}: {i.what}: {i.reason}" for i in items[:5])
        more = f"; and {len(items) - 5} more" if len(items) > 5 else ""
        lines.append(f"{len(items)} image{'s' if len(items) != 1 else ''} in {path} not audited: {reasons}{more}")
    return lines


SEVERITY_COLOURS = {"error": "\x1b[1;31m", "warning": "\x1b[33m", "notice": "\x1b[36m"}
RESET = "\x1b[0m"


def render_text(result: AuditResult, config: AuditConfig, color: bool = False) -> str:
    """Grouped by file: path:line:col, severity, rule, message, then the snippet (severities in
    colour with ``color``)."""
    lines = []
    for path, findings in groupby(result.findings, key=lambda f: f.path):
        lines.append(path)
        for f in findings:
            review = " (needs review)" if f.heuristic else ""
            severity = f"{SEVERITY_COLOURS[f.severity]}{f.severity}{RESET}" if color else f.severity
            lines.append(f"  {f.path}:{f.line}:{f.column}: {severity} [{f.rule}] {f.message}{review}")
            if f.snippet:
                lines.append(f"      {_one_line(f.snippet)}")
            if f.fix is not None:
                lines.append(f"      fix: alt=\"{f.suggestion}\" (captionsearch audit --fix)")
        lines.append("")
    lines += unaudited_lines(result)
    lines += [f"warning: {w}" for w in result.warnings]
    lines += [f"input error: {e}" for e in result.errors]
    lines.append(coverage_line(result))
    counts = summary(result, config.fail_on)
    by_severity: dict[str, int] = counts["by_severity"]  # type: ignore[assignment]
    by = ", ".join(f"{n} {s}{'s' if n != 1 else ''}" for s, n in by_severity.items() if n)
    tail = f"{counts['findings']} finding{'s' if counts['findings'] != 1 else ''}"
    tail += f" ({by})" if by else ""
    tail += f" in {counts['files']} file{'s' if counts['files'] != 1 else ''}; {counts['failing']} at or above {config.fail_on}"
    extras = [f"{counts[k]} {k}" for k in ("baselined", "suppressed") if counts[k]]
    lines.append(tail + (f" ({', '.join(extras)})" if extras else ""))
    return "\n".join(lines) + "\n"


def _one_line(snippet: str, limit: int = 200) -> str:
    text = " ".join(snippet.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def render_json(result: AuditResult, config: AuditConfig) -> str:
    document = {
        "version": JSON_SCHEMA_VERSION,
        "tool": {"name": "captionsearch audit", "version": __version__},
        "summary": summary(result, config.fail_on),
        "findings": [f.to_dict() for f in result.findings],
        "not_audited": [u.to_dict() for u in result.coverage.unaudited],
        "warnings": list(result.warnings),
        "errors": list(result.errors),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def sarif_rule(rule_id: str, config: AuditConfig) -> dict[str, object]:
    """A SARIF rule descriptor; its help is the rule's whole page, so it reads well without a link."""
    rule = RULES[rule_id]
    url = rule.help_url(config.help_base_url)
    return {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.split("-")),
        "shortDescription": {"text": rule.help},
        "fullDescription": {"text": rule.description},
        "help": {"text": f"{rule.description} Fix: {rule.fix}", "markdown": rule_page(rule.id)},
        **({"helpUri": url} if url else {}),
        "defaultConfiguration": {"level": SARIF_LEVELS[config.severity_of(rule.id)]},
        "properties": {
            "tags": list(rule.tags),
            "precision": "medium" if rule.heuristic else "high",
            "problem.severity": {"notice": "recommendation"}.get(config.severity_of(rule.id), config.severity_of(rule.id)),
        },
    }


def render_sarif(result: AuditResult, config: AuditConfig) -> str:
    """SARIF 2.1.0 for GitHub code scanning: rules with their pages, results with stable fingerprints."""
    rule_ids = list(RULES)
    results = [
        {
            "ruleId": f.rule,
            "ruleIndex": rule_ids.index(f.rule),
            "level": SARIF_LEVELS[f.severity],
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": _artifact(f.path),
                        "region": {"startLine": f.line, "startColumn": f.column, "snippet": {"text": f.snippet}},
                    },
                    **({"logicalLocations": [{"name": f.selector, "kind": "element"}]} if f.selector else {}),
                }
            ],
            "partialFingerprints": {"captionsearchFinding/v1": f.fingerprint},
            "properties": {"purpose": f.purpose, **({"suggestion": f.suggestion} if f.suggestion else {})},
            **({"fixes": [_sarif_fix(f)]} if f.fix is not None else {}),
        }
        for f in result.findings
    ]
    run = {
        "tool": {
            "driver": {
                "name": "captionsearch-audit",
                "version": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [sarif_rule(r, config) for r in rule_ids],
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": results,
        "invocations": [
            {
                "executionSuccessful": not result.errors,
                "toolExecutionNotifications": [{"message": {"text": e}, "level": "error"} for e in result.errors]
                + [{"message": {"text": w}, "level": "warning"} for w in result.warnings]
                + [{"message": {"text": line}, "level": "note"} for line in unaudited_lines(result)],
            }
        ],
        "properties": {"coverage": result.coverage.to_dict()},
    }
    document = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _sarif_fix(f: Finding) -> dict[str, object]:
    edit = f.fix
    region = {"startLine": edit.start_line, "startColumn": edit.start_column,
              "endLine": edit.end_line, "endColumn": edit.end_column}
    return {
        "description": {"text": f"Set the alt text to \"{f.suggestion}\""},
        "artifactChanges": [{
            "artifactLocation": _artifact(f.path),
            "replacements": [{"deletedRegion": region, "insertedContent": {"text": edit.text}}],
        }],
    }


def _artifact(path: str) -> dict[str, str]:
    """A file of the repository (relative to its root), or a page of a running site (its URL)."""
    if "://" in path:
        return {"uri": path}
    return {"uri": _uri(path), "uriBaseId": "%SRCROOT%"}


def _uri(path: str) -> str:
    from urllib.parse import quote

    return quote(path.replace("\\", "/").removeprefix("./"))


def render_junit(result: AuditResult, config: AuditConfig) -> str:
    """One test case per audited file; findings at or above --fail-on are its failures."""
    failing = {id(f) for f in result.failing(config.fail_on)}
    by_file = {path: [f for f in result.findings if f.path == path] for path in sorted({*result.files, *(f.path for f in result.findings)})}
    cases, failures = [], 0
    for path, findings in by_file.items():
        fails = [f for f in findings if id(f) in failing]
        body = ""
        if fails:
            failures += 1
            text = "\n".join(_finding_line(f) for f in fails)
            body += f"<failure type=\"captionsearch-audit\" message={quoteattr(f'{len(fails)} finding(s) at or above {config.fail_on}')}>{escape(text)}</failure>"
        others = [f for f in findings if id(f) not in failing]
        if others:
            body += f"<system-out>{escape(chr(10).join(_finding_line(f) for f in others))}</system-out>"
        cases.append(f"    <testcase classname=\"captionsearch.audit\" name={quoteattr(path)}>{body}</testcase>")
    errors = len(result.errors)
    error_cases = [
        f"    <testcase classname=\"captionsearch.audit\" name=\"input\"><error type=\"input-error\" message={quoteattr(e)}/></testcase>"
        for e in result.errors
    ]
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<testsuites name="captionsearch audit" tests="{len(cases) + errors}" failures="{failures}" errors="{errors}">\n'
        f'  <testsuite name="captionsearch audit" tests="{len(cases) + errors}" failures="{failures}" errors="{errors}">\n'
    )
    return head + "\n".join(cases + error_cases) + ("\n" if cases or error_cases else "") + "  </testsuite>\n</testsuites>\n"


def _finding_line(f: Finding) -> str:
    return f"{f.path}:{f.line}:{f.column}: {f.severity} [{f.rule}] {f.message}"


def render_github(result: AuditResult, config: AuditConfig) -> str:
    """GitHub Actions workflow commands: ::error file=...,line=...,col=...,title=...::message"""
    commands = {"error": "error", "warning": "warning", "notice": "notice"}
    lines = []
    for f in result.findings:
        about = f" {f.help_url}" if f.help_url else f" (captionsearch audit --explain {f.rule})"
        if "://" in f.path:  # a page of a running site: no file of the repository to annotate
            props, where = f"title={_prop(f.rule)}", f"{f.path}:{f.line}:{f.column}: "
        else:
            props, where = f"file={_prop(f.path)},line={f.line},col={f.column},title={_prop(f.rule)}", ""
        lines.append(f"::{commands[f.severity]} {props}::{_data(where + f.message + about)}")
    lines += [f"::error title=input error::{_data(e)}" for e in result.errors]
    lines += [f"::warning title=captionsearch audit::{_data(w)}" for w in result.warnings]
    lines += [f"::notice title=not audited::{_data(line)}" for line in unaudited_lines(result)]
    return "\n".join(lines) + ("\n" if lines else "")


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


EDITOR_SEVERITIES = {"error": "error", "warning": "warning", "notice": "info"}  # what editors call them
RDJSON_SEVERITIES = {"error": "ERROR", "warning": "WARNING", "notice": "INFO"}


def render_concise(result: AuditResult, config: AuditConfig) -> str:
    """One line per finding, ``path:line:col: severity: message [rule]``, as editors' problem
    matchers read them (VS Code's, Vim's errorformat, Emacs' compilation mode)."""
    lines = [f"{f.path}:{f.line}:{f.column}: {EDITOR_SEVERITIES[f.severity]}: {_one_line(f.message, 1000)} [{f.rule}]"
             for f in result.findings]
    lines += [f"{e.split(': ', 1)[0]}:1:1: error: {e.split(': ', 1)[-1]} [input-error]" for e in result.errors]
    return "\n".join(lines) + ("\n" if lines else "")


class _ByteColumns:
    """Columns as reviewdog counts them (UTF-8 bytes from 1), from ours (characters), line by line."""

    def __init__(self) -> None:
        self._lines: dict[str, list[str] | None] = {}

    def position(self, path: str, line: int, column: int) -> dict[str, int]:
        if path not in self._lines:
            try:
                self._lines[path] = Path(path).read_text(encoding="utf-8-sig").split("\n")
            except (OSError, UnicodeDecodeError, ValueError):
                self._lines[path] = None
        lines = self._lines[path]
        if lines is None or not 0 < line <= len(lines):
            return {"line": line, "column": column}
        return {"line": line, "column": len(lines[line - 1][: column - 1].encode("utf-8")) + 1}


def render_rdjson(result: AuditResult, config: AuditConfig) -> str:
    """reviewdog's Diagnostic Format (rdjson): findings with their rule and, where a suggested alt
    can be applied, the suggestion reviewdog offers as a change on the pull request."""
    columns = _ByteColumns()
    diagnostics = []
    for f in result.findings:
        diagnostic: dict[str, object] = {
            "message": f.message,
            "location": {"path": f.path, "range": {"start": columns.position(f.path, f.line, f.column)}},
            "severity": RDJSON_SEVERITIES[f.severity],
            "code": {"value": f.rule, **({"url": f.help_url} if f.help_url else {})},
        }
        if f.fix is not None:
            diagnostic["suggestions"] = [{
                "range": {"start": columns.position(f.path, f.fix.start_line, f.fix.start_column),
                          "end": columns.position(f.path, f.fix.end_line, f.fix.end_column)},
                "text": f.fix.text,
            }]
        diagnostics.append(diagnostic)
    document = {"source": {"name": "captionsearch audit", "url": INFORMATION_URI}, "diagnostics": diagnostics}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


REPORTERS: dict[str, Callable[[AuditResult, AuditConfig], str]] = {
    "text": render_text,
    "json": render_json,
    "sarif": render_sarif,
    "junit": render_junit,
    "github": render_github,
    "concise": render_concise,
    "rdjson": render_rdjson,
}
