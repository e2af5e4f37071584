"""The accessibility audit: does every image have a text alternative a blind reader can use?

Library API (the CLI and the web front end use these):

* ``audit_paths(paths, config) -> AuditResult`` (findings and input errors)
* ``audit_records(records, config) -> list[Finding]``
* ``RULES``: rule id -> Rule (severity, wcag, description, help, fix, help_url(base))

Importing this package loads neither spaCy nor Whoosh nor Flask.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .config import AuditConfig, load_audit_config
    from .model import AuditResult, Finding, Rule
    from .rules import RULES

# Loaded on first use: the command line imports audit.model for its severities
# while building its parser, and a search should not load every rule for that.
_LAZY = {"AuditConfig": "config", "load_audit_config": "config", "AuditResult": "model", "Finding": "model",
         "Rule": "model", "RULES": "rules"}

__all__ = ["RULES", "AuditConfig", "AuditResult", "Finding", "Rule", "audit_paths", "audit_records", "load_audit_config"]


def audit_paths(*args: Any, **kwargs: Any) -> AuditResult:
    from .runner import audit_paths as run

    return run(*args, **kwargs)


def audit_records(*args: Any, **kwargs: Any) -> list[Finding]:
    from .runner import audit_records as run

    return run(*args, **kwargs)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
