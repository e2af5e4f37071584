"""Where a page's image reference points on disk, as the site will serve it.

A page's ``src`` is relative to the page (``img/x.png``), to the site's root
(``/assets/x.png``), or built by template code (``{{ "/x.png" | relative_url
}}``, ``{{ site.baseurl }}/img/x.png``). Matching it to the image file lets
the audit read the file's own alt text (IPTC) and treat the page's image and
the file as one photo. Site-root paths are tried against each site root in
turn: the ``site-root`` setting, or by default each audited folder and its
``static/`` and ``public/`` folders (where Hugo, Docusaurus, Astro and Vite
keep files served from the root).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Sequence
from urllib.parse import unquote, urlsplit

from ..corpus.references import is_url
from ..corpus.templates import static_part

STATIC_FOLDERS = ("static", "public")


class SiteRoots:
    """The folders a site-root path ("/assets/x.png") is looked up in, first match wins."""

    def __init__(self, roots: Sequence[Path]) -> None:
        self.roots = [Path(os.path.realpath(root)) for root in roots]

    @classmethod
    def for_paths(cls, paths: Sequence[str | Path], configured: Sequence[str | Path] = ()) -> "SiteRoots":
        """The configured roots, or each audited folder (a file's folder) with its static/ and public/."""
        if configured:
            return cls([Path(root) for root in configured])
        roots: list[Path] = []
        for given in paths:
            folder = Path(given) if Path(given).is_dir() else Path(given).parent
            roots.append(folder)
            roots += [folder / name for name in STATIC_FOLDERS if (folder / name).is_dir()]
        return cls(roots)

    def resolver(self, page: Path) -> Callable[[str], str]:
        """A function from a src as written in ``page`` to the image's file path (POSIX) or URL."""
        folder = Path(os.path.realpath(page.parent))

        def resolve(src: str) -> str:
            reference = static_part(src)
            if not reference or is_url(reference) or reference.startswith("data:"):
                return reference
            local = unquote(urlsplit(reference).path)
            if not local:
                return ""
            if local.startswith("/"):
                return self._under_roots(local.lstrip("/"))
            return os.path.normpath(folder / local).replace(os.sep, "/")

        return resolve

    def _under_roots(self, relative: str) -> str:
        candidates = [os.path.normpath(root / relative).replace(os.sep, "/") for root in self.roots]
        return next((c for c in candidates if os.path.exists(c)), candidates[0] if candidates else "/" + relative)
