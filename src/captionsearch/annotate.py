"""The trained model's work for indexing, in worker processes, ahead of the writer.

Enrichment needs two things only the trained pipeline computes: each
caption's named entities, and the audit's language judgements (the vague
rules). Both are CPU-bound, so they run in a pool of worker processes while
the indexing process builds and writes documents: submitted a chunk ahead,
the model's work on chunk k+1 overlaps the writes of chunk k instead of
waiting for them.

Workers send back plain values (entities, rule ids), not spaCy Docs: the
Docs that ``nlp.pipe(n_process=2)`` serialises back cost about a sixth of
the model's time. Small jobs run in this process, where starting workers
(each loads the model) would cost more than it saves.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable, Sequence, TypeVar

from . import nlp
from .errors import WorkerDied
from .records import CaptionRecord
from .status import statuses

NER_COMPONENTS = ("ner",)
TASK_TEXTS = 256  # texts per entity task: a second or so of one worker's time
PARALLEL_FROM = 4_000  # a job (texts or records) smaller than this runs here while no worker has started

T = TypeVar("T")


class Annotator:
    """Submits model work; returns futures. Use as a context manager (it stops the workers)."""

    def __init__(self, pipeline: str, workers: int, batch_size: int = 256):
        self.pipeline = pipeline
        self.workers = workers
        self.batch_size = batch_size
        self._pool: Executor | None = None

    def __enter__(self) -> "Annotator":
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def entities(self, texts: Sequence[str]) -> list[Future[list[tuple[nlp.Entity, ...]]]]:
        """Futures for the entities of ``texts``, in order, TASK_TEXTS texts each."""
        return [
            self._submit(len(texts), _entities, self.pipeline, texts[start : start + TASK_TEXTS], self.batch_size)
            for start in range(0, len(texts), TASK_TEXTS)
        ]

    def statuses(self, records: Sequence[CaptionRecord]) -> list[Future[dict[str, tuple[str, ...]]]]:
        """Futures for the audit rules each record fails, language rules included; a share per worker."""
        share = -(-len(records) // max(1, self.workers)) or 1
        return [
            self._submit(len(records), _statuses, list(records[start : start + share]), self.pipeline)
            for start in range(0, len(records), share)
        ]

    def _submit(self, job_size: int, function: Callable[..., Any], *args: Any) -> Future[Any]:
        if self.workers < 2 or (self._pool is None and job_size < PARALLEL_FROM):
            return _done(function, *args)
        if self._pool is None:
            # Forked, as spaCy's own n_process is: a fresh interpreter (spawn,
            # forkserver) re-runs the caller's script, which a script without an
            # `if __name__ == "__main__"` guard cannot survive. The workers
            # inherit the writer's lock and the cache's database but never use
            # them, and leave without running exit handlers.
            self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("fork"))
        return self._pool.submit(function, *args)


def outcome(future: Future[T]) -> T:
    """A job's result; a worker that was killed (out of memory, say) is a WorkerDied error."""
    try:
        return future.result()
    except BrokenProcessPool:
        raise WorkerDied() from None


def _done(function: Callable[..., Any], *args: Any) -> Future[Any]:
    future: Future[Any] = Future()
    try:
        future.set_result(function(*args))
    except Exception as exc:  # the caller sees it from result(), as from a worker
        future.set_exception(exc)
    return future


def _entities(pipeline: str, texts: Sequence[str], batch_size: int) -> list[tuple[nlp.Entity, ...]]:
    model = nlp.load_pipeline(pipeline, NER_COMPONENTS)
    return list(nlp.extract_entities(model, texts, batch_size))


def _statuses(records: list[CaptionRecord], pipeline: str) -> dict[str, tuple[str, ...]]:
    return statuses(records, language=True, pipeline=pipeline)
