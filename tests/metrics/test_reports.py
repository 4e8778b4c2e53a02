"""Period figures: the calendar, figures per month/quarter/year, comparisons, and reports that never change
once their period is over."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

from sitegen.metrics import period_report
from sitegen.metrics import periods as cal
from tests.metrics.conftest import AS_OF, csv
from tests.metrics.fixtures import HISTORY, HISTORY_PIPELINE, TEAM

BASE = {
    **TEAM,
    "pipeline.csv": HISTORY_PIPELINE.replace("opportunity_id,stage,created_date,amount,close_date",
                                             "opportunity_id,stage,created_date,amount,close_date,owner"
                                             ).replace("\nH", ",Ann\nH").rstrip("\n") + ",Ann\n",
    "stage_history.csv": HISTORY,
}
LATER = {  # records dated after March added to every file: reports up to March must not move
    **BASE,
    "orders.csv": BASE["orders.csv"] + "A,2026-04-15,999,Ann,Direct\nQ,2026-05-02,5,,Online\n",
    "pipeline.csv": BASE["pipeline.csv"] + "H9,Proposal,2026-04-10,70,2026-08-01,Bob\n",
    "stage_history.csv": BASE["stage_history.csv"] + "H9,Lead,2026-04-10\nH9,Proposal,2026-04-20\n",
    "activities.csv": BASE["activities.csv"] + "2026-04-02,A,H2,Ann,call\n",
    "feedback.csv": BASE["feedback.csv"] + "A,2026-04-01,nps,0\n",
    "channel_costs.csv": BASE["channel_costs.csv"] + "Direct,2026-04,70\n",
}


def same(a: Any, b: Any, path: str = "") -> None:
    """Deep equality with a relative tolerance for floats (sums may be added up in another order)."""
    if isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), path
        for key in a:
            same(a[key], b[key], f"{path}.{key}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            same(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and isinstance(b, float):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9), (path, a, b)
    else:
        assert a == b, (path, a, b)


def test_calendar_and_fiscal_years() -> None:
    assert cal.quarter(pd.Timestamp("2026-02-10"), 4).label == "2026-Q4"   # FY2026 runs 2025-04 .. 2026-03
    assert cal.year(pd.Timestamp("2026-04-01"), 4).label == "2027"
    assert cal.parse_period("2026-Q1", 4).start == pd.Timestamp("2025-04-01")
    assert cal.previous(cal.parse_period("2026-Q1")).label == "2025-Q4"
    assert cal.year_ago(cal.parse_period("2026-03")).label == "2025-03"
    months = np.array([cal.id_of_period(cal.parse_period(m)) for m in ("2026-01", "2026-12")])
    assert cal.period_ids(months, "quarter", 4).tolist() == [
        cal.id_of_period(cal.parse_period("2026-Q4", 4), 4), cal.id_of_period(cal.parse_period("2027-Q3", 4), 4)]
    labels = [p.label for p in cal.all_periods(pd.Timestamp("2025-11-20"), pd.Timestamp("2026-01-05"))]
    assert labels == ["2025-11", "2025-12", "2026-01", "2025-Q4", "2026-Q1", "2025", "2026"]


def test_every_period_up_to_as_of(metrics) -> None:
    periods = metrics(BASE).periods
    assert periods["period"].tolist()[:6] == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]
    assert periods["period"].tolist()[6:] == ["2026-Q1", "2026-Q2", "2026"]
    june = periods.set_index("period").loc["2026-06"]
    assert bool(june["complete"]) and june["previous"] == "2026-05" and june["year_ago"] == "2025-06"
    running = metrics(BASE, as_of="2026-06-10").periods.set_index("period").loc["2026-06"]
    assert not running["complete"] and running["elapsed"] == pytest.approx(10 / 30)


def test_quarter_and_year_are_sums_of_months(metrics) -> None:
    p = metrics(BASE).periods.set_index("period")
    for column in ("revenue", "orders", "new_customers", "won_amount", "won_deals", "deals_created"):
        q1 = p.loc[["2026-01", "2026-02", "2026-03"], column].sum()
        assert p.loc["2026-Q1", column] == pytest.approx(q1), column
        assert p.loc["2026", column] == pytest.approx(p.loc[["2026-Q1", "2026-Q2"], column].sum()), column


def test_deal_figures_at_period_end(metrics) -> None:
    p = metrics(BASE).periods.set_index("period")
    # H2 was lost on 2026-02-20 (re-opened in March): February shows the loss, March an open deal
    assert p.loc["2026-02", ["won_deals", "lost_deals"]].tolist() == [0, 1]
    assert p.loc["2026-01", ["won_deals", "won_amount", "win_rate"]].tolist() == [1, 100.0, 1.0]
    assert p.loc["2026-03", "open_opportunities"] == 1 and p.loc["2026-05", "open_opportunities"] == 2
    assert p.loc["2026-02", "open_pipeline"] == 0.0


def test_closed_period_does_not_change_when_later_records_arrive(metrics, load) -> None:
    before = metrics(BASE).reports
    after = metrics(LATER).reports
    for label in ("2026-01", "2026-02", "2026-03", "2026-Q1"):
        same(before[label], after[label], label)
    assert before["2026-04"]["figures"]["revenue"] != after["2026-04"]["figures"]["revenue"]
    dataset, config = load(LATER)
    for label in ("2026-02", "2026-Q1"):
        same(before[label], period_report(dataset, config, label, AS_OF), label)
    assert period_report(dataset, config, "2027-01", AS_OF) is None


def test_report_contents(metrics) -> None:
    report = metrics(BASE).reports["2026-03"]
    assert report["complete"] and report["end"] == "2026-03-31"
    assert report["figures"]["revenue"] == 200.0
    assert report["comparison"]["previous"]["period"] == "2026-02"
    assert report["comparison"]["year_ago"]["figures"] is None        # 2025-03 has no data
    assert report["change"]["previous"]["revenue"] is None            # February had no revenue
    owners = {r["key"]: r for r in report["breakdowns"]["owner"]}
    assert owners["Ann"]["revenue"] == 100.0 and owners["unassigned"]["revenue"] == 30.0
    assert [r["stage"] for r in report["funnel"]][-1] == "won"
    assert report["figures"]["revenue_target"] == 100.0               # Ann's 2026 row / 12


def test_breakdowns_add_up(metrics) -> None:
    m = metrics(BASE)
    b, p = m.breakdowns, m.periods.set_index("period")
    for (period, dimension), rows in b[b["period"] != "window"].groupby(["period", "dimension"]):
        if dimension in ("owner", "region", "channel", "product"):
            assert rows["revenue"].sum() == pytest.approx(p.loc[period, "revenue"]), (period, dimension)
        if dimension in ("owner", "lead_source", "product"):
            assert rows["won_amount"].sum() == pytest.approx(p.loc[period, "won_amount"]), (period, dimension)
            assert rows["deals_created"].sum() == p.loc[period, "deals_created"], (period, dimension)
    window = b[(b["period"] == "window") & (b["dimension"] == "owner")]
    assert window["revenue"].sum() == pytest.approx(m.kpis["revenue_window"])


def test_product_labels_are_merged(metrics) -> None:
    m = metrics({"orders.csv": csv("customer_id,order_date,amount,product", "A,2026-01-01,1,GTX Pro",
                                   "A,2026-01-02,2,GTX Pro", "B,2026-01-03,4,gtxpro", "B,2026-01-04,8,")})
    products = m.breakdowns[(m.breakdowns["period"] == "2026-01") & (m.breakdowns["dimension"] == "product")]
    assert products.set_index("key")["revenue"].to_dict() == {"GTX Pro": 7.0, "unknown": 8.0}


def test_later_spellings_do_not_rename_a_key(metrics) -> None:
    first = csv("customer_id,order_date,amount,product", "A,2026-01-05,1,gtxpro")
    later = first + "".join(f"B,2026-03-0{i},1,GTX Pro\n" for i in range(1, 6))
    for files in ({"orders.csv": first}, {"orders.csv": later}):
        b = metrics(files).breakdowns
        january = b[(b["period"] == "2026-01") & (b["dimension"] == "product")]
        assert january["key"].tolist() == ["gtxpro"]
