"""Forecast per period (won so far + weighted open expected), overdue deals in the current period, coverage."""

from __future__ import annotations

import pytest

from tests.metrics.fixtures import DEALS, PROBABILITY_CONFIG


@pytest.fixture(scope="module")
def forecast(metrics):
    return metrics(DEALS, PROBABILITY_CONFIG).forecast.set_index("period")


def test_forecast_per_period(forecast) -> None:
    # June: nothing won; O2 (overdue, 500 x p(lead) 0.5) counts in the current period
    assert forecast.loc["2026-06", ["won_amount", "open_amount", "weighted_open", "forecast"]].tolist() == [
        0.0, 500.0, 250.0, 250.0]
    assert forecast.loc["2026-07", "weighted_open"] == pytest.approx(1000 * 2 / 3)   # O1 closes 2026-07-15
    assert forecast.loc["2026-08", ["open_deals", "open_amount"]].tolist() == [1, 0.0]  # O3 without amount
    # the year: W1 + W2 won, plus every open deal expected in it
    assert forecast.loc["2026", "won_amount"] == 400.0
    assert forecast.loc["2026", "forecast"] == pytest.approx(400 + 1000 * 2 / 3 + 250)
    assert forecast.loc["2026-Q3", "forecast"] == pytest.approx(1000 * 2 / 3)


def test_coverage_against_target(forecast, metrics) -> None:
    # Q2 target 1000 (company row), nothing won yet: 500 open / 1000 to go
    assert forecast.loc["2026-Q2", "target"] == 1000.0
    assert forecast.loc["2026-Q2", "coverage"] == 0.5
    assert forecast.loc["2026-06", "target"] == 500.0   # no company row for June: the owners' sum
    assert metrics(DEALS, PROBABILITY_CONFIG).kpis["pipeline_coverage"] == 0.5


def test_forecast_kpis(metrics) -> None:
    k = metrics(DEALS, PROBABILITY_CONFIG).kpis
    assert k["forecast_month"] == 250.0 and k["forecast_quarter"] == 250.0
    assert k["forecast_year"] == pytest.approx(400 + 1000 * 2 / 3 + 250)
