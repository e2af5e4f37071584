"""Progress for long runs: records/s and ETA on a terminal, silent in CI and pipes."""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO


def progress_wanted(setting: str, stream: TextIO = sys.stderr) -> bool:
    """``auto`` shows progress only on an interactive terminal outside CI."""
    if setting == "always":
        return True
    if setting == "never":
        return False
    return stream.isatty() and not os.environ.get("CI")


class Progress:
    """A single status line, redrawn at most a few times a second."""

    def __init__(self, label: str, total: int | None, enabled: bool, stream: TextIO = sys.stderr):
        """``total`` None: not known in advance (a streamed input); the line shows no ETA."""
        self.label = label
        self.total = total
        self.enabled = enabled and (total is None or total > 0)
        self.stream = stream
        self.done = 0
        self.started = time.perf_counter()
        self._drawn = 0.0

    def advance(self, count: int = 1) -> None:
        self.done += count
        now = time.perf_counter()
        if self.enabled and (now - self._drawn > 0.25 or self._finished()):
            self._drawn = now
            self.stream.write("\r" + self.line(now) + "\x1b[K")
            self.stream.flush()

    def _finished(self) -> bool:
        return self.total is not None and self.done >= self.total

    def line(self, now: float) -> str:
        elapsed = max(now - self.started, 1e-9)
        rate = self.done / elapsed
        if self.total is None:
            return f"{self.label}: {self.done:,} ({rate:,.0f}/s)"
        remaining = (self.total - self.done) / rate if rate > 0 else 0.0
        return (
            f"{self.label}: {self.done:,}/{self.total:,} ({rate:,.0f}/s, "
            f"ETA {int(remaining // 60)}:{int(remaining % 60):02d})"
        )

    def finish(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()
