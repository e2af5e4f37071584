"""Rule documentation: the pages shipped in audit/rules/<rule-id>.md, and the rule list."""

from __future__ import annotations

from importlib import resources

from ..errors import ConfigError
from .rules import RULES

REQUIRED_SECTIONS = ("## What it flags", "## Applies to", "## Why it matters", "## How to fix", "## Examples", "## References")


def rule_page(rule_id: str) -> str:
    """The Markdown documentation page of one rule."""
    if rule_id not in RULES:
        raise ConfigError(f"unknown rule '{rule_id}'; run 'captionsearch audit --list-rules'")
    return resources.files("captionsearch.audit").joinpath("rules", f"{rule_id}.md").read_text(encoding="utf-8")


def explain(rule_id: str) -> str:
    page = rule_page(rule_id)  # an unknown rule is a ConfigError here
    rule = RULES[rule_id]
    head = f"{rule.id} ({rule.severity}{', needs review' if rule.heuristic else ''}; WCAG {', '.join(rule.wcag)})\n\n"
    return head + page


def list_rules() -> str:
    width = max(len(r) for r in RULES)
    lines = [f"{'rule':<{width}}  {'severity':<8}  {'wcag':<11}  help"]
    for rule in RULES.values():
        lines.append(f"{rule.id:<{width}}  {rule.severity:<8}  {','.join(rule.wcag):<11}  {rule.help}")
    return "\n".join(lines) + "\n"
