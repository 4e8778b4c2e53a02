"""data/metrics.json, data/customers.csv and data/opportunities.csv exactly as SPEC §6; docs list every figure."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import orjson
import pandas as pd

from sitegen.metrics import Metrics
from sitegen.pages import Site
from sitegen.pages import data_files
from tests.metrics.conftest import csv
from tests.metrics.fixtures import DEALS, TEAM

SPEC_KPIS = ("revenue_window", "orders_window", "aov_window", "new_customers_window", "active_customers_window",
             "repeat_purchase_rate", "win_rate", "win_rate_value", "avg_deal_size", "sales_cycle_days_median",
             "sales_cycle_days_mean", "open_pipeline", "weighted_pipeline", "stale_opportunities",
             "overdue_opportunities", "target_attainment_ytd", "nps", "csat")
DOCS = Path(__file__).resolve().parents[2] / "docs" / "metrics.md"


def files(metrics, load, data: dict[str, str]) -> dict[str, bytes]:
    dataset, config = load(data)
    site = Site(config=config, dataset=dataset, metrics=metrics(data))
    return {f.path: f.data for f in data_files.pages(site)}


def test_metrics_json(metrics, load) -> None:
    out = orjson.loads(files(metrics, load, TEAM)["data/metrics.json"])
    assert list(out) == ["as_of", "currency", "funnel", "goals", "kpis", "periods"]
    assert out["as_of"] == "2026-06-30" and out["currency"] == "CNY"
    assert set(SPEC_KPIS) <= set(out["kpis"])
    assert set(out["funnel"][0]) == {"stage", "reached", "conversion_from_previous", "conversion_from_first"}
    assert out["periods"]["2026-03"]["revenue"] == 200.0 and out["periods"]["2026-Q1"]["kind"] == "quarter"


def test_kpis_are_null_without_their_input(metrics, load) -> None:
    only_orders = {"orders.csv": csv("customer_id,order_date,amount", "A,2026-01-01,5")}
    kpis = orjson.loads(files(metrics, load, only_orders)["data/metrics.json"])["kpis"]
    for key in ("win_rate", "avg_deal_size", "open_pipeline", "stale_opportunities", "target_attainment_ytd",
                "nps", "csat"):
        assert kpis[key] is None, key
    assert kpis["revenue_window"] == 5.0


def test_csv_columns(metrics, load) -> None:
    out = files(metrics, load, {**DEALS, "orders.csv": TEAM["orders.csv"]})
    customers = pd.read_csv(io.BytesIO(out["data/customers.csv"]), dtype=str)
    assert list(customers.columns) == list(data_files.CUSTOMER_COLUMNS)
    assert customers.set_index("customer_id").loc["A", "url"].startswith("customers/")
    deals = pd.read_csv(io.BytesIO(out["data/opportunities.csv"]), dtype=str, keep_default_na=False)
    assert list(deals.columns) == list(data_files.OPPORTUNITY_COLUMNS)
    assert deals.set_index("opportunity_id").loc["O2", "url"] == "pipeline/deals/o2/"   # its own page (SPEC §7)


def test_docs_define_every_kpi_and_field(metrics) -> None:
    doc = DOCS.read_text(encoding="utf-8")
    kpis = metrics(TEAM).kpis
    missing = [k for k in kpis if f"`{k}`" not in doc]
    assert not missing, f"KPIs not in docs/metrics.md: {missing}"
    fields = [f.name for f in dataclasses.fields(Metrics)] + ["owner_months"]
    assert not [f for f in fields if f"`{f}`" not in doc]


def test_period_figures_are_null_without_their_input(metrics) -> None:
    pipeline_only = metrics({"pipeline.csv": csv("opportunity_id,stage,created_date,amount", "O1,Lead,2026-01-05,3")})
    january = pipeline_only.periods.set_index("period").loc["2026-01"]
    assert pd.isna(january["revenue"]) and january["deals_created"] == 1
    orders_only = metrics({"orders.csv": csv("customer_id,order_date,amount", "A,2026-01-01,5")})
    january = orders_only.periods.set_index("period").loc["2026-01"]
    assert january["revenue"] == 5.0 and pd.isna(january["won_deals"])
