"""Line-level CSV files read by DuckDB's own reader, with the shared reader's problems and row numbers.

A plain UTF-8 CSV file (the usual export of a large table) goes straight from disk into a DuckDB table with
``read_csv`` (all text, one thread, file order kept): its cells never exist as Python or arrow objects. The
shared reader (:func:`sitegen.dataset.load.read_columns`) stays the reference, and the file goes to it
instead whenever DuckDB might not see the same rows: a declared encoding other than UTF-8, a UTF-16/32 BOM,
NUL bytes, old Mac line ends, a quote next to a space (DuckDB would unquote `` "x"``), a header cell
left open, anything DuckDB's strict parser refuses (ragged rows,
bytes that are not UTF-8: GBK files are read by the shared reader, which detects and reports mixed lines),
no rows at all, or a row count that does not add up.

Row numbers: the shared reader numbers records (header 1, first row 2; a blank line counts, a quoted cell's
line break does not). DuckDB skips blank lines silently, so one streaming pass counts the file's line breaks
and the file is DuckDB's only when header + rows + the line breaks inside cells is that count: then no line
was skipped and row ``i`` is record ``i + 2``. Rows whose cells are all empty are left out and report footers
skipped (:func:`sitegen.dataset.sources.footer.skip_footer` on the last rows) exactly as the shared reader
does. Parquet files still go through the shared reader (its text for typed cells is Python's).
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from sitegen.dataset.problems import ProblemLog

if TYPE_CHECKING:
    import duckdb

    from sitegen.config import Config
    from sitegen.dataset.schema import TableSpec
    from sitegen.dataset.sources import Source, SourceTable

LINE = "_line"
CHUNK = 1 << 24  # bytes per read of the streaming pass
BUFFER = 1 << 22  # DuckDB's CSV buffer (32 MiB by default; a row longer than half of it goes to the shared reader)
_UTF8 = ("utf-8", "utf-8-sig")
_OTHER_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# A quote next to a space or tab: DuckDB unquotes `` "x"`` where the shared reader keeps it as written
_SPACED_QUOTE = re.compile(rb'[ \t]"|"[ \t]')


def read_lines(con: duckdb.DuckDBPyConnection, source: Source, spec: TableSpec, config: Config, log: ProblemLog,
               read: list[SourceTable] | None, raw: str) -> str | None:
    """Table (or view) ``raw`` in ``con`` (a qualified name): ``pos`` (orders the rows), ``_line`` and the mapped
    canonical columns as text, read by DuckDB when it reads the file as the shared reader would, else by the
    shared reader; returns the display name its problems use, None when the table cannot be used at all
    (errors logged, as :func:`sitegen.dataset.load.read_columns` logs them)."""
    if source.kind == "csv" and source.path is not None:
        done = _duckdb_csv(con, source, spec, config, log, read, raw)
        if done is not None:
            return done or None
    return _shared_reader(con, source, spec, config, log, read, raw)


def _shared_reader(con: duckdb.DuckDBPyConnection, source: Source, spec: TableSpec, config: Config,
                   log: ProblemLog, read: list[SourceTable] | None, raw: str) -> str | None:
    """The shared reader's text cells copied into table ``raw`` (GBK files, workbooks, Parquet, databases)."""
    from sitegen.dataset.load import read_columns

    found = read_columns(source, spec, config, log, read)
    if found is None:
        return None
    columns, lines, display = found
    arrays = {"pos": pa.array(np.arange(len(lines), dtype=np.int64)), LINE: pa.array(lines, type=pa.int64())}
    for col in spec.columns:
        if col.name in columns:
            cells = columns.pop(col.name)
            cells = cells if isinstance(cells, pa.ChunkedArray) else pa.chunked_array([cells])
            arrays[col.name] = cells.cast(pa.string())
    raw_in = pa.table(arrays)
    con.register("raw_in", raw_in)
    con.execute(f"CREATE OR REPLACE TABLE {raw} AS SELECT * FROM raw_in")
    con.unregister("raw_in")
    del raw_in, arrays
    pa.default_memory_pool().release_unused()
    return display


