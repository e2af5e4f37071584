"""Fetch the pages of a running site, for ``captionsearch audit URL...``.

``crawl()`` starts from URLs and/or a sitemap, follows links breadth first and
returns every HTML page as served, or with ``render=True`` as Chromium's DOM
once the page has loaded and its scripts have run. It is bounded and polite:

* same origin only: links, sitemap entries and redirects that leave the
  scheme, host and port of a start URL (or of the sitemap) are not fetched;
* at most ``max_pages`` page requests, and pages at most ``max_depth`` links
  from a start page or a sitemap entry;
* each origin's robots.txt is read first and obeyed for every page, start URLs
  included (RFC 9309: a robots.txt answering 4xx allows everything, one that
  cannot be read, 5xx or a network error, allows nothing);
* a request gives up after ``timeout`` seconds; ``concurrency`` threads fetch one
  depth level at a time and results keep the order links were found in, so the
  same site gives the same result however the threads interleave;
* links to files that are not pages (images, PDFs, archives, ...) are not followed.

A site's problems are never raised: each is one line in ``errors``
("https://site/x: HTTP 404"), and each URL left out on purpose one line in
``skipped`` ("https://site/private/: disallowed by robots.txt"). Playwright is
imported only for ``render=True``.
"""

from __future__ import annotations

import gzip
import socket
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from html.parser import HTMLParser
from http.client import HTTPException
from pathlib import PurePosixPath
from typing import Callable, Iterable, Protocol, Sequence
from urllib.parse import quote, urljoin, urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser
from xml.etree import ElementTree

from ..corpus.html_tree import decode_html as decode_page

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
MAX_BYTES = 20 * 2**20  # a bigger "page" is not a page a person reads
MAX_SITEMAPS = 50  # a sitemap index and the sitemaps it lists
NOT_PAGES = frozenset({
    ".avif", ".bmp", ".css", ".csv", ".gif", ".gz", ".ico", ".jpeg", ".jpg", ".js", ".json", ".mp3",
    ".mp4", ".pdf", ".png", ".svg", ".tar", ".tif", ".tiff", ".webm", ".webp", ".woff", ".woff2", ".xml", ".zip",
})


@dataclass(frozen=True)
class FetchedPage:
    """One HTML page: its URL (after redirects), text, HTTP status and media type."""

    url: str
    text: str
    status: int
    content_type: str


@dataclass(frozen=True)
class CrawlResult:
    """The pages fetched in crawl order; one line per problem and per URL left out."""

    pages: tuple[FetchedPage, ...]
    errors: tuple[str, ...]
    skipped: tuple[str, ...]


class FetchFailed(Exception):
    """A request that gave no usable answer; str() is the reason ("HTTP 404", "timed out after 10 s")."""


@dataclass(frozen=True)
class Response:
    url: str  # after redirects
    status: int
    content_type: str
    body: bytes = b""
    charset: str | None = None
    text: str | None = None  # already decoded (a rendered DOM)


class Fetcher(Protocol):
    """Fetches a batch of URLs (over HTTP, or rendered in a browser), in order."""

    def __enter__(self) -> "Fetcher": ...

    def __exit__(self, *exc_info: object) -> None: ...

    def fetch_all(self, urls: Sequence[str]) -> list["Response | FetchFailed"]: ...


def crawl(
    start_urls: Sequence[str],
    *,
    sitemap: str | None = None,
    max_pages: int = 500,
    max_depth: int = 5,
    timeout: float = 10.0,
    concurrency: int = 4,
    respect_robots: bool = True,
    render: bool = False,
    user_agent: str = "captionsearch-audit",
) -> CrawlResult:
    """Fetch the site's pages from ``start_urls`` and ``sitemap`` (see the module's docstring)."""
    if max_pages < 1 or max_depth < 0 or timeout <= 0 or concurrency < 1:
        raise ValueError("max_pages and concurrency must be at least 1, max_depth at least 0, timeout positive")
    errors: list[str] = []
    seeds = _valid_urls(start_urls, errors)
    sitemap_url = normalise_url(sitemap) if sitemap else None
    if sitemap and not sitemap_url:
        errors.append(f"{sitemap}: not an http(s) URL")
    origins = {origin_of(url) for url in [*seeds, *([sitemap_url] if sitemap_url else [])]}
    get = _http_getter(timeout, user_agent)
    skipped: list[str] = []
    if sitemap_url:
        seeds += _same_origin(sitemap_pages(sitemap_url, get, errors), origins, skipped)
    robots = Robots(get, user_agent, errors) if respect_robots else None
    if render:
        from .render import BrowserFetcher  # Playwright: only when asked for

        fetcher: Fetcher = BrowserFetcher({urlsplit(o).hostname or "" for o in origins}, timeout, user_agent)
    else:
        fetcher = ThreadedFetcher(get, concurrency)
    with fetcher:
        pages = _breadth_first(seeds, origins, fetcher, robots, max_pages, max_depth, errors, skipped)
    return CrawlResult(tuple(pages), tuple(errors), tuple(skipped))


