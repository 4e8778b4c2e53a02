"""The small exception tree for what must stop a build.

Problems in the data are values (:class:`sitegen.dataset.problems.Problem`) until the
CLI; these exceptions carry them to the edge, where ``cli`` maps them to exit codes.
"""

from __future__ import annotations

from dataclasses import dataclass


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


class DataError(SitegenError):
    """The input data has errors: exit code 1. ``problems`` holds every problem found."""

    exit_code = 1

    def __init__(self, problems: list):
        self.problems = problems
        errors = sum(1 for p in problems if p.severity == "error")
        super().__init__(f"{errors} data error(s)")


class BuildLocked(SitegenError):
    """Another build is writing into the same output folder."""

    exit_code = 1


class ForeignOutput(SitegenError):
    """The output folder holds files sitegen did not write; replacing it could lose them."""

    exit_code = 2
