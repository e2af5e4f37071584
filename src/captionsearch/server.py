"""``captionsearch serve``: the web front end under gunicorn and waitress.

gunicorn is the process manager: it loads the app once, forks ``workers``
processes to use the cores, restarts one that dies and handles signals.
Each worker (buffered_worker.BufferedWorker) serves its share of the
connections with waitress, which reads every request whole without a
thread, so slow clients hold no thread, and runs the app in ``threads``
threads that share one pooled searcher. The app, the tokenizer and the
commonest words' decoded posting lists are loaded once, before the fork,
so the workers share those pages; each worker opens its own searcher after
the fork, so no open index file crosses one (processes sharing a file's read
position would read each other's bytes).
Port 0 picks a free port; the address actually bound is printed once the
server is ready ("captionsearch: serving on http://HOST:PORT/").
"""

from __future__ import annotations

import ctypes
import gc
import itertools
import os
import sys
from typing import Any, Callable, Mapping

from gunicorn.app.base import BaseApplication

from .images import ImageLimits

HEARTBEAT_TIMEOUT = 30  # seconds without a sign of life (its I/O loop stuck) before a worker is restarted
READY_PREFIX = "captionsearch: serving on "
TRIM_EVERY = 64  # requests a worker serves between handing its freed memory back


def app_config(settings: Mapping[str, Any]) -> dict[str, Any]:
    """The Flask config for the project settings (index_dir, cache_dir, limit)."""
    index_dir = os.path.abspath(settings["index_dir"])
    cache_dir = settings.get("cache_dir") or os.path.join(index_dir, "thumbnails")
    return {
        "INDEX_DIR": index_dir,
        "CACHE_DIR": os.path.abspath(cache_dir),
        "RESULTS_PER_PAGE": int(settings.get("limit") or 10),
        "IMAGE_LIMITS": ImageLimits.from_settings(settings) if "image_max_pixels" in settings else ImageLimits(),
        "QUEUE_TIMEOUT": float(settings.get("queue_timeout") or 0),
    }


def gunicorn_options(settings: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "bind": f"{settings['host']}:{int(settings['port'])}",
        "workers": int(settings["workers"]),
        "threads": int(settings["threads"]),
        "worker_class": "captionsearch.buffered_worker.BufferedWorker",
        "timeout": HEARTBEAT_TIMEOUT,
        "graceful_timeout": 10,
        "preload_app": True,  # the app and spaCy's tokenizer in the master, shared by the workers
        "accesslog": settings.get("access_log") or None,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "captionsearch",
        "when_ready": _announce,
    }


def _announce(arbiter: Any) -> None:
    """Print the bound address(es): with port 0 this is how callers learn the port."""
    for listener in arbiter.LISTENERS:
        host, port = listener.sock.getsockname()[:2]
        shown = f"[{host}]" if ":" in host else host
        print(f"{READY_PREFIX}http://{shown}:{port}/", flush=True)


class CaptionSearchServer(BaseApplication):
    """gunicorn configured from our settings, not from its command line."""

    def __init__(self, settings: Mapping[str, Any]):
        from .settings import SETTINGS

        self.settings = {**{s.name: s.default for s in SETTINGS}, **settings}
        super().__init__()

    def load_config(self) -> None:
        for name, value in gunicorn_options(self.settings).items():
            self.cfg.set(name, value)
        self.cfg.set("post_worker_init", self._warm_worker)

    def load(self) -> Any:
        """In the master, before the fork: nothing opened here may stay open across it."""
        from . import nlp
        from .app import create_app
        from .search.searching import close_pools, configure, warm_up

        configure(query_cache_mb=int(self.settings["query_cache_mb"]))
        nlp.tokenize("warm up")
        config = app_config(self.settings)
        app = create_app(config)
        # Decoded posting lists, field lengths and facets are cached by segment,
        # not by searcher: read here, every worker inherits them as shared pages
        # instead of decoding its own copy. The searcher is closed again, so no
        # open index file crosses the fork.
        warm_up(config["INDEX_DIR"], frequent_terms=True)
        close_pools()
        # Keep the collector off everything loaded so far: its bookkeeping writes
        # would copy the shared pages into each worker after the fork.
        gc.freeze()
        release_free_memory()  # what reading left freed is not worth sharing
        return _trimming_every(TRIM_EVERY, app)

    def _warm_worker(self, worker: Any) -> None:
        """In each worker, after the fork and before its first request: its own searcher.

        The posting lists the master read are reused, not read again, and no
        more are read here: what a worker reads is its own, not shared.
        """
        from .search.searching import warm_up

        warm_up(app_config(self.settings)["INDEX_DIR"], frequent_terms=False)


def release_free_memory() -> None:
    """Hand the allocator's free pages back to the system (glibc's malloc_trim; elsewhere nothing).

    A request's arrays are freed when it ends, but the allocator keeps the
    pages for the next one, in every thread's arena: a worker's memory grows
    to the sum of its threads' largest requests, and stays there.
    """
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


def _find_malloc_trim() -> Callable[[int], int] | None:
    # The running process's own symbols: no library search (find_library runs ldconfig).
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None  # not glibc


_MALLOC_TRIM = _find_malloc_trim()


def _trimming_every(requests: int, app: Callable[..., Any]) -> Callable[..., Any]:
    """The WSGI ``app``, releasing free memory after every ``requests`` requests it answers."""
    served = itertools.count(1)

    def trimming(environ: Any, start_response: Any) -> Any:
        try:
            return app(environ, start_response)
        finally:
            if next(served) % requests == 0:
                release_free_memory()

    return trimming


def run_server(settings: Mapping[str, Any]) -> int:
    """Serve until interrupted; returns the exit code."""
    server = CaptionSearchServer(settings)
    try:
        server.run()
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


if __name__ == "__main__":  # pragma: no cover - convenience for manual runs
    from .settings import load_settings

    sys.exit(run_server(load_settings()))
