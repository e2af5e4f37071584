"""On each pinned collection sample, our hit sets agree with SQLite FTS5 (porter) on the same text.

The index is built by the command docs/collections.md gives for the sample
(its mapping included). FTS5 gets the same text the index stored for each
photo (title, caption, alt, keywords, credit, long description: what a plain
word searches). 30 words are drawn from the sample's own words with a fixed
seed, and each is searched in both.

The two differ by design in one way only: FTS5's porter tokenizer applies
the original Porter stemmer, captionsearch applies Snowball English
(Porter2). A photo found by one and not the other is accepted only when that
explains it, worked out from the photo's own words: found by FTS5 alone, it
must hold a word that Porter conflates with the query and Snowball does not;
found by captionsearch alone, the reverse. A photo missing for any other
reason (a field not indexed, a word lost in reading, a wrong query) fails.
"""

from __future__ import annotations

import random
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from captionsearch import nlp
from captionsearch.records import CaptionRecord
from captionsearch.search.searching import all_photos, search

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "collections.md").read_text(encoding="utf-8")
INDEX_COMMANDS = {name: command for command, name in re.findall(r"^\$ (captionsearch index collections/([\w-]+).*)$",
                                                                   DOC, re.M)}
QUERIES = 30
FIELDS = ("title", "caption", "alt", "keywords", "credit", "long_description")
TOKENIZER = "porter unicode61 remove_diacritics 2"
# Words too common to tell photos apart, and short ones: a query of them says little about stemming.
COMMON = frozenset("about after also been from have into more only other over than that their there these "
                   "they this were what when which with".split())


def texts(record: CaptionRecord) -> dict[str, str]:
    values = {name: getattr(record, name) or "" for name in FIELDS if name != "keywords"}
    return {**values, "keywords": " ".join(record.keywords)}


@dataclass
class Comparison:
    query: str
    ours: set[str]
    fts5: set[str]
    explained: dict[str, str] = field(default_factory=dict)  # photo id -> the word and the two stems
    unexplained: list[str] = field(default_factory=list)

    @property
    def agrees(self) -> bool:
        return self.ours == self.fts5


class Fts5:
    """The sample's stored text in an FTS5 table, and Porter stems from the same tokenizer."""

    def __init__(self, records: dict[str, CaptionRecord]):
        self.db = sqlite3.connect(":memory:")
        self.ids = list(records)
        self.db.execute(f"CREATE VIRTUAL TABLE photos USING fts5({', '.join(FIELDS)}, tokenize='{TOKENIZER}')")
        self.db.executemany(f"INSERT INTO photos(rowid, {', '.join(FIELDS)}) VALUES (?{', ?' * len(FIELDS)})",
                            [(n, *texts(records[i]).values()) for n, i in enumerate(self.ids)])
        self._stems: dict[str, str] = {}

    def match(self, word: str) -> set[str]:
        rows = self.db.execute("SELECT rowid FROM photos WHERE photos MATCH ?", (f'"{word}"',))
        return {self.ids[rowid] for (rowid,) in rows}

    def stems(self, words: set[str]) -> dict[str, str]:
        """Porter's stem of each word, as FTS5 itself computes it (fts5vocab over a table of the words)."""
        new = sorted(words - self._stems.keys())
        if new:
            self.db.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS words USING fts5(w, tokenize='{TOKENIZER}')")
            self.db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS word_stems USING fts5vocab(words, instance)")
            self.db.execute("DELETE FROM words")
            self.db.executemany("INSERT INTO words(rowid, w) VALUES (?, ?)", list(enumerate(new)))
            for term, rowid in self.db.execute("SELECT term, doc FROM word_stems"):
                self._stems[new[rowid]] = term
        return {w: self._stems.get(w, w) for w in words}


def photo_words(record: CaptionRecord) -> set[str]:
    """The photo's plain words (folded, letters only): the words both tokenizers see alike."""
    return {w for text in texts(record).values() for w in nlp.words(text) if re.fullmatch(r"[a-z]+", w)}


def chosen_queries(records: dict[str, CaptionRecord], seed: str) -> list[str]:
    """QUERIES words of the sample, drawn with a fixed seed from the words of four letters or more."""
    vocabulary = sorted({w for r in records.values() for w in photo_words(r) if len(w) >= 4} - COMMON)
    return random.Random(seed).sample(vocabulary, min(QUERIES, len(vocabulary)))


def our_hits(query: str, index_dir: Path) -> set[str]:
    hits: set[str] = set()
    page = 1
    while True:
        result = search(query, index_dir=index_dir, page=page, limit=100, facets=False, suggest=False)
        hits |= {hit.record.id for hit in result.hits}
        if page >= result.pages:
            return hits
        page += 1


def compare(query: str, index_dir: Path, records: dict[str, CaptionRecord], fts5: Fts5) -> Comparison:
    comparison = Comparison(query, our_hits(query, index_dir), fts5.match(query))
    query_porter, query_snowball = fts5.stems({query})[query], nlp.stem(query)
    for photo in sorted(comparison.ours ^ comparison.fts5):
        words = photo_words(records[photo])
        porter = fts5.stems(words)
        if photo in comparison.fts5:  # FTS5 alone: a word Porter conflates with the query, Snowball not
            reason = [w for w in words if porter[w] == query_porter and nlp.stem(w) != query_snowball]
        else:  # captionsearch alone: the reverse
            reason = [w for w in words if nlp.stem(w) == query_snowball and porter[w] != query_porter]
        if reason:
            word = sorted(reason)[0]
            comparison.explained[photo] = (f"{word}: porter {porter[word]!r} vs {query_porter!r}, "
                                           f"snowball {nlp.stem(word)!r} vs {query_snowball!r}")
        else:
            comparison.unexplained.append(photo)
    return comparison


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("fts5")
    shutil.copytree(Path(__file__).parent, folder / "collections", ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return folder


@pytest.mark.parametrize("sample", sorted(INDEX_COMMANDS))
def test_hit_sets_agree_with_fts5_except_where_the_stemmers_differ(sample, sandbox):
    argv = shlex.split(INDEX_COMMANDS[sample])
    run = subprocess.run([sys.executable, "-m", "captionsearch.cli", *argv[1:]], cwd=sandbox,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    index_dir = sandbox / argv[argv.index("--index") + 1]
    records = {photo.record.id: photo.record for photo in all_photos(index_dir)}
    fts5 = Fts5(records)
    comparisons = [compare(q, index_dir, records, fts5) for q in chosen_queries(records, sample)]
    print(f"\n{sample}: {len(records)} photos, {sum(c.agrees for c in comparisons)}/{len(comparisons)} queries agree")
    for c in comparisons:
        for photo, why in c.explained.items():
            side = "FTS5 only" if photo in c.fts5 else "ours only"
            print(f"  {c.query!r}: {photo} ({side}) {why}")
    assert len(comparisons) == QUERIES
    assert all(c.fts5 for c in comparisons), "every query is a word of the sample: FTS5 must find it somewhere"
    unexplained = {c.query: sorted(c.unexplained) for c in comparisons if c.unexplained}
    assert not unexplained, unexplained