def _breadth_first(
    seeds: list[str],
    origins: set[str],
    fetcher: Fetcher,
    robots: Robots | None,
    max_pages: int,
    max_depth: int,
    errors: list[str],
    skipped: list[str],
) -> list[FetchedPage]:
    """Fetch level by level; each level's links make the next one."""
    seen: set[str] = set()
    pages: list[FetchedPage] = []
    requests = 0
    level = seeds
    for depth in range(max_depth + 2):  # the last round only notes the links found too deep
        if not level:
            break
        batch = []
        for url in level:
            if url in seen:
                continue
            seen.add(url)
            if depth > max_depth:
                skipped.append(f"{url}: deeper than max-depth {max_depth}")
            elif robots is not None and (refusal := robots.refusal(url)):
                skipped.append(f"{url}: {refusal}")
            elif requests >= max_pages:
                skipped.append(f"{url}: beyond max-pages {max_pages}")
            else:
                requests += 1
                batch.append(url)
        level = []
        for url, outcome in zip(batch, fetcher.fetch_all(batch)):
            page = _page_from(url, outcome, seen, errors, skipped)
            if page is not None:
                pages.append(page)
                level += _same_origin(links_of(page.url, page.text), origins)
    return pages


def _page_from(url: str, outcome: Response | FetchFailed, seen: set[str], errors: list[str],
               skipped: list[str]) -> FetchedPage | None:
    if isinstance(outcome, FetchFailed):
        errors.append(f"{url}: {outcome}")
        return None
    if outcome.content_type not in HTML_TYPES:
        skipped.append(f"{url}: not HTML ({outcome.content_type or 'no media type'})")
        return None
    if outcome.url != url:
        if outcome.url in seen:
            return None  # a redirect to a page fetched (or to be fetched) already
        seen.add(outcome.url)
    text = outcome.text if outcome.text is not None else decode_html(outcome.body, outcome.charset)
    return FetchedPage(outcome.url, text, outcome.status, outcome.content_type)


def _valid_urls(urls: Iterable[str], errors: list[str]) -> list[str]:
    valid = []
    for url in urls:
        normal = normalise_url(url)
        if normal:
            valid.append(normal)
        else:
            errors.append(f"{url}: not an http(s) URL")
    return valid


def _same_origin(urls: Iterable[str], origins: set[str], skipped: list[str] | None = None) -> list[str]:
    """The URLs on one of ``origins``; the others are noted in ``skipped`` if given."""
    kept = []
    for url in urls:
        if origin_of(url) in origins:
            kept.append(url)
        elif skipped is not None:
            skipped.append(f"{url}: on another origin than the crawl's")
    return kept


# -- URLs and HTML ---------------------------------------------------------------------------------


def normalise_url(url: str) -> str | None:
    """One spelling per page: scheme and host lower case, default port and fragment dropped,
    unsafe characters percent-encoded; None for anything but an absolute http(s) URL."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
        host = (parts.hostname or "").encode("idna").decode("ascii")
    except (ValueError, UnicodeError):
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not host:
        return None
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != {"http": 80, "https": 443}[scheme]:
        netloc += f":{port}"
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    query = quote(parts.query, safe="/%:@!$&'()*+,;=-._~?")
    return urlunsplit((scheme, netloc, path, query, ""))


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base: str | None = None
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if not href:
            return
        if tag == "base" and self.base is None:
            self.base = href
        elif tag in ("a", "area"):
            self.hrefs.append(href)


def links_of(page_url: str, text: str) -> list[str]:
    """The pages a page links to (a and area hrefs, resolved against its <base>), in order."""
    parser = _LinkParser()
    parser.feed(text)
    parser.close()
    base = urljoin(page_url, parser.base) if parser.base else page_url
    links = []
    for href in parser.hrefs:
        url = normalise_url(urljoin(base, href.strip()))
        if url and PurePosixPath(urlsplit(url).path).suffix.lower() not in NOT_PAGES:
            links.append(url)
    return links


def decode_html(body: bytes, header_charset: str | None) -> str:
    """A page's text as a browser decodes it (see ``corpus.html_tree.decode_html``)."""
    return decode_page(body, header_charset or "").text


# -- HTTP ----------------------------------------------------------------------------------------


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        target = normalise_url(urljoin(req.full_url, newurl))
        if target is None or origin_of(target) != origin_of(req.full_url):
            fp.close()
            raise FetchFailed(f"redirected to another origin ({newurl})")
        return super().redirect_request(req, fp, code, msg, headers, target)


