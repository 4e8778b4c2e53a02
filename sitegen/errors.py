"""The small exception tree for what must stop a build.

Problems in the data are values (:class:`sitegen.dataset.problems.Problem`) until the
CLI; these exceptions carry them to the edge, where ``cli`` maps them to exit codes.
"""

from __future__ import annotations

import datetime
import traceback
from dataclasses import dataclass
from pathlib import Path

INTERNAL_ERROR = 3  # exit code of a bug (SPEC §7): one line and a saved log, never a bare traceback
ERROR_LOG = "sitegen-error.log"


@dataclass(frozen=True)
class ConfigProblem:
    """One problem in ``sitegen.toml``: which key, what is wrong, how to fix it."""

    file: str
    key: str
    message: str
    hint: str = ""

    def format(self) -> str:
        hint = f" ({self.hint})" if self.hint else ""
        return f"{self.file}: {self.key}: {self.message}{hint}"


class SitegenError(Exception):
    """Base of every error sitegen raises on purpose."""

    exit_code = 1


class ConfigError(SitegenError):
    """The configuration (or a command-line option) is unusable: exit code 2."""

    exit_code = 2

    def __init__(self, problems: list[ConfigProblem]):
        self.problems = problems
        super().__init__("\n".join(p.format() for p in problems))

    def __reduce__(self):  # pickled from a render worker to the parent with its problems
        return type(self), (self.problems,)


class DataError(SitegenError):
    """The input data has errors: exit code 1. ``problems`` holds every problem found."""

    exit_code = 1

    def __init__(self, problems: list):
        self.problems = problems
        errors = sum(1 for p in problems if p.severity == "error")
        super().__init__(f"{errors} data error(s)")

    def __reduce__(self):
        return type(self), (self.problems,)


class BuildLocked(SitegenError):
    """Another build is writing into the same output folder."""

    exit_code = 1


class ForeignOutput(SitegenError):
    """The output folder holds files sitegen did not write; replacing it could lose them."""

    exit_code = 2


class OutputError(SitegenError):
    """Writing the output failed (a full disk, a read-only folder, no permission); the previous output
    is kept and the staging folder removed."""

    exit_code = 1


class WorkerError(RuntimeError):
    """A render worker failed; ``detail`` is the worker's traceback (the parent's says nothing useful)."""

    def __init__(self, detail: str):
        self.detail = detail
        cause = detail.strip().splitlines()[-1] if detail.strip() else "no traceback"
        super().__init__(f"a render worker failed: {cause}")


def summary(exc: BaseException) -> str:
    """One line naming an unexpected exception, for the terminal."""
    text = str(exc).strip().splitlines()
    first = text[0][:200] if text else ""
    if isinstance(exc, WorkerError):
        return first
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


def save_internal_error(exc: BaseException, folder: Path) -> Path | None:
    """Write the traceback of an unexpected exception to ``folder/sitegen-error.log`` (the worker's too,
    for a :class:`WorkerError`); None when the log cannot be written."""
    text = "".join(traceback.format_exception(exc))
    if isinstance(exc, WorkerError):
        text += "\nin the render worker:\n" + exc.detail
    stamp = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    path = folder / ERROR_LOG
    try:
        with path.open("a", encoding="utf-8") as log:
            log.write(f"--- {stamp}\n{text}\n")
    except OSError:
        return None
    return path
