"""The DuckDB engine's loader (issue 20): order lines go into DuckDB, never into a whole pandas frame, and the
problems are the pandas loader's, the same records in the same order (FILE:LINE, column, message, hint).

Random data folders (the fuzz generator of ``tests/test_fuzz.py``) and orders files written to go wrong (bad
dates and numbers, negative and missing values, missing and ambiguous columns, GBK and mixed encodings,
footers, ragged rows, invisible characters in ids, orders before their customer) are loaded with each engine.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.config import load_config
from sitegen.dataset import load_dataset
from sitegen.engines.duckdb_load import EngineFrame, EngineTableError, engine_table
from tests.engines.test_same_answers import EXAMPLES, SETTINGS, rich_orders
from tests.test_fuzz import data_files

CUSTOMERS = "customer_id,name,created_date\nC1,One,2026-01-01\nC2,Two,\n客户一,Three,2025-05-05\nC1,Dup,2020-01-01\n"
BAD_ORDERS = {
    "bad dates and numbers": "customer_id,order_date,amount,quantity,cost\n"
                             "C1,2026-02-30,12,1,\nC2,13/13/2026,abc,-2,-1\nC1, 2026-03-01 ,\"1,200.50\",x,5\n"
                             "C9,2300-01-01,-40,1,1\n,2026-04-01,5,1,1\nC1,,5,1,1\nC2,2026-04-02,  ,  ,\n"
                             "客户一,2025-01-01,7,1,1\nC1,2025-12-31,8,1,1\n",
    "missing columns": "customer_id,amount\nC1,5\n",
    "no amount": "customer_id,order_date,quantity\nC1,2026-01-01,2\n",
    "ambiguous": "customer_id,order_date,amount,Amount\nC1,2026-01-01,5,6\n",
    "header only": "customer_id,order_date,amount\n",
    "ragged": "customer_id,order_date,amount\nC1,2026-01-01,5\nC2,2026-01-01,5,9\n",
    "footer": "customer_id,order_date,amount\nC1,2026-01-01,5\nC2,2026-01-02,6\n合计,,11\n",
    "invisible ids": "customer_id,order_date,amount,owner,order_id\nC\u200b1,2026-01-01,5,A\u200dnn,O1\n"
                     "C1,2026-01-02,5,Ann,O\ufeff2\nC\u200b1,2026-01-03,5,Ann,\n",
    "long cell": "customer_id,order_date,amount,product\nC1,2026-01-01,5," + "p" * 10_050 + "\n",
    "semicolons": "Kunde;Datum;Betrag\nC1;2026-01-01;5\n",
}
GBK = "客户编号,订单日期,金额,产品\nC1,2026年1月2日,\"￥1,200\",茶叶\n客户一,2026/13/1,五,茶具\n".encode("gbk")
MIXED = GBK + "C2,2026-02-02,3,绿茶\n".encode("utf-8")


def _site(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    site = tmp_path / "site"
    shutil.rmtree(site, ignore_errors=True)
    (site / "data").mkdir(parents=True)
    for name, body in files.items():
        path = site / "data" / name
        path.write_bytes(body) if isinstance(body, bytes) else path.write_text(body, encoding="utf-8")
    return site


def _load(site: Path, engine: str):
    config = load_config(None, cwd=site)
    return load_dataset(dataclasses.replace(config, engine=dataclasses.replace(config.engine, name=engine)))


def assert_same_problems(site: Path) -> None:
    """Both loaders give the same problems (records, order, message keys) and counts, and orders alike."""
    pandas, duckdb = _load(site, "pandas"), _load(site, "duckdb")
    assert [(p, p.key) for p in duckdb.problems] == [(p, p.key) for p in pandas.problems]
    assert dict(duckdb.problem_counts) == dict(pandas.problem_counts)
    assert (duckdb.error_count, duckdb.warning_count) == (pandas.error_count, pandas.warning_count)
    assert duckdb.has("orders") == pandas.has("orders")
    if pandas.has("orders"):
        held = engine_table(duckdb.get("orders"))
        assert held is not None and len(duckdb.get("orders")) == len(pandas.get("orders"))
        assert list(duckdb.get("orders").columns) == list(pandas.get("orders").columns)
        frame = held.sql("SELECT * FROM {t} ORDER BY pos").to_pandas().drop(columns="pos")
        expected = pandas.get("orders").reset_index(drop=True)
        for column in expected:
            got, want = frame[column], expected[column]
            if want.dtype == object:
                assert [None if pd.isna(v) else v for v in got] == [None if pd.isna(v) else v for v in want], column
            else:
                pd.testing.assert_series_equal(got.astype(want.dtype), want, check_names=False, obj=column)


@pytest.mark.parametrize("case", sorted(BAD_ORDERS))
def test_problems_are_identical_on_bad_orders(tmp_path: Path, case: str) -> None:
    assert_same_problems(_site(tmp_path, {"orders.csv": BAD_ORDERS[case], "customers.csv": CUSTOMERS}))


@pytest.mark.parametrize("body", [GBK, MIXED, b"\xef\xbb\xbf" + BAD_ORDERS["bad dates and numbers"].encode()],
                         ids=["gbk", "gbk-and-utf8-lines", "utf8-bom"])
def test_problems_are_identical_on_encodings(tmp_path: Path, body: bytes) -> None:
    assert_same_problems(_site(tmp_path, {"orders.csv": body, "customers.csv": CUSTOMERS}))


def test_problems_are_identical_on_parquet(tmp_path: Path) -> None:
    site = _site(tmp_path, {"customers.csv": CUSTOMERS})
    pd.DataFrame({"customer_id": ["C1", "C9", None], "order_date": ["2026-01-01", "bad", "2026-01-03"],
                  "amount": [5.0, -1.0, None]}).to_parquet(site / "data" / "orders.parquet")
    assert_same_problems(site)


@settings(max_examples=EXAMPLES, **SETTINGS)
@given(files=data_files(), orders=st.one_of(st.none(), rich_orders()))
def test_problems_are_identical_on_random_data(tmp_path: Path, files: dict[str, str], orders: str | None) -> None:
    assert_same_problems(_site(tmp_path, {**files, **({"orders.csv": orders} if orders else {})}))


def test_duckdb_never_builds_an_orders_frame(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under the DuckDB engine the pandas reader is never asked for orders, the dataset holds a stand-in with no
    rows, and pandas code that selects its rows fails loudly instead of seeing none."""
    import sitegen.dataset as dataset_module

    pandas_read = dataset_module.read_table

    def read_table(source, display, spec, *args, **kwargs):
        assert spec.name != "orders", "orders were read into pandas"
        return pandas_read(source, display, spec, *args, **kwargs)

    monkeypatch.setattr(dataset_module, "read_table", read_table)
    site = _site(tmp_path, {"orders.csv": BAD_ORDERS["bad dates and numbers"], "customers.csv": CUSTOMERS})
    orders = _load(site, "duckdb").get("orders")
    assert isinstance(orders, EngineFrame) and orders.shape[0] == 0 and len(orders) == 9
    with pytest.raises(EngineTableError) as raised:  # an audience's slice, say: exit 2, never zero lines
        orders[orders["customer_id"].isin(["C1"]).to_numpy()]
    assert raised.value.exit_code == 2 and "data/orders.csv" in str(raised.value)
    with pytest.raises(AssertionError, match="read into pandas"):
        _load(site, "pandas")
