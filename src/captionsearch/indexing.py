"""Indexing a corpus: records -> documents -> the index, incrementally.

Two passes, so search never waits on the trained model:

1. the search tier: every new or changed record is tokenised (spaCy's
   tokenizer, ~30,000 captions/s) and committed, with entities wherever the
   cache already has them. The collection is searchable from here on.
2. enrichment: captions with no cached entities go through the trained
   pipeline in worker processes (annotate.py), a chunk ahead of the writes;
   results are cached by content and the documents updated, committing as
   it goes, so an interrupted run keeps its work.

Each document's state term records its content hash and whether it carries
entities, so an unchanged record is skipped without being re-read.

Records stream through both passes in chunks of COMMIT_EVERY: what stays in
memory for a whole run is the id -> state map and the set of ids seen (for
deletions); the records pass 2 needs wait in a temporary file.

A run is all-or-nothing for the collection: pass 1 is written into a
staging copy of the index and swapped in whole (publishing.py), so its
additions, changes and removals become searchable together or not at all
(an interrupted run leaves the index as it was). Pass 2 only adds entities
to documents already there; it commits chunk by chunk, and a run
interrupted during it is finished by the next one, which re-enriches only
what is still missing (the results found so far are cached).
"""

from __future__ import annotations

import pickle
import re
import tempfile
import time
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path
from typing import IO, Any, Callable, Iterable, Iterator, Sequence

from . import nlp
from .annotate import Annotator, outcome
from .cache import ResultCache
from .corpus import ReadLimits, stream_corpus
from .errors import CorpusError
from .search.backend import IndexDocument, IndexWriter, get_backend
from .search.facets import facet_value
from .intake import Intake, IntakeOptions, corpus_roots, image_cache_namespace
from .processes import children_die_with_this_process
from .publishing import discard, publish, stage
from .progress import Progress
from .records import CaptionRecord
from .status import status_facets, statuses

CACHE_FILE = "entities.sqlite"
COMMIT_EVERY = 20_000
PARALLEL_WRITER_THRESHOLD = 10_000  # below this a second writer process costs more than it saves

# State flags: entities present, pending (wanted, not computed yet), not wanted.
ENRICHED, PENDING, PLAIN = "e", "p", "n"


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


@dataclass
class _Problems:
    """What a run's intake found: warnings (the record was indexed) and refusals (it was not)."""

    warnings: list[CorpusError] = field(default_factory=list)
    refused: list[CorpusError] = field(default_factory=list)


@dataclass
class _Tally:
    """What a run has seen so far; ``seen`` is the one thing that grows with the input."""

    records: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    seen: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class _Write:
    """A record pass 1 must write, with its content hash (computed once: a third of indexing time)."""

    record: CaptionRecord
    digest: str
    new: bool


@dataclass(frozen=True)
class IndexOptions:
    entities: bool = True
    pipeline: str = "en_core_web_sm"
    batch_size: int = 256
    procs: int = 2
    show_progress: bool = False
    rebuild: bool = False
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    limits: ReadLimits = ReadLimits()
    # Roots and text/image limits; index_corpus() adds the folders it is given to the roots.
    intake: IntakeOptions = IntakeOptions()


def index_corpus(paths: Sequence[str | Path], index_dir: str | Path, options: IndexOptions = IndexOptions()) -> IndexReport:
    """Read ``paths`` and bring the index in ``index_dir`` up to date with them.

    Images are served only from the folders in ``paths`` (a file's own
    folder) and the roots already in ``options.intake``.
    """
    options = replace(options, intake=replace(options.intake, roots=corpus_roots(paths, options.intake.roots)))
    corpus = stream_corpus(paths, include=options.include, exclude=options.exclude, limits=options.limits)
    problems = _Problems()
    # A file that could not be read must not take its photos out of the index:
    # deletions wait for a run in which every input was read.
    report = _index(corpus.read(), Path(index_dir), options, problems,
                    complete=lambda: not corpus.errors and not problems.refused)
    if report is None:
        # The rebuild met a file it could not read: a rebuild from incomplete input
        # would drop that file's photos, so read again and update in place instead.
        corpus = stream_corpus(paths, include=options.include, exclude=options.exclude, limits=options.limits)
        problems = _Problems()
        report = _update(corpus.read(), Path(index_dir), options, problems, complete=lambda: not corpus.errors)
    errors = (*corpus.errors, *problems.refused)
    return replace(report, errors=errors, warnings=tuple(problems.warnings), files=len(corpus.files))


