"""Indexing a corpus: records -> documents -> the index, incrementally.

Two passes, so search never waits on the trained model:

1. the search tier: every new or changed record is tokenised (spaCy's
   tokenizer, ~30,000 captions/s) and committed, with entities wherever the
   cache already has them. The collection is searchable from here on.
2. enrichment: captions with no cached entities go through the trained
   pipeline in batches; results are cached by content and the documents
   updated, committing as it goes, so an interrupted run keeps its work.

Each document's state term records its content hash and whether it carries
entities, so an unchanged record is skipped without being re-read.
"""

from __future__ import annotations

import re
import shutil
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Sequence

from . import nlp
from .cache import ResultCache
from .corpus import read_corpus
from .errors import CorpusError
from .index import IndexDocument, IndexWriter, built_by_another_version, read_states
from .progress import Progress
from .records import CaptionRecord
from .status import status_facets, statuses

CACHE_FILE = "entities.sqlite"
NER_COMPONENTS = ("ner",)
COMMIT_EVERY = 20_000
PARALLEL_WRITER_THRESHOLD = 10_000  # below this a second writer process costs more than it saves
PARALLEL_NER_THRESHOLD = 4_000

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


@dataclass
class _Plan:
    writes: list[CaptionRecord] = field(default_factory=list)  # pass 1: new or changed
    new_ids: set[str] = field(default_factory=set)
    deletes: list[str] = field(default_factory=list)
    enrich: list[CaptionRecord] = field(default_factory=list)  # pass 2: not enriched yet
    digests: dict[str, str] = field(default_factory=dict)  # id -> content hash, computed once
    unchanged: int = 0
    kept: int = 0  # in the index, not in the input, kept because some input was unreadable


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


def index_corpus(paths: Sequence[str | Path], index_dir: str | Path, options: IndexOptions = IndexOptions()) -> IndexReport:
    """Read ``paths`` and bring the index in ``index_dir`` up to date with them."""
    corpus = read_corpus(paths, include=options.include, exclude=options.exclude)
    # A file that could not be read must not take its photos out of the index:
    # deletions wait for a run in which every input was read.
    report = index_records(corpus.records, index_dir, options, delete_missing=not corpus.errors)
    return replace(report, errors=corpus.errors, files=len(corpus.files))


def index_records(
    records: Sequence[CaptionRecord],
    index_dir: str | Path,
    options: IndexOptions = IndexOptions(),
    delete_missing: bool = True,
) -> IndexReport:
    """Bring the index up to date with these records (and only these, if ``delete_missing``)."""
    if (options.rebuild and delete_missing) or built_by_another_version(index_dir):
        return _rebuild(records, Path(index_dir), options)
    # A rebuild from incomplete input would drop the unreadable files' photos:
    # update in place instead (the report says so).
    started = time.perf_counter()
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    with ResultCache(index_dir / CACHE_FILE, _cache_namespace(options)) as cache:
        plan = _plan(records, read_states(index_dir), options, delete_missing)
        recovered = _write(plan, index_dir, cache, options)
        enriched = _enrich(plan.enrich, index_dir, cache, options) if options.entities else 0
    return IndexReport(
        records=len(records),
        added=len(plan.new_ids),
        updated=len(plan.writes) - len(plan.new_ids),
        deleted=len(plan.deletes),
        unchanged=plan.unchanged,
        kept=plan.kept,
        enriched=enriched,
        seconds=time.perf_counter() - started,
        recovered_lock_pid=recovered,
        rebuild_skipped=options.rebuild,
    )


def _cache_namespace(options: IndexOptions) -> str:
    # The configured name, not the resolved one: loading the model just to
    # name the cache would make the search tier wait for it.
    return f"entities:{options.pipeline}"


def _plan(records: Sequence[CaptionRecord], states: dict[str, str], options: IndexOptions, delete_missing: bool) -> _Plan:
    """Which records each pass must write.

    A document's flag is ENRICHED only once pass 2 has written it, so a run
    interrupted between the passes is finished by the next one.
    """
    plan = _Plan()
    final = ENRICHED if options.entities else PLAIN
    for record in records:
        state = states.get(record.id)
        digest = plan.digests[record.id] = record.content_hash()  # a third of indexing time if repeated
        if state == _state(record, final, digest):
            plan.unchanged += 1
            continue
        if options.entities:
            plan.enrich.append(record)
        if state == _state(record, PENDING, digest) and options.entities:
            continue  # pass 1 already done by an interrupted run
        plan.writes.append(record)
        if state is None:
            plan.new_ids.add(record.id)
    missing = sorted(set(states) - {r.id for r in records})
    plan.deletes, plan.kept = (missing, 0) if delete_missing else ([], len(missing))
    return plan


