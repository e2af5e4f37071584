"""Write sessions, and reading back each document's state for an incremental run.

Writes are atomic the way Whoosh's are: segments are written first and the
table of contents last, so a run that dies before commit leaves the previous
index searchable.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType
from typing import Any, Iterator

from whoosh.columns import VarBytesColumn
from whoosh.index import LockError

from ..backend import IndexDocument
from .dictionary import extend_dictionary
from .locks import WriterLock
from .merging import merge_small_segments
from .schema import create_or_open, document_fields, index_exists, open_index

# Postings a writer process sorts in memory before it spills them to disk and
# merges them back (a fifth of its time when it happens). Whoosh's estimate,
# not the real size: an enriched document has ~160 postings, ~260 MB of
# estimate per 10,000 documents, which is what a bulk run gives each writer.
POSTINGS_MB = 512
STATE_COLUMN = VarBytesColumn()  # the column an ID(sortable=True) field gets


class IndexWriter:
    """A write session: add/replace/delete documents, then commit (or cancel).

    Use as a context manager: leaving it normally commits, an exception
    cancels, so the index is never left half-written.
    """

    def __init__(self, index_dir: str | os.PathLike[str], procs: int = 1, merge: bool = True):
        self.index_dir = Path(index_dir)
        # A bulk run commits every few thousand documents; merging segments at each
        # of those commits rewrites the growing index again and again, so only the
        # run's last commit merges.
        self.merge = merge
        self.ix = create_or_open(self.index_dir)
        self.lock = WriterLock(self.index_dir)
        self.procs = procs
        self._writer: Any = None
        self._words: set[str] = set()

    def __enter__(self) -> IndexWriter:
        self.lock.take(self._try_open_writer)
        return self

    def _try_open_writer(self) -> bool:
        try:
            self._writer = self._open_writer()
        except LockError:
            return False
        return True

    def _open_writer(self) -> Any:
        # Segments stay as separate files: Whoosh reads a compound segment file
        # by copying each part into memory, so every searching process would
        # hold a private copy of the postings (about 1.4 MB per 1,000 photos).
        if self.procs > 1:
            return self.ix.writer(procs=self.procs, multisegment=True, limitmb=POSTINGS_MB, compound=False)
        return self.ix.writer(limitmb=POSTINGS_MB, compound=False)

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if exc_type is None:
                # Before the commit: a dictionary word whose documents did not
                # make it costs nothing (suggestions are checked against the index).
                extend_dictionary(self.index_dir, self._words)
                self._writer.commit(mergetype=merge_small_segments if self.merge else None, merge=self.merge)
            else:
                self._writer.cancel()
                _stop_writer_processes(self._writer)
        finally:
            self.lock.release()

    def put(self, document: IndexDocument, new: bool = False) -> None:
        """Add a document; ``new`` skips the delete of an older version by id."""
        self._words.update(document.words)
        if new:
            self._writer.add_document(**document_fields(document))
        else:
            self._writer.update_document(**document_fields(document))

    def delete(self, record_id: str) -> None:
        self._writer.delete_by_term("id", record_id)


def _stop_writer_processes(writer: Any) -> None:
    """End a cancelled multi-process writer's processes.

    Whoosh's MpWriter.cancel() only flags its copies of the process objects;
    the processes themselves would wait on their job queue forever, and keep
    this process from exiting (multiprocessing joins its children at exit).
    """
    for task in getattr(writer, "tasks", ()):
        task.terminate()
        task.join(5)


def read_states(index_dir: str | os.PathLike[str]) -> dict[str, str]:
    """id -> state of every live document, read from a column (a tenth of a second at 100,000).

    The term list would be faster but still holds the terms of deleted
    (replaced) documents until their segment is merged away.
    """
    if not index_exists(index_dir):
        return {}
    ix = open_index(index_dir)
    states: dict[str, str] = {}
    with ix.reader() as reader:
        for segment_reader, _ in reader.leaf_readers():
            if segment_reader.doc_count_all():  # an index of an empty corpus has no column to read
                states.update(_segment_states(segment_reader))
    return states


def _segment_states(reader: Any) -> Iterator[tuple[str, str]]:
    """(id, state) of a segment's live documents: its state column read in one piece, then cut up.

    Whoosh's column reader fetches one value per call, a file read each
    (a second and a half at 100,000 documents); the values lie end to end.
    """
    column = reader._perdoc.column_reader("state", STATE_COLUMN)
    lengths = column._lengths
    data = column._dbfile.get(column._basepos, sum(lengths))
    deleted = set(reader.segment().deleted_docs()) if reader.has_deletions() else ()
    position = 0
    for docnum, length in enumerate(lengths):
        value = data[position : position + length]
        position += length
        if docnum not in deleted:
            record_id, _, state = value.decode("utf-8").partition(" ")
            yield record_id, state
