"""Audit noise: how many findings `captionsearch audit` raises on professionally written sites, and how many are false.

For each tree: audit it (all rules, JSON), and count pages, images, findings
per rule and severity, and warnings + errors per 100 images. --sample writes a
seeded sample of the warnings and errors (up to --per-rule per rule and tree)
with an empty "verdict" for a person to fill in: "true" (a person would agree
it is a problem), "false" or "borderline", and a "note". Given that file back
with --judgements, it prints each rule's precision and, per tree, an estimate
of the false findings per 100 images.

    python bench/audit_noise.py SITE [SITE ...] --sample sample.json
    python bench/audit_noise.py SITE [SITE ...] --judgements sample.json --out noise.json
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from audit_report import AuditRun, format_table, is_failing, percent, run_audit, tree_path  # noqa: E402

VERDICTS = ("true", "false", "borderline")
SEVERITIES = ("error", "warning", "notice")
SAMPLE_FIELDS = ("rule", "severity", "purpose", "path", "line", "message", "snippet", "fingerprint")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("trees", nargs="+", type=Path, metavar="TREE", help="site source folders to audit")
    parser.add_argument("--seed", type=int, default=1, help="seed of the sample (default: %(default)s)")
    parser.add_argument("--per-rule", type=int, default=15, metavar="N",
                        help="sample up to N warnings and errors per rule per tree (default: %(default)s)")
    parser.add_argument("--sample", type=Path, metavar="FILE", help="write the sample to FILE, to be judged")
    parser.add_argument("--judgements", type=Path, metavar="FILE", help="a judged sample: print precision and estimates")
    parser.add_argument("--out", type=Path, metavar="FILE", help="write the numbers as JSON")
    return parser.parse_args(argv)


# -- counting ------------------------------------------------------------------------


def count_tree(tree: Path, run: AuditRun) -> dict:
    """One tree's exit code, pages, images and findings by rule and severity."""
    by_rule: dict[str, Counter] = defaultdict(Counter)
    for finding in run.findings:
        by_rule[finding["rule"]][finding["severity"]] += 1
    images = run.summary.get("images", 0)
    failing = sum(is_failing(f) for f in run.findings)
    return {
        "tree": tree.name,
        "path": str(tree),
        "exit_code": run.exit_code,
        "seconds": round(run.seconds, 2),
        "pages": run.summary.get("pages", 0),
        "images": images,
        "findings": len(run.findings),
        "by_rule": {rule: {s: counts[s] for s in SEVERITIES if counts[s]} for rule, counts in sorted(by_rule.items())},
        "warnings_and_errors": failing,
        "per_100_images": percent(failing, images),
        "input_warnings": len(run.report.get("warnings", [])),
        "input_errors": len(run.report.get("errors", [])),
    }


def failing_by_rule(count: dict) -> dict[str, int]:
    """Warnings + errors of each rule in one tree."""
    return {rule: counts.get("warning", 0) + counts.get("error", 0) for rule, counts in count["by_rule"].items()
            if counts.get("warning", 0) + counts.get("error", 0)}


# -- the sample ----------------------------------------------------------------------


def sample_tree(tree: Path, run: AuditRun, per_rule: int, seed: int) -> list[dict]:
    """Up to ``per_rule`` warnings and errors per rule, one per fingerprint, the same for the same seed."""
    by_rule: dict[str, dict[str, dict]] = defaultdict(dict)
    for finding in run.findings:
        if is_failing(finding):
            by_rule[finding["rule"]].setdefault(finding["fingerprint"], finding)
    entries = []
    for rule, findings in sorted(by_rule.items()):
        # Seeded per tree and rule, so adding a tree to the run does not change another's sample.
        chosen = random.Random(f"{seed}:{tree.name}:{rule}").sample(sorted(findings), min(per_rule, len(findings)))
        for fingerprint in sorted(chosen, key=lambda f: (findings[f]["path"], findings[f]["line"])):
            entries.append(sample_entry(tree, findings[fingerprint]))
    return entries


def sample_entry(tree: Path, finding: dict) -> dict:
    """What a person needs to judge one finding, with an empty verdict."""
    entry = {"tree": tree.name, **{name: finding.get(name) for name in SAMPLE_FIELDS}}
    entry["path"] = tree_path(finding["path"], tree)
    return {**entry, "verdict": None, "note": ""}


def write_sample(path: Path, entries: list[dict], judged: dict[tuple[str, str], dict]) -> None:
    """One JSON object per line inside a list, so a person can judge it in any editor; old verdicts kept."""
    lines = []
    for entry in entries:
        previous = judged.get((entry["tree"], entry["fingerprint"]))
        if previous:
            entry = {**entry, "verdict": previous.get("verdict"), "note": previous.get("note", "")}
        lines.append(json.dumps(entry, ensure_ascii=False))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("[\n" + ",\n".join(lines) + "\n]\n", encoding="utf-8")


def read_judgements(path: Path) -> dict[tuple[str, str], dict]:
    """Judged entries by (tree, fingerprint), from a JSON list or JSON lines; unjudged ones left out."""
    text = path.read_text(encoding="utf-8").strip()
    entries = json.loads(text) if text.startswith("[") else [json.loads(line) for line in text.splitlines() if line.strip()]
    judged = {}
    for entry in entries:
        verdict = entry.get("verdict")
        if verdict is None or verdict == "":
            continue
        verdict = str(verdict).lower()
        if verdict not in VERDICTS:
            raise ValueError(f"{path}: verdict {entry.get('verdict')!r} of {entry.get('fingerprint')} is not one of {VERDICTS}")
        judged[(entry["tree"], entry["fingerprint"])] = {**entry, "verdict": verdict}
    return judged


# -- precision and estimates ---------------------------------------------------------


