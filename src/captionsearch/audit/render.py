"""Pages as Chromium shows them once their scripts have run, for ``captionsearch audit URL --render``.

A gallery built by JavaScript has no images in the HTML the server sends; the
DOM after the page has loaded has them. Playwright drives Debian's Chromium
(or Playwright's own browser where that is absent), quiet: no background
traffic of its own, and no host resolved but the site's and loopback.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Sequence

from ..errors import CaptionSearchError
from .crawl import HTML_TYPES, FetchFailed, Response, normalise_url, origin_of

CHROMIUM = Path("/usr/bin/chromium")  # Debian's; where absent, Playwright's own browser
CHROMIUM_ARGS = ("--disable-gpu", "--disable-quic", "--disable-sync", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update")


class BrowserFetcher:
    """Each page's DOM after it loaded and its scripts ran, in headless Chromium via Playwright.

    Playwright's sync API runs in a thread of its own: it must stay on the thread
    that started it, and cannot start on one where an event loop (or another sync
    Playwright, as in a test session) is running. Pages load one at a time.
    """

    def __init__(self, hosts: set[str], timeout: float, user_agent: str):
        self._hosts = sorted(h for h in hosts if h)
        self._timeout_ms = timeout * 1000
        self._timeout = timeout
        self._agent = user_agent
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="render")
        # Playwright's objects, made on the render thread (typed loosely: Playwright is an optional extra).
        self._playwright: Any = None
        self._browser: Any = None
        self._context: Any = None

    def __enter__(self) -> BrowserFetcher:
        try:
            self._thread.submit(self._start).result()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._thread.submit(self._stop).result()
        self._thread.shutdown(wait=True)

    def fetch_all(self, urls: Sequence[str]) -> list[Response | FetchFailed]:
        return self._thread.submit(lambda: [self._render(url) for url in urls]).result()

    def launch_args(self) -> list[str]:
        """The quiet flags, and a resolver that knows only the site's hosts (and loopback)."""
        allowed = ", ".join(f"EXCLUDE {host}" for host in [*self._hosts, "127.0.0.1", "localhost"])
        return [*CHROMIUM_ARGS, f"--host-resolver-rules=MAP * ~NOTFOUND , {allowed}"]

    def _start(self) -> None:
        try:
            from playwright.sync_api import Error, sync_playwright
        except ImportError:
            raise CaptionSearchError(
                "rendering pages needs Playwright: pip install 'captionsearch[render]' "
                "(and a Chromium: Debian's chromium package, or 'playwright install chromium')"
            ) from None
        self._playwright = sync_playwright().start()
        executable = str(CHROMIUM) if CHROMIUM.exists() else None
        try:
            self._browser = self._playwright.chromium.launch(executable_path=executable, args=self.launch_args())
        except Error as exc:
            raise CaptionSearchError(f"could not start Chromium: {str(exc).splitlines()[0]}") from None
        self._context = self._browser.new_context(user_agent=self._agent)

    def _stop(self) -> None:
        for closable in (self._context, self._browser):
            if closable is not None:
                closable.close()
        if self._playwright is not None:
            self._playwright.stop()

    def _render(self, url: str) -> Response | FetchFailed:
        from playwright.sync_api import Error
        from playwright.sync_api import TimeoutError as PageTimeout

        page = self._context.new_page()
        try:
            response = page.goto(url, wait_until="load", timeout=self._timeout_ms)
            if response is None:
                return FetchFailed("no response")
            if response.status >= 400:
                return FetchFailed(f"HTTP {response.status}")
            final = normalise_url(page.url) or url
            if origin_of(final) != origin_of(url):
                return FetchFailed(f"redirected to another origin ({page.url})")
            media_type = (response.headers.get("content-type") or "").split(";")[0].strip().lower()
            text = page.content() if media_type in HTML_TYPES else ""
            return Response(final, response.status, media_type, text=text)
        except PageTimeout:
            return FetchFailed(f"timed out after {self._timeout:g} s")
        except Error as exc:
            return FetchFailed(str(exc).splitlines()[0])
        finally:
            page.close()
