"""gunicorn's worker process, with waitress inside: a request is read whole before it takes a thread.

gunicorn's own threaded worker hands a connection to a thread as soon as its
first byte arrives, and the thread then waits for the rest: a dozen clients
sending a header line every few seconds hold every thread, and the site is
down. Here gunicorn stays the process manager (preloading the app, forking
and watching the workers, restarts, signals), and each worker serves its
share of the listening socket with waitress: one thread reads and writes
every connection without blocking (so a slow client costs a buffer, not a
thread), and only a fully read request goes to the ``threads`` that run the
app. Responses are buffered too, so a slow reader never holds a thread.

Limits, each a setting: ``connection-limit`` open connections per worker;
``read-timeout`` seconds to send a whole request; ``queue-timeout`` seconds a
read request may wait for a free thread before the app answers 503 with
Retry-After at once (the app makes that check, see app/load.py: the worker
stamps each request with the time it was queued). waitress's own answers to
malformed or oversized requests (400, 413, 431) carry the site's security
headers and its JSON error shape.
"""

from __future__ import annotations

import json
import logging
import os
import resource
import socket
import time
from typing import Any

from gunicorn.workers.base import Worker
from waitress import wasyncore
from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.server import TcpWSGIServer
from waitress.task import ErrorTask, ThreadedTaskDispatcher, WSGITask

from .app.error_pages import error_payload
from .app.load import QUEUED_AT
from .app.security import HEADERS

MAX_HEADER_BYTES = 32 * 1024  # request line and headers together
MAX_BODY_BYTES = 1024 * 1024  # the site only answers GET; a body is read only to be refused
LOOP_SECONDS = 1.0  # the I/O loop wakes at least this often: heartbeat, shutdown, master gone
MAINTENANCE_SECONDS = 2  # how often slow and idle connections are looked for
LINGER_SECONDS = 2.0  # after an answer that closes the connection, input is read and dropped this long...
LINGER_BYTES = 256 * 1024  # ...or up to this much, so that the client gets the answer, not a reset
FRESH_SECONDS = 1.0  # a worker stopping still answers a connection it accepted this recently
SERVER_ERROR_CODES = {400: "bad-request", 413: "too-large", 414: "uri-too-long", 431: "headers-too-large",
                      500: "internal-error", 501: "not-implemented"}
SERVER_ERROR_MESSAGES = {
    413: f"The request's body is larger than the server reads ({MAX_BODY_BYTES // 1024:,} KB).",
    431: f"The request's address and headers are larger than the server reads ({MAX_HEADER_BYTES // 1024} KB).",
    500: "The server could not answer this request.",
}


class _QueueTimingDispatcher(ThreadedTaskDispatcher):
    """waitress's thread pool, noting when each request joined the queue.

    Once the oldest waiting request has waited longer than ``queue_timeout``,
    the queue is not keeping up: a new request is then marked as having
    waited too long already and put at the front, so that a thread turns it
    away (503, a millisecond of work) at once instead of after its own wait.
    """

    def __init__(self, queue_timeout: float):
        super().__init__()
        self.queue_timeout = queue_timeout

    def add_task(self, task: Any) -> None:  # the task is the request's channel
        now = time.monotonic()
        with self.lock:
            waiting = next((t.queued_at for t in self.queue if not getattr(t, "shed", False)), now)
            if self.queue_timeout and now - waiting > self.queue_timeout:
                task.shed = True
                task.queued_at = now - self.queue_timeout - 1.0  # the app will turn it away
                self.queue.appendleft(task)
                self.queue_cv.notify()
                return
        task.shed = False
        task.queued_at = now
        super().add_task(task)


class _Task(WSGITask):
    def get_environment(self) -> dict[str, Any]:
        environ = super().get_environment()
        environ[QUEUED_AT] = getattr(self.channel, "queued_at", None)
        return environ


