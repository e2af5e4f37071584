"""``captionsearch audit``: the command-line face of the audit. Imports nothing heavy.

Exit codes: 0 nothing at or above --fail-on, 1 findings that fail, 2 a usage,
configuration or input error (CI can tell "the photos need work" from "the
audit could not run").
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..audit.model import SEVERITIES
from ..errors import ConfigError
from .common import ExitCode, color_option, use_color

FORMATS = ("text", "json", "sarif", "junit", "github", "concise", "rdjson")


def add_parser(subparsers: Any) -> None:
    """Create the "audit" subcommand with all its flags; its handler is run()."""
    parser = subparsers.add_parser(
        "audit",
        help="check that every image has a text alternative a blind reader can use",
        description="Audit the alt text and captions of HTML pages, Markdown, manifests and image "
        "metadata (a folder means everything in it), or a running site by its URLs. Settings come from "
        "flags, then CAPTIONSEARCH_AUDIT_* environment variables, then [tool.captionsearch.audit] in "
        "pyproject.toml, then their defaults ('captionsearch settings' lists them).",
        epilog="Exit codes: 0 nothing at or above --fail-on, 1 findings that fail, 2 usage or input "
        "error. 'captionsearch audit --list-rules' lists the rules; '--explain RULE' shows one.",
    )
    configure(parser)
    parser.set_defaults(func=run)


def from_setting(name: str) -> str:
    """A flag's help, generated from the setting it sets: what it does, its default, where else to set it."""
    from ..audit.config import AUDIT_SETTINGS

    setting = next(s for s in AUDIT_SETTINGS if s.name == name)
    default = f" Default: {setting.default}." if setting.default not in ("", (), {}) else ""
    return f"{setting.help}{default} Also {setting.key} in {setting.table_name}, or {setting.env_var}."


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to audit, or URLs of a running site")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of stdout")
    color_option(parser)
    parser.add_argument("--fail-on", choices=SEVERITIES, help=from_setting("fail_on"))
    parser.add_argument("--select", metavar="RULES", help=from_setting("select"))
    parser.add_argument("--extend-select", metavar="RULES", help=from_setting("extend_select"))
    parser.add_argument("--ignore", metavar="RULES", help=from_setting("ignore"))
    parser.add_argument("--extend-ignore", metavar="RULES", help=from_setting("extend_ignore"))
    parser.add_argument("--per-file-ignores", metavar="GLOB:RULES", action="append",
                        help=from_setting("per_file_ignores") + " Repeatable.")
    parser.add_argument("--severity", action="append", metavar="RULE=LEVEL",
                        help=from_setting("severity") + " Repeatable.")
    parser.add_argument("--max-alt-length", type=int, metavar="N", help=from_setting("max_alt_length"))
    parser.add_argument("--vague-min-words", type=int, metavar="N",
                        help=from_setting("vague_min_words"))
    parser.add_argument("--include", action="append", metavar="GLOB", help=from_setting("include") + " Repeatable.")
    parser.add_argument("--exclude", action="append", metavar="GLOB", help=from_setting("exclude") + " Repeatable.")
    parser.add_argument("--site-root", action="append", metavar="DIR",
                        help=from_setting("site_root") + " Repeatable.")
    parser.add_argument("--baseline", metavar="FILE", help=from_setting("baseline"))
    parser.add_argument("--write-baseline", metavar="FILE", help="write every current finding to FILE and exit 0")
    parser.add_argument("--help-base-url", metavar="URL", help=from_setting("help_base_url"))
    parser.add_argument("--pipeline", metavar="NAME", help="spaCy pipeline for the vague rules")
    parser.add_argument("--config", metavar="PYPROJECT", help="pyproject.toml to read (default: the nearest one)")
    site = parser.add_argument_group("a running site (PATHs that are http(s) URLs)")
    site.add_argument("--sitemap", metavar="URL", help="also audit the pages a sitemap lists")
    site.add_argument("--render", action="store_true",
                      help="audit each page's DOM after its scripts ran, in Chromium (needs captionsearch[render])")
    site.add_argument("--max-pages", type=int, default=500, metavar="N", help="pages to fetch at most (default: 500)")
    site.add_argument("--max-depth", type=int, default=5, metavar="N", help="links to follow from a start page (default: 5)")
    site.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS", help="per request (default: 10)")
    site.add_argument("--concurrency", type=int, default=4, metavar="N", help="requests at once (default: 4)")
    site.add_argument("--no-robots", dest="robots", action="store_false", help="do not obey the site's robots.txt")
    site.add_argument("--user-agent", default="captionsearch-audit", help="the User-Agent sent (default: captionsearch-audit)")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when findings fail (input errors still exit 2)")
    parser.add_argument("--statistics", action="store_true", help="print how many findings each rule has, after the report")
    parser.add_argument("--fix", action="store_true",
                        help="show the source changes that set the suggested alt texts, as a diff (nothing is written)")
    parser.add_argument("--write", action="store_true", help="with --fix: write those changes into the files")
    parser.add_argument("--list-rules", action="store_true", help="list the rules and exit")
    parser.add_argument("--explain", metavar="RULE", help="show a rule's documentation and exit")


def overrides_from(args: argparse.Namespace) -> dict[str, Any]:
    """Settings given on the command line (None: not given)."""
    return {
        "select": args.select,
        "ignore": args.ignore,
        "extend_select": args.extend_select,
        "extend_ignore": args.extend_ignore,
        "per_file_ignores": ";".join(args.per_file_ignores) if args.per_file_ignores else None,
        "site_root": args.site_root,
        "severity": ",".join(args.severity) if args.severity else None,
        "fail_on": args.fail_on,
        "max_alt_length": args.max_alt_length,
        "vague_min_words": args.vague_min_words,
        "include": args.include,
        "exclude": args.exclude,
        "help_base_url": args.help_base_url,
        "baseline": args.baseline,
        "pipeline": args.pipeline,
    }


