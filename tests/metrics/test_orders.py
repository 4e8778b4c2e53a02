"""Order and customer figures: revenue, margin, AOV, active/new/returning, repeat rate, retention, cohorts."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from sitegen.metrics import orders as om
from tests.metrics.conftest import csv, row
from tests.metrics.test_reduce import ORDERS


def test_window_kpis(metrics) -> None:
    k = metrics({"orders.csv": ORDERS}).kpis
    assert k["revenue_window"] == 260.0          # 150 + 60 + 80 - 30 (the return nets out)
    assert k["margin_window"] == 70.0            # (100 - 60) + (80 - 50)
    assert k["orders_window"] == 3               # the return is not an order
    assert k["aov_window"] == pytest.approx(260 / 3)
    assert (k["active_customers_window"], k["new_customers_window"], k["returning_customers_window"]) == (2, 2, 0)
    assert k["repeat_purchase_rate"] == 0.5      # A has 2 orders, B 1
    assert k["retention_rate"] is None           # nobody bought in the year before the window


def test_kpis_are_null_without_orders(metrics) -> None:
    k = metrics({"pipeline.csv": csv("opportunity_id,stage,created_date", "O1,Lead,2026-01-01")}).kpis
    for key in om.ORDER_KPIS:
        assert k[key] is None, key


def test_monthly(metrics) -> None:
    monthly = metrics({"orders.csv": ORDERS}).monthly.set_index("month")
    assert list(monthly.index) == ["2026-01", "2026-02", "2026-03"]
    assert monthly["revenue"].tolist() == [150.0, 60.0, 50.0]
    assert monthly["orders"].tolist() == [1, 1, 1]
    assert monthly["new_customers"].tolist() == [1, 0, 1]
    assert monthly["returning_customers"].tolist() == [0, 1, 0]
    assert monthly.loc["2026-03", "aov"] == 50.0


def test_retention_between_windows(metrics) -> None:
    orders = csv("customer_id,order_date,amount", "A,2025-03-01,1", "B,2025-03-01,1", "C,2025-03-01,1",
                 "A,2026-03-01,1", "D,2026-03-01,1")
    k = metrics({"orders.csv": orders}).kpis
    assert k["retention_rate"] == pytest.approx(1 / 3)  # of A, B, C (last year) only A bought again


def test_period_retention_and_repeat_rate(metrics) -> None:
    periods = metrics({"orders.csv": ORDERS}).periods.set_index("period")
    assert periods.loc["2026-02", "retention"] == 1.0     # A bought in January and February
    assert periods.loc["2026-03", "retention"] == 0.0     # A (February) did not buy in March
    assert math.isnan(periods.loc["2026-01", "retention"])  # nobody bought in December
    assert periods.loc["2026-01", "repeat_purchase_rate"] == 0.0
    assert periods.loc["2026-02", "repeat_purchase_rate"] == 1.0   # A's second order
    assert periods.loc["2026-03", "repeat_purchase_rate"] == 0.5   # B joined with one order
    assert periods.loc["2026-Q1", "revenue"] == 260.0
    assert periods.loc["2026-Q1", ["active_customers", "new_customers", "orders"]].tolist() == [2, 2, 3]


def test_cohort_matrix(metrics) -> None:
    cohorts = metrics({"orders.csv": ORDERS}, as_of="2026-04-15").cohorts
    jan = cohorts[cohorts["cohort"] == "2026-01"]
    assert jan["months_since"].tolist() == [0, 1, 2, 3]
    assert jan["active"].tolist() == [1, 1, 0, 0]
    assert jan["retention"].tolist() == [1.0, 1.0, 0.0, 0.0]
    assert row(cohorts, cohort="2026-03", months_since=1)["customers"] == 1


def test_sum_or_none() -> None:
    assert om.sum_or_none(pd.Series([float("nan")])) is None
    assert om.sum_or_none(pd.Series([1.0, float("nan")])) == 1.0


def test_period_customer_counts_with_many_customers_and_months(metrics) -> None:
    # 12 customers over 24 months: customer codes times periods overflow small integer types
    orders = [(f"C{c:02d}", f"{2024 + (k + 6) // 12}-{(k + 6) % 12 + 1:02d}")
              for c in range(12) for k in range(c % 3, 24, 2)]
    m = metrics({"orders.csv": csv("customer_id,order_date,amount", *(f"{c},{month}-15,10" for c, month in orders))})
    months = m.periods[m.periods["kind"] == "month"].set_index("period")
    active = {month: {c for c, when in orders if when == month} for month in months.index}
    assert months["active_customers"].to_dict() == {month: len(who) for month, who in active.items()}
    assert months["retained_customers"].to_dict() == {
        month: len(who & active.get(months.loc[month, "previous"], set())) for month, who in active.items()}
