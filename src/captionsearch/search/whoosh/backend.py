"""The Whoosh backend: SearchBackend put together from this package's modules."""

from __future__ import annotations

from pathlib import Path

from ..backend import IndexPath, SearchBackend
from . import files
from .cache import set_array_cache_size
from .locks import IndexLock
from .reader import WhooshReader
from .schema import built_by_another_version, index_exists
from .writer import IndexWriter, read_states


class WhooshBackend:
    name = "whoosh"
    schema_version = files.SCHEMA_VERSION

    def holds_index(self, folder: Path) -> bool:
        return files.holds_index(folder)

    def is_index_file(self, name: str) -> bool:
        return files.is_index_file(name)

    def is_lock_file(self, name: str) -> bool:
        return name in files.LOCK_FILES

    def index_exists(self, index_dir: IndexPath) -> bool:
        return index_exists(index_dir)

    def built_by_another_version(self, index_dir: IndexPath) -> bool:
        return built_by_another_version(index_dir)

    def lock(self, index_dir: IndexPath) -> IndexLock:
        return IndexLock(index_dir)

    def writer(self, index_dir: IndexPath, procs: int = 1, merge: bool = True) -> IndexWriter:
        return IndexWriter(index_dir, procs=procs, merge=merge)

    def read_states(self, index_dir: IndexPath) -> dict[str, str]:
        return read_states(index_dir)

    def open_reader(self, index_dir: IndexPath) -> WhooshReader:
        return WhooshReader(index_dir)

    def set_cache_size(self, megabytes: int) -> None:
        set_array_cache_size(megabytes)


BACKEND: SearchBackend = WhooshBackend()  # typed: mypy checks it keeps the protocol
