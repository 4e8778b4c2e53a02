"""Where each table comes from, and one way to read any of them (:class:`SourceTable`).

A table is read from, in this order: the database (``query`` or ``table`` with ``[data] url``); its sheet of
``[data] workbook`` (``sheet = "…"``, else the sheet named like the table, else the first unclaimed sheet
whose header holds the table's required columns); its own file (``file``, else ``<table>.csv``,
``.xlsx``, ``.xlsm``, ``.xls``, ``.ods`` or ``.parquet`` in the data folder). The readers live in
``csv.py``, ``excel.py``, ``parquet.py`` and ``sql.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from sitegen.config import Config, Table
from sitegen.dataset.problems import ProblemLog
from sitegen.dataset.schema import TableSpec
from sitegen.dataset.sources.base import SourceTable, cell_text

__all__ = ["SHEET_NAMES", "Source", "SourceTable", "cell_text", "file_source", "plan_sources", "read_source",
           "sheet_for", "typed_cells"]

# Sheet names that mean a table (matched like headers: case, spaces, hyphens and underscores aside)
SHEET_NAMES: dict[str, tuple[str, ...]] = {
    "pipeline": ("pipeline", "opportunities", "opportunity", "deals", "商机", "销售机会", "机会"),
    "stage_history": ("stage history", "阶段历史", "阶段变更", "阶段记录"),
    "orders": ("orders", "sales orders", "订单", "销售订单"),
    "customers": ("customers", "accounts", "companies", "客户", "客户列表"),
    "contacts": ("contacts", "联系人"),
    "activities": ("activities", "跟进记录", "活动", "拜访记录"),
    "targets": ("targets", "quotas", "目标", "销售目标"),
    "feedback": ("feedback", "反馈", "客户反馈"),
    "channel_costs": ("channel costs", "渠道费用", "渠道成本"),
    "complaints": ("complaints", "tickets", "投诉", "工单"),
}


@dataclass(frozen=True)
class Source:
    """Where one table is read from: ``kind`` is csv, workbook, parquet or database."""

    kind: str
    display: str                    # the file part of its problems
    path: Path | None = None        # the file; for a database, the folder a relative database path is in
    sheet: str | None = None
    header_row: int | None = None
    query: str | None = None
    table: str | None = None
    url: str | None = None
    book: object = field(default=None, compare=False, repr=False)  # the open excel.Workbook


def file_source(path: Path, display: str, table: Table) -> Source:
    """The source of a table file, by its extension."""
    suffix = path.suffix.lower()
    kind = "workbook" if suffix in (".xlsx", ".xlsm", ".xls", ".ods") else "parquet" if suffix == ".parquet" else "csv"
    return Source(kind, display, path, table.sheet, table.header_row)


def plan_sources(config: Config, log: ProblemLog, display: Callable[[Path], str]) -> dict[str, Source]:
    """The source of every table that has one (an optional table without one is simply absent)."""
    from sitegen.config import TABLES

    sources: dict[str, Source] = {}
    books: dict[Path, object] = {}
    claimed: set[str] = set()
    for name in TABLES:
        t = config.tables[name]
        if t.query or t.table:
            sources[name] = Source("database", t.table or name, config.data_dir, query=t.query, table=t.table,
                                   url=t.url)
            continue
        sheet = None
        if t.workbook:
            path = config.data_dir / t.workbook
            if path not in books:  # opened once for every table
                from sitegen.dataset.sources.excel import open_workbook
                books[path] = open_workbook(path, display(path), log)
            book = books[path]
            sheet = sheet_for(name, t, book, claimed, config) if book is not None else None
            if sheet is not None:
                claimed.add(sheet)
                sources[name] = Source("workbook", f"{display(path)}:{sheet}", path, sheet, t.header_row, book=book)
                continue
        path = config.table_path(name)
        if path.exists():
            sources[name] = file_source(path, display(path), t)
    return sources


def sheet_for(name: str, t: Table, book, claimed: set[str], config: Config) -> str | None:
    """The sheet of ``book`` that holds table ``name``: ``t.sheet``, else one named like the table, else the
    first unclaimed one whose header holds the table's required columns."""
    from sitegen.dataset.load import header_key
    from sitegen.dataset.schema import SCHEMA

    if t.sheet is not None:
        return t.sheet if t.sheet in book.sheets else None
    names = {header_key(n) for n in (name, *SHEET_NAMES.get(name, ()))}
    for sheet in book.sheets:
        if sheet not in claimed and header_key(sheet) in names:
            return sheet
    required = {header_key(t.columns.get(c.name, c.name)) for c in SCHEMA[name].columns if c.required}
    for sheet in book.sheets:
        if sheet not in claimed and required <= {header_key(h) for h in book.header_names(sheet)}:
            return sheet
    return None


def read_source(source: Source, table: Table, name: str, log: ProblemLog) -> SourceTable | None:
    """The source's header and text columns; None when it cannot be read at all (the errors are logged)."""
    if source.kind == "csv":
        from sitegen.dataset.sources.csv import read_csv
        return read_csv(source.path, source.display, name, table.encoding, log)
    if source.kind == "parquet":
        from sitegen.dataset.sources.parquet import read_parquet
        return read_parquet(source.path, source.display, log)
    if source.kind == "workbook":
        from sitegen.dataset.sources.excel import open_workbook
        book = source.book or open_workbook(source.path, source.display, log)
        return None if book is None else book.read(source.sheet, source.header_row, log)
    from sitegen.dataset.sources.sql import database, read_database
    return read_database(database(source.url or "", source.path or Path(".")), source.table, source.query,
                         source.display, log)


def typed_cells(table: SourceTable, columns: dict, spec: TableSpec) -> SourceTable:
    """What the loader does once a table's columns are mapped (``columns``: canonical name -> cells): the
    Excel date serials of a workbook's date columns become ISO dates (in ``columns``), and a database
    table learns its key column (the table's unique id, else its first id column) to name rows by."""
    if table.serial_dates:
        from sitegen.dataset.sources.excel import serial_dates
        for column in spec.columns:
            if column.kind == "date" and column.name in columns:
                columns[column.name] = serial_dates(columns[column.name])
    if not table.keyed:
        return table
    ids = [spec.unique] if spec.unique else [c.name for c in spec.columns if c.kind == "id"]
    key = next((name for name in ids if name in columns), None)
    if key is None:
        return table
    header = next((h for h, cells in zip(table.headers, table.columns) if cells is columns[key]), key)
    return table.with_key(header.strip(), [v.strip() if v else None for v in columns[key].to_pylist()])