def index_records(
    records: Iterable[CaptionRecord],
    index_dir: str | Path,
    options: IndexOptions = IndexOptions(),
    delete_missing: bool = True,
) -> IndexReport:
    """Bring the index up to date with these records (and only these, if ``delete_missing``)."""
    problems = _Problems()
    report = _index(records, Path(index_dir), options, problems, complete=lambda: delete_missing)
    assert report is not None  # a rebuild is given up only on input found incomplete while read
    return replace(report, errors=tuple(problems.refused), warnings=tuple(problems.warnings))


def _index(
    records: Iterable[CaptionRecord],
    index_dir: Path,
    options: IndexOptions,
    problems: _Problems,
    complete: Callable[[], bool],
) -> IndexReport | None:
    """Rebuild or update; ``complete()`` says whether every input was read (known at the end)."""
    if get_backend().built_by_another_version(index_dir):
        return _update(records, index_dir, options, problems, complete=lambda: True, fresh=True)
    if options.rebuild and complete():
        return _update(records, index_dir, options, problems, complete, fresh=True)
    # Input already known to be incomplete: update in place (the report says the rebuild was skipped).
    return _update(records, index_dir, options, problems, complete)


def _update(
    records: Iterable[CaptionRecord],
    index_dir: Path,
    options: IndexOptions,
    problems: _Problems,
    complete: Callable[[], bool],
    fresh: bool = False,
) -> IndexReport | None:
    """Bring the index in ``index_dir`` up to date, deleting what is missing if ``complete()``.

    Pass 1 is written in a staging copy and swapped in whole (publishing), so
    the run's changes become searchable all at once; ``fresh`` starts that
    copy empty (a rebuild), and gives up, returning None with the index as it
    was, if the input turns out incomplete. A photo refused by the intake (an
    unusable id) makes the input incomplete too.
    """
    started = time.perf_counter()
    tally = _Tally()
    whole = lambda: complete() and not problems.refused  # noqa: E731
    with children_die_with_this_process(), _Spill.beside(index_dir) as enrich_later:
        with get_backend().lock(index_dir) as lock:
            staging = stage(index_dir, fresh)
            try:
                deleted, kept = _search_tier(records, index_dir, staging, options, problems, tally, whole, enrich_later)
            except BaseException:
                discard(staging)
                raise
            if fresh and not complete():
                discard(staging)
                return None
            publish(staging, index_dir)
        with ResultCache(index_dir / CACHE_FILE, _cache_namespace(options)) as cache:
            enriched = _enrich(enrich_later, index_dir, cache, options) if options.entities else 0
    return IndexReport(
        records=tally.records,
        added=tally.added,
        updated=tally.updated,
        deleted=deleted,
        unchanged=tally.unchanged,
        kept=kept,
        enriched=enriched,
        seconds=time.perf_counter() - started,
        recovered_lock_pid=lock.recovered_from,
        rebuild_skipped=options.rebuild and not fresh,
    )


