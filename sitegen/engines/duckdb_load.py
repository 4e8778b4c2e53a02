"""The DuckDB engine's loader for line-level tables (order lines today): the rows go into DuckDB, never into
a whole pandas frame, and are checked there with the same problems the pandas loader reports.

A plain UTF-8 CSV file is read by DuckDB itself, anything else by the reader every source shares, and the
header is resolved by the loader's own rules (:mod:`sitegen.engines.duckdb_read` says which file goes where),
so reading problems cannot differ. Each column then gets its type: the *distinct* cells of a date or number
column are parsed once by the loader's parsers (:func:`sitegen.dataset.parse.read_dates`,
:func:`parse_amounts`) and looked up batch by batch, and the rows of bad cells are reported in file order,
with the messages and hints of :mod:`sitegen.dataset.load`. The dataset then holds an :class:`EngineFrame`
for the table: no rows, the table's columns, and the :class:`LineTable` the DuckDB engine reduces; pandas
code that tries to filter it fails loudly instead of seeing zero rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sitegen.dataset.problems import ProblemLog
from sitegen.errors import ConfigError, ConfigProblem

if TYPE_CHECKING:
    import duckdb

    from sitegen.config import Config
    from sitegen.dataset.schema import Column, TableSpec
    from sitegen.dataset.sources import Source, SourceTable

LINE = "_line"
NUMBER_HINT = "write digits like 1234.50; ¥, $ and thousands separators are fine"
BATCH = 1 << 15  # rows per batch when a table gets its types
DTYPES = {"date": "datetime64[ns]", "amount": float, "number": float, "probability": float}


class EngineTableError(ConfigError):
    """pandas code reached for the rows of a table that the DuckDB engine holds (an audience's slice, say):
    a configuration this engine does not run yet, exit code 2 with a hint, never figures without those rows."""

    def __init__(self, what: str) -> None:
        super().__init__([ConfigProblem("sitegen.toml", "engine.name", f"{what}: its rows are held by the duckdb "
                                        "engine, and this step selects them in pandas",
                                        "build it with --engine pandas; docs/scale.md says what the duckdb engine does not run yet")])


@dataclass(eq=False)
class LineTable:
    """A validated line-level table inside DuckDB: ``name`` in ``con``, rows ordered by ``pos`` (file order), a
    ``_line`` column and the typed canonical ``columns``."""

    con: Any  # duckdb.DuckDBPyConnection (kept open as long as a frame refers to it)
    name: str
    display: str
    columns: tuple[str, ...]
    rows: int

    def sql(self, query: str, params: object = None) -> pa.Table:
        """A query's rows as arrow (``{t}`` in ``query`` is the table)."""
        return _arrow(self.con.sql(query.format(t=self.name), params=params))


class EngineFrame(pd.DataFrame):
    """The dataset's stand-in for a table held by the DuckDB engine: no rows, the table's columns, and the
    :class:`LineTable` as ``engine``. Dropping columns keeps the engine (privacy's never_publish drops them
    from what the engine reads too); selecting rows raises :class:`EngineTableError`; ``len`` is the table's."""

    _metadata = ["engine"]

    @property
    def _constructor(self):
        return EngineFrame

    def __getitem__(self, key):
        if isinstance(key, (np.ndarray, pd.Series, pd.Index, list)) and getattr(np.asarray(key), "dtype", None) == bool:
            raise EngineTableError(self._what())
        return super().__getitem__(key)

    def __len__(self) -> int:
        """The table's row count (data-quality pages count rows with ``len``); the frame itself has none."""
        engine = getattr(self, "engine", None)
        return engine.rows if engine is not None else super().__len__()

    @property
    def loc(self):
        raise EngineTableError(self._what())

    @property
    def iloc(self):
        raise EngineTableError(self._what())

    def _what(self) -> str:
        engine = getattr(self, "engine", None)
        return engine.display if engine is not None else "a line-level table"


def engine_table(frame: pd.DataFrame | None) -> LineTable | None:
    """The DuckDB table behind ``frame`` (None for an ordinary frame)."""
    return getattr(frame, "engine", None) if isinstance(frame, EngineFrame) else None


def placeholder(table: LineTable, spec: TableSpec) -> EngineFrame:
    """The zero-row frame the dataset holds for ``table``: its columns with their loaded dtypes."""
    kinds = {c.name: c.kind for c in spec.columns}
    data = {LINE: pd.Series(dtype=np.int64)}
    for name in table.columns:
        data[name] = pd.Series(dtype=DTYPES.get(kinds.get(name, ""), object))
    frame = EngineFrame(data)
    frame.engine = table
    return frame


def load_lines(con: duckdb.DuckDBPyConnection, source: Source, spec: TableSpec, config: Config, log: ProblemLog,
               read: list[SourceTable] | None) -> EngineFrame | None:
    """What :func:`sitegen.dataset.load.read_table` does, the rows kept in DuckDB: None when the table cannot
    be used at all (errors logged), else its :class:`EngineFrame`. Problems are logged in the same order."""
    from sitegen.engines.duckdb_read import drop_raw, lines_schema, read_lines

    name = f"{lines_schema(con)}.{spec.name}"  # compressed in memory where DuckDB can
    raw = f"{name}_raw"
    display = read_lines(con, source, spec, config, log, read, raw)
    if display is None:
        return None
    present = [c for c in spec.columns if c.name in set(con.table(raw).columns)]
    maps = [_column_map(con, raw, col, f"map_{i}", display, config, log) for i, col in enumerate(present)]
    _typed_table(con, raw, name, present, maps)
    for i in range(len(present)):
        con.execute(f"DROP TABLE map_{i}")
    drop_raw(con, raw)
    rows = con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0]
    from sitegen.engines.duckdb_engine import release_memory
    release_memory()
    return placeholder(LineTable(con, name, display, tuple(c.name for c in present), int(rows)), spec)


