"""What field mapping and shape detection cost, against the search tier's indexing time.

    .venv/bin/python bench/bench_mapping.py                 # 100k records
    .venv/bin/python bench/bench_mapping.py --size 10k

The same generated records (bench/generate.py) are written twice: in our flat
manifest shape (a list of {"id", "image", "title", "caption", ...}) and in a
nested export shape ({"meta": ..., "data": [{"objectID", "images": [{"image_url"}],
"headline", "description", "creditLine", "dc:date", "tags", "altText"}]}),
read with ``--map image=images.0.image_url``. It prints, in one run:

* shape detection (finding ``data``) and mapping every record of the nested
  file (entries already decoded): the cost this feature adds;
* reading each file into records, and indexing each (search tier only, no
  entities) into a fresh index;
* the ratio of mapping + detection to the nested file's indexing time (the
  target is at most 10%), and of the two indexing times;
* the load average before and after (the machine may be shared).

Not a test: it prints numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate, parse_size  # noqa: E402

from captionsearch.corpus import read_file  # noqa: E402
from captionsearch.corpus.fields import FieldMap  # noqa: E402
from captionsearch.corpus.json_shapes import find_records  # noqa: E402
from captionsearch.corpus.limits import DEFAULT_LIMITS, ReadLimits  # noqa: E402
from captionsearch.corpus.photo_entry import mapped_values  # noqa: E402
from captionsearch.indexing import IndexOptions, index_corpus  # noqa: E402

NESTED_MAP = {"image": ("images.0.image_url",)}


def nested(entry: dict[str, Any]) -> dict[str, Any]:
    """One flat entry in the nested export shape (the same values under other keys)."""
    return {
        "objectID": entry["id"],
        "images": [{"image_url": entry["image"], "role": "primary"}],
        "headline": entry["title"],
        "description": entry["caption"],
        "creditLine": entry["credit"],
        "dc:date": entry["date"],
        "tags": entry["keywords"],
        **({"altText": entry["alt"]} if "alt" in entry else {}),
        "department": "Photographs",
        "dimensions": {"height_cm": 20.3, "width_cm": 25.4},
    }


def write_files(folder: Path, size: int) -> tuple[Path, Path]:
    entries = list(generate(size))
    flat = folder / "flat" / "photos.json"
    deep = folder / "nested" / "export.json"
    for path in (flat, deep):
        path.parent.mkdir(parents=True)
        (path.parent / "images").mkdir()
    flat.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    deep.write_text(json.dumps({"meta": {"count": size, "source": "bench"}, "data": [nested(e) for e in entries]},
                               ensure_ascii=False), encoding="utf-8")
    return flat, deep


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def mapping_cost(path: Path, fields: FieldMap) -> tuple[float, float, int]:
    """(seconds finding the records, seconds mapping them all, records) for a decoded file."""
    document = json.loads(path.read_text(encoding="utf-8"))
    detect, shape = timed(lambda: find_records(document, fields))
    records = document
    for step in shape.steps:
        records = records[step]
    mapping, found = timed(lambda: [mapped_values(entry, fields) for entry in records])
    return detect, mapping, len(found)


def index_seconds(path: Path, index_dir: Path, limits: ReadLimits) -> tuple[float, int]:
    options = IndexOptions(entities=False, limits=limits)
    seconds, report = timed(lambda: index_corpus([path.parent], index_dir, options))
    if report.errors:
        raise SystemExit(f"indexing {path} reported {len(report.errors)} errors, the first: {report.errors[0]}")
    return seconds, report.records


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="100k", help="records: 10k, 100k, 1M or a number (default 100k)")
    args = parser.parse_args(argv)
    size = parse_size(args.size)
    load_before = os.getloadavg()
    fields = FieldMap.from_mapping(NESTED_MAP)
    nested_limits = replace(DEFAULT_LIMITS, fields=fields)
    with tempfile.TemporaryDirectory(prefix="bench-mapping-") as temporary:
        folder = Path(temporary)
        flat, deep = write_files(folder, size)
        detect, mapping, mapped = mapping_cost(deep, fields)
        read_flat, flat_records = timed(lambda: sum(1 for _ in read_file(flat, print, DEFAULT_LIMITS)))
        read_deep, deep_records = timed(lambda: sum(1 for _ in read_file(deep, print, nested_limits)))
        index_flat, indexed_flat = index_seconds(flat, folder / "index-flat", DEFAULT_LIMITS)
        index_deep, indexed_deep = index_seconds(deep, folder / "index-nested", nested_limits)
    load_after = os.getloadavg()
    assert mapped == flat_records == deep_records == indexed_flat == indexed_deep == size
    cost = detect + mapping
    print(f"records: {size:,}")
    print(f"shape detection (nested): {detect * 1000:8.1f} ms")
    print(f"mapping every record (nested, decoded): {mapping:8.2f} s  ({size / mapping:,.0f} records/s)")
    print(f"reading into records:  flat {read_flat:6.2f} s   nested {read_deep:6.2f} s   "
          f"(nested/flat {read_deep / read_flat:.2f}x)")
    print(f"indexing, search tier: flat {index_flat:6.2f} s   nested {index_deep:6.2f} s   "
          f"(nested/flat {index_deep / index_flat:.2f}x)")
    print(f"mapping + detection / nested indexing time: {cost / index_deep:.1%} (target <= 10%)")
    print(f"load average before {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}, "
          f"after {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f} (cpus: {os.cpu_count()})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
