"""Records set aside for the enrichment pass, in an unnamed temporary file beside the index."""

from __future__ import annotations

import pickle
import tempfile
from pathlib import Path
from typing import IO, Iterator

from ..records import CaptionRecord


class Spill:
    """Records written a chunk at a time and read back in chunks, each sorted by id.

    The enrichment pass never holds more than one chunk of them: what stays
    in memory for a whole run does not grow with the collection.
    """

    @classmethod
    def beside(cls, index_dir: Path, chunk: int) -> Spill:
        """In the folder that holds the index (the index's own is swapped during a run)."""
        index_dir.parent.mkdir(parents=True, exist_ok=True)
        return cls(index_dir.parent, chunk)

    def __init__(self, folder: Path, chunk: int):
        self._file: IO[bytes] = tempfile.TemporaryFile(dir=folder)
        self._chunk = chunk
        self._pending: list[CaptionRecord] = []
        self.count = 0

    def __enter__(self) -> Spill:
        return self

    def __exit__(self, *exc: object) -> None:
        self._file.close()

    def add(self, record: CaptionRecord) -> None:
        self._pending.append(record)
        self.count += 1
        if len(self._pending) == self._chunk:
            self._flush()

    def chunks(self) -> Iterator[list[CaptionRecord]]:
        self._flush()
        self._file.seek(0)
        while True:
            try:
                chunk: list[CaptionRecord] = pickle.load(self._file)  # written by _flush, in this run
            except EOFError:
                return
            yield sorted(chunk, key=lambda r: r.id)

    def _flush(self) -> None:
        if self._pending:
            pickle.dump(self._pending, self._file, protocol=pickle.HIGHEST_PROTOCOL)
            self._pending = []
