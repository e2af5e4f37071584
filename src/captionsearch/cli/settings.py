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
        "[tool.captionsearch] (or [tool.captionsearch.audit], [tool.captionsearch.fields]) in the nearest "
        "pyproject.toml, then the default. The fields table says which keys of a record each field is read "
        "from ('captionsearch index --map' overrides it).",
    )
    parser.add_argument("--markdown", action="store_true", help="print the documentation's tables of the settings")
    parser.set_defaults(func=run_settings)


def run_settings(args: argparse.Namespace) -> int:
    from ..audit.config import AUDIT_SETTINGS, load_audit_config
    from ..corpus.fields import FIELD_SETTINGS, load_fields
    from ..settings import markdown_table

    if args.markdown:
        tables = (SETTINGS, AUDIT_SETTINGS, FIELD_SETTINGS)
        print("\n".join(markdown_table(declared) for declared in tables), end="")
        return ExitCode.OK
    general_sources: dict[str, str] = {}
    audit_sources: dict[str, str] = {}
    field_sources: dict[str, str] = {}
    general = load_settings(sources=general_sources)
    audit = load_audit_config(sources=audit_sources)
    fields = load_fields(sources=field_sources)
    for table, declared, values, sources in (
        ("[tool.captionsearch]", SETTINGS, general, general_sources),
        ("[tool.captionsearch.audit]", AUDIT_SETTINGS, {s.name: getattr(audit, s.name) for s in AUDIT_SETTINGS},
         audit_sources),
        ("[tool.captionsearch.fields]", FIELD_SETTINGS,
         {f.name: ", ".join(p.text for p in f.paths) for f in fields.fields}, field_sources),
    ):
        print(table)
        width = max(len(s.key) for s in declared)
        for setting in declared:
            print(f"  {setting.key:<{width}} = {values[setting.name]!r:<20} from {sources[setting.name]} "
                  f"(env {setting.env_var})")
    return ExitCode.OK
