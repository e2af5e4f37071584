"""Pages that change only when the index does (home, the collection's audit), rendered once per index version.

At 50,000 photos the home page costs about 190 ms (it counts every facet
and scans photos for recent ones) and the audit page a 1.8 MB render;
under load each request paid that again. Here each app (one per worker)
keeps the rendered answer, HTML and JSON apart, until the index changes
(its folder is rewritten by a commit or swapped by a rebuild).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from typing import Callable, Hashable

from flask import Response, current_app

from .negotiation import wants_json

_Kept = tuple[int, list[tuple[str, str]], bytes]


@dataclass
class _Pages:
    lock: threading.Lock = field(default_factory=threading.Lock)
    version: tuple[Hashable, ...] | None = None
    kept: dict[tuple[Hashable, ...], _Kept] = field(default_factory=dict)


def index_version(index_dir: str) -> tuple[Hashable, ...] | None:
    """Changes whenever the index folder is written or replaced; None when there is none."""
    try:
        info = os.stat(index_dir)
    except OSError:
        return None
    return (os.path.abspath(index_dir), info.st_ino, info.st_mtime_ns)


def cached_page(name: str, index_dir: str, render: Callable[[], Response], *extra: Hashable) -> Response:
    """The page ``name`` as rendered for this index version (and ``extra`` key parts), rendering it if need be.

    Only a 200 is kept: an error or a "come back later" is rendered every time.
    """
    version = index_version(index_dir)
    if version is None:
        return render()
    pages: _Pages = current_app.extensions.setdefault("captionsearch.pages", _Pages())
    key = (name, wants_json(), *extra)
    with pages.lock:
        if pages.version != version:
            pages.kept.clear()
            pages.version = version
        kept = pages.kept.get(key)
    if kept is None:
        response = render()
        if response.status_code != 200 or response.direct_passthrough:
            return response
        kept = (response.status_code, list(response.headers.items()), response.get_data())
        with pages.lock:
            if pages.version == version:
                pages.kept[key] = kept
    status, headers, body = kept
    return Response(body, status=status, headers=headers)
