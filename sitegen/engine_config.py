"""``[engine]`` of sitegen.toml: which engine runs the line-level reductions, DuckDB's memory settings and
the Spark master and properties.

Kept apart from :mod:`sitegen.config` (which calls :func:`parse_engine`) so that module stays small.
docs/configuration.md and docs/scale.md document the keys; :mod:`sitegen.engines` uses them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

ENGINES = ("pandas", "duckdb", "spark", "auto")
AVAILABLE = ENGINES  # an engine whose package is missing is refused later, with its pip command (sitegen.engines)
# ``auto`` picks DuckDB when the line-level inputs (orders, activities, stage history) hold more bytes than this
AUTO_DUCKDB_BYTES = 1 << 30
_SIZE = re.compile(r"\s*\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Engine:
    """The engine settings. ``memory_limit`` and ``temp_directory`` are DuckDB's (None: DuckDB's defaults)."""

    name: str = "pandas"
    memory_limit: str | None = None      # "4GB": DuckDB spills to temp_directory beyond it
    temp_directory: str | None = None    # where DuckDB spills (relative paths: to the config's folder)
    auto_bytes: int = AUTO_DUCKDB_BYTES  # ``auto``: DuckDB above this many bytes of line-level input
    master: str | None = None            # Spark: "spark://host:7077", "yarn", "local[4]" (None: spark-submit's or local)
    spark_conf: tuple[tuple[str, str], ...] = ()  # Spark: extra properties ("spark.executor.memory", "4g"), sorted


def _name(v: Any) -> bool:
    return isinstance(v, str) and v in ENGINES


def _spark_conf(v: Any) -> bool:
    """A table of Spark property names ("spark.…") to strings, numbers or true/false."""
    return isinstance(v, dict) and all(isinstance(k, str) and k.startswith("spark.") and
                                       isinstance(x, (str, int, float, bool)) for k, x in v.items())


def _conf_text(value: str | int | float | bool) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


KEYS: dict[str, tuple[Callable[[Any], bool | str], str]] = {
    "name": (_name, '"pandas", "duckdb", "spark" or "auto"'),
    "memory_limit": (lambda v: isinstance(v, str) and bool(_SIZE.fullmatch(v)), 'a size like "4GB" or "512MB"'),
    "temp_directory": (lambda v: isinstance(v, str) and bool(v.strip()), "a folder path"),
    "auto_bytes": (lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
                   "a whole number of bytes, 0 or more"),
    "master": (lambda v: isinstance(v, str) and bool(v.strip()), 'a Spark master URL like "spark://host:7077"'),
    "spark_conf": (_spark_conf, 'a table of Spark properties like {"spark.executor.memory" = "4g"}'),
}


def parse_engine(c: Any, raw: Any) -> Engine:
    """``[engine]`` through the config's problem collector ``c`` (``section``, ``add``)."""
    values = c.section(raw, "engine", KEYS)
    if "spark_conf" in values:
        values["spark_conf"] = tuple(sorted((k, _conf_text(v)) for k, v in values["spark_conf"].items()))
    if "master" in values:
        values["master"] = values["master"].strip()
    return Engine(**values)


def engine_problem(name: str) -> str | None:
    """Why ``--engine NAME`` cannot be used (None: it can)."""
    if name not in ENGINES:
        return f"unknown engine {name!r}; engines: " + ", ".join(AVAILABLE)
    return None
