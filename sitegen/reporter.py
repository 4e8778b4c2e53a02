"""Where build messages go: a terminal (progress), quiet CI logs, or a list in tests.

Library code reports through a :class:`Reporter`; only these classes print.
"""

from __future__ import annotations

import sys
from typing import TextIO


class Reporter:
    """Base reporter: collects messages (used by tests and as the quiet default)."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def info(self, message: str) -> None:
        self.messages.append(message)

    def warn(self, message: str) -> None:
        self.messages.append(message)

    def progress(self, label: str, done: int, total: int) -> None:
        """Called as work advances; the terminal reporter draws it, others ignore it."""

    def timing(self, step: str, seconds: float) -> None:
        """How long a step of the build took; shown with ``--verbose``."""


class StreamReporter(Reporter):
    """Prints messages; draws a one-line progress counter when ``stream`` is a terminal."""

    def __init__(self, stream: TextIO | None = None, err: TextIO | None = None, verbose: bool = False):
        super().__init__()
        self.stream = stream or sys.stdout
        self.err = err or sys.stderr
        self.verbose = verbose
        self.tty = self.stream.isatty()
        self._last = -1

    def info(self, message: str) -> None:
        super().info(message)
        self._clear()
        print(message, file=self.stream)

    def warn(self, message: str) -> None:
        super().warn(message)
        self._clear()
        print(message, file=self.err)

    def timing(self, step: str, seconds: float) -> None:
        if self.verbose:
            self.info(f"time: {step} {seconds:.1f} s")

    def progress(self, label: str, done: int, total: int) -> None:
        """A one-line counter on a terminal (``total`` 0 = unknown); in CI only with --verbose, every 5,000."""
        if not self.tty:
            if self.verbose and done and done // 5000 != self._last:
                self._last = done // 5000
                print(f"{label}: {done}", file=self.stream, flush=True)
            return
        if done == self._last:
            return
        self._last = done
        shown = f"{done}/{total} ({done * 100 // total}%)" if total > 0 else f"{done}"
        self.stream.write(f"\r{label}: {shown}")
        self.stream.flush()

    def _clear(self) -> None:
        if self.tty and self._last >= 0:
            self.stream.write("\r\033[K")
            self._last = -1
