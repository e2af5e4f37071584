"""A content-addressed cache of trained-pipeline results.

The trained pipeline runs at a few hundred captions a second, so its output
is kept by (pipeline, text) digest: re-indexing an unchanged caption, or the
same caption under another id, costs nothing.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any, Iterable, Sequence


class ResultCache:
    def __init__(self, path: Path, namespace: str):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.namespace = namespace
        self._db = sqlite3.connect(str(path))
        self._db.execute("CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, value TEXT NOT NULL)")

    def key(self, text: str) -> str:
        return hashlib.sha1(f"{self.namespace}\0{text}".encode("utf-8")).hexdigest()

    def get_many(self, texts: Sequence[str]) -> dict[str, Any]:
        """text -> cached value, for the texts that are cached."""
        keys = {self.key(t): t for t in texts}
        found: dict[str, Any] = {}
        items = list(keys)
        for start in range(0, len(items), 500):
            chunk = items[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for key, value in self._db.execute(f"SELECT key, value FROM results WHERE key IN ({marks})", chunk):
                found[keys[key]] = json.loads(value)
        return found

    def put_many(self, pairs: Iterable[tuple[str, Any]]) -> None:
        rows = [(self.key(text), json.dumps(value)) for text, value in pairs]
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO results VALUES (?, ?)", rows)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "ResultCache":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
