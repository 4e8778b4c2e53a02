"""Workbooks (.xlsx, .xlsm, .xls, .ods) read with python-calamine: one sheet as text columns, rows by sheet row.

The header is the row ``header_row`` (1-based, as Excel numbers rows) or else the first row with at least
two text cells that is followed by data and is about as wide as the rows below it, so title rows and notes
above the table are skipped. A header cell merged down over the rows below it makes those rows part of the
header: each column takes the lowest header cell that has text (a group label merged across columns above
the real names is left out). Dates and date-times become ISO text, numbers text without float noise
(:func:`cell_text`); hidden sheets are never read. A report footer below the data (``Grand Totals (3 records)``,
``合计``, copyright lines: :mod:`.footer`) is left out with a warning per row. Problems name a row
``FILE:SHEET:ROW``.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import python_calamine as calamine

from sitegen.dataset.parse import true_mask
from sitegen.dataset.problems import ProblemLog
from sitegen.dataset.sources.base import SourceTable, cell_text
from sitegen.dataset.sources.csv import read_bytes
from sitegen.dataset.sources.footer import skip_footer

__all__ = ["EXTENSIONS", "Workbook", "open_workbook"]

EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods")
_LOOK_AHEAD = 10  # rows below a header candidate compared with its width


class Workbook:
    """An open workbook: its visible sheets, each read at most once."""

    def __init__(self, book: calamine.CalamineWorkbook, display: str):
        self.book, self.display = book, display
        self.sheets = [s.name for s in book.sheets_metadata
                       if s.visible == calamine.SheetVisibleEnum.Visible and s.typ == calamine.SheetTypeEnum.WorkSheet]
        self._rows: dict[str, tuple[list[list[object]], list]] = {}

    def rows(self, sheet: str) -> tuple[list[list[object]], list]:
        """The sheet's cells from A1 on (empty cells as ``""``) and its merged ranges."""
        if sheet not in self._rows:
            found = self.book.get_sheet_by_name(sheet)
            merged = getattr(found, "merged_cell_ranges", None) or ()  # (xlsx, xls and ods alike since 0.3)
            self._rows[sheet] = (found.to_python(skip_empty_area=False), list(merged))
        return self._rows[sheet]

    def header_names(self, sheet: str) -> list[str]:
        """The header names a sheet would get without ``header_row`` (for finding a table's sheet)."""
        rows, merged = self.rows(sheet)
        start = find_header(rows)
        return [] if start is None else _header(rows, merged, start)[0]

    def read(self, sheet: str | None, header_row: int | None, log: ProblemLog) -> SourceTable | None:
        """One sheet (the first visible one by default) as text columns; None (logged) when unusable."""
        if sheet is None:
            if not self.sheets:
                log.add(self.display, 0, "", "workbook has no visible sheet", "unhide the sheet with the table")
                return None
            sheet = self.sheets[0]
        display = f"{self.display}:{sheet}"
        if sheet not in self.sheets:
            shown = ", ".join(repr(s) for s in self.sheets) or "none"
            log.add(self.display, 0, "", f"no visible sheet named {sheet!r}", f"sheets: {shown}")
            return None
        rows, merged = self.rows(sheet)
        start = find_header(rows) if header_row is None else header_row - 1
        if start is None or start >= len(rows) or not any(_filled(c) for c in rows[start]):
            what = "sheet is empty" if not any(any(_filled(c) for c in r) for r in rows) else "no header row found"
            hint = "set header_row to the row number of the column names" if rows else \
                "it needs at least a header row with the column names"
            log.add(display, header_row or 1, "", what, hint)
            return None
        headers, first_data = _header(rows, merged, start)
        keep = [i for i, h in enumerate(headers) if h]  # a column without a header cannot be mapped
        body = rows[first_data:]
        filled = [i for i, row in enumerate(body) if any(_filled(row[c]) for c in keep if c < len(row))]
        columns = [pa.chunked_array([pa.array([cell_text(body[r][c]) if c < len(body[r]) else None
                                               for r in filled], type=pa.string())]) for c in keep]
        lines = np.asarray(filled, dtype=np.int64) + first_data + 1
        columns, lines = skip_footer(columns, lines, display, log)  # "Grand Totals (3 records)", "合计" …
        return SourceTable([headers[c] for c in keep], columns, lines, display, header_line=start + 1,
                           serial_dates=True)


