"""What reading a collection export costs, next to the search tier's indexing of the same photos.

    .venv/bin/python bench/bench_formats.py --size 10k [--json]

The generated collection (bench/generate.py) is written four ways: our JSONL
manifest, a WordPress export (WXR), an OAI-PMH ListRecords response
(oai_dc) and a IIIF Presentation 3 collection of manifests. Each is read
through the corpus reader (format detection included) to the last record,
best of three; then the JSONL is indexed once with the search tier only
(no entities). Printed: each format's reading time, what it costs beyond
reading the JSONL, and that extra as a share of the indexing time, measured
in the same run, with the load average before and after.
Not a test: it prints numbers.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate, parse_size, write_jsonl  # noqa: E402

from captionsearch.corpus import stream_corpus  # noqa: E402
from captionsearch.indexing import IndexOptions, index_corpus  # noqa: E402

REPEATS = 3


def image_url(entry: dict) -> str:
    return f"https://photos.example.org/{entry['image']}"


def write_wxr(entries: Sequence[dict], path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
                  'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
                  'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
                  'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel><title>Bench</title>\n')
        for number, entry in enumerate(entries, 1):
            out.write(f"<item><title>{html.escape(entry['title'])}</title>"
                      f"<excerpt:encoded><![CDATA[{entry['caption']}]]></excerpt:encoded>"
                      f"<wp:post_id>{number}</wp:post_id><wp:post_date>{entry['date']}</wp:post_date>"
                      "<wp:post_type>attachment</wp:post_type>"
                      f"<wp:attachment_url>{image_url(entry)}</wp:attachment_url>"
                      "<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key>"
                      f"<wp:meta_value><![CDATA[{entry.get('alt') or ''}]]></wp:meta_value></wp:postmeta></item>\n")
        out.write("</channel></rss>\n")


def write_oai(entries: Sequence[dict], path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
                  "<ListRecords>\n")
        for entry in entries:
            subjects = "".join(f"<dc:subject>{html.escape(k)}</dc:subject>" for k in entry["keywords"])
            out.write(f"<record><header><identifier>oai:bench:{entry['id']}</identifier></header><metadata>"
                      '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
                      'xmlns:dc="http://purl.org/dc/elements/1.1/">'
                      f"<dc:title>{html.escape(entry['title'])}</dc:title>"
                      f"<dc:description>{html.escape(entry['caption'])}</dc:description>"
                      f"<dc:creator>{html.escape(entry['credit'])}</dc:creator><dc:date>{entry['date']}</dc:date>"
                      f"{subjects}<dc:identifier>{image_url(entry)}</dc:identifier></oai_dc:dc></metadata></record>\n")
        out.write("</ListRecords></OAI-PMH>\n")


def write_iiif(entries: Sequence[dict], path: Path) -> None:
    def manifest(entry: dict) -> dict[str, Any]:
        canvas = f"https://iiif.example.org/{entry['id']}/canvas"
        body = {"id": image_url(entry), "type": "Image", "format": "image/jpeg"}
        return {"id": f"https://iiif.example.org/{entry['id']}", "type": "Manifest",
                "label": {"en": [entry["title"]]}, "summary": {"en": [entry["caption"]]},
                "requiredStatement": {"label": {"en": ["Credit"]}, "value": {"none": [entry["credit"]]}},
                "items": [{"id": canvas, "type": "Canvas", "items": [{"id": f"{canvas}/p", "type": "AnnotationPage",
                           "items": [{"id": f"{canvas}/a", "type": "Annotation", "motivation": "painting",
                                      "body": body, "target": canvas}]}]}]}

    collection = {"@context": "http://iiif.io/api/presentation/3/context.json", "id": "https://iiif.example.org/c",
                  "type": "Collection", "label": {"en": ["Bench"]}, "items": [manifest(e) for e in entries]}
    path.write_text(json.dumps(collection), encoding="utf-8")


FORMATS: dict[str, tuple[str, Callable[[Sequence[dict], Path], Any]]] = {
    "jsonl": ("photos.jsonl", lambda entries, path: write_jsonl(entries, path)),
    "wxr": ("export.xml", write_wxr),
    "oai-pmh": ("harvest.xml", write_oai),
    "iiif": ("collection.json", write_iiif),
}


def read_seconds(path: Path) -> tuple[float, int]:
    """Best of REPEATS: the time to read every record of ``path``, and how many there were."""
    best, count = float("inf"), 0
    for _ in range(REPEATS):
        started = time.perf_counter()
        corpus = stream_corpus([path])
        count = sum(1 for _ in corpus.read())
        best = min(best, time.perf_counter() - started)
        assert not corpus.errors, corpus.errors[:3]
    return best, count


def measure(size: int, folder: Path) -> dict[str, Any]:
    entries = list(generate(size))
    load_before = os.getloadavg()
    reading: dict[str, dict[str, float]] = {}
    for name, (file_name, write) in FORMATS.items():
        path = folder / name / file_name
        path.parent.mkdir()
        write(entries, path)
        seconds, count = read_seconds(path)
        assert count == size, (name, count)
        reading[name] = {"read_s": round(seconds, 3), "mb": round(path.stat().st_size / 1e6, 1)}
    started = time.perf_counter()
    index_corpus([folder / "jsonl"], folder / "index", IndexOptions(entities=False))
    indexing = time.perf_counter() - started
    for values in reading.values():
        extra = values["read_s"] - reading["jsonl"]["read_s"]
        values["extra_over_jsonl_s"] = round(extra, 3)
        values["extra_share_of_indexing"] = round(extra / indexing, 3)
    return {"photos": size, "search_tier_index_s": round(indexing, 2), "formats": reading,
            "loadavg_before": load_before, "loadavg_after": os.getloadavg()}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="10k", help="photos to generate: 10k, 100k, or a number")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        result = measure(parse_size(args.size), Path(folder))
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"{result['photos']:,} photos; search tier indexing (JSONL, no entities): {result['search_tier_index_s']} s")
    print(f"{'format':<10}{'MB':>7}{'read s':>9}{'extra s':>9}{'extra/indexing':>16}")
    for name, values in result["formats"].items():
        print(f"{name:<10}{values['mb']:>7}{values['read_s']:>9}{values['extra_over_jsonl_s']:>9}"
              f"{values['extra_share_of_indexing']:>15.1%}")
    print(f"load average before {result['loadavg_before']}, after {result['loadavg_after']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