def _typed_table(con: duckdb.DuckDBPyConnection, raw: str, name: str, present: list[Column],
                 maps: list[tuple[pa.Array, pa.Array]]) -> None:
    """Table ``name``: ``pos``, ``_line`` and each column of ``raw`` as its value, looked up in its map
    (distinct cell -> value) batch by batch in arrow: no join, so memory stays about one batch however
    many columns (13 hash joins at once held over 100 MiB of DuckDB's buffers for 100,000 lines)."""
    reader = con.cursor()  # a second connection streams ``raw`` (a main-schema table) while this one inserts
    try:
        columns = ", ".join(["pos", LINE, *(c.name for c in present)])
        relation = reader.sql(f"SELECT {columns} FROM {raw}")
        batches = (getattr(relation, "to_arrow_reader", None) or relation.fetch_record_batch)(BATCH)
        first = True
        for part in batches:
            arrays = {"pos": part.column(0), LINE: part.column(1)}
            for i, (col, (cells, values)) in enumerate(zip(present, maps)):
                arrays[col.name] = pc.take(values, pc.index_in(part.column(i + 2), value_set=cells))
            typed_in = pa.table(arrays)  # noqa: F841 (DuckDB reads the Python variable by its name)
            con.register("typed_in", typed_in)
            con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM typed_in" if first
                        else f"INSERT INTO {name} SELECT * FROM typed_in")
            con.unregister("typed_in")
            first = False
        if first:  # no rows: the columns with their types
            empty = {"pos": pa.array([], pa.int64()), LINE: pa.array([], pa.int64())}
            empty.update({c.name: values.slice(0, 0) for c, (_, values) in zip(present, maps)})
            typed_in = pa.table(empty)  # noqa: F841
            con.register("typed_in", typed_in)
            con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM typed_in")
            con.unregister("typed_in")
    finally:
        reader.close()


