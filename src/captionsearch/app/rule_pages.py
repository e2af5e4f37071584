"""The audit rules' documentation for the web: each rule's shipped Markdown page, as HTML.

The pages are the same ones ``captionsearch audit --explain`` prints, so the
site's "About this rule" links work wherever the site runs, whatever
``help-base-url`` says.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from markupsafe import Markup

from ..audit.config import AuditConfig
from ..audit.docs import rule_page
from ..audit.rules import RULES


@lru_cache(maxsize=1)
def _markdown() -> Any:
    """The renderer, made on the first rule page (a search never needs it).

    Raw HTML in a page is shown as text, not run: the pages show markup in their examples.
    """
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False})


@dataclass(frozen=True)
class RuleDoc:
    """One rule as the site shows it: its settings under the app's audit config, and its page."""

    id: str
    severity: str
    help: str
    description: str
    fix: str
    wcag: tuple[str, ...]
    techniques: tuple[str, ...]
    needs_review: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.id,
            "severity": self.severity,
            "help": self.help,
            "description": self.description,
            "fix": self.fix,
            "wcag": list(self.wcag),
            "techniques": list(self.techniques),
            "needs_review": self.needs_review,
        }

    def page_markdown(self) -> str:
        return _page_body(self.id)

    def page_html(self) -> Markup:
        return _rendered(self.id)


def rule_docs(config: AuditConfig) -> list[RuleDoc]:
    """Every rule, in the order the audit lists them."""
    return [_doc(rule_id, config) for rule_id in RULES]


def rule_doc(rule_id: str, config: AuditConfig) -> RuleDoc | None:
    return _doc(rule_id, config) if rule_id in RULES else None


def _doc(rule_id: str, config: AuditConfig) -> RuleDoc:
    rule = RULES[rule_id]
    return RuleDoc(rule.id, config.severity_of(rule.id), rule.help, rule.description, rule.fix,
                   rule.wcag, rule.techniques, rule.heuristic)


def _page_body(rule_id: str) -> str:
    """The page without its first line, the "# rule-id" heading the site puts in its own."""
    return rule_page(rule_id).split("\n", 1)[1]


@lru_cache(maxsize=None)
def _rendered(rule_id: str) -> Markup:
    # The renderer escapes the page's text and drops its raw HTML, so the result is safe to insert.
    return Markup(_markdown().render(_page_body(rule_id)))
