"""The acceptance test of the engine seam (issue 20): pandas and DuckDB give the same answers.

Random small order tables (ids reused by several customers, lines with and without order ids, excluded
statuses in any case, missing amounts filled from quantity x unit price, returns) go through both engines'
reductions and must give equal ``Reduced`` tables, floats bit for bit; random whole data folders (the fuzz
generator of ``tests/test_fuzz.py`` plus richer orders) are built with both and give identical
``data/metrics.json`` and ``data/customers.csv``. CI (``CI=true``) runs 5 examples with a fixed seed, a run
elsewhere 12; ``SITEGEN_ENGINE_EXAMPLES=300`` runs more, with a random seed.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import pandas as pd
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.cli import main
from sitegen.config import load_config
from sitegen.dataset import load_dataset
from sitegen.engine_config import Engine
from sitegen.engines.duckdb_engine import DuckDBEngine
from sitegen.engines.pandas_engine import PandasEngine
from tests.engines.conftest import assert_same_reduced
from tests.test_fuzz import AS_OF, amounts, data_files, dates, table

CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
EXAMPLES = int(os.environ.get("SITEGEN_ENGINE_EXAMPLES", "5" if CI else "12"))  # CI: tests/engines in ~90 s
ON_DEMAND = "SITEGEN_ENGINE_EXAMPLES" in os.environ
SETTINGS = dict(deadline=None, derandomize=not ON_DEMAND, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])
CUSTOMERS = ["C1", "C2", "c1", "客户一", " C3 ", "C\u200b1"]
near = st.dates(min_value=pd.Timestamp("2025-01-01").date(), max_value=pd.Timestamp("2026-08-01").date()).map(str)


@st.composite
def rich_orders(draw) -> str:
    """An orders.csv with every column the reductions read, ids and dates drawn from few values so that orders
    share ids, customers share days and lines group."""
    columns = draw(st.sets(st.sampled_from(["order_id", "product", "quantity", "unit_price", "cost", "channel",
                                            "owner", "status", "paid_amount", "due_date"])))
    header = ["customer_id", "order_date", "amount", *sorted(columns)]
    values = {
        "customer_id": st.sampled_from(CUSTOMERS + [""]), "order_date": st.one_of(near, near, dates),
        "amount": st.one_of(amounts, st.just(""), st.just("-50")), "order_id": st.sampled_from(["O1", "O2", "o1", "", "O3"]),
        "product": st.sampled_from(["A", "B", "", "unknown", "产品"]), "quantity": st.sampled_from(["1", "2.5", "", "x"]),
        "unit_price": st.sampled_from(["10", "0.1", "", "3.3333"]), "cost": st.one_of(amounts, st.just("")),
        "channel": st.sampled_from(["web", "Web", "", "直销"]), "owner": st.sampled_from(["Ann", "", "Bob"]),
        "status": st.sampled_from(["", "shipped", "Cancelled", " returned ", "CANCELLED", "ok"]),
        "paid_amount": st.one_of(amounts, st.just("")), "due_date": st.one_of(near, st.just("")),
    }
    rows = draw(st.lists(st.tuples(*[values[c] for c in header]), min_size=0, max_size=14))
    return table(header, [list(r) for r in rows])


def _site(tmp_path: Path, files: dict[str, str]) -> Path:
    site = tmp_path / "site"
    data = site / "data"
    shutil.rmtree(site, ignore_errors=True)
    data.mkdir(parents=True)
    for name, text in files.items():
        (data / name).write_text(text, encoding="utf-8")
    return site


@settings(max_examples=EXAMPLES * 4, **SETTINGS)
@given(orders=rich_orders(), as_of=st.sampled_from(["2026-06-30", "2025-06-15", "2026-08-01"]))
def test_reductions_are_equal_on_random_orders(tmp_path: Path, orders: str, as_of: str) -> None:
    site = _site(tmp_path, {"orders.csv": orders,
                            "customers.csv": "customer_id,owner\nC1,Zed\nC2,\n客户一,Yan\n"})
    config = load_config(None, cwd=site)
    dataset = load_dataset(config)
    day = pd.Timestamp(as_of)
    expected = PandasEngine().reduce(dataset, config, day)
    assert_same_reduced(expected, DuckDBEngine(Engine("duckdb"), site).reduce(dataset, config, day))


def _build(site: Path, engine: str) -> tuple[int, dict[str, bytes], str]:
    out = site / f"out-{engine}"
    previous = Path.cwd()
    os.chdir(site)
    try:
        result = CliRunner().invoke(main, ["build", "--as-of", AS_OF, "--jobs", "1", "--engine", engine,
                                           "--out", str(out)], catch_exceptions=True)
    finally:
        os.chdir(previous)
    files = {n: (out / "data" / n).read_bytes() for n in ("metrics.json", "customers.csv")} \
        if result.exit_code == 0 else {}
    return result.exit_code, files, result.output


@settings(max_examples=EXAMPLES, **SETTINGS)
@given(files=data_files(), orders=st.one_of(st.none(), rich_orders()))
def test_metrics_and_customers_are_identical_on_random_data(tmp_path: Path, files: dict[str, str],
                                                           orders: str | None) -> None:
    if orders is not None:
        files = {**files, "orders.csv": orders}
    site = _site(tmp_path, files)
    code, expected, output = _build(site, "pandas")
    assert code in (0, 1, 2) and "Traceback" not in output, output
    got = _build(site, "duckdb")
    assert got[0] == code, got[2]
    assert got[1] == expected
    if code:
        assert got[2] == output  # the same problems, reported the same way


def test_reductions_are_equal_on_an_empty_and_a_fully_excluded_table(tmp_path: Path) -> None:
    for orders in ("customer_id,order_date,amount\n",
                   "customer_id,order_date,amount,status\nC1,2026-01-02,5,cancelled\nC2,2026-01-02,5,Returned\n"):
        site = _site(tmp_path, {"orders.csv": orders})
        config = dataclasses.replace(load_config(None, cwd=site))
        dataset = load_dataset(config)
        day = pd.Timestamp(AS_OF)
        assert_same_reduced(PandasEngine().reduce(dataset, config, day),
                            DuckDBEngine(Engine("duckdb"), site).reduce(dataset, config, day))