def run(args: argparse.Namespace) -> int:
    """Run the audit the flags describe; returns the exit code (errors go to cli.main's handler)."""
    from ..audit.config import load_audit_config
    from ..audit.docs import explain, list_rules

    if args.list_rules:
        print(list_rules(), end="")
        return ExitCode.OK
    if args.explain:
        print(explain(args.explain), end="")
        return ExitCode.OK
    if args.write and not args.fix:
        print("captionsearch audit: error: --write goes with --fix ('captionsearch audit site/ --fix --write')",
              file=sys.stderr)
        return ExitCode.ERROR
    if not args.paths and not args.sitemap:
        print("captionsearch audit: error: give the files, folders or URLs to audit, e.g. 'captionsearch audit corpus/'",
              file=sys.stderr)
        return ExitCode.ERROR
    urls = [p for p in args.paths if is_web_address(p)]
    if (urls or args.sitemap) and len(urls) != len(args.paths):
        print("captionsearch audit: error: audit either files and folders or a site's URLs, not both in one run",
              file=sys.stderr)
        return ExitCode.ERROR
    if (urls or args.sitemap) and args.fix:
        print("captionsearch audit: error: --fix changes source files; run it on the site's sources, not its URLs",
              file=sys.stderr)
        return ExitCode.ERROR
    config = load_audit_config(overrides_from(args), Path(args.config) if args.config else None)
    return audit_and_report(args, config)


def audit_and_report(args: argparse.Namespace, config: Any) -> int:
    from ..audit.baseline import read_baseline, write_baseline
    from ..audit.reporters import REPORTERS

    accepted = read_baseline(Path(config.baseline)) if config.baseline and not args.write_baseline else None
    result = run_audit(args, config, accepted)
    if args.fix:
        return apply_fixes(args, config, result)
    if args.write_baseline:
        count = write_baseline(Path(args.write_baseline), result.findings)
        print(f"wrote {count} finding{'s' if count != 1 else ''} to baseline {args.write_baseline}", file=sys.stderr)
        return ExitCode.ERROR if result.errors else ExitCode.OK
    if args.format == "text":
        from ..audit.reporters import render_text

        report = render_text(result, config, color=not args.output and use_color(args.color, sys.stdout))
    else:
        report = REPORTERS[args.format](result, config)
    if args.statistics:
        from ..audit.reporters import statistics

        report += statistics(result) if args.format == "text" else ""
        if args.format != "text":
            sys.stderr.write(statistics(result))
    if args.output:
        Path(args.output).write_text(report, encoding="utf-8")
    else:
        sys.stdout.write(report)
    return exit_code(args, config, result)


def is_web_address(path: str) -> bool:
    return path.startswith(("http://", "https://"))


def run_audit(args: argparse.Namespace, config: Any, accepted: Any) -> Any:
    """The audit of the given files and folders, or of the running site the URLs point at."""
    from ..audit.runner import audit_paths, audit_urls

    if args.sitemap or any(is_web_address(p) for p in args.paths):
        if min(args.max_pages, args.concurrency) < 1 or args.max_depth < 0 or args.timeout <= 0:
            raise ConfigError("--max-pages and --concurrency must be at least 1, --max-depth at least 0, "
                              "--timeout above 0")
        return audit_urls(args.paths, config, accepted, sitemap=args.sitemap, render=args.render,
                          max_pages=args.max_pages, max_depth=args.max_depth, timeout=args.timeout,
                          concurrency=args.concurrency, respect_robots=args.robots, user_agent=args.user_agent)
    return audit_paths(args.paths, config, accepted)


def exit_code(args: argparse.Namespace, config: Any, result: Any) -> int:
    for warning in result.warnings:
        print(f"captionsearch audit: warning: {warning}", file=sys.stderr)
    for error in result.errors:
        print(f"captionsearch audit: input error: {error}", file=sys.stderr)
    if result.errors:
        return ExitCode.ERROR
    if args.exit_zero:
        return ExitCode.OK
    return ExitCode.FINDINGS if result.failing(config.fail_on) else ExitCode.OK


def apply_fixes(args: argparse.Namespace, config: Any, result: Any) -> int:
    """--fix: the diff of every suggested alt (exit 1 when there is one); --fix --write: apply them."""
    from ..audit.fixes import fix_files
    from ..audit.runner import audit_paths

    edits = [f.fix for f in result.findings if f.fix is not None]
    diff, problems = fix_files(edits, write=args.write)
    for problem in problems:
        print(f"captionsearch audit: not fixed: {problem}", file=sys.stderr)
    if not args.write:
        sys.stdout.write(diff)
        count = len(edits)
        print(f"{count} suggested alt text{'s' if count != 1 else ''} shown as a diff; "
              "review them, then run again with --fix --write to apply", file=sys.stderr)
        return ExitCode.ERROR if result.errors else (ExitCode.FINDINGS if edits else ExitCode.OK)
    files = len({e.path for e in edits}) - len(problems)
    print(f"wrote {len(edits)} alt text{'s' if len(edits) != 1 else ''} into {files} file{'s' if files != 1 else ''}",
          file=sys.stderr)
    remaining = audit_paths(args.paths, config)
    return exit_code(args, config, remaining)
