"""Read one CSV file into a frame with canonical column names and proper dtypes.

Each step reports into a :class:`ProblemLog` instead of raising, so one build lists every problem at once.
Line numbers are file lines: the header is line 1, the first data row line 2 (blank lines count; a quoted
cell spanning lines shifts the numbers after it).

The cells stay arrow strings until each column gets its final type (see :mod:`sitegen.dataset.read`):
dates, amounts and probabilities are parsed straight from them, and text becomes Python strings only once
per distinct value, so a million order lines with fifty thousand customer ids hold fifty thousand strings.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sitegen.config import DATE_RANGE_HINT, Config
from sitegen.dataset.cache import cached_read
from sitegen.dataset.headers import header_key, match_headers, missing_hint  # header_key: config imports it here
from sitegen.dataset.parse import parse_amounts, parse_probabilities, read_dates, true_mask
from sitegen.dataset.problems import ProblemLog
from sitegen.dataset.read import RawTable
from sitegen.dataset.sources import Source, SourceTable, file_source, read_source, typed_cells
from sitegen.dataset.schema import Column, TableSpec

LINE = "_line"  # helper column: the row's line number in its file
MAX_CELL = 10_000  # longer text cells are cut (a 1 MB note would bloat every page that shows it)


@dataclass(frozen=True)
class Labels:
    """A text column as the loader built it: ``values.take(codes)`` is the column, ``values`` its distinct
    cells (None for an empty one; the last entry is the None of missing cells). Checks between tables
    (orphan ids) compare the few distinct values, in arrow, instead of hashing a million Python strings."""

    codes: np.ndarray
    values: np.ndarray

    @classmethod
    def of(cls, column: pd.Series) -> Labels:
        """Labels for any column of strings (and None)."""
        codes, uniques = pd.factorize(column.to_numpy(dtype=object))
        return cls(np.where(codes < 0, len(uniques), codes), np.append(np.asarray(uniques, dtype=object), None))

    @functools.cached_property
    def text(self) -> pa.Array:
        """``values`` as arrow strings, None as null."""
        return pa.array(self.values, type=pa.large_string())

    def rows(self, value_mask: np.ndarray) -> np.ndarray:
        """The rows whose value is one of those selected by ``value_mask`` (a mask over ``values``)."""
        return value_mask[self.codes]


class LoadedTable(NamedTuple):
    """What :func:`read_table` returns."""

    frame: pd.DataFrame
    ids: dict[str, Labels]  # the id columns' labels, for the reference checks


def read_table(path: Path | Source, display: str, spec: TableSpec, config: Config, log: ProblemLog,
               read: list[SourceTable] | None = None) -> LoadedTable | None:
    """Load ``path`` (a file, or any :class:`Source`) per ``spec``; return None when it cannot be used at all
    (errors logged). Problems name the table as its source does (``table.display``: a sheet adds its name);
    the table as read, without its cells, is appended to ``read`` (it names rows in problems). Inside
    :func:`sitegen.dataset.cache.table_cache` a file parsed before is read back from the cache."""
    settings = config.tables[spec.name]
    source = path if isinstance(path, Source) else file_source(path, display, settings)
    return cached_read(source, spec.name, config, log, read,
                       lambda log, read: _read_table(source, spec, config, log, read))


def _read_table(source: Source, spec: TableSpec, config: Config, log: ProblemLog,
                read: list[SourceTable] | None) -> LoadedTable | None:
    """:func:`read_table` itself, when the table is not in the cache (:mod:`sitegen.dataset.cache`)."""
    found = read_columns(source, spec, config, log, read)
    if found is None:
        return None
    columns, lines, display = found
    return _coerce(columns, lines, display, spec, config, log)


def read_columns(source: Source, spec: TableSpec, config: Config, log: ProblemLog, read: list[SourceTable] | None
                 ) -> tuple[dict[str, pa.ChunkedArray], np.ndarray, str] | None:
    """A table's text cells under canonical names, with each row's line and the table's display name; None
    when it cannot be used (errors logged). Shared by the pandas path and the DuckDB engine's loader, so
    both log the same reading and header problems in the same order."""
    settings = config.tables[spec.name]
    table = read_source(source, settings, spec.name, log)
    if table is None:
        return None
    display = table.display
    if table.num_rows == 0:
        log.add(display, 1, "", "file has a header but no rows", "the table is treated as empty", "warning")
    columns = map_columns(table, display, spec, settings.columns, log)
    lines = table.lines
    if columns is not None:
        table = typed_cells(table, columns, spec)  # database row keys, workbook date serials
    if read is not None:
        read.append(dataclasses.replace(table, columns=[]))
    del table  # from here on ``columns`` holds the only reference to each column's cells
    return None if columns is None else (columns, lines, display)


def map_columns(table: RawTable, display: str, spec: TableSpec, column_map,
                log: ProblemLog) -> dict[str, pa.ChunkedArray] | None:
    """The file's columns under canonical names, in schema order; None when a required column is missing
    or a header is ambiguous (:mod:`sitegen.dataset.headers` says which header feeds which column).

    Works by position, so a repeated header is seen as such: the first one is used.
    """
    headers = table.headers
    matching = match_headers(headers, spec, column_map)
    for problem in matching.problems:
        log.add(display, 1, problem.column, problem.message, problem.hint, problem.severity)
    chosen = {name: m.position for name, m in matching.matches.items()}
    missing = [c.name for c in spec.columns if c.required and c.name not in chosen and c.name not in matching.ambiguous]
    if spec.name == "orders" and "amount" not in chosen and "amount" not in matching.ambiguous:
        missing += [f"amount (or {need})" for need in ("quantity", "unit_price") if need not in chosen]
    taken = {m.header for m in matching.matches.values()}
    for name in missing:
        column = name.split(" ")[0]
        log.add(display, 1, column, "required column is missing",
                missing_hint(spec.name, column, column_map.get(column), headers, taken))
    if missing or any(p.severity == "error" for p in matching.problems):
        return None
    return {name: table.columns[pos] for name, pos in chosen.items()}


def _coerce(columns: dict[str, pa.ChunkedArray], lines: np.ndarray, display: str, spec: TableSpec,
            config: Config, log: ProblemLog) -> LoadedTable:
    """Turn string columns into typed ones; bad values become missing and are reported.

    Cells are trimmed of whitespace (``str.strip``) first, and a cell left empty is missing. Text columns
    become Python strings (None when missing); the value parsers trim some invisible characters more.
    """
    out = {LINE: pd.Series(lines, dtype=np.int64, copy=False)}  # fresh arrays throughout: no copies
    ids: dict[str, Labels] = {}
    for col in spec.columns:
        if col.name not in columns:
            continue
        cells = columns.pop(col.name)  # the only reference: its memory is freed once the column is converted
        if col.kind in ("date", "amount", "number", "probability"):
            out[col.name] = _parse_column(cells, col, display, lines, config, log)
            missing = _blank(cells) if col.value_required else None
        else:
            out[col.name], labels = _text_column(cells, col.name, display, lines, log)
            missing = labels.rows(pd.isna(labels.values)) if col.value_required else None
            if col.kind == "id":
                ids[col.name] = labels
        if missing is not None and missing.any():
            log.add_rows(display, lines[missing], col.name, "missing value", "this column needs a value on every row")
        del cells
        pa.default_memory_pool().release_unused()  # arrow's allocator would keep the freed memory cached
    return LoadedTable(pd.DataFrame(out, copy=False), ids)


def _parse_column(cells: pa.ChunkedArray, col: Column, display: str, lines: np.ndarray, config: Config,
                  log: ProblemLog) -> pd.Series:
    """Dates, amounts, numbers and probabilities, with unreadable (and forbidden negative) values reported."""
    if col.kind == "date":
        parsed, bad, outside = read_dates(cells, dayfirst=config.rules.dayfirst)
        hint = "use 2026-03-05, 2026/3/5, 20260305 or 2026年3月5日"
        if not config.rules.dayfirst:
            hint += "; for day-first dates like 13/5/2026 set [rules] dayfirst = true"
        _report_rows(bad.to_numpy(dtype=bool), cells, lines, display, col.name, "not a date", hint, log)
        _report_rows(outside.to_numpy(dtype=bool), cells, lines, display, col.name, "date out of range",
                     DATE_RANGE_HINT, log)
        return parsed
    if col.kind in ("amount", "number"):
        parsed, bad = parse_amounts(cells)
        _report_rows(bad.to_numpy(dtype=bool), cells, lines, display, col.name, "not a number",
                     "write digits like 1234.50; ¥, $ and thousands separators are fine", log)
        if col.non_negative:
            negative = (parsed < 0).to_numpy()
            if negative.any():
                _report_rows(negative, cells, lines, display, col.name, "must not be negative", "", log)
                parsed = parsed.mask(parsed < 0)
        return parsed
    parsed, bad = parse_probabilities(cells)
    _report_rows(bad.to_numpy(dtype=bool), cells, lines, display, col.name, "not a probability",
                 "use 0-1 (0.4) or a percentage (40 or 40%)", log)
    return parsed


def _text_column(cells: pa.ChunkedArray, column: str, display: str, lines: np.ndarray,
                 log: ProblemLog) -> tuple[pd.Series, Labels]:
    """Text as Python strings in an object column (None when missing), and its labels.

    The column is dictionary-encoded, so only distinct values are trimmed and turned into Python strings,
    and rows with the same value share one string. Cells over ``MAX_CELL`` characters are cut, with a
    warning.
    """
    encoded = pc.dictionary_encode(cells.combine_chunks() if isinstance(cells, pa.ChunkedArray) else cells)
    trimmed = pc.utf8_trim_whitespace(encoded.dictionary)
    lengths = pc.utf8_length(trimmed).to_numpy()
    words = np.append(trimmed.to_numpy(zero_copy_only=False), None)  # missing cells (null) point at the None
    words[:-1][lengths == 0] = None
    codes = pc.fill_null(encoded.indices, len(words) - 1).to_numpy()
    long = np.append(lengths > MAX_CELL, False)
    if long.any():
        words[long] = np.array([word[:MAX_CELL] + "…" for word in words[long]], dtype=object)
        log.add_rows(display, lines[long[codes]], column, f"cell longer than {MAX_CELL:,} characters; cut",
                     "shorten it in the source", "warning")
    return pd.Series(words.take(codes), dtype=object, copy=False), Labels(codes, words)


def _report_rows(mask: np.ndarray, cells: pa.ChunkedArray, lines: np.ndarray, display: str, column: str,
                 message: str, hint: str, log: ProblemLog) -> None:
    """Report the rows of ``mask`` with their cells as written (trimmed of whitespace)."""
    if mask.any():
        shown = pc.utf8_trim_whitespace(cells.filter(pa.array(mask))).to_pylist()
        log.add_rows(display, lines[mask], column, message, hint, values=shown)


def _blank(cells: pa.ChunkedArray) -> np.ndarray:
    """Rows whose cell is missing or only whitespace."""
    return true_mask(pc.fill_null(pc.equal(pc.utf8_length(pc.utf8_trim_whitespace(cells)), 0), True))
