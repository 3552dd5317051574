"""A one-line progress bar on stderr: rows done, total, rows per second (no dependency)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    def __init__(self, phase: str, total: int, out: TextIO | None = None, quiet: bool = False):
        self.phase, self.total, self.done = phase, total, 0
        self.out = out or sys.stderr
        self.quiet = quiet
        self.started = self._last = time.monotonic()
        self.live = self.out.isatty()

    def advance(self, rows: int) -> None:
        self.done += rows
        now = time.monotonic()
        if self.live and not self.quiet and now - self._last >= 0.2:
            self._last = now
            self.out.write("\r" + self.line() + "\x1b[K")
            self.out.flush()

    def line(self) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        share = f" {100 * self.done / self.total:5.1f}%" if self.total else ""
        return (
            f"{self.phase}: {self.done:,}/{self.total:,} rows{share}"
            f" {self.done / elapsed:,.0f} rows/s {elapsed:.1f} s"
        )

    def close(self) -> None:
        if self.quiet:
            return
        prefix, suffix = ("\r", "\x1b[K\n") if self.live else ("", "\n")
        self.out.write(prefix + self.line() + suffix)
        self.out.flush()

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started
