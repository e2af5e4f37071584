"""Audit throughput: HTML pages/s with the static rules, alt texts/s through the spaCy judgement,
and one page of 1,000, 10,000 and 100,000 images (HTML and Markdown), to show the time grows
linearly with the page.

Prints the numbers; asserts nothing. Usage: python bench/bench_audit.py [--pages N] [--scale 1k,10k,100k]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from captionsearch.audit.config import AuditConfig
from captionsearch.audit.runner import audit_paths
from captionsearch.audit.vague import judge_texts
from captionsearch.settings import DEFAULT_PIPELINE

SUBJECTS = ["rover", "lander", "crater", "astronaut", "antenna", "solar panel", "ridge", "boulder"]
PLACES = ["on grey lunar soil", "at the crater rim", "beside the lander", "under a black sky"]
TITLES = ["Closing In", "Down and Down", "The Probe", "Rolling Out"]


def alt_for(i: int) -> str:
    if i % 5 == 0:
        return TITLES[i % len(TITLES)]
    return f"{SUBJECTS[i % len(SUBJECTS)].capitalize()} {PLACES[i % len(PLACES)]}, frame {i}"


def page(n: int, images: int) -> str:
    figures = "\n".join(
        f'<section><h2>Slide {i}</h2><figure><img src="images/{n}-{i}.jpg" alt="{alt_for(n * images + i)}">'
        f"<figcaption>Caption {i} of page {n}: {SUBJECTS[i % len(SUBJECTS)]} {PLACES[i % len(PLACES)]}.</figcaption>"
        "</figure></section>"
        for i in range(images)
    )
    return f"<!doctype html><html><head><title>Page {n}</title></head><body><h1>Page {n}</h1>{figures}</body></html>"


def one_page(images: int, markdown: bool) -> str:
    """A single page of ``images`` figures (or Markdown images), each with its own alt."""
    if markdown:
        return "# One page\n\n" + "\n\n".join(f"![{alt_for(i)}](images/{i}.jpg)" for i in range(images)) + "\n"
    return page(0, images)


def scale(sizes: list[int]) -> None:
    """Audit time of one page as its image count grows: linear means images/s stays flat."""
    static = AuditConfig(ignore=("alt-vague", "caption-vague"))
    print(f"{'images on one page':>20}  {'format':<8}  {'seconds':>8}  {'images/s':>9}")
    for images in sizes:
        for markdown in (False, True):
            with tempfile.TemporaryDirectory() as folder:
                target = Path(folder, "page.md" if markdown else "page.html")
                target.write_text(one_page(images, markdown), encoding="utf-8")
                start = time.perf_counter()
                result = audit_paths([target], static)
                elapsed = time.perf_counter() - start
            assert result.coverage.images == images, (result.coverage.images, images)
            print(f"{images:>20,}  {'Markdown' if markdown else 'HTML':<8}  {elapsed:>8.2f}  {images / elapsed:>9,.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--images", type=int, default=12, help="images per page")
    parser.add_argument("--texts", type=int, default=2000)
    parser.add_argument("--pipeline", default=DEFAULT_PIPELINE)
    parser.add_argument("--scale", metavar="SIZES", help="only the one-page scaling run, e.g. 1k,10k,100k")
    args = parser.parse_args()
    if args.scale:
        scale([int(float(size.lower().replace("k", "e3"))) for size in args.scale.split(",")])
        return
    with tempfile.TemporaryDirectory() as folder:
        for n in range(args.pages):
            Path(folder, f"page-{n:04d}.html").write_text(page(n, args.images), encoding="utf-8")
        static = AuditConfig(ignore=("alt-vague", "caption-vague"))
        start = time.perf_counter()
        result = audit_paths([folder], static)
        elapsed = time.perf_counter() - start
    print(f"static rules: {args.pages} pages ({args.pages * args.images} images) in {elapsed:.2f} s = "
          f"{args.pages / elapsed:.0f} pages/s ({len(result.findings)} findings)")
    texts = [alt_for(i) for i in range(args.texts)]
    judge_texts(texts[:10], args.pipeline)  # load the pipeline outside the timing
    start = time.perf_counter()
    verdicts = judge_texts(texts, args.pipeline)
    elapsed = time.perf_counter() - start
    print(f"spaCy judgement: {len(verdicts)} distinct alt texts in {elapsed:.2f} s = {len(verdicts) / elapsed:.0f} alt texts/s "
          f"({sum(1 for v in verdicts.values() if v.reasons(photo=True))} vague for a photo)")


if __name__ == "__main__":
    main()
