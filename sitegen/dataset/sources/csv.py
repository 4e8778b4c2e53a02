"""CSV files: the bytes of the file, split into text columns by :mod:`sitegen.dataset.read`; rows by file line;
a report footer below the data (:mod:`.footer`) left out with a warning per row."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sitegen.dataset.problems import ProblemLog
from sitegen.dataset.read import read_csv_columns
from sitegen.dataset.sources.base import SourceTable
from sitegen.dataset.sources.footer import skip_footer

__all__ = ["read_bytes", "read_csv"]


def read_csv(path: Path, display: str, table: str, encoding: str | None, log: ProblemLog) -> SourceTable | None:
    """The CSV file's columns; None when it cannot be read at all (the errors are logged)."""
    raw = read_bytes(path, display, log)
    if raw is None:
        return None
    found = read_csv_columns(raw, encoding, display, table, log)
    del raw
    if found is None:
        return None
    columns, lines = skip_footer(found.columns, found.lines, display, log)  # Salesforce's "Grand Totals" …
    return SourceTable(found.headers, columns, lines, display)


def read_bytes(path: Path, display: str, log: ProblemLog, kind: str = "CSV") -> bytes | None:
    """The file's bytes; None (an error logged) when it cannot be read, is empty, or is not a regular file:
    a named pipe would block the build forever, a folder or device is no data file. Opened without blocking
    and checked again once open, so nothing can swap a pipe in between."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return _not_a_file(os.stat(path).st_mode, display, log, kind)
        with open(os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC), "rb") as f:
            mode = os.fstat(f.fileno()).st_mode
            if not stat.S_ISREG(mode):
                return _not_a_file(mode, display, log, kind)
            raw = f.read()
    except OSError as exc:
        log.add(display, 0, "", f"cannot read file: {exc.strerror}", "check the path and permissions")
        return None
    if raw.isspace() or not raw:  # isspace stops at the first other byte: no copy, unlike strip()
        log.add(display, 1, "", "file is empty", "it needs at least a header row with the column names")
        return None
    return raw


def _not_a_file(mode: int, display: str, log: ProblemLog, kind: str) -> None:
    what = "a folder" if stat.S_ISDIR(mode) else "a named pipe" if stat.S_ISFIFO(mode) else \
        "a socket" if stat.S_ISSOCK(mode) else "a device"
    log.add(display, 0, "", f"not a regular file ({what})",
            f"the table must be a {kind} file; check [data] in the config")
