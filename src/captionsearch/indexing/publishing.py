"""A run's search tier is written beside the live index and swapped in whole: all or nothing.

A backend's commits are atomic one by one, and a large run commits every
``commit_every`` records (a single commit for a million photos would make each
writer process spill and merge its postings: measured at 100,000 photos,
45% slower and 750 MB more). So the run writes a copy: ``stage()`` makes
a sibling folder ``<index>.staging`` holding hard links to the live index's
files (segments are never changed once written, so a link costs nothing),
the run commits there as often as it likes, and ``publish()`` swaps the two
folders in one rename (Linux's renameat2 RENAME_EXCHANGE; elsewhere two
renames, a moment apart). Readers see the old index or the new one, never
a part of a run; a run that dies leaves its staging folder, which the next
run deletes. What lives in the index folder without being the index (the
result cache, the thumbnails) stays where it is during the run and is
moved into the new folder after the swap (but for the old index's input
stamps, inputs.py: a run writes its own into the staging copy, or none); the backend says which files are
the index and which are its lock.
"""

from __future__ import annotations

import ctypes
import os
import shutil
from pathlib import Path

from ..search.backend import get_backend
from .inputs import INPUTS_FILE

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def staging_folder(index_dir: Path) -> Path:
    return index_dir.with_name(index_dir.name + ".staging")


def stage(index_dir: Path, fresh: bool) -> Path:
    """An empty staging folder (``fresh``: a rebuild), or one linking the live index's files."""
    staging = staging_folder(index_dir)
    shutil.rmtree(staging, ignore_errors=True)  # a dead run's: the caller holds the index's lock
    staging.mkdir(parents=True)
    if not fresh and index_dir.is_dir():
        backend = get_backend()
        for entry in os.scandir(index_dir):
            if backend.is_index_file(entry.name) and entry.is_file(follow_symlinks=False):
                _link_or_copy(Path(entry.path), staging / entry.name)
    return staging


def discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)


def publish(staging: Path, index_dir: Path) -> None:
    """Swap ``staging`` in as ``index_dir``, move over what is not the index, and delete the old one."""
    if not index_dir.exists():
        staging.rename(index_dir)
        return
    if not _exchange(staging, index_dir):
        retired = index_dir.with_name(index_dir.name + ".old")
        shutil.rmtree(retired, ignore_errors=True)
        index_dir.rename(retired)
        staging.rename(index_dir)
        staging = retired
    backend = get_backend()
    for entry in os.scandir(staging):  # the old index, now: keep what is not the index (nor its lock)
        if entry.name == INPUTS_FILE:
            continue  # the old index's input stamps: they describe the old index
        if not backend.is_index_file(entry.name) and not backend.is_lock_file(entry.name):
            try:
                os.replace(entry.path, index_dir / entry.name)
            except OSError:
                pass  # the new folder made one of its own meanwhile (a thumbnail): the old goes
    shutil.rmtree(staging, ignore_errors=True)


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # a file system without hard links
        shutil.copy2(source, target)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders atomically (Linux); False where the system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    done = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    return int(done) == 0
