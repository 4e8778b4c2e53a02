"""Channel revenue, won amount by lead source, cost (pro rata) and ROI."""

from __future__ import annotations

import pytest

from tests.metrics.fixtures import TEAM


def test_channel_table(metrics) -> None:
    channels = metrics(TEAM).channels.set_index("channel")
    assert channels.index.tolist() == ["Direct", "Fair", "Online", "Partner", "Web"]
    assert channels["revenue"].to_dict() == {"Direct": 150.0, "Fair": 0.0, "Online": 100.0, "Partner": 20.0,
                                             "Web": 0.0}
    # costs: Direct's March row; "online" matches "Online"; Web's 2026 row for the six months in the window
    assert channels.loc["Direct", "cost"] == 50.0 and channels.loc["Online", "cost"] == 90.0
    assert channels.loc["Web", "cost"] == 600.0
    assert channels.loc["Direct", ["roi_basis", "roi"]].tolist() == ["revenue", 2.0]
    assert channels.loc["Online", "roi"] == pytest.approx(10 / 90)
    assert channels.loc["Web", ["won_amount", "roi_basis"]].tolist() == [100.0, "won_amount"]
    assert channels.loc["Web", "roi"] == pytest.approx((100 - 600) / 600)
    assert channels.loc["Web", "deals_created"] == 2   # W and O1


def test_channel_breakdown_per_period(metrics) -> None:
    b = metrics(TEAM).breakdowns
    march = b[(b["period"] == "2026-03") & (b["dimension"] == "channel")].set_index("key")
    assert march.loc["Direct", ["revenue", "cost", "roi"]].tolist() == [100.0, 50.0, 1.0]
    assert march.loc["Online", "cost"] == 30.0          # a third of the quarter
    web = b[(b["period"] == "2026-Q2") & (b["dimension"] == "lead_source")].set_index("key").loc["Web"]
    assert web[["won_amount", "cost"]].tolist() == [100.0, 300.0]
