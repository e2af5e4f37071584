"""``index --explain-fields FILE``: what each field is read from, for a sample of a file's records.

Shows, for the first few records, each field's value and the key path it
came from, and the keys nothing was read from; then, over a larger sample,
how often each path filled its field and which keys were left unread. It
reads the file only: nothing is indexed.
"""

from __future__ import annotations

import json
from collections import Counter
from itertools import islice
from pathlib import Path
from typing import Any

from ..errors import CorpusError
from .field_paths import squash
from .json_shapes import ShapeProblem, find_records, parse_records_at
from .limits import DEFAULT_LIMITS, ReadLimits
from .manifest import manifest_entries
from .photo_entry import EntryProblem, Mapped, ignored_keys, mapped_values

SHOWN = 3  # records shown one by one
SAMPLE = 1000  # records counted for the summary
VALUE_WIDTH = 48


def explain_fields(path: Path, limits: ReadLimits = DEFAULT_LIMITS) -> tuple[str, list[CorpusError]]:
    """The explanation as text, and the problems met reading the sample."""
    errors: list[CorpusError] = []
    lines = [f"{path}: {_where_records_are(path, limits)}"]
    used: dict[str, Counter[str]] = {name: Counter() for name in (f.name for f in limits.fields.fields)}
    ignored: Counter[str] = Counter()
    count = 0
    for entry, origin, _ in islice(manifest_entries(path, errors.append, limits), SAMPLE):
        count += 1
        try:
            found = mapped_values(entry, limits.fields)
        except EntryProblem as problem:
            errors.append(CorpusError(path, str(problem), origin.line, problem.hint))
            continue
        unread = ignored_keys(entry, found)
        if count <= SHOWN:
            lines += _one_record(count, str(origin), found, unread, entry)
        for name in used:
            used[name][_key_as_written(found[name], entry) if name in found else ""] += 1
        ignored.update(unread)
    lines += _summary(count, used, ignored)
    return "\n".join(lines) + "\n", errors


def _where_records_are(path: Path, limits: ReadLimits) -> str:
    if path.suffix.lower() != ".json":
        return "one record per line" if path.suffix.lower() == ".jsonl" else "one record per row"
    if limits.records_at:
        named = parse_records_at(limits.records_at)
        return f"records at {named or '.'} (--records-at)"
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
        shape = find_records(document, limits.fields)
    except (OSError, ValueError, RecursionError):
        return "records not found (see the error below)"
    except ShapeProblem as problem:
        return f"{problem} ({problem.hint})"
    if shape.single:
        return "the file is one record"
    return "a list of records" if not shape.steps else f"records in the list at {shape.text}"


def _one_record(
    number: int, where: str, found: dict[str, Mapped], unread: list[str], entry: dict[str, Any]
) -> list[str]:
    lines = [f"record {number} ({where})"]
    for name, mapped in found.items():
        lines.append(f"  {name:<16} {_shown(mapped.value):<{VALUE_WIDTH}}  from {_key_as_written(mapped, entry)}")
    lines.append(f"  not read: {', '.join(unread) if unread else '(none)'}")
    return lines


def _summary(count: int, used: dict[str, Counter[str]], ignored: Counter[str]) -> list[str]:
    lines = [f"over {count} record{'s' if count != 1 else ''}:"]
    for name, paths in used.items():
        parts = [f"{path} {n}" if path else f"(none) {n}" for path, n in paths.most_common()]
        lines.append(f"  {name:<16} {', '.join(parts)}")
    unread = ", ".join(f"{key} {n}" for key, n in ignored.most_common(20))
    lines.append(f"  keys not read: {unread or '(none)'}")
    return lines


def _key_as_written(mapped: Mapped, entry: dict[str, Any]) -> str:
    """A one-key path as the file spells the key (thumbnailUrl for the alias thumbnail_url)."""
    if len(mapped.path.steps) != 1 or not mapped.path.head:
        return str(mapped.path)
    return next((str(key) for key in entry if squash(str(key)) == mapped.path.head), str(mapped.path))


def _shown(value: Any) -> str:
    text = ", ".join(value) if isinstance(value, tuple) else str(value)
    text = " ".join(text.split())
    return text if len(text) <= VALUE_WIDTH else text[: VALUE_WIDTH - 1] + "…"
