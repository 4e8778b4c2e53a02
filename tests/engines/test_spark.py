"""The Spark engine gives the pandas engine's answers (issue 20): the demo site byte for byte, random order tables
reduction by reduction, random data folders' ``metrics.json`` and ``customers.csv``.

Spark runs in local mode (``local[2]``, two shuffle partitions, no UI), one session for the module. Skipped
when pyspark or Java is missing (``pip install 'sitegen[spark]'`` and a Java runtime, 17 or later for
pyspark 4). Creating the session takes seconds to a minute, so the examples are few and derandomized.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("pyspark", reason="the spark engine tests need pyspark (pip install 'sitegen[spark]')")
if shutil.which("java") is None:
    pytest.skip("the spark engine tests need a Java runtime (java on PATH)", allow_module_level=True)

from sitegen.config import load_config  # noqa: E402
from sitegen.dataset import load_dataset  # noqa: E402
from sitegen.demo import generate_demo_data  # noqa: E402
from sitegen.engine_config import Engine  # noqa: E402
from sitegen.engines import spark_engine  # noqa: E402
from sitegen.engines.pandas_engine import PandasEngine  # noqa: E402
from sitegen.engines.spark_engine import SparkEngine  # noqa: E402
from tests.engines.conftest import assert_same_reduced, files_of  # noqa: E402
from tests.engines.test_same_answers import SETTINGS, _build, _site, rich_orders  # noqa: E402
from tests.test_fuzz import data_files  # noqa: E402

LOCAL = Engine("spark", master="local[2]", spark_conf=(("spark.sql.shuffle.partitions", "2"),))


@pytest.fixture(scope="module", autouse=True)
def spark():
    """One local session for the module (the engine and CLI builds reuse it), stopped afterwards."""
    yield spark_engine.session(LOCAL)
    spark_engine.stop()


def test_demo_data_builds_the_same_site_with_spark(tmp_path: Path) -> None:
    generate_demo_data(tmp_path / "data", customers=300, seed=1, as_of=date(2026, 6, 30))
    code, _, output = _build(tmp_path, "pandas")
    assert code == 0, output
    code, _, output = _build(tmp_path, "spark")
    assert code == 0, output
    expected, got = files_of(tmp_path / "out-pandas"), files_of(tmp_path / "out-spark")
    assert expected.keys() == got.keys()
    assert not [name for name in expected if expected[name] != got[name]]
    assert b'"revenue"' in got["data/metrics.json"]


ORDERS = """customer_id,order_date,amount,order_id,status,quantity,unit_price,product,cost
C1,2026-01-02,10.1,O1,shipped,,,A,3
C2,2026-01-02,,O1,,2,3.3333,B,
C1,2026-01-02,0.2,,Cancelled,,,A,
C1,2026-01-02,0.7,,ok,,,,0.1
C2,2026-02-03,-50,,,,,A,
客户一,2026-03-04,1e3,o1, returned ,,,产品,
,2026-03-04,5,O2,,,,A,
C1,2027-01-01,5,O3,,,,A,
C1,,5,O3,,,,A,
"""


def test_order_codes_match_pandas_on_mixed_ids_and_excluded_statuses(tmp_path: Path) -> None:
    site = _site(tmp_path, {"orders.csv": ORDERS, "customers.csv": "customer_id,owner\nC1,Zed\n"})
    config = load_config(None, cwd=site)
    dataset = load_dataset(config)
    for as_of in ("2026-06-30", "2026-01-02", "2025-01-01"):
        day = pd.Timestamp(as_of)
        assert_same_reduced(PandasEngine().reduce(dataset, config, day), SparkEngine(LOCAL).reduce(dataset, config, day))


@settings(max_examples=3, **SETTINGS)
@given(orders=rich_orders(), as_of=st.sampled_from(["2026-06-30", "2025-06-15"]))
def test_reductions_are_equal_on_random_orders(tmp_path: Path, orders: str, as_of: str) -> None:
    site = _site(tmp_path, {"orders.csv": orders, "customers.csv": "customer_id,owner\nC1,Zed\nC2,\n客户一,Yan\n"})
    config = load_config(None, cwd=site)
    dataset = load_dataset(config)
    day = pd.Timestamp(as_of)
    assert_same_reduced(PandasEngine().reduce(dataset, config, day), SparkEngine(LOCAL).reduce(dataset, config, day))


@settings(max_examples=2, **SETTINGS)
@given(files=data_files(), orders=rich_orders())
def test_metrics_and_customers_are_identical_on_random_data(tmp_path: Path, files: dict[str, str],
                                                           orders: str) -> None:
    site = _site(tmp_path, {**files, "orders.csv": orders})
    code, expected, output = _build(site, "pandas")
    got = _build(site, "spark")
    assert got[0] == code, got[2]
    assert got[1] == expected
    if code:
        assert got[2] == output


def test_the_build_uses_the_spark_engine(tmp_path: Path, monkeypatch) -> None:
    calls = []
    real = spark_engine.order_lines
    monkeypatch.setattr(spark_engine, "order_lines", lambda *a: calls.append(1) or real(*a))
    valid = "\n".join(line for line in ORDERS.splitlines() if not line.startswith(",") and ",," not in line[:4])
    site = _site(tmp_path, {"orders.csv": valid + "\n"})
    code, files, output = _build(site, "spark")
    assert code == 0, output
    assert calls and b'"revenue"' in files["metrics.json"]
