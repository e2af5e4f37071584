"""``captionsearch settings``: every setting, its value and where it came from."""

from __future__ import annotations

import argparse
from typing import Any

from ..settings import SETTINGS, load_settings
from .common import ExitCode


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "settings",
        help="list every setting with its effective value and where it came from",
        description="Every setting, the audit's included, is read the same way: a command-line flag "
        "(where the command has one) wins, then a CAPTIONSEARCH_* environment variable, then "
        "[tool.captionsearch] (or [tool.captionsearch.audit]) in the nearest pyproject.toml, then the default.",
    )
    parser.add_argument("--markdown", action="store_true", help="print the documentation's tables of the settings")
    parser.set_defaults(func=run_settings)


def run_settings(args: argparse.Namespace) -> int:
    from ..audit.config import AUDIT_SETTINGS, load_audit_config
    from ..settings import markdown_table

    if args.markdown:
        print(markdown_table(SETTINGS) + "\n" + markdown_table(AUDIT_SETTINGS), end="")
        return ExitCode.OK
    general_sources: dict[str, str] = {}
    audit_sources: dict[str, str] = {}
    general = load_settings(sources=general_sources)
    audit = load_audit_config(sources=audit_sources)
    for table, declared, values, sources in (
        ("[tool.captionsearch]", SETTINGS, general, general_sources),
        ("[tool.captionsearch.audit]", AUDIT_SETTINGS, {s.name: getattr(audit, s.name) for s in AUDIT_SETTINGS},
         audit_sources),
    ):
        print(table)
        width = max(len(s.key) for s in declared)
        for setting in declared:
            print(f"  {setting.key:<{width}} = {values[setting.name]!r:<20} from {sources[setting.name]} "
                  f"(env {setting.env_var})")
    return ExitCode.OK
