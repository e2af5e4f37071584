"""Do two indexes answer the benchmark's queries alike? Top 10 ids, scores and totals, query by query.

    python bench/compare_hits.py --queries queries.json INDEX_A INDEX_B

A change meant to leave results alone (a faster writer, an incremental
path) is checked by building an index with and without it on the same
captions and comparing. Prints the queries that differ; exits 1 if any do.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Sequence


def answers(index_dir: Path, queries: list[dict]) -> list[tuple[int, list[tuple[str, float]]]]:
    from captionsearch.search import searching

    found = []
    for query in queries:
        page = searching.search(query["text"], index_dir, limit=10, facets=False, suggest=False)
        found.append((page.total, [(hit.id, hit.score) for hit in page.hits]))
    return found


def same(a: tuple[int, list[tuple[str, float]]], b: tuple[int, list[tuple[str, float]]]) -> bool:
    """Same total and scores in order, the same photos up to reordering among equal scores.

    Photos of equal score rank by index order, and Whoosh's two writer
    processes split a commit's photos between their segments as they come,
    so two builds of the same captions may order ties differently (and cut
    the last tied group at a different photo).
    """
    (total_a, hits_a), (total_b, hits_b) = a, b
    if total_a != total_b or len(hits_a) != len(hits_b):
        return False
    if not all(math.isclose(s, t, rel_tol=1e-9) for (_, s), (_, t) in zip(hits_a, hits_b)):
        return False
    last = round(hits_a[-1][1], 9) if hits_a else None
    groups_a: dict[float, set[str]] = {}
    groups_b: dict[float, set[str]] = {}
    for (i, s), (j, t) in zip(hits_a, hits_b):
        groups_a.setdefault(round(s, 9), set()).add(i)
        groups_b.setdefault(round(t, 9), set()).add(j)
    return all(ids == groups_b.get(score) for score, ids in groups_a.items() if score != last)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=Path, required=True, help="a query mix written by bench/run.py")
    parser.add_argument("first", type=Path)
    parser.add_argument("second", type=Path)
    args = parser.parse_args(argv)
    queries = json.loads(args.queries.read_text(encoding="utf-8"))
    first, second = answers(args.first, queries), answers(args.second, queries)
    differing = [q["text"] for q, a, b in zip(queries, first, second) if not same(a, b)]
    for text in differing:
        print(f"differs: {text}")
    print(f"{len(queries) - len(differing)} of {len(queries)} queries answered alike")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