class _ErrorTask(ErrorTask):
    """waitress's answer to a request it refuses itself, in the site's JSON error shape with its headers."""

    def execute(self) -> None:
        error = self.request.error
        code = SERVER_ERROR_CODES.get(error.code, "error")
        message = SERVER_ERROR_MESSAGES.get(error.code) or f"{error.reason}: {error.body}".strip(": ")
        body = json.dumps(error_payload(error.code, message, code)).encode()
        self.status = f"{error.code} {error.reason}"
        self.response_headers.extend([("Content-Type", "application/json"), *HEADERS.items()])
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class _Channel(HTTPChannel):
    """A connection; remembers since when its unfinished request has been arriving, and closes gently.

    Closing a socket that still has unread input makes the kernel send a
    reset, which can destroy the answer before the client reads it (a 431 for
    headers the client is still sending). So the connection is first shut for
    writing, and what the client still sends is read and dropped, for at most
    LINGER_SECONDS or LINGER_BYTES, before it is closed.
    """

    task_class = _Task
    error_task_class = _ErrorTask
    reading_since: float | None = None
    lingering_until: float | None = None
    lingered = 0
    received_any = False

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.opened_at = time.monotonic()

    def unfinished(self, now: float) -> bool:
        """Whether this worker still owes the client an answer: a request in hand or on its way.

        A connection accepted a moment ago counts too: its request may be in
        the socket, not yet read, and closing it unread would reset it.
        """
        fresh = not self.received_any and now - self.opened_at < FRESH_SECONDS
        return bool(self.requests or self.total_outbufs_len or self.reading_since is not None or fresh)

    def received(self, data: bytes) -> bool:
        self.received_any = True
        started = self.request is not None
        result = super().received(data)
        if self.request is None:
            self.reading_since = None
        elif not started or self.reading_since is None:
            self.reading_since = time.monotonic()
        return result

    def handle_close(self) -> None:
        if self.lingering_until is not None or not self.connected:
            return super().handle_close()
        try:
            self.socket.shutdown(socket.SHUT_WR)  # the answer is out: the client sees its end
        except OSError:
            return super().handle_close()
        self.lingering_until = time.monotonic() + LINGER_SECONDS
        self.will_close = self.close_when_flushed = False

    def readable(self) -> bool:
        return True if self.lingering_until is not None else super().readable()

    def writable(self) -> bool:
        return False if self.lingering_until is not None else super().writable()

    def handle_read(self) -> None:
        if self.lingering_until is None:
            return super().handle_read()
        try:
            data = self.socket.recv(65536)
        except OSError:
            data = b""
        self.lingered += len(data)
        if not data or self.lingered > LINGER_BYTES or time.monotonic() > self.lingering_until:
            super().handle_close()

    def linger_expired(self, now: float) -> bool:
        return self.lingering_until is not None and now > self.lingering_until


class _Server(TcpWSGIServer):
    channel_class = _Channel
    read_timeout = 15.0

    def maintenance(self, now: float) -> None:
        """Close idle connections (waitress's own rule) and those too slow to send their request."""
        super().maintenance(now)
        monotonic = time.monotonic()
        cutoff = monotonic - self.read_timeout
        for channel in list(self.active_channels.values()):
            if channel.linger_expired(monotonic):
                channel.handle_close()
            elif channel.reading_since is not None and channel.reading_since < cutoff and not channel.requests:
                channel.will_close = True


class BufferedWorker(Worker):
    """A gunicorn worker serving its sockets with waitress; see the module's docstring."""

    def run(self) -> None:
        settings = self.app.settings  # captionsearch's own (server.CaptionSearchServer)
        _allow_open_files(int(settings["connection_limit"]) + 256)
        logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # a deep queue is shed, not logged per request
        connections: dict[int, Any] = {}
        dispatcher = _QueueTimingDispatcher(float(settings["queue_timeout"]))
        dispatcher.set_thread_count(int(settings["threads"]))
        servers = [self._server(listener, connections, dispatcher, settings) for listener in self.sockets]
        try:
            while self.alive and self.ppid == os.getppid():
                self.notify()
                wasyncore.loop(timeout=LOOP_SECONDS, map=connections, use_poll=True, count=1)
        finally:
            for server in servers:
                server.accepting = False
            self._drain(connections, time.monotonic() + self.cfg.graceful_timeout)
            for server in servers:
                server.close()
            dispatcher.shutdown(cancel_pending=True, timeout=1)

    def _server(self, listener: Any, connections: dict, dispatcher: ThreadedTaskDispatcher, settings: dict) -> _Server:
        sock = listener.sock
        adjustments = Adjustments(
            threads=int(settings["threads"]),
            connection_limit=int(settings["connection_limit"]),
            channel_timeout=int(settings["read_timeout"]),
            cleanup_interval=MAINTENANCE_SECONDS,
            max_request_header_size=MAX_HEADER_BYTES,
            max_request_body_size=MAX_BODY_BYTES,
            asyncore_use_poll=True,  # select() stops at file descriptor 1024
            backlog=self.cfg.backlog,
            ident="captionsearch",
            expose_tracebacks=False,
        )
        server = _Server(self.wsgi, connections, True, sock, dispatcher=dispatcher, adj=adjustments,
                         bind_socket=False, sockinfo=(sock.family, sock.type, sock.proto, sock.getsockname()))
        server.read_timeout = float(settings["read_timeout"])
        return server

    def _drain(self, connections: dict, deadline: float) -> None:
        """Let requests in progress finish and their answers go out, until ``deadline``."""
        while time.monotonic() < deadline and any(
            isinstance(c, _Channel) and c.unfinished(time.monotonic()) for c in list(connections.values())
        ):
            self.notify()
            wasyncore.loop(timeout=0.1, map=connections, use_poll=True, count=1)


def _allow_open_files(wanted: int) -> None:
    """Raise this process's open-file limit towards ``wanted`` (each connection is one)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
