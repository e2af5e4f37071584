"""Pass 2, enrichment: the trained model's work for indexing, in worker processes, ahead of the writer.

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
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence, TypeVar

from .. import nlp
from ..errors import WorkerDied
from ..records import CaptionRecord
from ..search.backend import get_backend
from ..settings import DEFAULT_BATCH_SIZE
from .cache import ResultCache
from .documents import ENRICHED, build_document, entity_text
from .options import IndexOptions
from .progress import Progress
from .spill import Spill
from .status import statuses

NER_COMPONENTS = ("ner",)
TASK_TEXTS = 256  # texts per entity task: a second or so of one worker's time
PARALLEL_FROM = 4_000  # a job (texts or records) smaller than this runs here while no worker has started

T = TypeVar("T")


class Annotator:
    """Submits model work; returns futures. Use as a context manager (it stops the workers)."""

    def __init__(self, pipeline: str, workers: int, batch_size: int = DEFAULT_BATCH_SIZE):
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


# -- pass 2 ---------------------------------------------------------------------------


def enrich(enrich_later: Spill, index_dir: Path, cache: ResultCache, options: IndexOptions) -> int:
    """Pass 2: entities (cached by content) and the audit's language judgements; texts the model read.

    The model's work on each chunk is submitted before the previous chunk is
    written, so the workers compute while this process writes. It commits
    chunk by chunk: an interrupted run keeps what it wrote, and the next run
    enriches only what is still missing.
    """
    if not enrich_later.count:
        return 0
    progress = Progress("entities", enrich_later.count, options.show_progress)
    computed = 0
    with Annotator(options.pipeline, options.procs, options.batch_size) as annotator:
        ahead: _Annotations | None = None
        for chunk, last in _with_last(enrich_later.chunks()):
            started = _annotate(chunk, last, cache, annotator)
            if ahead is not None:
                computed += _write_enriched(ahead, index_dir, cache, options, progress)
            ahead = started
        assert ahead is not None  # _with_last yields at least one chunk
        computed += _write_enriched(ahead, index_dir, cache, options, progress)
    progress.finish()
    return computed


def _with_last(chunks: Iterable[list[T]]) -> Iterator[tuple[list[T], bool]]:
    """Each chunk and whether it is the last; at least one (maybe empty).

    The last chunk is known only when the input has ended, so each waits for the next to be read.
    """
    previous: list[T] | None = None
    for chunk in chunks:
        if previous is not None:
            yield previous, False
        previous = chunk
    yield previous or [], True


@dataclass
class _Annotations:
    """A chunk of pass 2 and the model's work on it, under way."""

    records: list[CaptionRecord]
    last: bool
    entities: dict[str, list[list[str]]]  # entity text -> [group, text] pairs, so far the cached ones
    missing: list[str]  # entity texts the model is working on
    found: list[Future[list[tuple[nlp.Entity, ...]]]]
    statuses: list[Future[dict[str, tuple[str, ...]]]]


def _annotate(records: list[CaptionRecord], last: bool, cache: ResultCache, annotator: Annotator) -> _Annotations:
    """Start the model's work on a chunk: entities the cache lacks, and the language rules."""
    texts = list(dict.fromkeys(entity_text(r) for r in records))
    known = cache.get_many(texts)
    missing = [t for t in texts if t not in known]
    return _Annotations(records, last, known, missing, annotator.entities(missing), annotator.statuses(records))


def _write_enriched(
    job: _Annotations, index_dir: Path, cache: ResultCache, options: IndexOptions, progress: Progress
) -> int:
    """Wait for a chunk's annotations, cache the new entities and write its documents; texts computed."""
    progress.advance(len(job.records) - len(job.missing))
    position = 0
    for future in job.found:
        batch = outcome(future)
        texts = job.missing[position : position + len(batch)]
        position += len(batch)
        fresh = {text: [[e.group, e.text] for e in ents] for text, ents in zip(texts, batch)}
        cache.put_many(fresh.items())
        job.entities.update(fresh)
        progress.advance(len(batch))
    failed: dict[str, tuple[str, ...]] = {}
    for judged in job.statuses:
        rules: dict[str, tuple[str, ...]] = outcome(judged)
        failed.update(rules)
    with get_backend().writer(index_dir, procs=options.writer_procs(len(job.records)), merge=job.last) as writer:
        for record in job.records:
            writer.put(build_document(record, job.entities[entity_text(record)], ENRICHED, failed[record.id]))
    return len(job.missing)
