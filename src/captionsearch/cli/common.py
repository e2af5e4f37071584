"""Shared by every command: the exit codes and how a command reads its setting flags."""

from __future__ import annotations

import argparse
import os
from enum import IntEnum
from typing import Any, TextIO


class ExitCode(IntEnum):
    """The exit codes of every command."""

    OK = 0
    FOUND_NOTHING = 1  # search: nothing matched
    FINDINGS = 1  # audit: findings at or above --fail-on; --fix: changes to show
    ERROR = 2  # usage, configuration or input error (index: everything else was indexed)
    INTERRUPTED = 130


DEFAULT_CORPUS = "corpus"


def overrides(args: argparse.Namespace, *names: str) -> dict[str, Any]:
    """The setting values the command line gives (None: not given)."""
    return {name: getattr(args, name, None) for name in names}


def use_color(choice: str, stream: TextIO) -> bool:
    """--color auto|always|never: auto is on for a terminal, unless NO_COLOR is set."""
    if choice != "auto":
        return choice == "always"
    return stream.isatty() and not os.environ.get("NO_COLOR")


def color_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                        help="colour in text output (default: auto, on a terminal unless NO_COLOR is set)")


def index_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--index", dest="index_dir", metavar="DIR", help="index folder (default: index/)")