def scan(path: Path, declared: str | None) -> tuple[str, int, bool] | None:
    """The header line, the number of lines (trailing line breaks left out, as the shared reader drops them)
    and whether any quote occurs, of a file DuckDB may read, in one pass of ``CHUNK`` bytes; None when the file is for the shared
    reader: not a regular file, empty, another encoding declared, a UTF-16/32 BOM, NUL bytes, a bare CR, a
    quote next to a space or tab."""
    try:
        if declared and codecs.lookup(declared).name not in _UTF8:
            return None
    except LookupError:
        return None
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
        with open(os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC), "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                return None
            first = f.read(CHUNK)
            if not first or first.startswith(_OTHER_BOMS):
                return None
            end = first.find(b"\n")
            if end < 0 and len(first) == CHUNK:  # a header longer than a chunk: not a line-level export
                return None
            header = first[len(codecs.BOM_UTF8) if first.startswith(codecs.BOM_UTF8) else 0:end if end >= 0 else None]
            newlines = trailing = 0
            quoted = False
            last = b""
            chunk = first
            while chunk:
                if b"\x00" in chunk or chunk.count(b"\r") != chunk.count(b"\r\n") + (chunk.endswith(b"\r")) \
                        or (last == b"\r" and not chunk.startswith(b"\n")) or _SPACED_QUOTE.search(last + chunk):
                    return None
                count = chunk.count(b"\n")
                quoted = quoted or b'"' in chunk
                newlines += count
                kept = chunk.rstrip(b"\r\n")
                trailing = trailing + count if not kept else chunk.count(b"\n", len(kept))
                last = chunk[-1:]
                chunk = f.read(CHUNK)
            if last == b"\r":
                return None
    except OSError:
        return None
    try:
        text = header.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text, newlines - trailing + 1, quoted


def _duckdb_csv(con: duckdb.DuckDBPyConnection, source: Source, spec: TableSpec, config: Config, log: ProblemLog,
                read: list[SourceTable] | None, raw: str) -> str | bool | None:
    """:func:`read_lines` for a CSV file read by DuckDB (False: unusable); None (nothing logged) when the file
    is for the shared reader."""
    import duckdb

    from sitegen.dataset.read import header_names, sniff_delimiter

    settings = config.tables[spec.name]
    found = scan(source.path, settings.encoding)
    if found is None:
        return None
    header, lines, quoted = found
    sep = sniff_delimiter(header)
    if header.count('"') % 2:  # a header cell spanning lines
        return None
    try:
        headers = header_names(header, sep)
    except Exception:  # noqa: BLE001 (csv.Error and the like: the shared reader reports it)
        return None
    if not headers:
        return None
    names = [f"c{i}" for i in range(len(headers))]
    typed = "{" + ", ".join(f"'{n}': 'VARCHAR'" for n in names) + "}"
    table = f"{raw}_csv"
    try:
        con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM read_csv({_literal(str(source.path))}, "
                    f"header = true, delim = {_literal(sep)}, quote = '\"', escape = '\"', auto_detect = false, "
                    f"columns = {typed}, parallel = false, strict_mode = true, buffer_size = {BUFFER})")
    except duckdb.Error:
        con.execute(f"DROP TABLE IF EXISTS {table}")
        return None
    breaks = " + ".join(f"coalesce(length({n}) - length(replace({n}, chr(10), '')), 0)" for n in names) \
        if quoted else "0"  # without quotes no cell holds a line break
    rows, inside = con.execute(f"SELECT count(*), coalesce(sum({breaks}), 0) FROM {table}").fetchall()[0]
    if rows == 0 or 1 + rows + inside != lines:  # a blank line skipped, a quote left open: not the same rows
        con.execute(f"DROP TABLE {table}")
        return None
    filled = " OR ".join(f"({n} IS NOT NULL AND {n} <> '')" for n in names)
    cut = _footer_cut(con, table, filled, names, source.display)
    if cut is None:  # every row is a footer: the shared reader logs it with the empty table
        con.execute(f"DROP TABLE {table}")
        return None
    from sitegen.dataset.sources import SourceTable
    from sitegen.dataset.sources.footer import skip_footer

    tail = _tail(con, table, filled, names)
    skip_footer(tail[0], tail[1], source.display, log)
    if read is not None:
        read.append(SourceTable(list(headers), [], np.empty(0, dtype=np.int64), source.display))
    from sitegen.dataset.load import map_columns

    columns = map_columns(SimpleNamespace(headers=headers, columns=names), source.display, spec,
                           settings.columns, log)
    if columns is None:
        con.execute(f"DROP TABLE {table}")
        return False
    chosen = ", ".join(f"{columns[c.name]} AS {c.name}" for c in spec.columns if c.name in columns)
    con.execute(f"CREATE OR REPLACE VIEW {raw} AS SELECT rowid AS pos, rowid + 2 AS {LINE}"
                f"{', ' + chosen if chosen else ''} FROM {table} WHERE ({filled}) AND rowid + 2 < {cut}")
    return source.display  # a view of the file's table (one copy of its text): see drop_raw