def _state(record: CaptionRecord, flag: str, digest: str | None = None) -> str:
    return f"{digest or record.content_hash()}:{flag}"


def _write(plan: _Plan, index_dir: Path, cache: ResultCache, options: IndexOptions) -> int | None:
    """Pass 1, the search tier: no trained model; entities where the cache has them."""
    progress = Progress("indexing", len(plan.writes), options.show_progress)
    flag = PENDING if options.entities else PLAIN
    recovered = None
    for start in range(0, max(len(plan.writes), 1), COMMIT_EVERY):
        chunk = plan.writes[start : start + COMMIT_EVERY]
        cached = cache.get_many([entity_text(r) for r in chunk]) if options.entities else {}
        found = statuses(chunk, language=False) if chunk else {}
        procs = options.procs if len(chunk) >= PARALLEL_WRITER_THRESHOLD else 1
        last = start + COMMIT_EVERY >= len(plan.writes)
        with IndexWriter(index_dir, procs=procs, merge=last) as writer:
            recovered = recovered or writer.lock.recovered_from
            if start == 0:
                for record_id in plan.deletes:
                    writer.delete(record_id)
            for record in chunk:
                entities = cached.get(entity_text(record))
                document = build_document(record, entities, flag, found[record.id], plan.digests.get(record.id))
                writer.put(document, new=record.id in plan.new_ids)
                progress.advance()
    progress.finish()
    return recovered


def _enrich(records: list[CaptionRecord], index_dir: Path, cache: ResultCache, options: IndexOptions) -> int:
    """Pass 2: entities (cached by content) and the audit's language judgements."""
    if not records:
        return 0
    progress = Progress("entities", len(records), options.show_progress)
    computed = 0
    for start in range(0, len(records), COMMIT_EVERY):
        chunk = records[start : start + COMMIT_EVERY]
        entities, ran = _entities(chunk, cache, options, progress)
        computed += ran
        found = statuses(chunk, language=True, pipeline=options.pipeline)
        last = start + COMMIT_EVERY >= len(records)
        with IndexWriter(index_dir, procs=1, merge=last) as writer:
            for record in chunk:
                writer.put(build_document(record, entities[entity_text(record)], ENRICHED, found[record.id]))
    progress.finish()
    return computed


def _entities(
    records: list[CaptionRecord], cache: ResultCache, options: IndexOptions, progress: Progress
) -> tuple[dict[str, list[list[str]]], int]:
    """Entities of each record's text: from the cache, else from the trained pipeline."""
    texts = list(dict.fromkeys(entity_text(r) for r in records))
    known = cache.get_many(texts)
    missing = [t for t in texts if t not in known]
    progress.advance(len(records) - len(missing))
    if missing:
        pipeline = nlp.load_pipeline(options.pipeline, NER_COMPONENTS)
        found = _run_ner(pipeline, missing, options, progress)
        fresh = {text: [[e.group, e.text] for e in ents] for text, ents in zip(missing, found)}
        cache.put_many(fresh.items())
        known.update(fresh)
    return known, len(missing)


def _run_ner(pipeline: Any, texts: list[str], options: IndexOptions, progress: Progress) -> list[Any]:
    # Two processes help the trained pipeline 1.4-1.8x, but only pay off on big batches.
    n_process = 2 if options.procs > 1 and len(texts) >= PARALLEL_NER_THRESHOLD else 1
    results = []
    for entities in nlp.extract_entities(pipeline, texts, options.batch_size, n_process):
        results.append(entities)
        progress.advance()
    return results


def _rebuild(records: Sequence[CaptionRecord], index_dir: Path, options: IndexOptions) -> IndexReport:
    """Build a fresh index beside the old one and swap it in; the cache carries over."""
    staging = index_dir.with_name(index_dir.name + ".rebuilding")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    if (index_dir / CACHE_FILE).exists():
        shutil.copy2(index_dir / CACHE_FILE, staging / CACHE_FILE)
    report = index_records(records, staging, replace(options, rebuild=False))
    retired = index_dir.with_name(index_dir.name + ".old")
    shutil.rmtree(retired, ignore_errors=True)
    if index_dir.exists():
        index_dir.rename(retired)
    staging.rename(index_dir)
    shutil.rmtree(retired, ignore_errors=True)
    return report


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
    spelling = sorted({word for pairs in analysed.values() for word, _ in pairs})
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
        words=" ".join(spelling),
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


def facet_value(group: str, value: str) -> str:
    """'place:China' — commas separate values in the index, so none may remain."""
    return f"{group}:{' '.join(value.replace(',', ' ').split())}"

