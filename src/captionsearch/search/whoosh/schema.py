"""The index's fields, and opening or creating an index of this schema version.

Text arrives already normalised (nlp, as space-separated terms), so the
schema holds no spaCy object and the analyzer pickled into the index is a
plain whitespace tokenizer.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.analysis import RegexTokenizer
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from ...errors import CaptionSearchError, IndexMissing
from ..backend import IndexDocument
from .files import INDEX_NAME, SCHEMA_FILE, SCHEMA_VERSION


def _remember_missing_columns() -> None:
    """Make Whoosh's per-segment reader remember that a field has no lengths column.

    whoosh-reloaded 2.7.5 (pinned, frozen) caches the column readers it finds
    but asks the file system again for every missing one: while a segment is
    written that is one stat() per posting of each unscored field (id,
    facet), ~15% of the writer processes' time. A segment's files never
    change once written, so a miss can be cached like a hit.
    """
    from whoosh.codec.whoosh3 import W3PerDocReader

    def _cached_reader(self: Any, fieldname: str, column: Any) -> Any:
        if fieldname not in self._readers:
            self._readers[fieldname] = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
        return self._readers[fieldname]

    W3PerDocReader._cached_reader = _cached_reader


_remember_missing_columns()


def _terms(positions: bool = True) -> TEXT:
    # Terms are pre-normalised: split on spaces only, positions kept for phrases.
    return TEXT(analyzer=RegexTokenizer(r"[^ ]+"), phrase=positions)


def make_schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        state=ID(sortable=True),  # "<id> <hash>:<flag>", a column read back for incremental runs
        # Everything searchable (title, caption, alt, keywords, credit), for plain words:
        # without positions its postings are smaller to write and faster to read.
        # Phrases are matched in the positional per-field fields instead.
        text=_terms(positions=False),
        title=_terms(),
        caption=_terms(),
        alt=_terms(),
        entity=_terms(),
        facet=KEYWORD(commas=True, lowercase=False, scorable=False),
        record=STORED(),
    )


def document_fields(document: IndexDocument) -> dict[str, Any]:
    """A document as the schema's fields."""
    return {
        "id": document.id,
        "state": document.state,
        "text": document.text,
        "title": document.title,
        "caption": document.caption,
        "alt": document.alt,
        "entity": document.entity,
        "facet": ",".join(document.facets),
        # Whoosh pickles stored fields: the dict itself, not a JSON string of it
        # (encoding JSON and pickling the string cost twice as much).
        "record": dict(document.record),
    }


def index_exists(index_dir: str | os.PathLike[str]) -> bool:
    return Path(index_dir).is_dir() and bool(whoosh_index.exists_in(str(index_dir), INDEX_NAME))


def open_index(index_dir: str | os.PathLike[str]) -> Any:
    """Open an existing index, or raise IndexMissing."""
    if not index_exists(index_dir):
        raise IndexMissing(str(index_dir))
    ix = whoosh_index.open_dir(str(index_dir), indexname=INDEX_NAME)
    _check_schema(ix, index_dir)
    return ix


def create_or_open(index_dir: str | os.PathLike[str]) -> Any:
    folder = Path(index_dir)
    if index_exists(folder):
        return open_index(folder)
    folder.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(folder), make_schema(), indexname=INDEX_NAME)
    (folder / SCHEMA_FILE).write_text(SCHEMA_VERSION + "\n", encoding="utf-8")
    return ix


def built_by_another_version(index_dir: str | os.PathLike[str]) -> bool:
    """An index is there, but its schema is not this version's."""
    if not index_exists(index_dir):
        return False
    marker = Path(index_dir) / SCHEMA_FILE
    return not marker.exists() or marker.read_text(encoding="utf-8").strip() != SCHEMA_VERSION


def _check_schema(ix: Any, index_dir: str | os.PathLike[str]) -> None:
    marker = Path(index_dir) / SCHEMA_FILE
    found = marker.read_text(encoding="utf-8").strip() if marker.exists() else "?"
    if found != SCHEMA_VERSION or set(ix.schema.names()) != set(make_schema().names()):
        raise CaptionSearchError(
            f"the index in {index_dir} was built by another version of captionsearch: "
            "run 'captionsearch index --rebuild' to rebuild it"
        )
