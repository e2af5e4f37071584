"""What an image reference in a corpus file points at.

Records from different sources describe the same photo when their ``image``
is equal, so every reader turns references into one canonical form: the
resolved absolute POSIX path of a local file, or the URL unchanged.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

# Two letters at least, so a Windows drive ("C:") is not taken for a scheme.
_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]+:|//)", re.IGNORECASE)


def is_url(reference: str) -> bool:
    """http(s) and other scheme URLs, and protocol-relative ones ("//host/x"); not file: URLs."""
    return bool(_URL.match(reference)) and not reference.lower().startswith("file:")


def resolve_image(reference: str, referrer: Path, site_page: bool = False) -> str:
    """The canonical ``image`` for ``reference`` as written in the file ``referrer``.

    Local references are resolved relative to the referring file's folder;
    a query or fragment is dropped and %-escapes decoded, as a browser would
    when it loads the file. In a page (``site_page``) a root-relative
    "/images/x.jpg" is taken relative to the page's folder, the only site root
    a folder of files has (as the HTML reader does); in a manifest it is an
    absolute path.
    """
    reference = reference.strip()
    if is_url(reference):
        return reference
    if reference.lower().startswith("file://"):
        local = unquote(urlsplit(reference).path)
    else:
        local = unquote(reference.split("#", 1)[0].split("?", 1)[0])
        if site_page:
            local = local.lstrip("/")
    return _resolve_local(str(referrer.parent / local))


def _resolve_local(path: str) -> str:
    """``Path(path).resolve()``, asking the file system about the file's folder only once.

    Resolving asks about every folder on the way to the file; the photos of
    a manifest share one folder or a few, so for each photo only its own name
    is looked at (a symbolic link is still followed).
    """
    folder, name = os.path.split(os.path.join(os.getcwd(), path))  # absolute: the cache outlives a chdir
    if name in ("", ".", ".."):
        return _resolved(path)
    resolved = f"{_resolve_folder(folder).rstrip('/')}/{name}"
    if os.path.islink(resolved):
        return _resolved(resolved)
    return resolved


@lru_cache(maxsize=256)
def _resolve_folder(folder: str) -> str:
    return _resolved(folder)


def _resolved(path: str) -> str:
    """``Path(path).resolve()``; a symbolic link loop is left as written (the image check reports it).

    pathlib raises RuntimeError on a loop, which would end the whole reading.
    """
    try:
        return Path(path).resolve().as_posix()
    except (RuntimeError, OSError):
        return Path(os.path.abspath(path)).as_posix()


def forget_resolved_folders() -> None:
    """Clear the folders remembered by resolve_image (before each reading of a corpus)."""
    _resolve_folder.cache_clear()
