"""Screenshots of the main pages at desktop (1280 px) and phone (375 px) widths.

    .venv/bin/python docs/screenshots/make_screenshots.py

Indexes the bundled gallery (with entities) into a temporary folder, serves
it with ``captionsearch serve`` on 127.0.0.1 and photographs each page with
Playwright and Debian's Chromium (/usr/bin/chromium), offline.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_web import Server, _wait_ready  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--disable-gpu", "--disable-quic", "--disable-sync", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1, EXCLUDE localhost"]
PAGES = {"home": "/", "search": "/search?q=rover", "photo": "/photo/the-rover", "audit": "/audit",
         "rule": "/rules/alt-vague"}
WIDTHS = {"desktop": (1280, 900), "phone": (375, 812)}


def main() -> int:
    from captionsearch.indexing import IndexOptions, index_corpus

    with tempfile.TemporaryDirectory(prefix="screenshots-") as scratch:
        index_dir = Path(scratch) / "index"
        index_corpus([ROOT / "corpus"], index_dir, IndexOptions(entities=True))
        with Server(str(index_dir), 1, 4, scratch) as server, sync_playwright() as playwright:
            _wait_ready(server.host, server.port)
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                for device, (width, height) in WIDTHS.items():
                    context = browser.new_context(viewport={"width": width, "height": height},
                                                  device_scale_factor=1, color_scheme="light",
                                                  base_url=f"http://{server.host}:{server.port}")
                    page = context.new_page()
                    for name, url in PAGES.items():
                        page.goto(url, wait_until="networkidle")
                        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # load lazy images
                        page.wait_for_load_state("networkidle")
                        page.evaluate("window.scrollTo(0, 0)")
                        target = HERE / f"{name}-{device}.png"
                        page.screenshot(path=str(target), full_page=device == "desktop" or name != "audit")
                        print(target.relative_to(ROOT))
                    context.close()
            finally:
                browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
