"""Databases: a table or the user's own query, as text columns; problems name the table and the row's key.

``[data] url`` says where: a file path or ``sqlite:///`` URL is SQLite (the standard library's sqlite3, opened
read-only), a ``.duckdb``/``.ddb`` path or ``duckdb:///`` URL is DuckDB (``pip install 'sitegen[duckdb]'``),
and any other URL goes to SQLAlchemy (``pip install 'sitegen[sql]'`` plus the database's driver). A relative
path is inside the data folder. ``table = "…"`` reads the whole table (a dot separates a schema; every part
is quoted as an identifier); ``query = "SELECT …"`` runs as written: it is configuration, trusted like the
rest of ``sitegen.toml``.
"""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable

import pyarrow as pa

from sitegen.dataset.problems import ProblemLog
from sitegen.dataset.sources.base import SourceTable, cell_text
from sitegen.dataset.sources.parquet import arrow_table

__all__ = ["Database", "database", "read_database", "result_digest"]

DUCKDB_SUFFIXES = (".duckdb", ".ddb")
_BATCH = 10_000


@dataclass(frozen=True)
class Database:
    """Where a database is: ``kind`` is sqlite, duckdb or sqlalchemy; ``path`` the file of the first two."""

    kind: str
    url: str
    path: Path | None = None


def database(url: str, data_dir: Path) -> Database:
    """The database ``[data] url`` names; a relative file path is taken inside ``data_dir``."""
    for prefix, kind in (("sqlite:///", "sqlite"), ("duckdb:///", "duckdb")):
        if url.startswith(prefix):
            return Database(kind, url, data_dir / url[len(prefix):])
    if "://" in url:
        return Database("sqlalchemy", _sqlite_in(url, data_dir))
    path = data_dir / url
    return Database("duckdb" if path.suffix.lower() in DUCKDB_SUFFIXES else "sqlite", url, path)


def _sqlite_in(url: str, data_dir: Path) -> str:
    """A SQLAlchemy SQLite URL (``sqlite+pysqlite:///crm.db``) with its relative file path taken inside the data
    folder, like ``sqlite:///crm.db``; other URLs as they are."""
    scheme, sep, rest = url.partition(":///")
    if not (sep and scheme.lower().startswith("sqlite+")):
        return url
    file, query, params = rest.partition("?")
    if not file or file == ":memory:" or file.startswith("/") or Path(file).is_absolute():
        return url
    return f"{scheme}:///{(data_dir / file).as_posix()}{query}{params}"


def select(db: Database, table: str | None, query: str | None, quote: Callable[[str], str] | None = None) -> str:
    """The query to run: the user's own, or every column of ``table`` with its name quoted."""
    if query:
        return query
    quote = quote or (lambda part: '"' + part.replace('"', '""') + '"')
    return "SELECT * FROM " + ".".join(quote(part) for part in (table or "").split("."))


def read_database(db: Database, table: str | None, query: str | None, display: str,
                  log: ProblemLog) -> SourceTable | None:
    """The rows of ``table`` or ``query`` as a source table named ``display``; None (logged) when they
    cannot be read."""
    try:
        headers, rows = _fetch(db, table, query)
    except _Missing as exc:
        log.add(display, 0, "", f"cannot read the database: {exc.args[0]} is not installed",
                f"pip install 'sitegen[{exc.args[1]}]'" + (" and the database's driver" if exc.args[1] == "sql" else ""))
        return None
    except Exception as exc:  # each driver raises its own errors: all mean the rows cannot be read
        message = " ".join(str(exc).split())[:200] or type(exc).__name__
        log.add(display, 0, "", f"cannot read the database: {message}",
                "check [data] url and this table's query or table in the config")
        return None
    columns = [pa.array([cell_text(row[i]) for row in rows], type=pa.string()) for i in range(len(headers))]
    found = pa.table(columns, names=[f"c{i}" for i in range(len(headers))]) if headers else pa.table({})
    return _renamed(arrow_table(found, display, keyed=True), headers)


def result_digest(db: Database, table: str | None, query: str | None) -> bytes:
    """A hash of the rows as text (for the build's fingerprint of a database that is not a local file)."""
    h = hashlib.blake2b(digest_size=20)
    try:
        headers, rows = _fetch(db, table, query)
    except Exception as exc:  # the build reports it
        return f"unreadable: {exc}".encode("utf-8", "replace")
    h.update(repr(headers).encode("utf-8", "surrogatepass"))
    for row in rows:
        h.update(repr([cell_text(v) for v in row]).encode("utf-8", "surrogatepass"))
    return h.digest()


class _Missing(Exception):
    """A driver that is not installed: (module, the extra that brings it)."""


def _renamed(table: SourceTable, headers: list[str]) -> SourceTable:
    return replace(table, headers=headers)


def _fetch(db: Database, table: str | None, query: str | None) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The column names and rows of the query."""
    if db.kind == "sqlite":
        assert db.path is not None
        if not db.path.is_file():
            raise FileNotFoundError(f"no database file {db.path}")
        with closing(sqlite3.connect(f"{db.path.resolve().as_uri()}?mode=ro", uri=True)) as con:
            return _rows(con.execute(select(db, table, query)))
    if db.kind == "duckdb":
        try:
            import duckdb
        except ImportError:
            raise _Missing("duckdb", "duckdb") from None
        assert db.path is not None
        if not db.path.is_file():
            raise FileNotFoundError(f"no database file {db.path}")
        con = duckdb.connect(str(db.path), read_only=True)
        try:
            return _rows(con.execute(select(db, table, query)))
        finally:
            con.close()
    try:
        import sqlalchemy
    except ImportError:
        raise _Missing("sqlalchemy", "sql") from None
    engine = sqlalchemy.create_engine(db.url)
    try:
        sql = select(db, table, query, engine.dialect.identifier_preparer.quote_identifier)
        with engine.connect() as con:
            result = con.execute(sqlalchemy.text(sql))
            return list(result.keys()), [tuple(r) for r in result.fetchall()]
    finally:
        engine.dispose()


def _rows(cursor: Any) -> tuple[list[str], list[tuple[Any, ...]]]:
    headers = [str(d[0]) for d in cursor.description or ()]
    rows: list[tuple[Any, ...]] = []
    while batch := cursor.fetchmany(_BATCH):
        rows.extend(batch)
    return headers, rows
