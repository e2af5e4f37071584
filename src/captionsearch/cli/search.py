"""``captionsearch search``: the query's results, as text or as the documented JSON."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Sequence, TextIO

from ..settings import load_settings
from .common import ExitCode, color_option, index_option, overrides, use_color


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "search",
        help="search the index",
        description="Search captions, titles and alt text. Every plain word must match, short ones like 'the' too (any form: "
        "rovers finds rover); \"quoted phrases\"; OR; NOT word or -word; title:, caption:, alt:, "
        "entity: scope a word or phrase; parentheses group. A misspelt word gets a suggestion. "
        "Exits 1 when nothing matches.",
        epilog="examples: captionsearch search rover | captionsearch search '\"far side\" -artist' | "
        "captionsearch search 'entity:beijing' --json",
    )
    parser.add_argument("query", nargs="+", help="the query (several arguments are joined with spaces)")
    index_option(parser)
    parser.add_argument("--limit", type=int, help="results per page (default: 10, at most 100)")
    parser.add_argument("--page", type=int, default=1, help="page of results (default: 1)")
    parser.add_argument("--filter", action="append", default=[], metavar="GROUP:VALUE",
                        help="only photos with this facet value, e.g. place:Beijing or year:2019")
    parser.add_argument("--json", action="store_true", help="print the documented JSON (docs/search-json.md)")
    color_option(parser)
    parser.set_defaults(func=run_search)


def run_search(args: argparse.Namespace) -> int:
    from ..search.searching import configure, open_index, search

    settings = load_settings(overrides(args, "index_dir", "limit"))
    configure(query_cache_mb=settings["query_cache_mb"])
    open_index(settings["index_dir"])  # so the time shown is the query's, not start-up's
    # The text output shows no facets: counting them would cost a one-off search more than the query.
    page = search(" ".join(args.query), settings["index_dir"], page=args.page, limit=settings["limit"],
                  filters=tuple(args.filter), facets=args.json)
    if args.json:
        json.dump(page.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        write_results(page, sys.stdout, use_color(args.color, sys.stdout))
    return ExitCode.OK if page.total else ExitCode.FOUND_NOTHING


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
    lines.append(f"     image: {_display_path(shown) if shown else '(none yet)'}   id: {hit.record.id}")
    return "\n".join(lines) + "\n"


def _marked(segments: Sequence[Any], color: bool) -> str:
    start, end = ("\x1b[1;33m", "\x1b[0m") if color else ("**", "**")
    return "".join(f"{start}{s.text}{end}" if s.match else s.text for s in segments)


def _display_path(image: str) -> str:
    try:
        return str(Path(image).relative_to(Path.cwd()))
    except ValueError:
        return image
