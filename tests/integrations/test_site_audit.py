"""docs/ci.md's commands for a running site, run against a site served on 127.0.0.1.

The site is the bundled gallery as its home page, a sitemap listing it, and a
gallery page whose images a script adds (only --render sees those).
"""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest

from .conftest import ROOT, ci_snippet

JS_GALLERY = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Launch</title></head>
<body><h1>Launch</h1><div id="photos"></div>
<script>
for (const [src, alt] of [["pad.jpg", "The rocket on the launch pad at dawn"], ["crowd.jpg", "IMG_2211.JPG"]]) {
  const img = document.createElement("img"); img.src = src; img.alt = alt;
  document.getElementById("photos").append(img);
}
</script></body></html>"""


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def staging(tmp_path_factory) -> Iterator[str]:
    site = tmp_path_factory.mktemp("staging")
    shutil.copy(ROOT / "corpus" / "chang-e-4-gallery.html", site / "index.html")
    (site / "gallery").mkdir()
    (site / "gallery" / "index.html").write_text(JS_GALLERY, encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(site)))
    server.daemon_threads = True
    base = f"http://127.0.0.1:{server.server_address[1]}"
    (site / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{base}/</loc></url></urlset>", encoding="utf-8")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()
    server.server_close()


def commands(base: str) -> list[list[str]]:
    lines = [line.split("  #")[0].strip() for line in ci_snippet("audit-site").splitlines() if line.strip()]
    return [shlex.split(line.replace("https://staging.example.org", base)) for line in lines]


def audit(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    assert argv[:2] == ["captionsearch", "audit"]
    return subprocess.run([sys.executable, "-m", "captionsearch.cli", *argv[1:]], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def test_the_documented_crawl_and_sitemap_commands_audit_the_gallery(staging, tmp_path):
    follow, sitemap, _ = commands(staging)
    for argv in (follow, sitemap):
        run = audit(argv, tmp_path)
        assert run.returncode == 0, run.stderr  # the gallery's vague slide titles are warnings
        assert run.stdout.count("[alt-vague]") == 9 and f"{staging}/:" in run.stdout


@pytest.mark.browser
def test_the_documented_render_command_sees_the_images_a_script_adds(staging, tmp_path):
    render = commands(staging)[2]
    run = audit(render, tmp_path)
    assert run.returncode == 1, run.stderr  # IMG_2211.JPG is an error
    (result,) = json.loads((tmp_path / "audit.sarif").read_text(encoding="utf-8"))["runs"][0]["results"]
    assert result["ruleId"] == "alt-filename"
    assert result["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": f"{staging}/gallery/"}