def lines_schema(con: duckdb.DuckDBPyConnection) -> str:
    """The database that holds line-level tables: ``lines``, an in-memory database that compresses its tables
    (a sixth of the plain size for order lines' text), else ``main`` (a DuckDB without ``COMPRESS``)."""
    import duckdb

    if con.execute("SELECT count(*) FROM duckdb_databases() WHERE database_name = 'lines'").fetchall()[0][0]:
        return "lines"
    try:
        con.execute("ATTACH ':memory:' AS lines (COMPRESS)")
    except duckdb.Error:
        return "main"
    return "lines"


def drop_raw(con: duckdb.DuckDBPyConnection, raw: str) -> None:
    """Drop what :func:`read_lines` made: table ``raw``, or view ``raw`` and the file's table behind it."""
    database, _, name = raw.rpartition(".")
    kind = con.execute("SELECT table_type FROM information_schema.tables WHERE table_catalog = ? AND table_name = ?",
                       [database or "main", name]).fetchall()
    if kind and kind[0][0] == "VIEW":
        con.execute(f"DROP VIEW {raw}")
        con.execute(f"DROP TABLE IF EXISTS {raw}_csv")
    elif kind:
        con.execute(f"DROP TABLE {raw}")


def _tail(con: duckdb.DuckDBPyConnection, table: str, filled: str, names: list[str]) -> tuple[list, np.ndarray]:
    """The last rows that are not all empty (one more than the footer check looks at) as arrow columns and
    their record numbers: :func:`skip_footer` gives on them what it gives on the whole table."""
    from sitegen.dataset.sources.footer import TAIL

    rows = _arrow(con.sql(f"SELECT * FROM (SELECT rowid + 2 AS {LINE}, * FROM {table} WHERE {filled} "
                          f"ORDER BY rowid DESC LIMIT {TAIL + 1}) ORDER BY {LINE}"))
    return [rows.column(n) for n in names], rows.column(LINE).to_numpy().astype(np.int64)


def _footer_cut(con: duckdb.DuckDBPyConnection, table: str, filled: str, names: list[str], display: str) -> int | None:
    """The record number of the first footer row (past the last row when there is none); None when no row
    would be left (the shared reader then warns about an empty table)."""
    from sitegen.dataset.sources.footer import skip_footer

    columns, lines = _tail(con, table, filled, names)
    if not len(lines):
        return None
    _, kept = skip_footer(columns, lines, display, ProblemLog())  # a dry run: logged for real by the caller
    if len(kept) == len(lines):
        return int(lines[-1]) + 1
    if len(kept) == 0 and con.execute(f"SELECT count(*) FROM {table} WHERE {filled}").fetchall()[0][0] <= len(lines):
        return None
    return int(lines[len(kept)])


def _arrow(relation: duckdb.DuckDBPyRelation) -> pa.Table:
    """A query's rows as an arrow table (DuckDB 1.x: fetch_arrow_table, 2.x: to_arrow_table)."""
    fetch = getattr(relation, "to_arrow_table", None) or relation.fetch_arrow_table
    return fetch()


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
