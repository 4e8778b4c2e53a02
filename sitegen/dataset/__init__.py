"""Find, read, coerce and validate the input tables into one frozen :class:`Dataset`."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

import pandas as pd

from sitegen.config import TABLES, Config
from sitegen.config_paths import shown
from sitegen.dataset import validate
from sitegen.dataset.factors import normalise_factors
from sitegen.dataset.load import LINE, Labels, read_table
from sitegen.dataset.problems import Problem, ProblemLog
from sitegen.dataset.schema import SCHEMA
from sitegen.dataset.sources import SourceTable, plan_sources

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
    """The path as people type it: relative to the site root when inside it; the URI of a fetched copy."""
    if (uri := shown(path)) is not None:
        return uri
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
    sources = plan_sources(config, log, lambda path: display_path(path, config.root))
    named: dict[str, SourceTable] = {}  # display -> a table whose problems are renamed (sheet header, row key)
    engine_load = _engine_loader(config)  # the DuckDB engine keeps order lines out of pandas
    for name in TABLES:
        files[name] = display = sources[name].display if name in sources else \
            display_path(config.table_path(name), config.root)
        if name not in sources:
            continue
        read: list[SourceTable] = []
        if engine_load is not None and name in ENGINE_TABLES:
            held = engine_load(sources[name], SCHEMA[name], config, log, read)
            loaded = None if held is None else (held, {})
        else:
            loaded = read_table(sources[name], display, SCHEMA[name], config, log, read)
        if read:
            files[name] = display = read[0].display
            if read[0].keyed or read[0].header_line != 1:
                named[display] = read[0]
        if loaded is None:
            continue
        frame, ids[name] = loaded
        if name in VALIDATORS:
            frame = VALIDATORS[name](frame, display, config, log)
        if name == "pipeline":
            frame = normalise_factors(frame, display, log)
        tables[name] = frame
    if "pipeline" not in sources and "orders" not in sources:
        log.add(config.data_uri or display_path(config.data_dir, config.root), 0, "",
                "neither pipeline nor orders data found",
                f"put {config.tables['pipeline'].file} and/or {config.tables['orders'].file} in the data folder")
    if "pipeline" in tables and "stage_history" not in sources:  # a stage history from any source will do
        validate.lost_without_stage(tables["pipeline"], files["pipeline"], log)
    validate.check_references(tables, files, log, ids)
    from sitegen.dataset.snapshots import load_snapshots  # (it imports this package's modules)
    snapshots = load_snapshots(config, log, lambda path: display_path(path, config.root))
    return Dataset(
        tables=MappingProxyType(tables), problems=tuple(_named(p, named) for p in log.sorted()),
        error_count=log.errors, warning_count=log.warnings, files=MappingProxyType(files), problem_counts=MappingProxyType(dict(log.counts)),
        snapshots=snapshots,
    )


ENGINE_TABLES = ("orders",)  # the line-level tables an engine may load itself


def _engine_loader(config: Config):
    """The engine's loader of :data:`ENGINE_TABLES` (:func:`sitegen.engines.duckdb_load.load_lines` on one
    DuckDB connection per dataset) when the build's engine loads them; None for the pandas loader."""
    from sitegen.engines import loads_lines  # (the engines import this package)
    if not loads_lines(config):
        return None
    from sitegen.engines.duckdb_engine import DuckDBEngine
    from sitegen.engines.duckdb_load import load_lines
    con = DuckDBEngine(config.engine, config.root).connect()
    return lambda source, spec, config, log, read: load_lines(con, source, spec, config, log, read)


def _named(problem: Problem, named: Mapping[str, SourceTable]) -> Problem:
    """The problem with its row named as its source names rows: a workbook's header row, a database row's key
    (``pipeline (opportunity_id=O17)``). Problems are sorted before, so rows keep their order."""
    source = named.get(problem.file)
    if source is None:
        return problem
    file, line = source.place(problem.line)
    return problem if (file, line) == (problem.file, problem.line) else replace(problem, file=file, line=line)


__all__ = ["Dataset", "Problem", "load_dataset", "LINE"]
