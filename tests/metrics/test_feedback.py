"""NPS and CSAT: definitions, window KPIs, per customer, per period."""

from __future__ import annotations

import pandas as pd
import pytest

from sitegen.metrics import feedback
from tests.metrics.conftest import csv
from tests.metrics.fixtures import TEAM


def test_definitions() -> None:
    assert feedback.nps(pd.Series([10, 9, 8, 7, 6, 0])) == pytest.approx((2 / 6 - 2 / 6) * 100)
    assert feedback.nps(pd.Series([10, 10, 5])) == pytest.approx(100 / 3)
    assert feedback.csat(pd.Series([5, 4, 3, 1])) == 0.5
    assert feedback.nps(pd.Series([], dtype=float)) is None and feedback.csat(pd.Series([], dtype=float)) is None


def test_kpis_customers_and_periods(metrics) -> None:
    m = metrics(TEAM)
    assert m.kpis["nps"] == pytest.approx(100 / 3) and m.kpis["nps_responses"] == 3
    assert m.kpis["csat"] == 0.5 and m.kpis["csat_responses"] == 2
    a = m.customers.set_index("customer_id").loc["A"]
    assert (a["nps_last"], a["nps_responses"]) == (5.0, 2)
    may = m.periods.set_index("period").loc["2026-05"]
    assert may["nps_responses"] == 3 and may["csat"] == 0.5


def test_null_without_feedback_file(metrics) -> None:
    k = metrics({"orders.csv": csv("customer_id,order_date,amount", "A,2026-01-01,1")}).kpis
    assert k["nps"] is None and k["csat"] is None


def test_undated_feedback_counts_in_window_not_in_periods(metrics) -> None:
    m = metrics({"orders.csv": csv("customer_id,order_date,amount", "A,2026-01-01,1"),
                 "feedback.csv": csv("customer_id,date,kind,score", "A,,nps,10", "A,2026-01-05,nps,0")})
    assert m.kpis["nps_responses"] == 2 and m.kpis["nps"] == 0.0
    assert m.periods.set_index("period").loc["2026-01", "nps_responses"] == 1