def verdict_counts(judged: dict[tuple[str, str], dict], runs: dict[str, tuple[Path, AuditRun]]) -> tuple[dict, int]:
    """Verdicts per (tree, rule) for judged entries whose finding is still reported, and how many are not."""
    current = {(name, f["fingerprint"]): f["rule"] for name, (_, run) in runs.items() for f in run.findings if is_failing(f)}
    counts: dict[tuple[str, str], Counter] = defaultdict(Counter)
    stale = 0
    for key, entry in judged.items():
        if key[0] not in runs:
            continue
        if key not in current:
            stale += 1
            continue
        counts[(key[0], current[key])][entry["verdict"]] += 1
    return counts, stale


def precision_table(counts: dict[tuple[str, str], Counter]) -> dict[str, dict]:
    """Per rule over all trees: judged, true, false, borderline and precision = true / (true + false)."""
    per_rule: dict[str, Counter] = defaultdict(Counter)
    for (_, rule), verdicts in counts.items():
        per_rule[rule].update(verdicts)
    table = {}
    for rule, verdicts in sorted(per_rule.items()):
        decided = verdicts["true"] + verdicts["false"]
        table[rule] = {"judged": sum(verdicts.values()), **{v: verdicts[v] for v in VERDICTS},
                       "precision": verdicts["true"] / decided if decided else None}
    return table


def false_estimates(trees: list[dict], counts: dict[tuple[str, str], Counter]) -> dict[str, dict]:
    """Per tree: each rule's judged false share times its warnings + errors there, summed, per 100 images.

    A rule with no judged finding in a tree borrows its share from the other trees;
    warnings and errors of rules judged nowhere are counted as unjudged, not guessed.
    """
    pooled: dict[str, Counter] = defaultdict(Counter)
    for (_, rule), verdicts in counts.items():
        pooled[rule].update(verdicts)
    estimates = {}
    for tree in trees:
        false, unjudged = 0.0, 0
        for rule, failing in failing_by_rule(tree).items():
            verdicts = counts.get((tree["tree"], rule)) or pooled.get(rule)
            if verdicts:
                false += failing * verdicts["false"] / sum(verdicts.values())
            else:
                unjudged += failing
        estimates[tree["tree"]] = {"images": tree["images"], "warnings_and_errors": tree["warnings_and_errors"],
                                   "estimated_false": round(false, 1), "unjudged": unjudged,
                                   "estimated_false_per_100_images": percent(false, tree["images"])}
    return estimates


# -- output --------------------------------------------------------------------------


def print_counts(trees: list[dict]) -> None:
    """Per tree: exit code, pages, images, W+E and W+E per 100 images; then W+E per rule and tree."""
    rows = [[t["tree"], t["exit_code"], t["pages"], t["images"], t["findings"], t["warnings_and_errors"], t["per_100_images"]]
            for t in trees]
    images, failing = sum(t["images"] for t in trees), sum(t["warnings_and_errors"] for t in trees)
    rows.append(["total", "", sum(t["pages"] for t in trees), images, sum(t["findings"] for t in trees), failing,
                 percent(failing, images)])
    print(format_table(["tree", "exit", "pages", "images", "findings", "W+E", "W+E/100 img"], rows))
    rules = sorted({rule for t in trees for rule in failing_by_rule(t)})
    if rules:
        print("\nwarnings + errors by rule")
        rule_rows = [[rule] + [failing_by_rule(t).get(rule, 0) for t in trees] for rule in rules]
        print(format_table(["rule"] + [t["tree"] for t in trees], rule_rows))


def print_judged(precision: dict[str, dict], estimates: dict[str, dict], stale: int) -> None:
    """The precision of each rule and the estimated false findings of each tree."""
    rows = [[rule, p["judged"], p["true"], p["false"], p["borderline"], None if p["precision"] is None else 100 * p["precision"]]
            for rule, p in precision.items()]
    print("\nprecision (judged sample)")
    print(format_table(["rule", "judged", "true", "false", "borderline", "precision %"], rows))
    rows = [[tree, e["images"], e["warnings_and_errors"], e["estimated_false"], e["estimated_false_per_100_images"], e["unjudged"]]
            for tree, e in estimates.items()]
    print("\nestimated false findings")
    print(format_table(["tree", "images", "W+E", "est. false", "est. false/100 img", "unjudged W+E"], rows))
    if stale:
        print(f"\n{stale} judged findings are no longer reported (not counted)")


def main(argv: list[str] | None = None) -> int:
    """Audit every tree, print the counts, write the sample, and with judgements the precision."""
    args = parse_args(argv)
    missing = [str(t) for t in args.trees if not t.is_dir()]
    if missing:
        print(f"not a folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    names = [t.resolve().name for t in args.trees]
    if len(set(names)) < len(names):
        print("trees are told apart by folder name: give folders with different names", file=sys.stderr)
        return 2
    runs = {tree.name: (tree, run_audit(tree)) for tree in (t.resolve() for t in args.trees)}
    trees = [count_tree(tree, run) for tree, run in runs.values()]
    print_counts(trees)
    judged = read_judgements(args.judgements) if args.judgements else {}
    if args.sample:
        entries = [e for tree, run in runs.values() for e in sample_tree(tree, run, args.per_rule, args.seed)]
        write_sample(args.sample, entries, judged)
        print(f"\nsample: {len(entries)} findings to judge in {args.sample}")
    document: dict = {"seed": args.seed, "per_rule": args.per_rule, "trees": trees}
    if args.judgements:
        counts, stale = verdict_counts(judged, runs)
        document["precision"] = precision_table(counts)
        document["estimates"] = false_estimates(trees, counts)
        document["stale_judgements"] = stale
        print_judged(document["precision"], document["estimates"], stale)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
