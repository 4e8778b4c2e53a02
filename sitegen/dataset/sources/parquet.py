"""Parquet files read with pyarrow: text columns stay as they are, other types become text (:func:`cell_text`)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from sitegen.dataset.parse import true_mask
from sitegen.dataset.problems import ProblemLog
from sitegen.dataset.sources.base import SourceTable, text_column
from sitegen.dataset.sources.csv import read_bytes

__all__ = ["read_parquet"]


def read_parquet(path: Path, display: str, log: ProblemLog) -> SourceTable | None:
    """The file's columns as text; rows go by their number + 1 (1 is the header, as in a CSV file)."""
    raw = read_bytes(path, display, log, "Parquet")
    if raw is None:
        return None
    try:
        table = pq.read_table(io.BytesIO(raw))
    except (pa.ArrowException, OSError, ValueError) as exc:
        log.add(display, 0, "", f"not a readable Parquet file: {str(exc)[:120]}", "write it again with pandas or pyarrow")
        return None
    del raw
    return arrow_table(table, display)


def arrow_table(table: pa.Table, display: str, keyed: bool = False) -> SourceTable:
    """An arrow table as a source table: string columns as they are, the rest through :func:`cell_text`.
    Rows whose cells are all empty are left out; ``lines`` counts them still."""
    columns = []
    for column in table.columns:
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            columns.append(column.cast(pa.string()))
        else:
            columns.append(text_column(column.to_pylist()))
    lines = np.arange(table.num_rows, dtype=np.int64) + 2
    if columns:
        empty = np.ones(table.num_rows, dtype=bool)
        for column in columns:
            empty &= true_mask(pc.fill_null(pc.equal(pc.utf8_length(pc.utf8_trim_whitespace(column)), 0), True))
        if empty.any():
            keep = pa.array(~empty)
            columns = [c.filter(keep) for c in columns]
            lines = lines[~empty]
    return SourceTable([str(n) for n in table.column_names], columns, lines, display, keyed=keyed)
