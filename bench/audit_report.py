"""Running `captionsearch audit` as a user would, and reading its JSON report.

The audit runs in a child process through its command line, from inside the
tree, so it reads the tree's own pyproject.toml (if any) and not the one of
wherever the benchmark was started, and so report paths and fingerprints are
relative to the tree, the same on every checkout.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Sequence

FAILING_SEVERITIES = ("warning", "error")


@dataclass(frozen=True)
class AuditRun:
    """One audit of one tree: its exit code, its JSON report and how long it took."""

    exit_code: int
    report: dict
    seconds: float
    stderr: str

    @property
    def findings(self) -> list[dict]:
        """The report's findings, every severity."""
        return self.report.get("findings", [])

    @property
    def summary(self) -> dict:
        """The report's summary: pages, images, counts."""
        return self.report.get("summary", {})


def audit_command(extra: Sequence[str] = ()) -> list[str]:
    """The audit's command line for the current folder, JSON on stdout."""
    return [sys.executable, "-m", "captionsearch.cli", "audit", ".", "--format", "json", *extra]


def run_audit(tree: Path, extra: Sequence[str] = ()) -> AuditRun:
    """Audit ``tree`` (all rules unless ``extra`` says otherwise) and parse the report."""
    started = time.perf_counter()
    done = subprocess.run(audit_command(extra), cwd=tree, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1) and not done.stdout.strip():
        raise RuntimeError(f"audit of {tree} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return AuditRun(done.returncode, json.loads(done.stdout), seconds, done.stderr)


def tree_path(reported: str, tree: Path) -> str:
    """A report's path as a POSIX path relative to the audited tree."""
    path = Path(reported)
    if path.is_absolute():
        try:
            path = path.relative_to(tree.resolve())
        except ValueError:
            path = path.relative_to(tree)
    return str(PurePosixPath(path.as_posix()))


def is_failing(finding: dict) -> bool:
    """A warning or an error: what a team would have to act on (notices are advice)."""
    return finding.get("severity") in FAILING_SEVERITIES


def format_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain text table: the first column left-aligned, the others right-aligned."""
    cells = [[str(h) for h in headers]] + [[_cell(v) for v in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for row in cells:
        parts = [row[0].ljust(widths[0])] + [value.rjust(width) for value, width in zip(row[1:], widths[1:])]
        lines.append("  ".join(parts).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _cell(value: object) -> str:
    """A number or text as a table shows it; None as '-'."""
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def percent(part: float, whole: float) -> float | None:
    """``part`` as a percentage of ``whole``, or None when there is no whole."""
    return 100.0 * part / whole if whole else None
