"""The DuckDB engine: the line-level work on order lines (filtering, status exclusion, customer and order codes)
as SQL in DuckDB, with ``[engine] memory_limit`` and ``temp_directory`` (DuckDB spills there beyond the limit).

The order lines enter DuckDB as one relation, ``lines_in``: a ``pos`` column (the row's place in the table,
which fixes every "first appearance" rule) and the typed columns of ``orders``. SQL keeps the revenue-bearing
lines up to as_of and numbers customers and orders exactly as :func:`sitegen.metrics.reduce.order_lines`
does; the sums are then the shared numpy code of :mod:`sitegen.metrics.reduce` over the kept lines in the
same order, so the figures are bit for bit the pandas engine's (float sums depend on their order).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sitegen.engine_config import Engine as EngineSettings

if TYPE_CHECKING:
    import duckdb

    from sitegen.config import Config
    from sitegen.dataset import Dataset
    from sitegen.metrics.reduce import Reduced

NUMBERS = ("amount", "quantity", "unit_price", "cost", "paid_amount")
TEXTS = ("order_id", "channel", "owner", "product")


class DuckDBEngine:
    """Order lines reduced in DuckDB; one in-process database per reduction, closed when it is done."""

    name = "duckdb"

    def __init__(self, settings: EngineSettings, root: Path) -> None:
        self.settings = settings
        self.root = root

    def connect(self) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB with the configured memory limit and spill folder, one thread per core."""
        import duckdb

        con = duckdb.connect(":memory:")
        if self.settings.memory_limit:
            con.execute(f"SET memory_limit = '{self.settings.memory_limit.strip()}'")
        if self.settings.temp_directory:
            folder = (self.root / self.settings.temp_directory).resolve()
            con.execute("SET temp_directory = " + _literal(str(folder)))
        con.execute("SET preserve_insertion_order = true")
        return con

    def reduce(self, dataset: Dataset, config: Config, as_of: pd.Timestamp) -> Reduced:
        """Every reduction for ``as_of``, the order lines from :meth:`order_lines`."""
        from sitegen.metrics.reduce import reduce_with

        from sitegen.engines.duckdb_load import engine_table

        held = engine_table(dataset.get("orders"))  # order lines the loader left in DuckDB
        con = held.con if held is not None else self.connect()
        try:
            return reduce_with(dataset, config, as_of, lambda d, c, a: order_lines(con, d, c, a))
        finally:
            if held is None:
                con.close()
            release_memory()


def _arrow(relation: duckdb.DuckDBPyRelation) -> pa.Table:
    """A query's rows as an arrow table (DuckDB 1.x: fetch_arrow_table, 2.x: to_arrow_table)."""
    fetch = getattr(relation, "to_arrow_table", None) or relation.fetch_arrow_table
    return fetch()


def release_memory() -> None:
    """Hand memory freed by DuckDB's threads and arrow back to the system (glibc keeps a heap per thread, and
    the render step, on the main thread, would never reuse those): the build's peak is what stays in use."""
    pa.default_memory_pool().release_unused()
    try:
        import ctypes
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (macOS, Windows, musl): nothing to trim
        pass


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def lines_relation(frame: pd.DataFrame) -> pa.Table:
    """The loaded orders as the arrow table ``lines_in`` (no copy of numeric columns; text as arrow strings)."""
    columns = {"pos": pa.array(np.arange(len(frame), dtype=np.int64))}
    for name in ("customer_id", "order_date", "status", "due_date", *NUMBERS, *TEXTS):
        if name in frame:
            column = pa.Array.from_pandas(frame[name])
            if pa.types.is_null(column.type) or pa.types.is_dictionary(column.type):  # all missing; categories
                column = column.cast(pa.string())
            columns[name] = column
    return pa.table(columns)


def excluded_statuses(con: duckdb.DuckDBPyConnection, excluded: tuple[str, ...]) -> list[str]:
    """The distinct statuses of ``lines_in`` that are excluded (compared trimmed and casefolded, like pandas)."""
    wanted = {s.strip().casefold() for s in excluded}
    found = con.execute("SELECT DISTINCT status FROM lines_in WHERE status IS NOT NULL").fetchall()
    return [s for (s,) in found if str(s).strip().casefold() in wanted]