def _search_tier(
    records: Iterable[CaptionRecord],
    index_dir: Path,
    staging: Path,
    options: IndexOptions,
    problems: _Problems,
    tally: _Tally,
    complete: Callable[[], bool],
    enrich_later: "_Spill",
) -> tuple[int, int]:
    """Pass 1 into ``staging``, from the live index's states; (deleted, kept). The caches stay in the live folder."""
    with ResultCache(index_dir / CACHE_FILE, _cache_namespace(options)) as cache, \
            ResultCache(index_dir / CACHE_FILE, image_cache_namespace(options.intake.image_limits)) as checks:
        intake = Intake(options.intake, checks, problems.warnings.append, problems.refused.append)
        states = get_backend().read_states(staging)
        writes = _writes(intake.prepare(records), states, options, tally, enrich_later)
        return _write(writes, states, tally, complete, staging, cache, options)


def _cache_namespace(options: IndexOptions) -> str:
    # The configured name, not the resolved one: loading the model just to
    # name the cache would make the search tier wait for it.
    return f"entities:{options.pipeline}"


def _writes(
    records: Iterable[CaptionRecord], states: dict[str, str], options: IndexOptions, tally: _Tally, enrich_later: "_Spill"
) -> Iterator[_Write]:
    """The records pass 1 must write; those pass 2 must enrich go to ``enrich_later``.

    A document's flag is ENRICHED only once pass 2 has written it, so a run
    interrupted between the passes is finished by the next one.
    """
    final = ENRICHED if options.entities else PLAIN
    for record in records:
        tally.records += 1
        tally.seen.add(record.id)
        state = states.get(record.id)
        digest = record.content_hash()
        if state == _state(record, final, digest):
            tally.unchanged += 1
            continue
        if options.entities:
            enrich_later.add(record)
        if state == _state(record, PENDING, digest) and options.entities:
            continue  # pass 1 already done by an interrupted run
        if state is None:
            tally.added += 1
        else:
            tally.updated += 1
        yield _Write(record, digest, new=state is None)


def _state(record: CaptionRecord, flag: str, digest: str | None = None) -> str:
    return f"{digest or record.content_hash()}:{flag}"


