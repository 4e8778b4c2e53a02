"""Win rate by count and value, average deal size, sales cycle, pipeline totals and velocity."""

from __future__ import annotations

import pytest

from tests.metrics.conftest import csv
from tests.metrics.fixtures import DEALS, PROBABILITY_CONFIG


@pytest.fixture(scope="module")
def kpis(metrics):
    return metrics(DEALS, PROBABILITY_CONFIG).kpis


def test_win_rates(kpis) -> None:
    # closed in the window: W1 (100), W2 (300) won; L1 (200), L2 (no amount) lost
    assert kpis["win_rate"] == 0.5
    assert kpis["win_rate_value"] == pytest.approx(400 / 600)
    assert (kpis["won_deals_window"], kpis["lost_deals_window"], kpis["won_amount_window"]) == (2, 2, 400.0)


def test_deal_size_and_cycle(kpis) -> None:
    assert kpis["avg_deal_size"] == 200.0
    assert kpis["sales_cycle_days_median"] == 35.0    # 30 and 40 days
    assert kpis["sales_cycle_days_mean"] == 35.0


def test_open_pipeline(kpis) -> None:
    assert kpis["open_opportunities"] == 3
    assert kpis["open_pipeline"] == 1500.0             # O3 has no amount
    assert kpis["weighted_pipeline"] == pytest.approx(1000 * 2 / 3 + 250)
    assert (kpis["stale_opportunities"], kpis["overdue_opportunities"]) == (2, 1)
    assert kpis["follow_up_compliance"] == pytest.approx(1 / 3)   # only O1 had an activity in 7 days


def test_velocity(kpis) -> None:
    assert kpis["pipeline_velocity"] == pytest.approx(3 * 0.5 * 200 / 35)


def test_value_win_rate_is_null_when_lost_deals_have_no_value(metrics) -> None:
    # CRMs that zero the value of lost deals would otherwise give 100 %
    k = metrics({"pipeline.csv": csv("opportunity_id,stage,created_date,amount,close_date",
                                     "A,Won,2026-01-01,10,2026-02-01", "B,Lost,2026-01-01,0,2026-02-01")}).kpis
    assert k["win_rate"] == 0.5 and k["win_rate_value"] is None


def test_won_deal_without_close_date_stays_out_of_rates(metrics) -> None:
    k = metrics({"pipeline.csv": csv("opportunity_id,stage,created_date,amount,close_date",
                                     "A,Won,2026-01-01,10,", "B,Lost,2026-01-01,5,2026-02-01")}).kpis
    assert k["win_rate"] == 0.0 and k["won_deals_window"] == 0 and k["open_opportunities"] == 0
