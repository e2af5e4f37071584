"""The index's write lock: Whoosh's own lock, with a pid file that names its holder.

Whoosh's lock is an flock (released when its holder dies); the pid file says
who held it, so a crashed run is reported and cleared and a live one is
named in the error.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any, Callable

from ...errors import IndexLocked
from .files import PID_FILE, WRITE_LOCK

DEAD_HOLDER_WAIT = 10.0  # seconds a dead run's exiting writer processes may take to let go of the lock


class WriterLock:
    """Records which process writes the index, so a stale lock can be told apart."""

    def __init__(self, index_dir: Path):
        self.path = index_dir / PID_FILE
        self.recovered_from: int | None = None

    def take(self, try_lock: Callable[[], bool]) -> None:
        """Take Whoosh's lock with ``try_lock`` (True when it became ours), then record the holder.

        A run killed outright leaves its writer processes exiting for a moment
        (they die with it), and they hold the lock until they are gone: when the
        recorded holder is dead, the lock is tried again for up to
        DEAD_HOLDER_WAIT seconds rather than failing. A live holder is never
        waited for: it is named in the error.
        """
        if not (try_lock() or self._after_dead_holder(try_lock)):
            raise self.locked_error()
        self.acquire()

    def _after_dead_holder(self, try_lock: Callable[[], bool]) -> bool:
        holder = self._read_pid()
        if holder is None or _pid_alive(holder):
            return False
        deadline = time.monotonic() + DEAD_HOLDER_WAIT
        while time.monotonic() < deadline:
            time.sleep(0.05)
            if try_lock():
                return True
        return False

    def acquire(self) -> None:
        """Called once Whoosh's lock is ours: a pid left behind is a crashed writer's."""
        previous = self._read_pid()
        if previous and previous != os.getpid():
            self.recovered_from = previous
        self.path.write_text(f"{os.getpid()}\n", encoding="utf-8")

    def locked_error(self) -> IndexLocked:
        """The error for a lock someone else holds, naming them when the pid file can."""
        holder = self._read_pid()
        if holder and _pid_alive(holder):
            return IndexLocked(
                f"the index in {self.path.parent} is being written by process {holder}: "
                "wait for it to finish (or stop it) and run again"
            )
        return IndexLocked(
            f"the index in {self.path.parent} is locked by another process: wait for it to finish and run again"
        )

    def release(self) -> None:
        if self._read_pid() == os.getpid():
            self.path.unlink(missing_ok=True)

    def _read_pid(self) -> int | None:
        try:
            return int(self.path.read_text(encoding="utf-8").split()[0])
        except (OSError, ValueError, IndexError):
            return None


class IndexLock:
    """An index's write lock, held without writing: for the whole search tier of a run.

    It is Whoosh's own lock (what an IndexWriter takes) with the pid file
    beside it, so a run and a writer exclude each other, a crashed run's lock
    is cleared with a note (``recovered_from``) and a live one is named. The
    folder is created if need be; the index in it is not opened (it may be
    another version's, about to be rebuilt).
    """

    def __init__(self, index_dir: str | os.PathLike[str]):
        self.index_dir = Path(index_dir)
        self.pid = WriterLock(self.index_dir)
        self.recovered_from: int | None = None
        self._lock: Any = None

    def __enter__(self) -> IndexLock:
        from whoosh.filedb.filestore import FileStorage

        self.index_dir.mkdir(parents=True, exist_ok=True)
        self._lock = FileStorage(str(self.index_dir)).lock(WRITE_LOCK)
        self.pid.take(lambda: bool(self._lock.acquire(blocking=False)))
        self.recovered_from = self.pid.recovered_from
        return self

    def __exit__(self, *exc: object) -> None:
        self.pid.release()
        self._lock.release()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
