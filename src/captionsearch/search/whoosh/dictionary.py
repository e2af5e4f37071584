"""The spelling dictionary: every folded word of every title, caption and alt text.

One word a line, in a file beside the segments. A per-document field would
cost ~45 postings per photo, a third of all the postings a writer sorts and
writes; the file costs one rewrite per commit. Words are only ever added: a
word whose photos were deleted stays, which is why the search service counts
a suggestion's photos in the live index.
"""

from __future__ import annotations

import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from ..distance import edit_distance
from .files import DICTIONARY_FILE


def extend_dictionary(index_dir: str | os.PathLike[str], words: set[str]) -> None:
    """Add ``words`` to the dictionary file, replacing it whole (never half-written)."""
    path = Path(index_dir) / DICTIONARY_FILE
    known = _read_dictionary(path)
    if words <= known:
        return
    fd, temporary = tempfile.mkstemp(dir=index_dir, prefix=".words-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write("\n".join(sorted(known | words)) + "\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _read_dictionary(path: Path) -> set[str]:
    try:
        return set(path.read_text(encoding="utf-8").split())
    except FileNotFoundError:
        return set()


@dataclass(frozen=True)
class Dictionary:
    words: frozenset[str]
    by_length: dict[int, list[tuple[int, str]]]  # with each word's letter mask

    def candidates(self, word: str, maxdist: int = 2) -> list[str]:
        """Words within ``maxdist`` edits of ``word`` (itself excluded).

        The distance (search.distance) is computed only for words that two
        exact lower bounds leave in: the length difference, and the letters
        one word has and the other lacks (each needs an edit). That is most
        of the time of a misspelt query saved.
        """
        mask = _letter_mask(word)
        found = []
        for length in range(len(word) - maxdist, len(word) + maxdist + 1):
            for other_mask, candidate in self.by_length.get(length, ()):
                if (other_mask & ~mask).bit_count() > maxdist or (mask & ~other_mask).bit_count() > maxdist:
                    continue
                if candidate != word and edit_distance(candidate, word, limit=maxdist) <= maxdist:
                    found.append(candidate)
        return found


_DICTIONARIES: dict[str, tuple[tuple[int, int], Dictionary]] = {}
_DICTIONARIES_LOCK = threading.Lock()


def dictionary(index_dir: str | os.PathLike[str]) -> Dictionary:
    """The index's dictionary, read again only when the file has changed."""
    path = Path(index_dir) / DICTIONARY_FILE
    try:
        stat = path.stat()
        version = (stat.st_mtime_ns, stat.st_size)
    except FileNotFoundError:
        version = (0, 0)
    with _DICTIONARIES_LOCK:
        cached = _DICTIONARIES.get(str(path))
    if cached is not None and cached[0] == version:
        return cached[1]
    words = frozenset(_read_dictionary(path))
    by_length: dict[int, list[tuple[int, str]]] = {}
    for word in sorted(words):
        by_length.setdefault(len(word), []).append((_letter_mask(word), word))
    loaded = Dictionary(words, by_length)
    with _DICTIONARIES_LOCK:
        _DICTIONARIES[str(path)] = (version, loaded)
    return loaded


def _letter_mask(word: str) -> int:
    # Letters sharing a bit only make the bound looser, never wrong.
    mask = 0
    for letter in word:
        mask |= 1 << (ord(letter) & 63)
    return mask
