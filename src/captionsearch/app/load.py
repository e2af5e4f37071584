"""Turning requests away quickly when the server is past capacity, instead of queueing them.

The server (buffered_worker) stamps each fully read request with the moment
it joined the queue for a thread (``QUEUED_AT``). A request that waited
longer than ``QUEUE_TIMEOUT`` seconds is answered 503 with Retry-After before
any work is done: a queue that old is not shrinking, and the client is
better served by trying again than by waiting behind it. An address longer
than MAX_URI is refused with 414, as gunicorn and most servers do.
"""

from __future__ import annotations

import time

from flask import Flask, Response, current_app, request

from .error_pages import error_response

QUEUED_AT = "captionsearch.queued_at"
MAX_URI = 8190
RETRY_AFTER = 2  # seconds


def init_app(app: Flask) -> None:
    app.before_request(turn_away)


def turn_away() -> Response | None:
    """A 503 for a request that queued too long, a 414 for an over-long address; None to go on."""
    queued_at = request.environ.get(QUEUED_AT)
    timeout = current_app.config["QUEUE_TIMEOUT"]
    if queued_at is not None and timeout and time.monotonic() - queued_at > timeout:
        return error_response(503, "The server is busy. Try again in a moment.", "busy", retry_after=RETRY_AFTER)
    uri = request.environ.get("REQUEST_URI") or request.full_path
    if len(uri) > MAX_URI:
        return error_response(414, f"This address is {len(uri):,} characters long; the server reads at most {MAX_URI:,}.")
    return None
