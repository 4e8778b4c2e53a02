"""Find, read, coerce and validate the input tables into one frozen :class:`Dataset`."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

import pandas as pd

from sitegen.config import TABLES, Config
from sitegen.dataset import validate
from sitegen.dataset.factors import normalise_factors
from sitegen.dataset.load import LINE, Labels, read_table
from sitegen.dataset.problems import Problem, ProblemLog
from sitegen.dataset.schema import SCHEMA

VALIDATORS = {
    "pipeline": validate.validate_pipeline,
    "stage_history": validate.validate_stage_history,
    "orders": validate.validate_orders,
    "customers": validate.validate_customers,
    "targets": validate.validate_periods,
    "channel_costs": validate.validate_periods,
    "feedback": validate.validate_feedback,
    "complaints": validate.validate_complaints,
}


@dataclass(frozen=True)
class Dataset:
    """Every loaded table (canonical columns, typed) plus the problems found on the way."""

    tables: Mapping[str, pd.DataFrame]
    problems: tuple[Problem, ...]
    error_count: int
    warning_count: int
    files: Mapping[str, str] = field(default_factory=dict)  # table -> file as shown in messages
    problem_counts: Mapping[tuple[str, str], int] = field(default_factory=dict)
    snapshots: Mapping[str, pd.DataFrame] = field(default_factory=dict)  # ISO date -> earlier pipeline export

    def get(self, name: str) -> pd.DataFrame | None:
        return self.tables.get(name)

    def has(self, name: str) -> bool:
        return name in self.tables


def display_path(path: Path, root: Path) -> str:
    """The path as people type it: relative to the site root when inside it."""
    try:
        return os.path.relpath(path, root) if path.is_relative_to(root) else str(path)
    except ValueError:
        return str(path)


def load_dataset(config: Config) -> Dataset:
    """Load every table that exists; a missing optional table is simply absent."""
    log = ProblemLog(config.max_problems)
    tables: dict[str, pd.DataFrame] = {}
    ids: dict[str, dict[str, Labels]] = {}
    files: dict[str, str] = {}
    for name in TABLES:
        path = config.table_path(name)
        display = display_path(path, config.root)
        files[name] = display
        if not path.exists():
            continue
        loaded = read_table(path, display, SCHEMA[name], config, log)
        if loaded is None:
            continue
        frame, ids[name] = loaded
        if name in VALIDATORS:
            frame = VALIDATORS[name](frame, display, config, log)
        if name == "pipeline":
            frame = normalise_factors(frame, display, log)
        tables[name] = frame
    if not (config.table_path("pipeline").exists() or config.table_path("orders").exists()):
        log.add(display_path(config.data_dir, config.root), 0, "",
                "neither pipeline nor orders data found",
                f"put {config.tables['pipeline'].file} and/or {config.tables['orders'].file} in the data folder")
    validate.check_references(tables, files, log, ids)
    from sitegen.dataset.snapshots import load_snapshots  # (it imports this package's modules)
    snapshots = load_snapshots(config, log, lambda path: display_path(path, config.root))
    return Dataset(
        tables=MappingProxyType(tables), problems=tuple(log.sorted()), error_count=log.errors,
        warning_count=log.warnings, files=MappingProxyType(files), problem_counts=MappingProxyType(dict(log.counts)),
        snapshots=snapshots,
    )


__all__ = ["Dataset", "Problem", "load_dataset", "LINE"]
