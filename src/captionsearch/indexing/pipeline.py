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
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterable, Sequence

from .. import nlp
from ..corpus import stream_corpus
from ..processes import children_die_with_this_process
from ..records import CaptionRecord
from ..search.backend import get_backend
from .cache import ResultCache
from .enrichment import enrich
from .intake import corpus_roots
from .options import CACHE_FILE, IndexOptions, IndexReport
from .publishing import discard, publish, stage
from .search_tier import Problems, Tally, write_search_tier
from .spill import Spill


def index_corpus(
    paths: Sequence[str | Path], index_dir: str | Path, options: IndexOptions = IndexOptions()
) -> IndexReport:
    """Read ``paths`` and bring the index in ``index_dir`` up to date with them.

    Images are served only from the folders in ``paths`` (a file's own
    folder) and the roots already in ``options.intake``.
    """
    options = replace(options, intake=replace(options.intake, roots=corpus_roots(paths, options.intake.roots)))
    corpus = stream_corpus(paths, include=options.include, exclude=options.exclude, limits=options.limits)
    problems = Problems()
    # A file that could not be read must not take its photos out of the index:
    # deletions wait for a run in which every input was read.
    report = _index(
        corpus.read(), Path(index_dir), options, problems, complete=lambda: not corpus.errors and not problems.refused
    )
    if report is None:
        # The rebuild met a file it could not read: a rebuild from incomplete input
        # would drop that file's photos, so read again and update in place instead.
        corpus = stream_corpus(paths, include=options.include, exclude=options.exclude, limits=options.limits)
        problems = Problems()
        report = _update(corpus.read(), Path(index_dir), options, problems, complete=lambda: not corpus.errors)
        assert report is not None  # only a rebuild gives up
    errors = (*corpus.errors, *problems.refused)
    return replace(report, errors=errors, warnings=tuple(problems.warnings), files=len(corpus.files))


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
) -> IndexReport | None:
    """Rebuild or update; ``complete()`` says whether every input was read (known at the end)."""
    nlp.load_tokenizer()  # in bulk spaCy's own is the faster, whatever it costs to load
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
    problems: Problems,
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
    tally = Tally()
    whole = lambda: complete() and not problems.refused  # noqa: E731
    with children_die_with_this_process(), Spill.beside(index_dir, options.commit_every) as enrich_later:
        with get_backend().lock(index_dir) as lock:
            staging = stage(index_dir, fresh)
            try:
                deleted, kept = write_search_tier(
                    records, index_dir, staging, options, problems, tally, whole, enrich_later
                )
            except BaseException:
                discard(staging)
                raise
            if fresh and not complete():
                discard(staging)
                return None
            publish(staging, index_dir)
        with ResultCache(index_dir / CACHE_FILE, options.cache_namespace()) as cache:
            enriched = enrich(enrich_later, index_dir, cache, options) if options.entities else 0
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