def _column_map(con: duckdb.DuckDBPyConnection, raw: str, col: Column, mapping: str, display: str,
                config: Config, log: ProblemLog) -> tuple[pa.Array, pa.Array]:
    """Table ``mapping`` (cell -> value) for column ``col`` of ``raw``, built from its distinct cells by the
    loader's own parsers, and the column's problems logged as ``sitegen.dataset.load._coerce`` logs them;
    returns the map's cells and values."""
    from sitegen.dataset.load import MAX_CELL
    from sitegen.dataset.parse import parse_amounts, parse_probabilities, read_dates

    found = con.sql(f"SELECT DISTINCT {col.name} AS cell FROM {raw} WHERE {col.name} IS NOT NULL")
    cells = _arrow(found).column("cell").combine_chunks().cast(pa.string())
    flags: dict[str, np.ndarray] = {}
    blank = _blank(cells)
    if col.kind == "date":
        parsed, bad, outside = read_dates(cells, dayfirst=config.rules.dayfirst)
        value = pa.array(parsed.to_numpy(dtype="datetime64[ns]"), type=pa.timestamp("ns"))
        hint = "use 2026-03-05, 2026/3/5, 20260305 or 2026年3月5日"
        if not config.rules.dayfirst:
            hint += "; for day-first dates like 13/5/2026 set [rules] dayfirst = true"
        flags["bad"], flags["outside"] = bad.to_numpy(dtype=bool), outside.to_numpy(dtype=bool)
        reports = [("bad", "not a date", hint), ("outside", "date out of range", _range_hint())]
    elif col.kind in ("amount", "number", "probability"):
        if col.kind == "probability":
            parsed, bad = parse_probabilities(cells)
            reports = [("bad", "not a probability", "use 0-1 (0.4) or a percentage (40 or 40%)")]
        else:
            parsed, bad = parse_amounts(cells)
            reports = [("bad", "not a number", NUMBER_HINT)]
        numbers = parsed.to_numpy(dtype=float)
        flags["bad"] = bad.to_numpy(dtype=bool)
        if col.kind != "probability" and col.non_negative:
            flags["negative"] = numbers < 0
            reports.append(("negative", "must not be negative", ""))
            numbers = np.where(flags["negative"], np.nan, numbers)
        value = pa.array(numbers, type=pa.float64(), from_pandas=True)
    else:
        trimmed = pc.utf8_trim_whitespace(cells)
        lengths = pc.utf8_length(trimmed).to_numpy(zero_copy_only=False)
        words = trimmed.to_numpy(zero_copy_only=False).astype(object)
        words[lengths == 0] = None
        flags["long"] = lengths > MAX_CELL
        if flags["long"].any():
            words[flags["long"]] = np.array([w[:MAX_CELL] + "…" for w in words[flags["long"]]], dtype=object)
        blank = lengths == 0
        value = pa.array(words, type=pa.string())
        reports = [("long", f"cell longer than {MAX_CELL:,} characters; cut", "shorten it in the source", "warning")]
    table = {"cell": cells, "value": value, "blank": pa.array(blank)}
    table.update({name: pa.array(mask) for name, mask in flags.items()})
    map_in = pa.table(table)
    con.register("map_in", map_in)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {mapping} AS SELECT * FROM map_in")
    con.unregister("map_in")
    for flag, message, hint, *severity in reports:
        if not flags[flag].any():
            continue
        shown = flag != "long"  # the long-cell warning names rows only
        _report(con, log, display, f"SELECT r.{LINE} AS line, r.{col.name} AS cell FROM {raw} r JOIN {mapping} m "
                f"ON r.{col.name} = m.cell WHERE m.{flag} ORDER BY r.pos", col.name, message, hint,
                severity[0] if severity else "error", shown)
    if col.value_required:
        _report(con, log, display, f"SELECT r.{LINE} AS line FROM {raw} r LEFT JOIN {mapping} m "
                f"ON r.{col.name} = m.cell WHERE r.{col.name} IS NULL OR m.blank ORDER BY r.pos", col.name,
                "missing value", "this column needs a value on every row", "error", False)
    return cells, value


def _arrow(relation: duckdb.DuckDBPyRelation) -> pa.Table:
    """A query's rows as an arrow table (DuckDB 1.x: fetch_arrow_table, 2.x: to_arrow_table)."""
    fetch = getattr(relation, "to_arrow_table", None) or relation.fetch_arrow_table
    return fetch()


def _range_hint() -> str:
    from sitegen.config import DATE_RANGE_HINT
    return DATE_RANGE_HINT


def _blank(cells: pa.Array) -> np.ndarray:
    """Cells that are only whitespace (as ``sitegen.dataset.load._blank``)."""
    from sitegen.dataset.parse import true_mask
    return true_mask(pc.fill_null(pc.equal(pc.utf8_length(pc.utf8_trim_whitespace(cells)), 0), True))


def _report(con: duckdb.DuckDBPyConnection, log: ProblemLog, display: str, query: str, column: str, message: str,
            hint: str, severity: str, shown: bool, per_kind: int = 20) -> None:
    """Log the rows ``query`` returns (``line`` and, when ``shown``, the ``cell`` as written, trimmed)."""
    rows = _arrow(con.sql(query))
    if not rows.num_rows:
        return
    lines = rows.column("line").to_numpy()
    values = pc.utf8_trim_whitespace(rows.column("cell").slice(0, per_kind + 1)).to_pylist() \
        + [None] * max(0, rows.num_rows - per_kind - 1) if shown else None
    log.add_rows(display, lines, column, message, hint, severity, values=values, per_kind=per_kind)


def report_rows(table: LineTable, log: ProblemLog, where: str, column: str, message: str, hint: str,
                severity: str, value: str | None, per_kind: int = 20, params: object = None,
                display: str | None = None) -> None:
    """Log the rows of ``table`` matching ``where`` in file order, each with ``value`` (an SQL expression
    giving the text shown; None: no value), as :meth:`ProblemLog.add_rows` would from a frame."""
    shown = f", {value} AS v" if value else ""
    rows = table.sql(f"SELECT {LINE} AS line{shown} FROM {{t}} WHERE {where} ORDER BY pos", params)
    if not rows.num_rows:
        return
    values = None
    if value:
        values = rows.column("v").slice(0, per_kind + 1).to_pylist() + [None] * max(0, rows.num_rows - per_kind - 1)
    log.add_rows(display or table.display, rows.column("line").to_numpy(), column, message, hint, severity,
                 values=values, per_kind=per_kind)
