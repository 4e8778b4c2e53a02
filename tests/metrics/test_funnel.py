"""Cohort funnel, historical stage probabilities with fallback, and per-stage statistics."""

from __future__ import annotations

import math

import pytest

from tests.metrics.fixtures import DEALS, PROBABILITY_CONFIG, WITH_HISTORY


@pytest.fixture(scope="module")
def m(metrics):
    return metrics(DEALS, PROBABILITY_CONFIG)


def test_cohort_funnel_by_count_and_amount(m) -> None:
    # created in the window: W1, W2, L1, L2, O1, O2 (O3 has no created date, OLD is older)
    f = m.funnel.set_index("stage")
    assert f["reached"].tolist() == [6, 4, 4, 4, 2, 2]
    assert f["amount"].tolist() == [2100.0, 1600.0, 1600.0, 1600.0, 400.0, 400.0]
    assert math.isnan(f.loc["lead", "conversion_from_previous"])
    assert f.loc["contact", "conversion_from_previous"] == pytest.approx(4 / 6)
    assert f.loc["negotiation", "conversion_from_previous"] == 0.5
    assert f.loc["won", "conversion_from_first"] == pytest.approx(2 / 6)
    assert f.loc["won", "value_conversion_from_first"] == pytest.approx(400 / 2100)


def test_stage_probabilities_from_history_and_fallback(m, metrics) -> None:
    # closed in the window: W1, W2 (reached every stage), L1 (lost at proposal), L2 (lost at lead)
    p = m.stage_probabilities.set_index("stage")
    assert p["won"].tolist() == [2, 2, 2, 2, 2]
    assert p["lost"].tolist() == [2, 1, 1, 1, 0]
    assert p.loc["lead", "probability"] == 0.5 and p.loc["proposal", "probability"] == pytest.approx(2 / 3)
    assert p.loc["negotiation", "probability"] == 1.0
    assert set(p["source"]) == {"history"}
    # with the default minimum of 20 deals every stage falls back to the configured probability
    fallback = metrics(DEALS).stage_probabilities.set_index("stage")
    assert fallback["probability"].tolist() == [0.10, 0.20, 0.40, 0.60, 0.80]
    assert set(fallback["source"]) == {"config"}


def test_stage_stats(m) -> None:
    s = m.stage_stats.set_index("stage")
    assert s["deals_now"].to_dict() == {"lead": 1, "contact": 0, "needs": 0, "proposal": 1, "negotiation": 1}
    assert s.loc["proposal", "amount_now"] == 1000.0
    assert s.loc["lead", "stale_now"] == 1 and s.loc["lead", "overdue_now"] == 1
    assert s.loc["contact", "conversion_to_next"] == 1.0
    assert s.loc["proposal", "conversion_to_next"] == 0.5
    assert s["lost"].to_dict() == {"lead": 1, "contact": 0, "needs": 0, "proposal": 1, "negotiation": 0}
    assert s.loc["lead", "over_max_days"] == 1          # O2 in lead for 60 days > 14
    assert list(s["max_days"]) == [14, 14, 21, 21, 30]


def test_stage_stats_with_history(metrics) -> None:
    s = metrics(WITH_HISTORY).stage_stats.set_index("stage")
    assert s.loc["lead", "median_days"] == 10 and s.loc["lead", "transitions"] == 3
    assert s.loc["contact", "skipped"] == 1 and s.loc["contact", "entered"] == 2


def test_no_funnel_without_pipeline(metrics) -> None:
    m = metrics({"orders.csv": "customer_id,order_date,amount\nA,2026-01-01,1\n"})
    assert m.funnel.empty and "conversion_from_first" in m.funnel
    assert m.kpis["win_rate"] is None and m.kpis["open_pipeline"] is None
