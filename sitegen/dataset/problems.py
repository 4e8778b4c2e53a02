"""Problem records: what is wrong in which file, line and column, and how to fix it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Literal

import numpy as np

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One data problem. ``line`` is the 1-based line in the file (1 = header), 0 when not tied to a line."""

    file: str
    line: int
    column: str
    message: str
    hint: str = ""
    severity: Severity = "error"
    key: str = field(default="", compare=False)  # the message without its value, for the page's translation

    def format(self) -> str:
        """``FILE:LINE: column COLUMN: message (hint)`` — the form editors and CI understand."""
        where = f"{self.file}:{self.line}" if self.line else self.file
        column = f" column {self.column}:" if self.column else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}:{column} {self.message}{hint}"

    def as_dict(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "column": self.column, "message": self.message,
                "hint": self.hint, "severity": self.severity}


class ProblemLog:
    """Collects problems from every stage of loading; keeps the first ``limit`` per kind, counts all."""

    def __init__(self, limit: int = 200):
        self.limit = limit
        self.problems: list[Problem] = []
        self.counts: Counter[tuple[str, str]] = Counter()  # (file, severity) -> count

    def add(self, file: str, line: int, column: str, message: str, hint: str = "",
            severity: Severity = "error", key: str = "") -> None:
        """One problem; ``key`` is the message without the value appended to it (the catalog's key)."""
        self.counts[(file, severity)] += 1
        if len(self.problems) < self.limit:
            self.problems.append(Problem(file, int(line), column, message, hint, severity, key or message))

    def add_rows(self, file: str, lines: Iterable[int] | np.ndarray, column: str, message: str,
                 hint: str = "", severity: Severity = "error", values: Iterable[object] | None = None,
                 per_kind: int = 20) -> None:
        """Report one kind of problem on many rows: the first ``per_kind`` rows in full, the rest as a count."""
        lines = list(lines)
        shown = values if values is not None else [None] * len(lines)
        for i, (line, value) in enumerate(zip(lines, shown)):
            if i == per_kind:
                rest = len(lines) - per_kind
                self.counts[(file, severity)] += rest
                if len(self.problems) < self.limit:
                    self.problems.append(Problem(file, 0, column, f"{message}: {rest} more row(s) like this",
                                                 hint, severity, message))
                break
            text = message if value is None else f"{message}: {_quote(value)}"
            self.add(file, line, column, text, hint, severity, message)

    @property
    def errors(self) -> int:
        return sum(n for (_, sev), n in self.counts.items() if sev == "error")

    @property
    def warnings(self) -> int:
        return sum(n for (_, sev), n in self.counts.items() if sev == "warning")

    def sorted(self) -> list[Problem]:
        """Errors first, then by file and line: a stable order for output and pages."""
        return sorted(self.problems, key=lambda p: (p.severity != "error", p.file, p.line, p.column, p.message))


def _quote(value: object) -> str:
    text = str(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return repr(text)
