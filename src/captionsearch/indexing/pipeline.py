"""Indexing a corpus: records -> documents -> the index, incrementally.

Two passes, so search never waits on the trained model:

1. the search tier (search_tier.py): every new or changed record is
   tokenised (spaCy's tokenizer, ~30,000 captions/s) and committed, with
   entities wherever the cache already has them. The collection is
   searchable from here on.
2. enrichment (enrichment.py): captions with no cached entities go through
   the trained pipeline in worker processes, a chunk ahead of the writes;
   results are cached by content and the documents updated, committing as
   it goes, so an interrupted run keeps its work.

Records stream through both passes in chunks (``IndexOptions.commit_every``):
what stays in memory for a whole run is the id -> state map and the set of
ids seen (for deletions); the records pass 2 needs wait in a temporary file
(spill.py).

A run over the very files the last clean run read (same sizes, times and
hashes, same images, same options) ends there, reading nothing (inputs.py).

A run is all-or-nothing for the collection: pass 1 is written into a
staging copy of the index and swapped in whole (publishing.py), so its
additions, changes and removals become searchable together or not at all
(an interrupted run leaves the index as it was). Pass 2 only adds entities
to documents already there; it commits chunk by chunk, and a run
interrupted during it is finished by the next one, which re-enriches only
what is still missing (the results found so far are cached).
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from .. import nlp
from ..corpus import CorpusStream, stream_corpus
from ..processes import children_die_with_this_process
from ..records import CaptionRecord
from ..search.backend import get_backend
from .cache import ResultCache
from .inputs import InputWatch
from .intake import corpus_roots
from .options import CACHE_FILE, IndexOptions, IndexReport
from .publishing import discard, publish, stage
from .spill import Spill
from .tally import Problems, Tally


def index_corpus(
    paths: Sequence[str | Path], index_dir: str | Path, options: IndexOptions = IndexOptions()
) -> IndexReport:
    """Read ``paths`` and bring the index in ``index_dir`` up to date with them.

    Images are served only from the folders in ``paths`` (a file's own
    folder) and the roots already in ``options.intake``.
    """
    started = time.perf_counter()
    options = replace(options, intake=replace(options.intake, roots=corpus_roots(paths, options.intake.roots)))
    corpus = stream_corpus(paths, include=options.include, exclude=options.exclude, limits=options.limits)
    watch = None if corpus.errors else InputWatch.start(corpus.files, paths, options, corpus.single_jsonl())
    unchanged = watch.unchanged_records(Path(index_dir)) if watch and not options.rebuild else None
    if unchanged is not None:
        return IndexReport(unchanged, 0, 0, 0, unchanged, 0, time.perf_counter() - started, files=len(corpus.files))
    if watch is not None:
        watch.stamp_lines()
    records: Iterable[CaptionRecord] = corpus.read()
    known: Sequence[str] = ()
    changed = _changed_lines(corpus, watch, Path(index_dir)) if watch and not options.rebuild else None
    if changed is not None:
        records, known = changed
    problems = Problems()
    skipped: Counter[str] = Counter()
    # A file that could not be read must not take its photos out of the index:
    # deletions wait for a run in which every input was read.
    report = _index(
        _wanted(records, options, skipped),
        Path(index_dir),
        options,
        problems,
        complete=lambda: not corpus.errors and not problems.refused,
        watch=watch,
        known=known,
    )
    if report is None:
        # The rebuild met a file it could not read: a rebuild from incomplete input
        # would drop that file's photos, so read again and update in place instead.
        corpus = stream_corpus(paths, include=options.include, exclude=options.exclude, limits=options.limits)
        problems = Problems()
        skipped = Counter()
        report = _update(
            _wanted(corpus.read(), options, skipped),
            Path(index_dir),
            options,
            problems,
            complete=lambda: not corpus.errors,
            watch=watch,
        )
        assert report is not None  # only a rebuild gives up
    errors = (*corpus.errors, *problems.refused)
    return replace(
        report,
        errors=errors,
        warnings=tuple(problems.warnings),
        files=len(corpus.files),
        without_image=tuple(sorted(skipped.items())),
    )


def _wanted(records: Iterable[CaptionRecord], options: IndexOptions, skipped: Counter[str]) -> Iterator[CaptionRecord]:
    """The records to index: with --require-image, those with an image (the others counted per file)."""
    for record in records:
        if options.require_image and not record.image:
            skipped[record.origin.path] += 1
            continue
        yield record


def _changed_lines(
    corpus: CorpusStream, watch: InputWatch, index_dir: Path
) -> tuple[list[CaptionRecord], Sequence[str]] | None:
    """The photos of a single JSONL manifest's changed lines, and the ids of the unchanged ones.

    None when the whole input must be read: not such a corpus, too many
    lines changed, a changed line that could not be read or that gives an
    id an unchanged line has (the full reading reports each the usual way).
    """
    if corpus.single_jsonl() is None:
        return None
    found = watch.changed_lines(index_dir)
    if found is None:
        return None
    lines, unchanged = found
    records = list(corpus.read_lines(lines))  # a small share of the file, by changed_lines
    if corpus.errors or not {record.id for record in records}.isdisjoint(unchanged):
        corpus.errors.clear()
        return None
    return records, unchanged


def index_records(
    records: Iterable[CaptionRecord],
    index_dir: str | Path,
    options: IndexOptions = IndexOptions(),
    delete_missing: bool = True,
) -> IndexReport:
    """Bring the index up to date with these records (and only these, if ``delete_missing``)."""
    problems = Problems()
    report = _index(records, Path(index_dir), options, problems, complete=lambda: delete_missing)
    assert report is not None  # a rebuild is given up only on input found incomplete while read
    return replace(report, errors=tuple(problems.refused), warnings=tuple(problems.warnings))


def _index(
    records: Iterable[CaptionRecord],
    index_dir: Path,
    options: IndexOptions,
    problems: Problems,
    complete: Callable[[], bool],
    watch: InputWatch | None = None,
    known: Sequence[str] = (),
) -> IndexReport | None:
    """Rebuild or update; ``complete()`` says whether every input was read (known at the end).

    ``known`` are ids of photos in the input that were not read, being known unchanged.
    """
    nlp.load_tokenizer()  # in bulk spaCy's own is the faster, whatever it costs to load
    if get_backend().built_by_another_version(index_dir):
        assert not known  # stamps are taken with the index's version
        return _update(records, index_dir, options, problems, complete=lambda: True, fresh=True, watch=watch)
    if options.rebuild and complete():
        return _update(records, index_dir, options, problems, complete, fresh=True, watch=watch)
    # Input already known to be incomplete: update in place (the report says the rebuild was skipped).
    return _update(records, index_dir, options, problems, complete, watch=watch, known=known)


def _update(
    records: Iterable[CaptionRecord],
    index_dir: Path,
    options: IndexOptions,
    problems: Problems,
    complete: Callable[[], bool],
    fresh: bool = False,
    watch: InputWatch | None = None,
    known: Sequence[str] = (),
) -> IndexReport | None:
    """Bring the index in ``index_dir`` up to date, deleting what is missing if ``complete()``.

    Pass 1 is written in a staging copy and swapped in whole (publishing), so
    the run's changes become searchable all at once; ``fresh`` starts that
    copy empty (a rebuild), and gives up, returning None with the index as it
    was, if the input turns out incomplete. A photo refused by the intake (an
    unusable id) makes the input incomplete too. With a ``watch``, a clean
    run leaves its input's stamps in the index (inputs.py).
    """
    # Imported here: a run whose input has not changed ends before it needs them (or spaCy).
    from .enrichment import enrich
    from .search_tier import write_search_tier

    started = time.perf_counter()
    tally = Tally(records=len(known), unchanged=len(known), seen=set(known))
    whole = lambda: complete() and not problems.refused  # noqa: E731
    with children_die_with_this_process(), Spill.beside(index_dir, options.commit_every) as enrich_later:
        with get_backend().lock(index_dir) as lock:
            staging = stage(index_dir, fresh)
            try:
                deleted, kept = write_search_tier(
                    records, index_dir, staging, options, problems, tally, whole, enrich_later, watch
                )
            except BaseException:
                discard(staging)
                raise
            if fresh and not complete():
                discard(staging)
                return None
            stamps = watch if complete() and not problems.refused and not problems.warnings else None
            if stamps is not None and not enrich_later.count:
                stamps.write(staging, tally.records)
            publish(staging, index_dir)
        with ResultCache(index_dir / CACHE_FILE, options.cache_namespace()) as cache:
            enriched = enrich(enrich_later, index_dir, cache, options) if options.entities else 0
        if stamps is not None and enrich_later.count:  # stamps mean "nothing left to do": only after pass 2
            stamps.write(index_dir, tally.records)
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
