"""The baselines measured in the same run: spaCy's tokenizer, SQLite FTS5, raw Whoosh and tantivy.

FTS5 uses its porter tokenizer (on unicode61, accents removed), ranks by
bm25() and cuts a snippet() of the caption with the matches marked: the
obvious way to search captions with nothing but the standard library.
Raw Whoosh is Whoosh with its StemmingAnalyzer, query parser and
highlighter, to show what our own analysis costs (Whoosh is imported only
when it is measured). spaCy's tokenizer alone (``spacy.blank("en")``,
``nlp.pipe`` over each title and caption as texts of their own) is the
floor any indexing through it can reach. tantivy (the ``bench`` extra) is
a Rust search library driven from Python: its English stemmer on the same
fields, top 10 by BM25.
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


def tokenize_with_spacy(manifest: Path) -> dict[str, float]:
    """Time spaCy's blank English tokenizer over every title and caption, one process (reading not timed)."""
    import time

    import spacy

    nlp = spacy.blank("en")
    texts = [text for _, title, caption, _ in read_rows(manifest) for text in (title, caption)]
    started, cpu = time.perf_counter(), time.process_time()
    tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=1000))
    return {"seconds": time.perf_counter() - started, "cpu_seconds": time.process_time() - cpu, "tokens": tokens}


def _tantivy_schema() -> Any:
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    for name in ("title", "caption", "alt"):
        builder.add_text_field(name, stored=name != "alt", tokenizer_name="en_stem")
    return builder.build()


def build_tantivy(manifest: Path, folder: Path, threads: int = 2) -> None:
    """Index (id, title, caption, alt) with tantivy's English stemmer, ``threads`` indexing threads."""
    import tantivy

    folder.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(_tantivy_schema(), path=str(folder))
    writer = index.writer(heap_size=256 * 2**20, num_threads=threads)
    for record_id, title, caption, alt in read_rows(manifest):
        writer.add_document(tantivy.Document(id=record_id, title=title, caption=caption, alt=alt))
    writer.commit()
    writer.wait_merging_threads()


class TantivySearcher:
    def __init__(self, folder: Path):
        import tantivy

        self.index = tantivy.Index(_tantivy_schema(), path=str(folder))
        self.index.reload()
        self.searcher = self.index.searcher()

    def search(self, query: dict, limit: int = 10) -> list[tuple[str, str]]:
        """Top ``limit`` (id, title): the words ANDed, a phrase or ORed, as FTS5 is asked."""
        text = tantivy_query(query)
        parsed = self.index.parse_query(text, ["title", "caption", "alt"])
        hits = self.searcher.search(parsed, limit).hits
        found = []
        for _, address in hits:
            document = self.searcher.doc(address)
            found.append((document["id"][0], document["title"][0] if document["title"] else ""))
        return found


def tantivy_query(query: dict) -> str:
    """A query of the mix in tantivy's syntax: +word +word, "a phrase", a OR b."""
    words = [word.replace('"', "") for word in query["words"]]
    if query["kind"] == "phrase":
        return '"' + " ".join(words) + '"'
    if query["kind"] == "or":
        return " OR ".join(f'"{word}"' for word in words)
    return " ".join(f'+"{word}"' for word in words)
