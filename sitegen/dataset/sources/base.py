"""What every source gives the loader: a :class:`SourceTable` of named text columns and a way to name a row.

A CSV file, a workbook sheet, a Parquet file and a database query all end up as the same thing: the header
names, one arrow string column per header (every cell as text, null when empty) and the number each row goes
by in problems. Nothing after :mod:`sitegen.dataset` knows where a table came from; problems name a row as
``FILE:LINE`` (CSV), ``FILE:SHEET:ROW`` (workbooks) or ``TABLE (key=value)`` (databases).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Iterable, Sequence

import numpy as np
import pyarrow as pa

__all__ = ["SourceTable", "cell_text", "text_column"]


@dataclass(frozen=True)
class SourceTable:
    """A table as read: ``columns[i]`` holds the cells under ``headers[i]`` as text (null: empty),
    ``lines[i]`` the number row ``i`` goes by in problems (a CSV line, a sheet row; for a database the row
    index + 2, so that 1 is the header as in a CSV file). Rows whose cells are all empty are left out."""

    headers: list[str]
    columns: list[pa.ChunkedArray | pa.Array]
    lines: np.ndarray
    display: str                    # the file part of a problem: "data/pipeline.csv", "data/crm.xlsx:商机", "deals"
    header_line: int = 1            # the number header problems go by (a workbook's header row)
    keyed: bool = False             # a database table: rows are named by a key column, not by a number
    key_header: str | None = None   # the key column's header (set by the loader once columns are mapped)
    keys: Sequence[str | None] = ()  # the key column's cells, row by row
    serial_dates: bool = False      # a workbook: whole numbers in date columns are Excel date serials

    @property
    def num_rows(self) -> int:
        return len(self.lines)

    def where(self, row_index: int) -> str:
        """How a problem names row ``row_index``: FILE:LINE, FILE:SHEET:ROW or TABLE (key=value)."""
        if not self.keyed:
            return f"{self.display}:{int(self.lines[row_index])}"
        key = self.keys[row_index] if row_index < len(self.keys) else None
        if self.key_header and key:
            return f"{self.display} ({self.key_header}={key})"
        return f"{self.display} (row {int(self.lines[row_index]) - 1})"  # of the result, empty rows counted

    def with_key(self, header: str, cells: Sequence[str | None]) -> SourceTable:
        """This table with rows named by ``header``'s cells (databases only)."""
        return dataclasses.replace(self, key_header=header, keys=cells)

    def place(self, line: int) -> tuple[str, int]:
        """Where a problem logged as (display, line) points: the same for files, the header row of a sheet
        for line 1, a row's key for a database table."""
        if line == 1:
            return (self.display, 0) if self.keyed else (self.display, self.header_line)
        if not self.keyed or line <= 0:
            return self.display, line
        index = int(np.searchsorted(self.lines, line))
        if index < len(self.lines) and self.lines[index] == line:
            return self.where(index), 0
        return self.display, 0


def cell_text(value: object) -> str | None:
    """A typed cell (workbook, Parquet, database) as the text a CSV export would hold; None when empty.

    Whole numbers lose their ``.0``, other numbers keep 15 significant digits (what Excel shows: 1234.5,
    not 1234.4999999999998) and never an exponent; dates become ISO dates, date-times ISO date-times
    (the date alone at midnight).
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value if value else None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, Decimal):
        return format(value, "f") if value.is_finite() else str(value)
    if isinstance(value, datetime):
        if value.time() == time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("utf-8", "replace") or None
    if isinstance(value, (np.integer, np.floating, np.bool_)):
        return cell_text(value.item())
    return str(value)


def _float_text(value: float) -> str | None:
    if math.isnan(value):
        return None
    if math.isinf(value):
        return str(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.15g}"
    if "e" in text:
        text = format(Decimal(text), "f")
    return text


def text_column(values: Iterable[object]) -> pa.ChunkedArray:
    """A column of typed cells as one arrow string column (null: empty)."""
    return pa.chunked_array([pa.array([cell_text(v) for v in values], type=pa.string())])
