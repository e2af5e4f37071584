"""Crawling a running site: real HTTP servers on 127.0.0.1, and real Chromium for render=True.

The site serves the bundled gallery page as it is on disk, beside pages that
exercise each rule of the crawl: robots.txt, a sitemap index, charsets,
redirects, errors, bounds and a gallery built by JavaScript.
"""

from __future__ import annotations

import gzip
import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Iterator

import pytest

from captionsearch.audit.crawl import crawl, decode_html, normalise_url
from captionsearch.corpus.html import read_html

ROOT = Path(__file__).resolve().parents[2]
GALLERY = (ROOT / "corpus" / "chang-e-4-gallery.html").read_bytes()

Route = tuple[int, dict[str, str], bytes]


def page(body: str, charset: str | None = "utf-8", encoding: str = "utf-8") -> Route:
    content_type = "text/html" + (f"; charset={charset}" if charset else "")
    return 200, {"Content-Type": content_type}, body.encode(encoding)


def links(*hrefs: str) -> str:
    return "<!doctype html><title>t</title><body>" + "".join(f'<a href="{h}">{h}</a>' for h in hrefs) + "</body>"


JS_GALLERY = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Launch day</title>
<script src="/gallery.js" defer></script></head>
<body><h1>Launch day</h1><div id="gallery"></div>
<script>
  const figure = document.createElement("figure");
  figure.innerHTML = '<img src="/images/pad.jpg" alt="The rocket on the launch pad at dawn">' +
                     '<figcaption>Ready on the pad.</figcaption>';
  document.getElementById("gallery").append(figure);
</script></body></html>"""

GALLERY_JS = """
for (const [src, alt] of [["/images/liftoff.jpg", "Liftoff in a cloud of steam"], ["/images/crowd.jpg", "photo"]]) {
  const img = document.createElement("img");
  img.src = src; img.alt = alt;
  document.getElementById("gallery").append(img);
}
const more = document.createElement("a");
more.href = "/about.html"; more.textContent = "About";
document.body.append(more);
"""


def site_routes(base: str) -> dict[str, Route]:
    sitemap_pages = f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
  <url><loc>{base}/gallery/chang-e-4.html</loc>
       <image:image><image:loc>{base}/gallery/images/01-a-soft-landing.jpg</image:loc></image:image></url>
  <url><loc>{base}/latin1.html</loc></url>
  <url><loc>{base}/private/drafts.html</loc></url>
  <url><loc>http://elsewhere.invalid/page.html</loc></url>
</urlset>"""
    sitemap_index = f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>{base}/sitemap-pages.xml.gz</loc></sitemap>
  <sitemap><loc>{base}/sitemap-missing.xml</loc></sitemap>
