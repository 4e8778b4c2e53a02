"""Engines: what runs the reductions over line-level tables (order lines today; activities and stage history next).

Every engine returns the same :class:`sitegen.metrics.reduce.Reduced` tables, so everything after the
reductions is shared code and the figures cannot depend on the engine (``tests/engines`` builds sites with
each and compares them byte for byte). ``[engine] name`` (or ``--engine``) picks one: ``pandas`` (the
default, in memory), ``duckdb`` (SQL in DuckDB, with a memory limit and spill folder), ``auto`` (DuckDB when
the line-level inputs are larger than ``[engine] auto_bytes``, 1 GiB by default, and DuckDB is installed),
``spark`` (filtering and numbering of the order lines in Spark, local or on a cluster: ``sitegen[spark]``).
docs/scale.md says which to pick.
"""

from __future__ import annotations

import importlib.util
from typing import TYPE_CHECKING, Protocol

import pandas as pd

from sitegen.errors import ConfigError, ConfigProblem

if TYPE_CHECKING:
    from sitegen.config import Config
    from sitegen.dataset import Dataset
    from sitegen.metrics.reduce import Reduced

LINE_TABLES = ("orders", "activities", "stage_history")  # the tables whose size ``auto`` weighs
INSTALL_DUCKDB = "pip install 'sitegen[duckdb]'"
INSTALL_SPARK = "pip install 'sitegen[spark]'"


class Engine(Protocol):
    """One way to compute the reductions: ``reduce`` returns the tables every later step shares."""

    name: str

    def reduce(self, dataset: Dataset, config: Config, as_of: pd.Timestamp) -> Reduced:
        ...


def duckdb_installed() -> bool:
    """Whether the duckdb package can be imported (the optional extra ``sitegen[duckdb]``)."""
    return importlib.util.find_spec("duckdb") is not None


def spark_installed() -> bool:
    """Whether the pyspark package can be imported (the optional extra ``sitegen[spark]``; Spark needs Java too)."""
    return importlib.util.find_spec("pyspark") is not None


def line_level_bytes(config: Config) -> int:
    """The bytes of the line-level input files (a table read from a database or workbook counts 0)."""
    total = 0
    for name in LINE_TABLES:
        t = config.tables[name]
        if t.query or t.table or t.workbook:
            continue
        try:
            path = config.table_path(name)
            total += path.stat().st_size if path.is_file() else 0
        except (OSError, ConfigError):
            continue
    return total


def resolve_name(config: Config) -> str:
    """The engine a build of ``config`` uses: ``auto`` resolved by the size of the line-level inputs."""
    name = config.engine.name
    if name != "auto":
        return name
    return "duckdb" if duckdb_installed() and line_level_bytes(config) > config.engine.auto_bytes else "pandas"


def require_engine(config: Config) -> None:
    """Raise a ConfigError (exit 2) naming the pip command when the configured engine is not installed."""
    if config.engine.name == "duckdb" and not duckdb_installed():
        raise ConfigError([ConfigProblem(config.source, "engine.name", "the duckdb engine needs the duckdb package",
                                         f"install it with: {INSTALL_DUCKDB}")])
    if config.engine.name == "spark" and not spark_installed():
        raise ConfigError([ConfigProblem(config.source, "engine.name", "the spark engine needs the pyspark package",
                                         f"install it with: {INSTALL_SPARK} (and a Java runtime)")])


def loads_lines(config: Config) -> bool:
    """Whether the loader leaves the order lines to the engine: with DuckDB they are read, validated and kept in
    DuckDB (:mod:`sitegen.engines.duckdb_load`), never as a whole pandas frame."""
    require_engine(config)
    return resolve_name(config) == "duckdb"


def engine_for(config: Config) -> Engine:
    """The engine object for ``config`` (ConfigError when it is not installed)."""
    require_engine(config)
    if config.engine.name == "spark":
        from sitegen.engines.spark_engine import SparkEngine
        return SparkEngine(config.engine)
    if resolve_name(config) == "duckdb":
        from sitegen.engines.duckdb_engine import DuckDBEngine
        return DuckDBEngine(config.engine, config.root)
    from sitegen.engines.pandas_engine import PandasEngine
    return PandasEngine()


__all__ = ["Engine", "INSTALL_DUCKDB", "duckdb_installed", "engine_for", "line_level_bytes", "loads_lines",
           "require_engine", "resolve_name"]
