"""``[engine]`` of sitegen.toml: which engine runs the line-level reductions, and DuckDB's memory settings.

Kept apart from :mod:`sitegen.config` (which calls :func:`parse_engine`) so that module stays small.
docs/configuration.md and docs/scale.md document the keys; :mod:`sitegen.engines` uses them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

ENGINES = ("pandas", "duckdb", "spark", "auto")
AVAILABLE = ("pandas", "duckdb", "auto")  # spark: the seam is ready, the engine is not (docs/scale.md)
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


def _name(v: Any) -> bool | str:
    if not isinstance(v, str) or v not in ENGINES:
        return False
    return v in AVAILABLE or '"pandas", "duckdb" or "auto" (the spark engine is not available yet)'


KEYS: dict[str, tuple[Callable[[Any], bool | str], str]] = {
    "name": (_name, '"pandas", "duckdb" or "auto"'),
    "memory_limit": (lambda v: isinstance(v, str) and bool(_SIZE.fullmatch(v)), 'a size like "4GB" or "512MB"'),
    "temp_directory": (lambda v: isinstance(v, str) and bool(v.strip()), "a folder path"),
    "auto_bytes": (lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
                   "a whole number of bytes, 0 or more"),
}


def parse_engine(c: Any, raw: Any) -> Engine:
    """``[engine]`` through the config's problem collector ``c`` (``section``, ``add``)."""
    return Engine(**c.section(raw, "engine", KEYS))


def engine_problem(name: str) -> str | None:
    """Why ``--engine NAME`` cannot be used (None: it can)."""
    if name not in ENGINES:
        return f"unknown engine {name!r}; engines: " + ", ".join(AVAILABLE)
    if name not in AVAILABLE:
        return f"the {name} engine is not available yet; use pandas, duckdb or auto (docs/scale.md)"
    return None