</sitemapindex>"""
    return {
        "/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private/\n"),
        "/sitemap.xml": (200, {"Content-Type": "application/xml"}, sitemap_index.encode()),
        "/sitemap-pages.xml.gz": (200, {"Content-Type": "application/gzip"}, gzip.compress(sitemap_pages.encode())),
        "/": page(links("/gallery/chang-e-4.html", "gallery/chang-e-4.html#a-soft-landing", "/private/drafts.html",
                        "/missing.html", "/gallery/images/01-a-soft-landing.jpg", "https://elsewhere.invalid/",
                        "mailto:photos@example.org", "/latin1.html", "/meta-charset.html", "/feed", "/redirect",
                        "/away", "/about.html")),
        "/gallery/chang-e-4.html": (200, {"Content-Type": "text/html; charset=utf-8"}, GALLERY),
        "/private/drafts.html": page(links("/")),
        "/latin1.html": page("<!doctype html><title>Caf\u00e9</title><p>Caf\u00e9 \u2014 cr\u00e8me</p>",
                             charset="iso-8859-1", encoding="cp1252"),
        "/meta-charset.html": page('<!doctype html><meta charset="koi8-r"><title>t</title><p>\u041b\u0443\u043d\u0430</p>',
                                   charset=None, encoding="koi8-r"),
        "/feed": (200, {"Content-Type": "application/rss+xml"}, b"<rss/>"),
        "/redirect": (302, {"Location": "/about.html"}, b""),
        "/away": (302, {"Location": "http://elsewhere.invalid/"}, b""),
        "/about.html": page(links("/deep/1.html", "/")),
        "/deep/1.html": page(links("/deep/2.html")),
        "/deep/2.html": page(links("/deep/3.html")),
        "/deep/3.html": page(links("/")),
        "/js-gallery.html": page(JS_GALLERY),
        "/gallery.js": (200, {"Content-Type": "text/javascript"}, GALLERY_JS.encode()),
        "/images/pad.jpg": (404, {}, b""),
    }


@dataclass
class Site:
    """A site on 127.0.0.1: fixed routes, a log of the paths requested, optional hooks per path."""

    routes: dict[str, Route] = field(default_factory=dict)
    hooks: dict[str, Callable[[], None]] = field(default_factory=dict)
    requested: list[str] = field(default_factory=list)
    base: str = ""

    def handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
                site.requested.append(self.path)
                if self.path in site.hooks:
                    site.hooks[self.path]()
                status, headers, body = site.routes.get(self.path, (404, {"Content-Type": "text/html"}, b"gone"))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up first (the time-out test's slow page)

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler


@pytest.fixture
def site() -> Iterator[Site]:
    served = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), served.handler())
    server.daemon_threads = True
    served.base = f"http://127.0.0.1:{server.server_address[1]}"
    served.routes = site_routes(served.base)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield served
    server.shutdown()
    server.server_close()
    thread.join(5)


def urls(result, base: str) -> list[str]:
    return [p.url.removeprefix(base) for p in result.pages]


def test_a_crawl_follows_same_origin_links_breadth_first_and_obeys_robots(site: Site) -> None:
    result = crawl([site.base + "/"], max_depth=1)
    assert urls(result, site.base) == ["/", "/gallery/chang-e-4.html", "/latin1.html", "/meta-charset.html", "/about.html"]
    assert result.errors == (
        f"{site.base}/missing.html: HTTP 404",
        f"{site.base}/away: redirected to another origin (http://elsewhere.invalid/)",
    )
    assert f"{site.base}/private/drafts.html: disallowed by robots.txt" in result.skipped
    assert f"{site.base}/feed: not HTML (application/rss+xml)" in result.skipped
    assert f"{site.base}/deep/1.html: deeper than max-depth 1" in result.skipped
    # Never asked for: the disallowed page, the image (not a page), the second spelling of the gallery.
    assert "/private/drafts.html" not in site.requested and not any(p.endswith(".jpg") for p in site.requested)
    assert site.requested.count("/gallery/chang-e-4.html") == 1 and site.requested.count("/robots.txt") == 1
    # /redirect landed on /about.html, which is listed once, under its own URL.
    assert "/redirect" in site.requested and urls(result, site.base).count("/about.html") == 1


def test_the_gallery_arrives_as_served_and_the_html_reader_finds_its_eleven_photos(site: Site, tmp_path: Path) -> None:
    (gallery,) = [p for p in crawl([site.base + "/gallery/chang-e-4.html"]).pages]
    assert gallery.text == GALLERY.decode("utf-8")
    assert (gallery.status, gallery.content_type) == (200, "text/html")
    found = alts(gallery, tmp_path)
    assert len(found) == 11 and found[0] == "A Soft Landing"


def test_robots_can_be_ignored_when_asked(site: Site) -> None:
    result = crawl([site.base + "/private/drafts.html"], max_depth=0, respect_robots=False)
    assert urls(result, site.base) == ["/private/drafts.html"]
    assert "/robots.txt" not in site.requested


def test_a_sitemap_index_lists_the_pages_and_its_problems_are_one_line_each(site: Site) -> None:
    result = crawl([], sitemap=site.base + "/sitemap.xml", max_depth=0)
    assert urls(result, site.base) == ["/gallery/chang-e-4.html", "/latin1.html"]
    assert result.errors == (f"{site.base}/sitemap-missing.xml: HTTP 404",)
    assert f"{site.base}/private/drafts.html: disallowed by robots.txt" in result.skipped
    assert "http://elsewhere.invalid/page.html: on another origin than the crawl's" in result.skipped
    assert "/gallery/images/01-a-soft-landing.jpg" not in site.requested  # an image:loc is not a page


def test_pages_are_decoded_by_the_header_charset_then_the_meta_one(site: Site) -> None:
    result = crawl([site.base + "/latin1.html", site.base + "/meta-charset.html"], max_depth=0)
    latin1, koi8 = result.pages
    assert "Caf\u00e9 \u2014 cr\u00e8me" in latin1.text  # iso-8859-1 is read as windows-1252, as browsers do
    assert "\u041b\u0443\u043d\u0430" in koi8.text


def test_decoding_a_byte_order_mark_wins_and_unknown_charsets_fall_back_to_utf8() -> None:
    assert decode_html(b"\xef\xbb\xbf<p>\xc3\xa9</p>", "iso-8859-1") == "<p>\u00e9</p>"
    assert decode_html(b"<p>\xc3\xa9</p>", "no-such-charset") == "<p>\u00e9</p>"
    assert decode_html(b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1251"><p>\xcb</p>', None).endswith("\u041b</p>")


def test_max_pages_bounds_the_requests_for_pages(site: Site) -> None:
    result = crawl([site.base + "/"], max_pages=2)
    assert urls(result, site.base) == ["/", "/gallery/chang-e-4.html"]
    assert f"{site.base}/latin1.html: beyond max-pages 2" in result.skipped
    assert [p for p in site.requested if p != "/robots.txt"] == ["/", "/gallery/chang-e-4.html"]


def test_max_depth_counts_links_from_a_start_page(site: Site) -> None:
    result = crawl([site.base + "/about.html"], max_depth=2)
    assert "/deep/2.html" in urls(result, site.base) and "/deep/3.html" not in urls(result, site.base)
    assert f"{site.base}/deep/3.html: deeper than max-depth 2" in result.skipped


def test_a_slow_page_times_out_and_the_crawl_goes_on(site: Site) -> None:
    release = threading.Event()
    site.routes["/slow.html"] = page(links())
    site.hooks["/slow.html"] = lambda: release.wait(10)
    try:
        result = crawl([site.base + "/slow.html", site.base + "/latin1.html"], max_depth=0, timeout=2)
    finally:
        release.set()
    assert result.errors == (f"{site.base}/slow.html: timed out after 2 s",)
    assert urls(result, site.base) == ["/latin1.html"]


def test_unreachable_and_malformed_start_urls_are_one_line_errors() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago, and now refuses
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = crawl([f"http://127.0.0.1:{port}/", "ftp://example.org/", "not a url"])
    assert result.pages == ()
    assert result.errors == (
        "ftp://example.org/: not an http(s) URL",
        "not a url: not an http(s) URL",
        f"http://127.0.0.1:{port}/robots.txt: connection refused (so nothing on http://127.0.0.1:{port} is fetched)",
    )
    assert result.skipped == (f"http://127.0.0.1:{port}/: robots.txt unreadable",)
    assert crawl([f"http://127.0.0.1:{port}/"], respect_robots=False).errors == (f"http://127.0.0.1:{port}/: connection refused",)
    assert all("\n" not in line for line in result.errors)


def test_threads_fetch_a_level_at_once_and_the_order_stays_that_of_the_links(site: Site) -> None:
    # Each of these pages answers only once another of them is being served at the same time:
    # fetched one by one, the barrier breaks and every page answers 500.
    together = threading.Barrier(2, timeout=5)
    site.routes["/"] = page(links(*(f"/c/{n}.html" for n in range(4))))
    for n in range(4):
        site.routes[f"/c/{n}.html"] = page(links())
        site.hooks[f"/c/{n}.html"] = together.wait
    result = crawl([site.base + "/"], concurrency=2)
    assert result.errors == ()
    assert urls(result, site.base) == ["/", "/c/0.html", "/c/1.html", "/c/2.html", "/c/3.html"]


def test_urls_are_normalised_to_one_spelling() -> None:
    assert normalise_url("HTTP://Example.ORG:80/a b?q=1#top") == "http://example.org/a%20b?q=1"
    assert normalise_url("https://example.org") == "https://example.org/"
    assert normalise_url("https://example.org:8443/x") == "https://example.org:8443/x"
    assert normalise_url("javascript:alert(1)") is None


# -- render=True: Chromium -----------------------------------------------------------------------


def alts(page, folder: Path) -> list[str | None]:
    """The alt text of each photo captionsearch's HTML reader finds in a fetched page."""
    path = folder / "page.html"
    path.write_text(page.text, encoding="utf-8")
    problems: list[object] = []
    records = list(read_html(path, report=problems.append))
    assert problems == []
    return [record.alt for record in records]


