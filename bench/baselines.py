"""The baselines measured in the same run: SQLite FTS5, and raw Whoosh.

FTS5 uses its porter tokenizer (on unicode61, accents removed), ranks by
bm25() and cuts a snippet() of the caption with the matches marked: the
obvious way to search captions with nothing but the standard library.
Raw Whoosh is Whoosh with its StemmingAnalyzer, query parser and
highlighter, to show what our own analysis costs (Whoosh is imported only
when it is measured).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any, Iterable, Iterator

FTS5_FILE = "captions.sqlite"
FTS5_SQL = (
    "SELECT id, title, snippet(captions, 2, '[', ']', '…', 16) FROM captions "
    "WHERE captions MATCH ? ORDER BY bm25(captions) LIMIT ?"
)


def read_rows(manifest: Path) -> Iterator[tuple[str, str, str, str]]:
    """(id, title, caption, alt) of every entry of a JSONL manifest."""
    with manifest.open(encoding="utf-8") as lines:
        for line in lines:
            entry = json.loads(line)
            yield entry["id"], entry.get("title", ""), entry.get("caption", ""), entry.get("alt") or ""


def build_fts5(manifest: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / FTS5_FILE
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.execute(
        "CREATE VIRTUAL TABLE captions USING fts5(id UNINDEXED, title, caption, alt, "
        "tokenize='porter unicode61 remove_diacritics 2')"
    )
    with db:
        db.executemany("INSERT INTO captions VALUES (?, ?, ?, ?)", read_rows(manifest))
    db.close()
    return path


def fts5_query(query: dict) -> str:
    """A query of the mix in FTS5's syntax: words ANDed, "phrases", OR."""
    quoted = [f'"{word}"' for word in query["words"]]
    if query["kind"] == "phrase":
        return '"' + " ".join(query["words"]) + '"'
    if query["kind"] == "or":
        return " OR ".join(quoted)
    return " ".join(quoted)


class Fts5Searcher:
    def __init__(self, path: Path):
        self.db = sqlite3.connect(path, check_same_thread=False)

    def search(self, query: dict, limit: int = 10) -> list[tuple[str, str, str]]:
        return self.db.execute(FTS5_SQL, (fts5_query(query), limit)).fetchall()


def build_raw_whoosh(manifest: Path, folder: Path, procs: int = 2, multisegment: bool = False) -> None:
    build_stemming_baseline(folder, read_rows(manifest), procs=procs, multisegment=multisegment)


class RawWhooshSearcher:
    def __init__(self, folder: Path):
        from whoosh import index as whoosh_index
        from whoosh import scoring

        self.searcher = whoosh_index.open_dir(str(folder)).searcher(weighting=scoring.BM25F())

    def search(self, query: dict, limit: int = 10) -> tuple[int, list[tuple[str, str]]]:
        """Top ``limit`` (id, highlighted caption) for a query in Whoosh's own syntax, and the total."""
        from whoosh.qparser import MultifieldParser

        parsed = MultifieldParser(["title", "caption", "alt"], self.searcher.schema).parse(query["text"])
        results = self.searcher.search(parsed, limit=limit)
        return len(results), [(hit["id"], hit.highlights("caption")) for hit in results]


def build_stemming_baseline(
    index_dir: Path, rows: Iterable[tuple[str, str, str, str]], procs: int = 2, multisegment: bool = False
) -> None:
    """Index (id, title, caption, alt) rows the plain Whoosh way, in a fresh folder.

    ``multisegment=False`` is Whoosh's default: with ``procs`` > 1 the
    sub-writers' segments are merged into one at commit. ``True`` keeps them,
    as captionsearch's own bulk writes do.
    """
    from whoosh import index as whoosh_index
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import ID, TEXT, Schema

    def text(stored: bool = False) -> Any:
        return TEXT(analyzer=StemmingAnalyzer(), stored=stored, phrase=True)

    schema = Schema(id=ID(stored=True), title=text(True), caption=text(True), alt=text())
    Path(index_dir).mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(index_dir), schema)
    writer = ix.writer(procs=procs, multisegment=multisegment, limitmb=256) if procs > 1 else ix.writer(limitmb=256)
    for record_id, title, caption, alt in rows:
        writer.add_document(id=record_id, title=title, caption=caption, alt=alt)
    writer.commit()
