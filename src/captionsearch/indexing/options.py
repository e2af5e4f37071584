"""What an indexing run is asked to do (IndexOptions) and what it did (IndexReport)."""

from __future__ import annotations

from dataclasses import dataclass

from ..corpus import ReadLimits
from ..errors import CorpusError
from ..settings import DEFAULT_BATCH_SIZE, DEFAULT_PIPELINE, DEFAULT_PROCS
from .gazetteer import LEARN_FROM as GAZETTEER_FROM
from .intake import IntakeOptions

CACHE_FILE = "entities.sqlite"  # beside the index: the model's results, and the image checks
COMMIT_EVERY = 20_000
PARALLEL_WRITER_THRESHOLD = 10_000  # below this a second writer process costs more than it saves


@dataclass(frozen=True)
class IndexOptions:
    entities: bool = True
    pipeline: str = DEFAULT_PIPELINE
    batch_size: int = DEFAULT_BATCH_SIZE
    procs: int = DEFAULT_PROCS
    show_progress: bool = False
    rebuild: bool = False
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    limits: ReadLimits = ReadLimits()
    require_image: bool = False  # skip records without an image (counted per file) instead of indexing them
    # Roots and text/image limits; index_corpus() adds the folders it is given to the roots.
    intake: IntakeOptions = IntakeOptions()
    # Records per commit, and per chunk of the enrichment pass: what a run holds in memory.
    commit_every: int = COMMIT_EVERY
    # Captions the model reads before a gazetteer of its entities settles the ones it can (0: the model reads all).
    gazetteer_from: int = GAZETTEER_FROM

    def writer_procs(self, documents: int) -> int:
        """Writer processes for a commit of ``documents``: one for a small one."""
        return self.procs if documents >= PARALLEL_WRITER_THRESHOLD else 1

    def cache_namespace(self) -> str:
        # The configured name, not the resolved one: loading the model just to
        # name the cache would make the search tier wait for it.
        return f"entities:{self.pipeline}"


@dataclass(frozen=True)
class IndexReport:
    records: int
    added: int
    updated: int
    deleted: int
    unchanged: int
    enriched: int
    seconds: float
    errors: tuple[CorpusError, ...] = ()
    recovered_lock_pid: int | None = None
    files: int = 0
    kept: int = 0
    rebuild_skipped: bool = False
    warnings: tuple[CorpusError, ...] = ()  # problems the photos were indexed despite (a bad image, cut text)
    without_image: tuple[tuple[str, int], ...] = ()  # (file, records) skipped for --require-image
