"""Audit coverage: does `captionsearch audit` see every image a site's sources show?

For each tree: copy it to a temporary folder, set a camera file name as the alt
text of every image that bench/alt_injection.py finds (a reading by regular
expressions, independent of the audit's own parser), audit the copy with all
rules, and count an injected image as flagged when an alt-placeholder or
alt-filename finding at its file and line quotes the injected text. The
unflagged images are listed so a reader can see why they were missed.

    python bench/audit_coverage.py SITE [SITE ...] [--alt IMG_4032.JPG] [--out coverage.json]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterable

sys.path.insert(0, str(Path(__file__).resolve().parent))

from alt_injection import Site, inject_tree  # noqa: E402
from audit_report import AuditRun, format_table, percent, run_audit, tree_path  # noqa: E402

FLAGGING_RULES = frozenset({"alt-placeholder", "alt-filename"})
TARGET_PERCENT = 95.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("trees", nargs="+", type=Path, metavar="TREE", help="site source folders to measure")
    parser.add_argument("--alt", default="IMG_4032.JPG", help="the wrong alt text to inject (default: %(default)s)")
    parser.add_argument("--show", type=int, default=8, help="unflagged images to print per tree (default: %(default)s)")
    parser.add_argument("--out", type=Path, help="write every number and every unflagged image as JSON")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="keep the injected copies in DIR, to look at them")
    return parser.parse_args(argv)


def measure_tree(tree: Path, alt: str, keep: Path | None) -> dict:
    """Inject into a copy of ``tree``, audit the copy, and match findings to injected images."""
    with tempfile.TemporaryDirectory(prefix="audit-coverage-") as scratch:
        copy = (keep or Path(scratch)) / tree.name
        if copy.exists():
            shutil.rmtree(copy)
        shutil.copytree(tree, copy, symlinks=True)
        sites = inject_tree(copy, alt)
        run = run_audit(copy)
        rows = match_sites(sites, run, copy, alt)
    return tree_result(tree, rows, run)


def match_sites(sites: list[Site], run: AuditRun, copy: Path, alt: str) -> list[dict]:
    """Each injected image with whether a finding flags it, and hints where none does."""
    capacity = flagging_positions(run, copy, alt)
    by_file: dict[str, list[dict]] = defaultdict(list)
    for finding in run.findings:
        by_file[tree_path(finding["path"], copy)].append(finding)
    skipped: dict[str, list[dict]] = defaultdict(list)
    for entry in run.report.get("not_audited", []):
        skipped[tree_path(entry["path"], copy)].append(entry)
    rows = []
    for site in sites:
        row = site.to_dict()
        row["flagged"] = take_position(capacity, site)
        if not row["flagged"]:
            row.update(hints(site, by_file[site.path], skipped[site.path]))
        rows.append(row)
    return rows


def flagging_positions(run: AuditRun, copy: Path, alt: str) -> dict[str, Counter]:
    """Per file, the (line, column) of findings that quote the injected text, with how many images each stands for."""
    per_rule: Counter = Counter()
    for finding in run.findings:
        if finding["rule"] in FLAGGING_RULES and alt.casefold() in finding["message"].casefold():
            per_rule[(tree_path(finding["path"], copy), finding["line"], finding["column"], finding["rule"])] += 1
    capacity: dict[str, Counter] = defaultdict(Counter)
    for (path, line, column, _), count in per_rule.items():
        # Both rules may flag the same image: two findings, one image.
        capacity[path][(line, column)] = max(capacity[path][(line, column)], count)
    return capacity


def take_position(capacity: dict[str, Counter], site: Site) -> bool:
    """Use up one flagging finding on the site's lines, if there is one left."""
    positions = capacity.get(site.path, Counter())
    for key in sorted(k for k in positions if site.line <= k[0] <= site.end_line):
        if positions[key] > 0:
            positions[key] -= 1
            return True
    return False


def hints(site: Site, findings: list[dict], skipped: list[dict]) -> dict:
    """What the report says near an unflagged image: other rules there, images not audited, findings in the file."""
    here = [f for f in findings if site.line <= f["line"] <= site.end_line]
    return {
        "rules_here": sorted({f["rule"] for f in here}),
        "purpose_here": sorted({f.get("purpose") or "" for f in here} - {""}),
        "not_audited": sorted({e.get("reason", "") for e in skipped if site.line <= e["line"] <= site.end_line}),
        "findings_in_file": len(findings),
    }


