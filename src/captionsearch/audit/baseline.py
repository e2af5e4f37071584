"""Baselines: findings accepted as existing debt, so only new ones fail.

Entries are matched by fingerprint (rule, file, and what the image is: its
src, alt and element), never by line, so they survive lines moving. Each
entry accepts one finding: a second identical finding is new.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Iterable

from ..errors import ConfigError
from .model import Finding

VERSION = 1


def read_baseline(path: Path) -> Counter[str]:
    """Fingerprints (with multiplicity) accepted by the baseline file at ``path``."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = data["findings"]
        return Counter(str(entry["fingerprint"]) for entry in entries)
    except FileNotFoundError as exc:
        raise ConfigError(f"baseline {path} does not exist (create it with --write-baseline {path})") from exc
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"baseline {path} is not a captionsearch baseline: {exc} (write it again with --write-baseline)") from exc


def split_by_baseline(findings: Iterable[Finding], accepted: Counter[str]) -> tuple[list[Finding], int]:
    """(findings the baseline does not accept, how many it accepted)."""
    remaining = Counter(accepted)
    new, known = [], 0
    for finding in findings:
        if remaining[finding.fingerprint] > 0:
            remaining[finding.fingerprint] -= 1
            known += 1
        else:
            new.append(finding)
    return new, known


def write_baseline(path: Path, findings: Iterable[Finding]) -> int:
    """Write every finding to ``path`` as accepted; returns how many."""
    entries = [
        {"fingerprint": f.fingerprint, "rule": f.rule, "path": f.path, "message": f.message}
        for f in sorted(findings, key=lambda f: (f.path, f.rule, f.fingerprint))
    ]
    document = {"version": VERSION, "tool": "captionsearch audit", "findings": entries}
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return len(entries)
