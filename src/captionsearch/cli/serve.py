"""``captionsearch serve``: the web front end, served by the production server."""

from __future__ import annotations

import argparse
from typing import Any

from ..settings import load_settings
from .common import index_option, overrides


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "serve",
        help="serve the web front end with a production WSGI server",
        description="Serve search, photo pages and the audit report over HTTP with gunicorn and "
        "waitress (worker processes use both cores; each reads requests whole before its threads "
        "answer them, so slow clients hold no thread, and turns requests away with 503 and "
        "Retry-After when it falls behind by queue-timeout). The index is reopened automatically "
        "after 'captionsearch index' changes it. It answers as soon as it has started; the commonest "
        "words' posting lists are read in the background meanwhile, and new workers that share them "
        "then take over from the first ones. Limits: connection-limit, read-timeout, "
        "queue-timeout (see 'captionsearch settings').",
    )
    index_option(parser)
    parser.add_argument("--host", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default: 8000; 0 picks a free one)")
    parser.add_argument("--workers", type=int, help="worker processes (default: 2)")
    parser.add_argument("--threads", type=int, help="threads per worker (default: 4)")
    parser.set_defaults(func=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    from ..server import run_server

    settings = load_settings(overrides(args, "index_dir", "host", "port", "workers", "threads"))
    return run_server(settings)