def _write(
    writes: Iterable[_Write],
    states: dict[str, str],
    tally: _Tally,
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
    chunks = _chunks(writes, key=lambda w: w.record.id)

    def prepare(chunk: list[_Write]) -> tuple[list[_Write], dict[str, Any], dict[str, tuple[str, ...]]]:
        """A chunk with its cached entities and static audit findings."""
        records = [w.record for w in chunk]
        cached = cache.get_many([entity_text(r) for r in records]) if options.entities else {}
        return chunk, cached, statuses(records, language=False) if records else {}

    ready = prepare(next(chunks, []))  # at least one commit, for the deletions
    while ready is not None:
        chunk, cached, found = ready
        procs = options.procs if len(chunk) >= PARALLEL_WRITER_THRESHOLD else 1
        with get_backend().writer(index_dir, procs=procs, merge=False) as writer:
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


def _chunks(items: Iterable[Any], key: Callable[[Any], str]) -> Iterator[list[Any]]:
    """Chunks of COMMIT_EVERY items, each sorted by ``key`` (the record id), as the index always was."""
    iterator = iter(items)
    while chunk := list(islice(iterator, COMMIT_EVERY)):
        yield sorted(chunk, key=key)


def _with_last(chunks: Iterable[list[Any]]) -> Iterator[tuple[list[Any], bool]]:
    """Each chunk and whether it is the last; at least one (maybe empty), so deletions get their commit.

    The last chunk is known only when the input has ended, so each waits for the next to be read.
    """
    previous: list[Any] | None = None
    for chunk in chunks:
        if previous is not None:
            yield previous, False
        previous = chunk
    yield previous or [], True


def _enrich(enrich_later: "_Spill", index_dir: Path, cache: ResultCache, options: IndexOptions) -> int:
    """Pass 2: entities (cached by content) and the audit's language judgements.

    The model's work on each chunk is submitted before the previous chunk is
    written, so the workers compute while this process writes.
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
    for future in job.statuses:
        failed.update(outcome(future))
    procs = options.procs if len(job.records) >= PARALLEL_WRITER_THRESHOLD else 1
    with get_backend().writer(index_dir, procs=procs, merge=job.last) as writer:
        for record in job.records:
            writer.put(build_document(record, job.entities[entity_text(record)], ENRICHED, failed[record.id]))
    return len(job.missing)


class _Spill:
    """Records set aside for a later pass, in an unnamed temporary file beside the index.

    They come back in chunks of COMMIT_EVERY, each sorted by id, so pass 2
    never holds more than one chunk of them.
    """

    @classmethod
    def beside(cls, index_dir: Path) -> "_Spill":
        """In the folder that holds the index (the index's own is swapped during a run)."""
        index_dir.parent.mkdir(parents=True, exist_ok=True)
        return cls(index_dir.parent)

    def __init__(self, folder: Path):
        self._file: IO[bytes] = tempfile.TemporaryFile(dir=folder)
        self._pending: list[CaptionRecord] = []
        self.count = 0

    def __enter__(self) -> "_Spill":
        return self

    def __exit__(self, *exc: Any) -> None:
        self._file.close()

    def add(self, record: CaptionRecord) -> None:
        self._pending.append(record)
        self.count += 1
        if len(self._pending) == COMMIT_EVERY:
            self._flush()

    def chunks(self) -> Iterator[list[CaptionRecord]]:
        self._flush()
        self._file.seek(0)
        while True:
            try:
                yield sorted(pickle.load(self._file), key=lambda r: r.id)
            except EOFError:
                return

    def _flush(self) -> None:
        if self._pending:
            pickle.dump(self._pending, self._file, protocol=pickle.HIGHEST_PROTOCOL)
            self._pending = []


def entity_text(record: CaptionRecord) -> str:
    """The text entities are read from: the caption (titles are headlines, not sentences)."""
    return " ".join(t for t in (record.caption, record.long_description) if t) or record.title


# -- documents ------------------------------------------------------------------------


def build_document(
    record: CaptionRecord, entities: Any, flag: str, failed_rules: Sequence[str] = (), digest: str | None = None
) -> IndexDocument:
    """One record as index fields: normalised terms, facets and the stored record.

    ``digest`` is the record's content hash when the caller has it already.
    """
    entities = [tuple(e) for e in entities or ()]
    # Analyse each shown field once: stems are indexed, folded words feed the spelling dictionary.
    analysed = {name: nlp.analyse(getattr(record, name) or "") for name in ("title", "caption", "alt")}
    title, caption, alt = (" ".join(stem for _, stem in analysed[name]) for name in ("title", "caption", "alt"))
    extra = _terms(" ".join((*record.keywords, record.credit, record.long_description)))
    entity_terms = _terms(" ".join(text for _, text in entities))
    spelling = tuple(dict.fromkeys(word for pairs in analysed.values() for word, _ in pairs))
    facets = [*_facets(record, entities), *status_facets(failed_rules)]
    stored = record.to_dict()
    stored["entities"] = [{"group": g, "text": t} for g, t in entities]
    stored["facets"] = facets
    return IndexDocument(
        id=record.id,
        state=f"{record.id} {_state(record, flag, digest)}",
        text=" ".join(filter(None, (title, caption, alt, extra))),
        title=title,
        caption=caption,
        alt=alt,
        entity=entity_terms,
        words=spelling,
        facets=tuple(dict.fromkeys(facets)),
        record=stored,
    )


def _terms(text: str) -> str:
    return " ".join(nlp.normalise(text)) if text else ""


_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


def _facets(record: CaptionRecord, entities: list[tuple[str, str]]) -> Iterable[str]:
    for group, text in entities:
        yield facet_value(group, text)
    if record.gallery:
        yield facet_value("gallery", record.gallery)
    year = _YEAR.search(record.date or "")
    if year:
        yield facet_value("year", year.group())
    for part in record.parts or (record,):
        yield facet_value("source", part.origin.kind or "unknown")