def order_lines(con: duckdb.DuckDBPyConnection, dataset: Dataset, config: Config,
                as_of: pd.Timestamp) -> tuple[pd.DataFrame | None, np.ndarray]:
    """What :func:`sitegen.metrics.reduce.order_lines` returns, the line-level work done in DuckDB."""
    from sitegen.engines.duckdb_load import engine_table

    raw = dataset.get("orders")
    if raw is None:
        return None, np.array([], dtype=object)
    held = engine_table(raw)
    if held is not None:  # the loader's table, with the columns the dataset still has (never_publish drops some)
        wanted = ["pos", *(c for c in ("customer_id", "order_date", "status", "due_date", *NUMBERS, *TEXTS)
                           if c in raw.columns and c in held.columns)]
        con.execute(f"CREATE OR REPLACE TEMP VIEW lines_in AS SELECT {', '.join(wanted)} FROM {held.name}")
        names = set(wanted)
    else:
        lines_in = lines_relation(raw)  # noqa: F841 (DuckDB reads the Python variable by its name)
        con.register("lines_in", lines_in)
        names = set(lines_in.column_names)
    where = "customer_id IS NOT NULL AND order_date <= CAST($as_of AS TIMESTAMP)"
    params: dict[str, object] = {"as_of": as_of.to_pydatetime()}
    if "status" in names:
        bad = excluded_statuses(con, config.rules.excluded_order_statuses)
        if bad:
            where += " AND (status IS NULL OR NOT list_contains($bad, status))"
            params["bad"] = bad
    con.execute(f"CREATE OR REPLACE TEMP TABLE kept AS SELECT * FROM lines_in WHERE {where}", params)  # (no sort)
    if held is not None:
        con.execute("DROP VIEW lines_in")
    else:
        con.unregister("lines_in")
    customers = np.array([c for (c,) in con.execute(
        "SELECT DISTINCT customer_id FROM kept ORDER BY customer_id").fetchall()], dtype=object)
    has_id = "order_id" in names
    id_code = "CASE WHEN order_id IS NULL THEN -1 ELSE dense_rank() OVER (ORDER BY order_id) - 1 END" \
        if has_id else "-1"
    pair = "partition by order_id, customer_id" if has_id else "partition by customer_id"
    # codes by first appearance (pandas.factorize): the rank of the key's first line. The windows see only
    # the key columns (a window holds every column it is given); the values come in a second query.
    keys = ["pos", "customer_id", "CAST(order_date AS DATE) AS day", *(["order_id"] if has_id else [])]
    codes = _arrow(con.sql(f"""
        WITH k AS (SELECT {', '.join(keys)} FROM kept)
        SELECT dense_rank() OVER (ORDER BY customer_id) - 1 AS cust, {id_code} AS order_id_code,
               min(pos) OVER ({pair}) AS first_pair, min(pos) OVER (PARTITION BY customer_id, day) AS first_day
        FROM k ORDER BY pos"""))
    wanted = [n for n in ("order_date", "due_date", *NUMBERS, *TEXTS) if n in names]
    coded = _arrow(con.sql(f"SELECT {', '.join(wanted)} FROM kept ORDER BY pos"))
    con.execute("DROP TABLE kept")
    for name in ("cust", "order_id_code"):
        coded = coded.append_column(name, codes.column(name))
    for first, code in (("first_pair", "pair_code"), ("first_day", "day_code")):  # dense_rank of the first line
        ranks = np.unique(codes.column(first).to_numpy(), return_inverse=True)[1].reshape(-1)
        coded = coded.append_column(code, pa.array(ranks.astype(np.int64)))
    del codes
    release_memory()
    return _lines_frame(coded, names), customers


def _lines_frame(coded: pa.Table, names: set[str]) -> pd.DataFrame:
    """The kept lines as the frame the shared reductions take (columns of ``reduce.order_lines``)."""
    def numbers(name: str) -> np.ndarray:
        return coded.column(name).to_numpy().astype(float) if name in names else np.full(coded.num_rows, np.nan)

    cust = coded.column("cust").to_numpy().astype(np.int64)
    by_id = coded.column("order_id_code").to_numpy().astype(np.int64)
    pair, day = (coded.column(c).to_numpy().astype(np.int64) for c in ("pair_code", "day_code"))
    if len(cust) and (by_id >= 0).all():
        order = pair
    elif len(cust) and (by_id >= 0).any():
        order = np.where(by_id >= 0, pair, int(pair.max()) + 1 + day)
    else:
        order = day
    amount = numbers("amount")
    if "quantity" in names and "unit_price" in names:
        amount = np.where(np.isnan(amount), numbers("quantity") * numbers("unit_price"), amount)
    out = pd.DataFrame({
        "order": order, "cust": cust, "order_id_code": by_id,
        "order_date": coded.column("order_date").to_numpy().astype("datetime64[ns]"), "amount": amount,
        "cost": numbers("cost") if "cost" in names else np.nan,
        "quantity": numbers("quantity") if "quantity" in names else np.nan,
    })
    for name in TEXTS:
        if name in names:
            out[name] = pd.Series(_objects(coded.column(name)), dtype=object)
    if "paid_amount" in names:
        out["paid_amount"] = numbers("paid_amount")
        if "due_date" in names:
            out["due_date"] = coded.column("due_date").to_numpy().astype("datetime64[ns]")
    return out


def _objects(column: pa.ChunkedArray) -> np.ndarray:
    """Text as Python strings (None when null), one string per distinct value."""
    encoded = pc.dictionary_encode(column.combine_chunks())
    words = np.append(encoded.dictionary.to_numpy(zero_copy_only=False), None)
    return words.take(pc.fill_null(encoded.indices, len(words) - 1).to_numpy())