def _http_getter(timeout: float, user_agent: str) -> Callable[[str], Response]:
    """A thread-safe GET: the response, or FetchFailed with a one-line reason."""
    opener = urllib.request.build_opener(_SameOriginRedirects())
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

    def get(url: str) -> Response:
        request = urllib.request.Request(url, headers={"User-Agent": user_agent, "Accept": accept})
        deadline = time.monotonic() + timeout
        try:
            with opener.open(request, timeout=timeout) as response:
                body = _read_until(response, deadline, timeout)
                return Response(normalise_url(response.geturl()) or url, response.status,
                                response.headers.get_content_type(), body, response.headers.get_content_charset())
        except urllib.error.HTTPError as exc:
            exc.close()
            raise FetchFailed(f"HTTP {exc.code}") from None
        except urllib.error.URLError as exc:
            raise FetchFailed(_reason(exc.reason, timeout)) from None
        except (OSError, HTTPException) as exc:
            raise FetchFailed(_reason(exc, timeout)) from None

    return get


def _read_until(response, deadline: float, timeout: float) -> bytes:  # type: ignore[no-untyped-def]
    """The body, read in pieces so a server that trickles it still times out as a whole."""
    chunks, size = [], 0
    while chunk := response.read(65536):
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_BYTES:
            raise FetchFailed(f"larger than {MAX_BYTES // 2**20} MB")
        if time.monotonic() > deadline:
            raise FetchFailed(f"timed out after {timeout:g} s")
    return b"".join(chunks)


def _reason(error: object, timeout: float) -> str:
    if isinstance(error, FetchFailed):
        return str(error)
    if isinstance(error, (TimeoutError, socket.timeout)):
        return f"timed out after {timeout:g} s"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, socket.gaierror):
        return "host not found"
    if isinstance(error, HTTPException):
        return f"bad HTTP response ({type(error).__name__})"
    return str(error) or type(error).__name__


class ThreadedFetcher:
    """Plain HTTP: a batch of URLs fetched by ``concurrency`` threads, results in the batch's order."""

    def __init__(self, get: Callable[[str], Response], concurrency: int):
        self._get = get
        self._pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="crawl")

    def __enter__(self) -> ThreadedFetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def fetch_all(self, urls: Sequence[str]) -> list[Response | FetchFailed]:
        return list(self._pool.map(lambda url: _outcome(self._get, url), urls))


def _outcome(get: Callable[[str], Response], url: str) -> Response | FetchFailed:
    try:
        return get(url)
    except FetchFailed as failure:
        return failure


# -- robots.txt and sitemaps -----------------------------------------------------------------------


class Robots:
    """Each origin's robots.txt, read once (RFC 9309)."""

    def __init__(self, get: Callable[[str], Response], user_agent: str, errors: list[str]):
        self._get = get
        self._agent = user_agent
        self._errors = errors
        self._rules: dict[str, RobotFileParser | bool] = {}

    def refusal(self, url: str) -> str | None:
        """Why robots.txt keeps ``url`` from being fetched; None when it does not."""
        origin = origin_of(url)
        if origin not in self._rules:
            self._rules[origin] = self._read(origin)
        rules = self._rules[origin]
        if rules is False:
            return "robots.txt unreadable"
        if rules is True or rules.can_fetch(self._agent, url):
            return None
        return "disallowed by robots.txt"

    def _read(self, origin: str) -> RobotFileParser | bool:
        url = origin + "/robots.txt"
        try:
            response = self._get(url)
        except FetchFailed as failure:
            if str(failure).startswith("HTTP 4"):
                return True  # no robots.txt: everything is allowed
            self._errors.append(f"{url}: {failure} (so nothing on {origin} is fetched)")
            return False
        rules = RobotFileParser(url)
        rules.parse(response.body.decode("utf-8", "replace").splitlines())
        return rules


def sitemap_pages(url: str, get: Callable[[str], Response], errors: list[str]) -> list[str]:
    """The page URLs a sitemap lists, following a sitemap index (gzipped sitemaps too)."""
    queue, pages = [url], []
    seen: set[str] = set()
    while queue and len(seen) < MAX_SITEMAPS:
        current = queue.pop(0)
        if current in seen:
            continue
        seen.add(current)
        try:
            body = get(current).body
            root = ElementTree.fromstring(gzip.decompress(body) if body[:2] == b"\x1f\x8b" else body)
        except FetchFailed as failure:
            errors.append(f"{current}: {failure}")
            continue
        except (ElementTree.ParseError, OSError, EOFError) as exc:
            errors.append(f"{current}: not a sitemap ({exc})")
            continue
        kind, locations = _local(root.tag), _locations(root)
        if kind == "sitemapindex":
            queue += locations
        elif kind == "urlset":
            pages += locations
        else:
            errors.append(f"{current}: not a sitemap (its root element is <{kind}>)")
    return pages


def _locations(root: ElementTree.Element) -> list[str]:
    """The <loc> of each <url> or <sitemap> entry (not an image extension's <image:loc>)."""
    found = []
    for entry in root:
        for child in entry:
            if _local(child.tag) == "loc" and child.text:
                url = normalise_url(child.text)
                if url:
                    found.append(url)
    return found


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]
