"""The demo generator's writers: tables appended chunk by chunk to CSV (header once) or to Parquet (row groups of
at most 200,000 rows, every column text as in the CSV, empty cells null), so no file is ever held whole in memory."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

FORMATS = ("csv", "parquet")
_ROWS = 200_000                                      # rows turned into text at a time


class TableWriter:
    """Appends tables to files under a folder; ``name`` is the CSV name (``orders.csv``), Parquet swaps the suffix."""

    def __init__(self, folder: Path, fmt: str = "csv") -> None:
        if fmt not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
        self.folder, self.fmt = Path(folder), fmt
        self._parquet: dict[str, pq.ParquetWriter] = {}
        self._started: set[str] = set()

    def append(self, name: str, table: pd.DataFrame) -> None:
        """Add the table's rows to the file (created with its header on the first call)."""
        path = self.folder / (name if self.fmt == "csv" else str(Path(name).with_suffix(".parquet")))
        if name not in self._started:
            path.parent.mkdir(parents=True, exist_ok=True)
        if self.fmt == "csv":
            _write_csv(path, table, append=name in self._started)
        else:
            for lo in range(0, max(len(table), 1), _ROWS):   # a row group per 200,000 rows keeps memory flat
                part = table.iloc[lo:lo + _ROWS]
                arrow = pa.table({col: pa.array(_cells(part[col]), pa.string()) for col in table.columns})
                if name not in self._parquet:
                    self._parquet[name] = pq.ParquetWriter(path, arrow.schema)
                self._parquet[name].write_table(arrow)
        self._started.add(name)

    def close(self) -> None:
        """Finish the Parquet files (CSV files are closed after each append)."""
        for writer in self._parquet.values():
            writer.close()
        self._parquet.clear()


def _write_csv(path: Path, table: pd.DataFrame, append: bool = False) -> None:
    """What DataFrame.to_csv writes (minimal quoting, '\\n' line ends), three times faster on millions of rows."""
    with open(path, "a" if append else "w", encoding="utf-8", newline="\n") as out:
        if not append:
            out.write(",".join(table.columns) + "\n")
        for lo in range(0, len(table), _ROWS):       # a chunk at a time keeps memory flat
            cells = [np.append(_quoted(col.cat.categories), "")[col.cat.codes.to_numpy()].tolist()  # -1: empty
                     if isinstance(col.dtype, pd.CategoricalDtype) else _quoted(col.fillna("")).tolist()
                     for col in (table[name].iloc[lo:lo + _ROWS] for name in table.columns)]
            out.write("\n".join(map(",".join, zip(*cells))) + "\n")


def _quoted(values) -> np.ndarray:
    """CSV fields: values holding a comma, a quote or a line break are quoted."""
    text = pd.Series(values).astype(str)
    need = text.str.contains('[",\r\n]', regex=True).to_numpy(bool)
    return (text.where(~need, '"' + text.str.replace('"', '""') + '"') if need.any() else text).to_numpy(object)


def _cells(col: pd.Series) -> np.ndarray:
    """A column's cells as the CSV holds them, unquoted; empty cells are None."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        return np.append(pd.Series(col.cat.categories).astype(str).to_numpy(object), None)[col.cat.codes.to_numpy()]
    text = col.fillna("").astype(str).to_numpy(object)
    text[text == ""] = None
    return text
