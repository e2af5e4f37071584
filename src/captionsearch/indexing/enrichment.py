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
from .gazetteer import Gazetteer, Reading
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
    gazetteer = Gazetteer(options.gazetteer_from) if options.gazetteer_from else None
    with Annotator(options.pipeline, options.procs, options.batch_size) as annotator:
        ahead: _Annotations | None = None
        for chunk, last in _with_last(enrich_later.chunks()):
            started = _annotate(chunk, last, cache, annotator, gazetteer)
            if ahead is not None:
                computed += _write_enriched(ahead, index_dir, cache, options, progress, gazetteer)
            ahead = started
        assert ahead is not None  # _with_last yields at least one chunk
        computed += _write_enriched(ahead, index_dir, cache, options, progress, gazetteer)
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
    entities: dict[str, list[list[str]]]  # entity text -> [group, text] pairs, so far the cached and settled ones
    settled: int  # entity texts found here: the model's sample for the gazetteer, and those it settled
    whole: list[str]  # entity texts the model reads whole
    readings: dict[str, Reading]  # entity texts the gazetteer settled in part: the model reads the other sentences
    found: list[Future[list[tuple[nlp.Entity, ...]]]]  # the model's entities of model_texts(), in order
    statuses: list[Future[dict[str, tuple[str, ...]]]]

    def model_texts(self) -> list[str]:
        sentences = (s for reading in self.readings.values() for s in reading.for_model())
        return self.whole + list(dict.fromkeys(sentences))


def _annotate(
    records: list[CaptionRecord], last: bool, cache: ResultCache, annotator: Annotator, gazetteer: Gazetteer | None
) -> _Annotations:
    """Start the model's work on a chunk: entities neither the cache nor the gazetteer has, and the language rules."""
    texts = list(dict.fromkeys(entity_text(r) for r in records))
    known = cache.get_many(texts)
    missing = [t for t in texts if t not in known]
    settled: dict[str, list[list[str]]] = {}
    readings: dict[str, Reading] = {}
    if gazetteer is not None and missing:
        missing, readings = gazetteer_pass(missing, settled, annotator, gazetteer)
        cache.put_many(settled.items())
        known.update(settled)
    job = _Annotations(records, last, known, len(settled), missing, readings, [], annotator.statuses(records))
    job.found = annotator.entities(job.model_texts())
    return job


def gazetteer_pass(
    texts: list[str], settled: dict[str, list[list[str]]], annotator: Annotator, gazetteer: Gazetteer
) -> tuple[list[str], dict[str, Reading]]:
    """Entities the gazetteer finds, into ``settled``; the texts the model must read whole, and those in part.

    Until the gazetteer has learnt enough, the model reads the texts it needs
    now (its results are the gazetteer's, and go into ``settled`` too).
    """
    if not gazetteer.ready:
        sample = texts[: gazetteer.still_to_learn()]
        found = [entities for future in annotator.entities(sample) for entities in outcome(future)]
        gazetteer.learn(zip(sample, found))
        settled.update((text, _pairs(entities)) for text, entities in zip(sample, found))
        texts = texts[len(sample) :]
        if not gazetteer.ready:
            return texts, {}
    partly: dict[str, Reading] = {}
    for text in texts:
        reading = gazetteer.read(text)
        if reading.for_model():
            partly[text] = reading
        else:
            settled[text] = _pairs(reading.entities(iter(())))
    return [], partly


def _pairs(entities: Sequence[nlp.Entity]) -> list[list[str]]:
    return [[e.group, e.text] for e in entities]


def _write_enriched(
    job: _Annotations,
    index_dir: Path,
    cache: ResultCache,
    options: IndexOptions,
    progress: Progress,
    gazetteer: Gazetteer | None,
) -> int:
    """Wait for a chunk's annotations, cache the new entities and write its documents; texts computed."""
    pending = len(job.whole) + len(job.readings)
    progress.advance(len(job.records) - pending)
    model: dict[str, tuple[nlp.Entity, ...]] = {}
    texts, position = job.model_texts(), 0
    for future in job.found:
        batch = outcome(future)
        model.update(zip(texts[position : position + len(batch)], batch))
        position += len(batch)
    if gazetteer is not None:
        gazetteer.learn(model.items())  # what it could not settle, it learns from
    fresh = {text: _pairs(model[text]) for text in job.whole}
    for text, reading in job.readings.items():
        fresh[text] = _pairs(reading.entities(model[sentence] for sentence in reading.for_model()))
    cache.put_many(fresh.items())
    job.entities.update(fresh)
    progress.advance(pending)
    failed: dict[str, tuple[str, ...]] = {}
    for judged in job.statuses:
        rules: dict[str, tuple[str, ...]] = outcome(judged)
        failed.update(rules)
    with get_backend().writer(index_dir, procs=options.writer_procs(len(job.records)), merge=job.last) as writer:
        for record in job.records:
            writer.put(build_document(record, job.entities[entity_text(record)], ENRICHED, failed[record.id]))
    return pending + job.settled
