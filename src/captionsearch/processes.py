"""Child processes that end with the process that started them.

Indexing forks workers (Whoosh's writer processes, the trained pipeline's
pool). If the indexer is killed outright (``kill -9``, the out-of-memory
killer), nothing tells them: they would wait on their queues forever. On
Linux a forked child can ask the kernel for SIGKILL when its parent dies
(prctl PR_SET_PDEATHSIG); every child forked while indexing asks for it,
and so does a job the server starts (die_with_parent). Elsewhere this does
nothing.
"""

from __future__ import annotations

import ctypes
import os
import signal
import threading
from contextlib import contextmanager
from typing import Iterator

_PR_SET_PDEATHSIG = 1
_lock = threading.Lock()
_active = 0  # how many indexing runs in this process want it
_parent_pid = 0
_hooked = False


@contextmanager
def children_die_with_this_process() -> Iterator[None]:
    """While inside, every child forked from this process is killed when this process dies."""
    global _active
    _hook_forks()
    with _lock:
        _active += 1
    try:
        yield
    finally:
        with _lock:
            _active -= 1


def die_with_parent() -> None:
    """Ask for SIGKILL when the process that started this one dies (a job started with subprocess)."""
    parent = os.getppid()
    if _ask_for_death_signal() and os.getppid() != parent:
        os._exit(1)


def _hook_forks() -> None:
    global _hooked
    with _lock:
        if not _hooked:
            os.register_at_fork(before=_note_parent, after_in_child=_in_child)
            _hooked = True


def _note_parent() -> None:
    global _parent_pid
    _parent_pid = os.getpid()


def _in_child() -> None:
    global _active
    if not _active:
        return
    _active = 0  # the child's own children are its business
    if _ask_for_death_signal() and os.getppid() != _parent_pid:
        os._exit(1)  # the parent died between the fork and the request


def _ask_for_death_signal() -> bool:
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return False  # not Linux
    return prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
