"""Save the web front end's rendered pages for the audit: python render_pages.py BASE_URL OUT_DIR.

Fetches the home page, a search with results, one without, the audit page and
every photo page, as a browser would get them, into OUT_DIR as .html files.
"""

from __future__ import annotations

import json
import sys
import urllib.request
from pathlib import Path


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read()


def main(base: str, out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    pages = {"home": "/", "search": "/search?q=rover", "search-empty": "/search?q=zeppelin", "audit": "/audit"}
    listing = json.loads(fetch(base.rstrip("/") + "/search.json?q=&limit=100"))
    pages.update({f"photo-{hit['id']}": f"/photo/{hit['id']}" for hit in listing["hits"]})
    for name, path in pages.items():
        (out / f"{name}.html").write_bytes(fetch(base.rstrip("/") + path))
    print(f"saved {len(pages)} rendered pages in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], Path(sys.argv[2])))
