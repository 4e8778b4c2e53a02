"""Real-world exports through a column map alone: a CRM with two open stages, deals without dates, amounts or
accounts; an order log without order ids, with yyyymmdd dates and several purchases a day. Never a crash."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from tests.metrics.conftest import csv
from tests.metrics.fixtures import DEALS, TEAM

CRM_CONFIG = """
[data.pipeline]
file = "sales_pipeline.csv"

[data.pipeline.columns]
customer_id = "account"
owner = "sales_agent"
stage = "deal_stage"
created_date = "engage_date"
amount = "close_value"

[[stages]]
key = "prospecting"
name = "Prospecting"
probability = 0.2

[[stages]]
key = "engaging"
name = "Engaging"
probability = 0.5
"""
CRM = {"sales_pipeline.csv": csv(
    "opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value",
    "1C1I7A6R,Moses Frase,GTX Plus Basic,Cancity,Won,2025-10-20,2026-03-01,1054",
    "Z063OYW0,Darcel Schlecht,GTXPro,Isdom,Won,2025-10-25,2026-01-11,4514",
    "EC4QE1BX,Darcel Schlecht,MG Special,Cancity,Lost,2025-10-25,2026-03-07,0",
    "MV1LWRNH,Moses Frase,GT Advanced,Codehow,Engaging,2025-10-25,,",
    "PE84CX4O,Zane Levy,GTX Pro,,Prospecting,,,",
    "ZNBS69V1,Anna Snelling,MG Special,,Prospecting,,,",
)}
CDNOW_CONFIG = """
[data.orders]
file = "cdnow.csv"
columns = { customer_id = "cust", order_date = "date", quantity = "cds", amount = "dollars" }
"""
CDNOW = {"cdnow.csv": csv("cust,date,cds,dollars", "00001,19970101,1,11.77", "00002,19970112,1,12.00",
                          "00002,19970112,5,77.00", "00003,19970102,2,20.76", "00003,19970330,2,20.76")}


def test_crm_with_two_open_stages(metrics, load) -> None:
    m = metrics(CRM, CRM_CONFIG)
    k = m.kpis
    assert k["win_rate"] == pytest.approx(2 / 3)
    assert k["win_rate_value"] is None                  # lost deals carry 0: the value rate would be 100 %
    assert k["avg_deal_size"] == 2784.0
    assert k["sales_cycle_days_median"] == 105.0        # 132 and 78 days
    assert (k["open_opportunities"], k["open_pipeline"]) == (3, 0.0)
    # prospecting deals without a created date stay out of the cohort funnel
    assert m.funnel["reached"].tolist() == [4, 3, 2]
    assert m.funnel["stage"].tolist() == ["prospecting", "engaging", "won"]
    dataset, _ = load(CRM, CRM_CONFIG)
    warnings = [p.message for p in dataset.problems if p.severity == "warning"]
    assert "1 lost deal(s) without lost_at_stage" in warnings and "3 open deal(s) without amount" in warnings
    assert "2 deal(s) without customer_id" in warnings
    products = m.breakdowns[(m.breakdowns["period"] == "window") & (m.breakdowns["dimension"] == "product")]
    # "GTXPro" (created 2025-10) and "GTX Pro" (undated) are one product, named as first seen
    assert "GTXPro" in set(products["key"]) and "GTX Pro" not in set(products["key"])
    deals = m.opportunities.set_index("opportunity_id")
    assert deals.loc["PE84CX4O", "status"] == "open" and deals.loc["PE84CX4O", "customer_id"] is None


def test_order_log_without_ids(metrics) -> None:
    m = metrics(CDNOW, CDNOW_CONFIG, as_of="1998-06-30")
    c = m.customers.set_index("customer_id")
    assert c.index.tolist() == ["00001", "00002", "00003"]      # ids stay text
    assert c["orders"].tolist() == [1, 1, 2]                    # two purchases on one day: one order
    assert c["revenue"].tolist() == pytest.approx([11.77, 89.00, 41.52])
    assert c.loc["00003", "last_order_date"] == pd.Timestamp("1997-03-30")
    assert m.kpis["repeat_purchase_rate"] == pytest.approx(1 / 3)


EMPTY = {"orders.csv": "customer_id,order_date,amount\n", "pipeline.csv": "opportunity_id,stage,created_date\n"}
OPTIONAL = ("customers.csv", "activities.csv", "targets.csv", "feedback.csv", "channel_costs.csv")


@pytest.mark.parametrize("files", [
    EMPTY,
    {"orders.csv": EMPTY["orders.csv"]},
    {"pipeline.csv": EMPTY["pipeline.csv"]},
    {k: v for k, v in TEAM.items() if k != "orders.csv"},
    {k: v for k, v in TEAM.items() if k != "pipeline.csv"},
    {**DEALS, "stage_history.csv": "opportunity_id,stage,entered_date\n"},
    {"orders.csv": csv("customer_id,order_date,amount", "A,2027-01-01,5"),
     "pipeline.csv": csv("opportunity_id,stage,created_date", "X,Lead,2027-01-01")},
], ids=["empty", "empty-orders", "empty-pipeline", "no-orders", "no-pipeline", "empty-history", "all-future"])
def test_never_crashes(metrics, files) -> None:
    m = metrics(files)
    assert set(m.kpis) >= {"revenue_window", "win_rate", "nps", "target_attainment_ytd"}
    assert m.reports.keys() == set(m.periods["period"]) if len(m.periods) else not m.reports


@pytest.mark.parametrize("drop", list(itertools.combinations(OPTIONAL, 2))[:4])
def test_optional_tables_may_be_missing(metrics, drop) -> None:
    m = metrics({k: v for k, v in TEAM.items() if k not in drop})
    assert m.kpis["revenue_window"] == 270.0
