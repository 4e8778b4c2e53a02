"""Problems as CI annotations: GitHub Actions workflow commands (``::error file=…,line=…::…``).

``sitegen check --format github`` prints one command per problem; GitHub shows each on the
changed file in the pull request. The plain text form stays :meth:`Problem.format`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable

FORMATS = ("text", "github")
_DATA_ESCAPES = {ord("%"): "%25", ord("\r"): "%0D", ord("\n"): "%0A"}
_PROPERTY_ESCAPES = {**_DATA_ESCAPES, ord(":"): "%3A", ord(","): "%2C"}


def escape_data(text: str) -> str:
    """Escape the message part of a workflow command (after ``::``)."""
    return str(text).translate(_DATA_ESCAPES)


def escape_property(text: str) -> str:
    """Escape a property value (``file=``, ``title=``): also ``:`` and ``,``, which end a property."""
    return str(text).translate(_PROPERTY_ESCAPES)


def workflow_command(level: str, message: str, **properties: Any) -> str:
    """``::level key=value,…::message`` with empty properties left out."""
    props = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items()
                     if value not in (None, "", 0))
    return f"::{level}{' ' + props if props else ''}::{escape_data(message)}"


def repo_path(file: str, root: Path, cwd: Path | None = None) -> str:
    """A problem's file (shown relative to the site root) relative to ``cwd``, the repository root in CI.

    GitHub places annotations by repository-relative path; this keeps them right when the site
    lives in a sub-folder and ``sitegen check --config site/sitegen.toml`` runs from the top.
    """
    path = Path(file)
    path = path if path.is_absolute() else root / path
    cwd = (cwd or Path.cwd()).resolve()
    try:
        return path.resolve().relative_to(cwd).as_posix()
    except ValueError:
        return os.path.relpath(path, cwd) if path.drive == cwd.drive else str(path)


def problem_annotation(problem: Any, root: Path, cwd: Path | None = None) -> str:
    """One data problem (``file, line, column, message, hint, severity``) as a workflow command."""
    level = "error" if problem.severity == "error" else "warning"
    title = f"column {problem.column}" if problem.column else f"sitegen data {level}"
    message = f"{problem.message} ({problem.hint})" if problem.hint else problem.message
    return workflow_command(level, message, file=repo_path(problem.file, root, cwd),
                            line=problem.line or None, title=title)


def config_annotation(problem: Any, cwd: Path | None = None) -> str:
    """One ``sitegen.toml`` problem (``file, key, message, hint``) as an error on the config file."""
    message = f"{problem.key}: {problem.message}" + (f" ({problem.hint})" if problem.hint else "")
    file = repo_path(problem.file, Path.cwd(), cwd) if problem.file.endswith(".toml") else None
    return workflow_command("error", message, file=file, title="sitegen configuration")


def github_annotations(problems: Iterable[Any], warning_count: int, root: Path, *, verbose: bool = False,
                       warnings_shown: int = 10, cwd: Path | None = None) -> list[str]:
    """Every error and the first ``warnings_shown`` warnings (all with ``verbose``), then a notice
    counting the warnings left out, as GitHub shows only a few annotations per step anyway."""
    problems = list(problems)
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity != "error"]
    shown = warnings if verbose else warnings[:warnings_shown]
    lines = [problem_annotation(p, root, cwd) for p in (*errors, *shown)]
    if warning_count > len(shown):
        lines.append(workflow_command(
            "notice", f"{warning_count - len(shown)} more warning(s): run sitegen check -v or see the "
                      "data-quality page", title="sitegen"))
    return lines