@pytest.mark.browser
def test_a_gallery_built_by_scripts_is_seen_only_when_rendered(site: Site, tmp_path: Path) -> None:
    served = crawl([site.base + "/js-gallery.html"], max_depth=0)
    assert alts(served.pages[0], tmp_path) == []

    rendered = crawl([site.base + "/js-gallery.html", site.base + "/missing.html"], max_depth=1, render=True)
    first = rendered.pages[0]
    assert first.url == site.base + "/js-gallery.html" and first.content_type == "text/html"
    assert alts(first, tmp_path) == ["The rocket on the launch pad at dawn", "Liftoff in a cloud of steam", "photo"]
    # The link the script added is followed; the missing page is one line; robots.txt still holds.
    assert urls(rendered, site.base) == ["/js-gallery.html", "/about.html"]
    assert rendered.errors == (f"{site.base}/missing.html: HTTP 404",)
    assert f"{site.base}/deep/1.html: deeper than max-depth 1" in rendered.skipped


@pytest.mark.browser
def test_rendering_obeys_robots_and_the_same_origin_rule(site: Site) -> None:
    result = crawl([site.base + "/private/drafts.html", site.base + "/away"], max_depth=0, render=True)
    assert result.pages == ()
    assert result.skipped == (f"{site.base}/private/drafts.html: disallowed by robots.txt",)
    (error,) = result.errors
    assert error.startswith(f"{site.base}/away: ") and "\n" not in error
    assert "/private/drafts.html" not in site.requested


