"""Pass 1, the search tier: every new or changed record tokenised and written, no trained model.

Entities go in wherever the cache has them already; the records that still
need the model are set aside for the enrichment pass. Each document's state
records its content hash and whether it carries entities, so an unchanged
record is skipped without being re-read.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, TypeVar

from ..records import CaptionRecord
from ..search.backend import IndexWriter, get_backend
from .cache import ResultCache
from .documents import ENRICHED, PENDING, PLAIN, build_document, entity_text, state
from .inputs import InputWatch
from .intake import Intake, image_cache_namespace
from .options import CACHE_FILE, IndexOptions
from .progress import Progress
from .spill import Spill
from .status import statuses
from .tally import Problems, Tally

T = TypeVar("T")


@dataclass(frozen=True)
class _Write:
    """A record pass 1 must write, with its content hash (computed once: a third of indexing time)."""

    record: CaptionRecord
    digest: str
    new: bool


def write_search_tier(
    records: Iterable[CaptionRecord],
    index_dir: Path,
    staging: Path,
    options: IndexOptions,
    problems: Problems,
    tally: Tally,
    complete: Callable[[], bool],
    enrich_later: Spill,
    watch: InputWatch | None = None,
) -> tuple[int, int]:
    """Pass 1 into ``staging``, from the live index's states; (deleted, kept). The caches stay in the live folder.

    ``watch`` is told of every record's image (a run's input stamps, inputs.py).
    """
    with (
        ResultCache(index_dir / CACHE_FILE, options.cache_namespace()) as cache,
        ResultCache(index_dir / CACHE_FILE, image_cache_namespace(options.intake.image_limits)) as checks,
    ):
        intake = Intake(options.intake, checks, problems.warnings.append, problems.refused.append)
        states = get_backend().read_states(staging)
        prepared = intake.prepare(records)
        if watch is not None:
            prepared = _watched(prepared, watch)
        writes = _writes(prepared, states, options, tally, enrich_later)
        return _write(writes, states, tally, complete, staging, cache, options)


def _watched(records: Iterable[CaptionRecord], watch: InputWatch) -> Iterator[CaptionRecord]:
    for record in records:
        watch.saw(record)
        yield record


def _writes(
    records: Iterable[CaptionRecord], states: dict[str, str], options: IndexOptions, tally: Tally, enrich_later: Spill
) -> Iterator[_Write]:
    """The records pass 1 must write; those pass 2 must enrich go to ``enrich_later``.

    A document's flag is ENRICHED only once pass 2 has written it, so a run
    interrupted between the passes is finished by the next one.
    """
    final = ENRICHED if options.entities else PLAIN
    for record in records:
        tally.records += 1
        tally.seen.add(record.id)
        known = states.get(record.id)
        digest = record.content_hash()
        if known == state(record, final, digest):
            tally.unchanged += 1
            continue
        if options.entities:
            enrich_later.add(record)
        if known == state(record, PENDING, digest) and options.entities:
            continue  # pass 1 already done by an interrupted run
        if known is None:
            tally.added += 1
        else:
            tally.updated += 1
        yield _Write(record, digest, new=known is None)


def _write(
    writes: Iterable[_Write],
    states: dict[str, str],
    tally: Tally,
    complete: Callable[[], bool],
    index_dir: Path,
    cache: ResultCache,
    options: IndexOptions,
) -> tuple[int, int]:
    """Pass 1, the search tier: no trained model; entities where the cache has them.

    Returns how many documents were deleted and kept. Deletions go with the
    last commit, once the whole input has been read and the missing ids are
    known. The caller writes into a staging copy, so the commits along the
    way are seen by nobody.
    """
    progress = Progress("indexing", None, options.show_progress)
    flag = PENDING if options.entities else PLAIN
    deleted = kept = 0
    chunks = chunked(writes, options.commit_every, key=lambda w: w.record.id)

    def prepare(chunk: list[_Write]) -> tuple[list[_Write], dict[str, Any], dict[str, tuple[str, ...]]]:
        """A chunk with its cached entities and static audit findings."""
        records = [w.record for w in chunk]
        cached = cache.get_many([entity_text(r) for r in records]) if options.entities else {}
        return chunk, cached, statuses(records, language=False) if records else {}

    ready: tuple[list[_Write], dict[str, Any], dict[str, tuple[str, ...]]] | None = prepare(next(chunks, []))
    while ready is not None:  # at least one commit, for the deletions
        chunk, cached, found = ready
        with get_backend().writer(index_dir, procs=options.writer_procs(len(chunk)), merge=False) as writer:
            for write in chunk:
                entities = cached.get(entity_text(write.record))
                document = build_document(write.record, entities, flag, found[write.record.id], write.digest)
                writer.put(document, new=write.new)
                progress.advance()
            # The next chunk is read and prepared before this one commits, while
            # the writer processes are still indexing what they were sent; and
            # only once the input has ended is this chunk known to be the last.
            following = next(chunks, None)
            ready = prepare(following) if following is not None else None
            if ready is None:
                writer.merge = True
                deleted, kept = _delete_missing(writer, sorted(set(states) - tally.seen), complete())
    progress.finish()
    return deleted, kept


def _delete_missing(writer: IndexWriter, missing: list[str], complete: bool) -> tuple[int, int]:
    """Delete the documents the input no longer has, if it was all read; (deleted, kept)."""
    if not complete:
        return 0, len(missing)
    for record_id in missing:
        writer.delete(record_id)
    return len(missing), 0


def chunked(items: Iterable[T], size: int, key: Callable[[T], str]) -> Iterator[list[T]]:
    """Chunks of ``size`` items, each sorted by ``key`` (the record id), as the index always was."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield sorted(chunk, key=key)
