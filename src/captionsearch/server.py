"""``captionsearch serve``: the web front end under gunicorn and waitress.

gunicorn is the process manager: it loads the app once, forks ``workers``
processes to use the cores, restarts one that dies and handles signals.
Each worker (buffered_worker.BufferedWorker) serves its share of the
connections with waitress, which reads every request whole without a
thread, so slow clients hold no thread, and runs the app in ``threads``
threads that share one pooled searcher.

Serve first, warm later: the master loads the app and forks its workers at
once, and they answer from the first request, reading what each query
needs. Meanwhile a thread of the master reads what every query needs and
the commonest words' posting lists (WarmingArbiter); when it is done, the
master forks a new set of workers, which share those pages, and retires the
first ones gracefully (each finishes the requests it has). No index file is
open in the master when it forks: each worker opens its own searcher after
the fork (processes sharing a file's read position would read each other's
bytes), and a worker that must be restarted while the master warms waits
for the warming to end.
Port 0 picks a free port; the address actually bound is printed once the
server is listening ("captionsearch: serving on http://HOST:PORT/").
"""

from __future__ import annotations

import ctypes
import gc
import itertools
import os
import sys
import threading
from typing import Any, Callable, Mapping

from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter

from .images import ImageLimits

HEARTBEAT_TIMEOUT = 30  # seconds without a sign of life (its I/O loop stuck) before a worker is restarted
READY_PREFIX = "captionsearch: serving on "
WARM_NICENESS = 10  # the master's warming thread yields the processors to the workers answering
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
        "preload_app": True,  # the app and the tokenizer in the master, shared by the workers
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
        """In the master, before the first fork: the app, and nothing read from the index yet."""
        from . import nlp
        from .app import create_app
        from .search.searching import configure

        configure(query_cache_mb=int(self.settings["query_cache_mb"]))
        nlp.tokenize("warm up")  # the common rules; the rest are compiled while warming
        return _trimming_every(TRIM_EVERY, create_app(app_config(self.settings)))

    def warm_master(self) -> None:
        """In a thread of the master, while the first workers serve: what the next workers will share.

        Decoded posting lists, field lengths and facets are cached by segment,
        not by searcher: read here, the workers forked afterwards inherit them
        as shared pages instead of decoding their own copies. The searcher is
        closed again, so no open index file crosses a fork.
        """
        from .app.findings import import_audit
        from .search.searching import close_pools, warm_up

        import_audit()
        try:
            warm_up(app_config(self.settings)["INDEX_DIR"], frequent_terms=True)
        finally:
            close_pools()
        # Keep the collector off everything loaded so far: its bookkeeping writes
        # would copy the shared pages into each worker after the fork.
        gc.freeze()
        release_free_memory()  # what reading left freed is not worth sharing

    def _warm_worker(self, worker: Any) -> None:
        """In each worker, after the fork and before its first request: its own searcher.

        Whatever the master has read is reused, not read again. A worker forked
        before the master has warmed reads what its queries need as they ask:
        its first one also reads the field lengths and facets (a fraction of a
        second at 100k), while the master's warming runs at a lower priority.
        """
        from .search.searching import open_index

        open_index(app_config(self.settings)["INDEX_DIR"])

    def run(self) -> None:
        try:
            WarmingArbiter(self, self.warm_master).run()
        except RuntimeError as exc:  # as gunicorn's own run() reports a failure to start
            print(f"\nError: {exc}\n", file=sys.stderr, flush=True)
            sys.exit(1)


class WarmingArbiter(Arbiter):
    """gunicorn's master, serving first and warming later (see the module's docstring)."""

    def __init__(self, app: BaseApplication, warm: Callable[[], None]):
        super().__init__(app)
        self._warm = warm
        self._warming: threading.Thread | None = None
        self._warmed = threading.Event()
        self._replaced = False

    def manage_workers(self) -> None:
        if self._warmed.is_set() and not self._replaced:
            self._replaced = True
            for _ in range(self.num_workers):
                self.spawn_worker()  # gunicorn then stops the oldest workers beyond num_workers: the cold ones
        super().manage_workers()
        if self._warming is None and len(self.WORKERS) >= self.num_workers:
            self._warming = threading.Thread(target=self._warm_then_wake, name="captionsearch-warm", daemon=True)
            self._warming.start()

    def spawn_worker(self) -> Any:
        # A fork while the thread holds a lock (the searcher pool's, the cache's)
        # would leave it held forever in the child: wait for the warming to end.
        if self._warming is not None and self._warming is not threading.current_thread():
            self._warming.join()
        return super().spawn_worker()

    def _warm_then_wake(self) -> None:
        try:
            # The workers answering meanwhile come first (Linux gives each thread its own priority).
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), WARM_NICENESS)
        except (AttributeError, OSError):
            pass  # not Linux: the same priority as the rest
        try:
            self._warm()
            self._warmed.set()
        except Exception:  # the first workers go on serving, cold; say why once
            self.log.exception("captionsearch: warming the cache failed")
        finally:
            self.wakeup()  # the main loop forks the warm workers


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