# -- captionsearch audit URL ----------------------------------------------------------------------


def audit_cli(capsys, *argv: str) -> tuple[int, dict]:
    from captionsearch.cli import main

    code = main(["audit", *argv, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_auditing_a_site_by_url_judges_the_gallery_as_served(site: Site, capsys) -> None:
    code, report = audit_cli(capsys, site.base + "/gallery/chang-e-4.html", "--max-depth", "0")
    assert code == 0  # the slide-title alts are warnings, as for the files
    vague = sorted(f["snippet"].split('alt="')[1].split('"')[0] for f in report["findings"] if f["rule"] == "alt-vague")
    assert len(vague) == 9 and "Closing In" in vague and "The Lunar Surface" not in vague
    assert {f["path"] for f in report["findings"]} == {site.base + "/gallery/chang-e-4.html"}
    assert report["summary"]["pages"] == 1 and report["summary"]["images"] == 11


def test_a_start_page_that_cannot_be_fetched_exits_2_and_a_broken_link_is_a_warning(site: Site, capsys) -> None:
    code, report = audit_cli(capsys, site.base + "/missing.html")
    assert code == 2 and report["errors"] == [f"{site.base}/missing.html: HTTP 404"]
    code, report = audit_cli(capsys, site.base + "/", "--max-depth", "1", "--fail-on", "error")
    assert code in (0, 1) and not report["errors"]
    assert f"{site.base}/missing.html: HTTP 404" in report["warnings"]
    assert any("not fetched: disallowed by robots.txt" in w for w in report["warnings"])


def test_urls_and_files_do_not_mix_and_fix_needs_files(site: Site, capsys) -> None:
    from captionsearch.cli import main

    assert main(["audit", site.base + "/", "corpus/"]) == 2
    assert main(["audit", site.base + "/", "--fix"]) == 2
    assert "not both" in capsys.readouterr().err


@pytest.mark.browser
def test_render_audits_a_gallery_built_by_scripts(site: Site, capsys) -> None:
    code, served = audit_cli(capsys, site.base + "/js-gallery.html", "--max-depth", "0")
    assert served["summary"]["images"] == 0
    code, rendered = audit_cli(capsys, site.base + "/js-gallery.html", "--max-depth", "0", "--render")
    assert rendered["summary"]["images"] == 3
    assert [f["rule"] for f in rendered["findings"]] == ["alt-placeholder"]  # alt="photo"
    assert code == 1