def open_workbook(path: Path, display: str, log: ProblemLog) -> Workbook | None:
    """The workbook at ``path``; None (an error logged) when it is not a readable workbook."""
    raw = read_bytes(path, display, log, "workbook")
    if raw is None:
        return None
    try:
        return Workbook(calamine.CalamineWorkbook.from_filelike(io.BytesIO(raw)), display)
    except Exception as exc:  # calamine raises its own errors, and ValueError/OSError for broken files
        kind = "password-protected" if isinstance(exc, calamine.PasswordError) else "not a readable workbook"
        log.add(display, 0, "", f"{kind}: {str(exc)[:120]}", "save it again from Excel or LibreOffice as .xlsx")
        return None


def find_header(rows: list[list[object]]) -> int | None:
    """The index of the first row with at least two text cells, followed by data, and holding at least half
    as many filled cells as the widest of the rows below it; None when there is none."""
    for index, row in enumerate(rows):
        texts = sum(isinstance(c, str) and c.strip() != "" for c in row)
        if texts < 2:
            continue
        below = [sum(_filled(c) for c in r) for r in rows[index + 1:index + 1 + _LOOK_AHEAD]]
        below = [n for n in below if n]
        if below and texts * 2 >= max(below):
            return index
    return None


def _header(rows: list[list[object]], merged: list, start: int) -> tuple[list[str], int]:
    """The header names from row ``start`` down over the rows its merged cells cover, and the first data row."""
    end = start
    for (r0, _c0), (r1, _c1) in merged:
        if r0 == start and r1 > end:
            end = r1
    grouped = any(r0 == start and c1 > c0 for (r0, c0), (_r1, c1) in merged)
    if grouped and end == start and end + 1 < len(rows):  # group labels merged across the names below them
        below = [c for c in rows[end + 1] if _filled(c)]
        if len(below) >= 2 and all(isinstance(c, str) for c in below):
            end += 1
    width = max(len(r) for r in rows[start:end + 1])
    grid = [[cell_text(c) or "" for c in row] + [""] * (width - len(row)) for row in rows[start:end + 1]]
    for (r0, c0), (r1, c1) in merged:  # a merged cell's text fills every cell it covers
        if r0 <= end and r1 >= start:
            text = rows[r0][c0] if r0 < len(rows) and c0 < len(rows[r0]) else ""
            for r in range(max(r0, start), min(r1, end) + 1):
                for c in range(c0, min(c1, width - 1) + 1):
                    grid[r - start][c] = cell_text(text) or ""
    names = []
    for c in range(width):
        texts = [grid[r][c].strip() for r in range(len(grid)) if grid[r][c].strip()]
        names.append(texts[-1] if texts else "")
    return names, end + 1


def _filled(cell: object) -> bool:
    return not (cell is None or (isinstance(cell, str) and cell.strip() == ""))


def serial_dates(cells: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """Cells of a date column holding an Excel date serial (a number of 5 digits: 1927-05-18 to 2173-10-14;
    a fraction is the time of day) as ISO dates; other cells as they are."""
    text = cells.combine_chunks() if isinstance(cells, pa.ChunkedArray) else cells
    mask = true_mask(pc.match_substring_regex(text, r"^[0-9]{5}(\.[0-9]+)?$"))
    if not mask.any():
        return cells
    serials = pc.cast(text.filter(pa.array(mask)), pa.float64()).to_numpy(zero_copy_only=False)
    stamps = np.datetime64("1899-12-30", "s") + np.round(serials * 86_400).astype(np.int64).astype("timedelta64[s]")
    iso = [s[:10] if s.endswith("T00:00:00") else s.replace("T", " ") for s in np.datetime_as_string(stamps)]
    return pc.replace_with_mask(text, pa.array(mask), pa.array(iso, type=text.type))
