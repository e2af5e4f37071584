"""Entity enrichment: the full trained NER against the gazetteer path, on the same captions, in one run.

Both read the unique caption texts of a generated collection (bench/generate.py)
in the indexer's own way (indexing.enrichment.Annotator, worker processes):

* full NER: every caption through the trained pipeline;
* gazetteer: the indexer's path (indexing.enrichment.gazetteer_pass): the
  model reads the first captions, the gazetteer built from its results
  settles what it can, and the model reads the rest.

Printed and saved: captions a second for each, and the gazetteer's entities
against the full NER's as entity spans (group and text, per caption):
precision, recall, and the share of captions whose entities are identical.
The load average is recorded before and after.

    python bench/bench_enrichment.py --size 100k --out bench/results/enrichment.json
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Sequence

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402  (bench/generate.py)
from measure import finish  # noqa: E402  (bench/measure.py)

from captionsearch import nlp  # noqa: E402
from captionsearch.indexing.enrichment import Annotator, gazetteer_pass, outcome  # noqa: E402
from captionsearch.indexing.gazetteer import LEARN_FROM, Gazetteer  # noqa: E402
from captionsearch.indexing.options import COMMIT_EVERY  # noqa: E402
from captionsearch.settings import DEFAULT_PIPELINE, DEFAULT_PROCS  # noqa: E402

Spans = set[tuple[str, str]]


def caption_texts(size: int, seed: int) -> list[str]:
    """The texts the indexer reads entities from (documents.entity_text), each once."""
    texts = ((entry.get("caption") or entry.get("title") or "") for entry in generate.generate(size, seed))
    return list(dict.fromkeys(t for t in texts if t))


def full_ner(texts: list[str], procs: int) -> tuple[list[tuple[nlp.Entity, ...]], float]:
    started = time.perf_counter()
    with Annotator(DEFAULT_PIPELINE, procs) as annotator:
        found = [entities for future in annotator.entities(texts) for entities in outcome(future)]
    return found, time.perf_counter() - started


def with_gazetteer(texts: list[str], procs: int) -> tuple[list[tuple[nlp.Entity, ...]], float, dict[str, int]]:
    """The indexer's path, chunk by chunk as enrichment.enrich() takes them (without writing documents)."""
    started = time.perf_counter()
    gazetteer = Gazetteer()
    known: dict[str, list[list[str]]] = {}
    read_whole = read_in_part = sentences = 0
    with Annotator(DEFAULT_PIPELINE, procs) as annotator:
        for start in range(0, len(texts), COMMIT_EVERY):
            chunk = texts[start : start + COMMIT_EVERY]
            whole, readings = gazetteer_pass(chunk, known, annotator, gazetteer)
            parts = list(dict.fromkeys(s for reading in readings.values() for s in reading.for_model()))
            found = [entities for future in annotator.entities(whole + parts) for entities in outcome(future)]
            model = dict(zip(whole + parts, found))
            gazetteer.learn(model.items())
            known.update((text, [[e.group, e.text] for e in model[text]]) for text in whole)
            for text, reading in readings.items():
                merged = reading.entities(model[sentence] for sentence in reading.for_model())
                known[text] = [[e.group, e.text] for e in merged]
            read_whole += len(whole)
            read_in_part += len(readings)
            sentences += len(parts)
    seconds = time.perf_counter() - started
    found_all = [tuple(nlp.Entity(group, text) for group, text in known[t]) for t in texts]
    settled = len(texts) - read_whole - read_in_part - min(LEARN_FROM, len(texts))
    return found_all, seconds, {**gazetteer.summary(), "learnt_first": LEARN_FROM, "settled_whole": settled,
                                "read_in_part": read_in_part, "sentences_to_model": sentences}


def spans(entities: Sequence[nlp.Entity]) -> Spans:
    return {(e.group, e.text.casefold()) for e in entities}


def agreement(reference: list[tuple[nlp.Entity, ...]], candidate: list[tuple[nlp.Entity, ...]]) -> dict[str, float]:
    true_positive = false_positive = false_negative = identical = 0
    for wanted, got in zip(reference, candidate):
        wanted_spans, got_spans = spans(wanted), spans(got)
        true_positive += len(wanted_spans & got_spans)
        false_positive += len(got_spans - wanted_spans)
        false_negative += len(wanted_spans - got_spans)
        identical += wanted_spans == got_spans
    return {
        "precision": round(true_positive / max(1, true_positive + false_positive), 4),
        "recall": round(true_positive / max(1, true_positive + false_negative), 4),
        "identical_captions": round(identical / max(1, len(reference)), 4),
        "reference_spans": true_positive + false_negative,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", default="100k", help="10k, 100k, 1M or a number (default: 100k)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--procs", type=int, default=DEFAULT_PROCS, help="worker processes for the model")
    parser.add_argument("--out", type=Path, default=BENCH / "results" / "enrichment.json")
    args = parser.parse_args(argv)
    nlp.load_tokenizer()
    load_before = [round(x, 2) for x in os.getloadavg()]
    texts = caption_texts(generate.parse_size(args.size), args.seed)
    print(f"{len(texts)} unique caption texts", flush=True)
    candidate, gazetteer_seconds, learnt = with_gazetteer(texts, args.procs)
    print(f"gazetteer path: {len(texts) / gazetteer_seconds:,.0f} captions/s ({gazetteer_seconds:.1f} s) {learnt}",
          flush=True)
    reference, ner_seconds = full_ner(texts, args.procs)
    print(f"full NER: {len(texts) / ner_seconds:,.0f} captions/s ({ner_seconds:.1f} s)", flush=True)
    agreed = agreement(reference, candidate)
    print(f"agreement with the full NER: {agreed}")
    results = {
        "date": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
        "size": args.size, "captions": len(texts), "procs": args.procs, "pipeline": DEFAULT_PIPELINE,
        "full_ner": {"seconds": round(ner_seconds, 1), "captions_per_second": round(len(texts) / ner_seconds)},
        "gazetteer": {"seconds": round(gazetteer_seconds, 1),
                      "captions_per_second": round(len(texts) / gazetteer_seconds), **learnt},
        "speedup": round(ner_seconds / gazetteer_seconds, 2),
        "agreement": agreed,
        "load_before": load_before,
    }
    return finish(results, args.out)


if __name__ == "__main__":
    sys.exit(main())
