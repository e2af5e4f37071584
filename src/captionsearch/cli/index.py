"""``captionsearch index``: read a collection and bring the index up to date."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from ..settings import load_settings
from .common import DEFAULT_CORPUS, ExitCode, index_option, overrides


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "index",
        help="read a collection and bring the search index up to date",
        description="Read captions from manifests (JSON, JSONL, CSV, TSV), collection exports (IIIF "
        "manifests, WordPress WXR, OAI-PMH Dublin Core XML), HTML pages (and their schema.org JSON-LD), "
        "Markdown and image metadata (IPTC, XMP, EXIF) and update the index incrementally: new and changed "
        "photos are (re)indexed, removed ones deleted, unchanged ones skipped. A folder means "
        "every supported file in it. A JSON file may hold a list of records, one record, or a list "
        "under a key; fields are read from their own names and common aliases (description, "
        "thumbnailUrl, dc:title...), or from what --map and [tool.captionsearch.fields] say. "
        "Records without an image are indexed too, unless --require-image. "
        "Exits 2 if some input could not be read (the rest is indexed).",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help=f"files or folders (default: {DEFAULT_CORPUS}/)")
    index_option(parser)
    parser.add_argument("--no-entities", dest="entities", action="store_false", default=None,
                        help="skip the trained spaCy pipeline (no entity facets; much faster)")
    parser.add_argument("--pipeline", help="spaCy pipeline name or path (default: en_core_web_sm)")
    parser.add_argument("--rebuild", action="store_true", help="build a fresh index and swap it in")
    parser.add_argument("--include", action="append", default=[], metavar="GLOB", help="only files matching GLOB")
    parser.add_argument("--exclude", action="append", default=[], metavar="GLOB", help="skip files matching GLOB")
    parser.add_argument("--progress", choices=("auto", "always", "never"),
                        help="progress line: auto shows it on a terminal outside CI")
    parser.add_argument("--map", action="append", default=[], metavar="FIELD=PATH[,PATH...]",
                        help="read FIELD from these key paths, the first non-empty one winning "
                        "(e.g. image=images.0.image_url, credit=creator.*.full_name, title='\"dc:title\"'); "
                        "repeatable; an empty list switches the field off")
    parser.add_argument("--records-at", metavar="PATH",
                        help="the key path of the list of records in a JSON file (e.g. data, response.docs; "
                        "'.' for the whole file), when they cannot be found by looking")
    parser.add_argument("--require-image", action="store_true",
                        help="skip records without an image (counted per file) instead of indexing them")
    parser.add_argument("--explain-fields", metavar="FILE",
                        help="show what each field is read from for a sample of FILE's records, "
                        "and which keys are not read; writes nothing to the index")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    parser.set_defaults(func=run_index)


def run_index(args: argparse.Namespace) -> int:
    from ..images import ImageLimits
    from ..indexing import IndexOptions, index_corpus
    from ..indexing.intake import IntakeOptions
    from ..indexing.progress import progress_wanted

    settings = load_settings(overrides(args, "index_dir", "entities", "pipeline", "progress"))
    limits = _read_limits(args, settings)
    if args.explain_fields:
        return _explain(Path(args.explain_fields), limits)
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
        limits=limits,
        require_image=args.require_image,
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
    for file, count in report.without_image:
        print(f"captionsearch: note: {file}: {count} record{'s' if count != 1 else ''} without an image "
              "skipped (--require-image)", file=sys.stderr)
    if not args.quiet:
        print(_index_summary(report, settings["index_dir"]))
    problems = len(report.errors) + len(report.warnings)
    if problems:
        print(f"captionsearch: {problems} input problem(s); everything else was indexed. "
              "Fix the files named above and run again.", file=sys.stderr)
        return ExitCode.ERROR
    return ExitCode.OK


def _read_limits(args: argparse.Namespace, settings: dict[str, Any]) -> Any:
    """The read limits of the settings, with the field map and --records-at."""
    from dataclasses import replace

    from ..corpus import ReadLimits
    from ..corpus.fields import load_fields, parse_map_option

    mapped: dict[str, str] = {}
    for option in args.map:
        name, paths = parse_map_option(option)
        mapped[name] = f"{mapped[name]},{paths}" if mapped.get(name) else paths
    return replace(ReadLimits.from_settings(settings), fields=load_fields(mapped), records_at=args.records_at or "")


def _explain(path: Path, limits: Any) -> int:
    from ..corpus.explain import explain_fields
    from ..corpus.registry import reader_for
    from ..records import SourceKind

    reader = reader_for(path)
    if reader is None or reader.kind != SourceKind.MANIFEST:
        print(f"captionsearch: error: {path}: --explain-fields reads JSON, JSONL, CSV and TSV files", file=sys.stderr)
        return ExitCode.ERROR
    text, errors = explain_fields(path, limits)
    print(text, end="")
    for error in errors:
        print(f"captionsearch: error: {error}", file=sys.stderr)
    return ExitCode.ERROR if errors else ExitCode.OK


def _index_summary(report: Any, index_dir: str) -> str:
    rate = report.records / report.seconds if report.seconds else 0
    parts = [f"{report.added} added", f"{report.updated} updated", f"{report.deleted} removed",
             f"{report.unchanged} unchanged"]
    if report.kept:
        parts.append(f"{report.kept} kept though not in the input (some files could not be read)")
    if report.enriched:
        parts.append(f"entities found for {report.enriched}")
    return (f"indexed {_count(report.records, 'photo')} from {_count(report.files, 'file')} into {index_dir}/ "
            f"in {report.seconds:.1f} s ({rate:,.0f}/s): " + ", ".join(parts))


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