def tree_result(tree: Path, rows: list[dict], run: AuditRun) -> dict:
    """One tree's numbers: totals, by kind and by file type, the hidden share, and the misses."""
    flagged = sum(r["flagged"] for r in rows)
    return {
        "tree": tree.name,
        "path": str(tree),
        "injected": len(rows),
        "flagged": flagged,
        "coverage_percent": percent(flagged, len(rows)),
        "exposed_coverage_percent": exposed_coverage(rows),
        "by_kind": breakdown(rows, lambda r: r["kind"]),
        "by_suffix": breakdown(rows, lambda r: Path(r["path"]).suffix.lower()),
        "hidden": breakdown(rows, lambda r: "hidden" if r["hidden"] else "exposed"),
        "audit": {"exit_code": run.exit_code, "seconds": round(run.seconds, 2), "pages": run.summary.get("pages"),
                  "images": run.summary.get("images"), "not_audited": run.summary.get("not_audited")},
        "unflagged": [r for r in rows if not r["flagged"]],
    }


def exposed_coverage(rows: list[dict]) -> float | None:
    """Coverage of the images assistive technology is not told to skip (no aria-hidden, no presentation role)."""
    exposed = [r for r in rows if not r["hidden"]]
    return percent(sum(r["flagged"] for r in exposed), len(exposed))


def breakdown(rows: Iterable[dict], key) -> dict[str, dict[str, int]]:
    """Injected and flagged counts per value of ``key``."""
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        entry = counts.setdefault(key(row), {"injected": 0, "flagged": 0})
        entry["injected"] += 1
        entry["flagged"] += row["flagged"]
    return dict(sorted(counts.items()))


def totals(results: list[dict]) -> dict:
    """All trees together."""
    injected = sum(r["injected"] for r in results)
    flagged = sum(r["flagged"] for r in results)
    exposed = summed([r["hidden"] for r in results]).get("exposed", {"injected": 0, "flagged": 0})
    return {"injected": injected, "flagged": flagged, "coverage_percent": percent(flagged, injected),
            "exposed_coverage_percent": percent(exposed["flagged"], exposed["injected"]),
            "by_kind": summed([r["by_kind"] for r in results]), "target_percent": TARGET_PERCENT}


def summed(breakdowns: list[dict[str, dict[str, int]]]) -> dict[str, dict[str, int]]:
    """Breakdowns of several trees added up."""
    total: dict[str, dict[str, int]] = {}
    for counts in breakdowns:
        for key, entry in counts.items():
            into = total.setdefault(key, {"injected": 0, "flagged": 0})
            into["injected"] += entry["injected"]
            into["flagged"] += entry["flagged"]
    return dict(sorted(total.items()))


def print_report(results: list[dict], total: dict, show: int) -> None:
    """The coverage table, a breakdown by kind, and a few misses per tree."""
    rows = [[r["tree"], r["injected"], r["flagged"], r["coverage_percent"], r["hidden"].get("hidden", {}).get("injected", 0),
             r["exposed_coverage_percent"], r["audit"]["images"], r["audit"]["exit_code"]] for r in results]
    rows.append(["total", total["injected"], total["flagged"], total["coverage_percent"], "",
                 total["exposed_coverage_percent"], "", ""])
    headers = ["tree", "injected", "flagged", "coverage %", "hidden", "exposed cov. %", "audit images", "exit"]
    print(format_table(headers, rows))
    print(f"\ngoal: >= {TARGET_PERCENT:.0f}% flagged\n")
    kinds = sorted({k for r in results for k in r["by_kind"]})
    kind_rows = [[r["tree"]] + [fraction(r["by_kind"].get(k)) for k in kinds] for r in results]
    kind_rows.append(["total"] + [fraction(total["by_kind"].get(k)) for k in kinds])
    print(format_table(["flagged/injected"] + kinds, kind_rows))
    for result in results:
        if result["unflagged"] and show:
            print(f"\n{result['tree']}: {len(result['unflagged'])} unflagged, for example:")
            for row in examples(result["unflagged"], show):
                print(f"  {row['path']}:{row['line']} [{row['kind']}{', hidden' if row['hidden'] else ''}] {row['text'][:140]}")


def fraction(entry: dict | None) -> str:
    """'flagged/injected', or '-' when there were none of the kind."""
    return f"{entry['flagged']}/{entry['injected']}" if entry else "-"


def examples(unflagged: list[dict], count: int) -> list[dict]:
    """Up to ``count`` misses, one per kind and file type first, so different causes show."""
    picked, seen = [], set()
    for row in unflagged:
        group = (row["kind"], Path(row["path"]).suffix, row["hidden"])
        if group not in seen:
            seen.add(group)
            picked.append(row)
    picked += [row for row in unflagged if row not in picked]
    return picked[:count]


def main(argv: list[str] | None = None) -> int:
    """Measure every tree, print the tables, write --out."""
    args = parse_args(argv)
    missing = [str(t) for t in args.trees if not t.is_dir()]
    if missing:
        print(f"not a folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    results = [measure_tree(tree.resolve(), args.alt, args.keep) for tree in args.trees]
    total = totals(results)
    print_report(results, total, args.show)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        document = {"alt": args.alt, "rules": sorted(FLAGGING_RULES), "trees": results, "total": total}
        args.out.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
