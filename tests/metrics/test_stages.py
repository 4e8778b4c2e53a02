"""Time in stage and skipped stages (stage history), lost reasons and where deals were lost."""

from __future__ import annotations

from tests.metrics.fixtures import DEALS, PROBABILITY_CONFIG, WITH_HISTORY


def test_time_in_stage(metrics) -> None:
    t = metrics(WITH_HISTORY).time_in_stage.set_index("stage")
    # lead: H1 10 days, H2 4 days, H3 10 days; contact: H2 15 days (then lost); proposal: H1 20 days
    assert t.loc["lead", ["transitions", "median_days", "mean_days"]].tolist() == [3, 10.0, 8.0]
    assert t.loc["contact", "median_days"] == 15.0 and t.loc["proposal", "median_days"] == 20.0
    assert t.loc["needs", "transitions"] == 0
    assert t.loc["contact", "over_max_share"] == 1.0   # 15 days > 14


def test_skipped_stages(metrics) -> None:
    m = metrics(WITH_HISTORY)
    # H1 went lead -> proposal -> won: it skipped contact, needs and negotiation
    assert m.kpis["skipped_stage_share"] == 1 / 3
    skipped = m.stage_stats.set_index("stage")["skipped"].to_dict()
    assert skipped == {"lead": 0, "contact": 1, "needs": 1, "proposal": 0, "negotiation": 1}


def test_no_history_no_time_in_stage(metrics) -> None:
    m = metrics(DEALS, PROBABILITY_CONFIG)
    assert m.time_in_stage["transitions"].sum() == 0
    assert m.kpis["skipped_stage_share"] is None


def test_lost_reasons_and_stages(metrics) -> None:
    m = metrics(DEALS, PROBABILITY_CONFIG)
    reasons = m.lost_reasons
    assert reasons["reason"].tolist() == ["Price", "unknown"]
    assert reasons["deals"].tolist() == [1, 1] and reasons["share"].tolist() == [0.5, 0.5]
    assert reasons["amount"].tolist() == [200.0, 0.0]
    stages = m.lost_stages.set_index("stage")["deals"].to_dict()
    assert stages == {"lead": 1, "contact": 0, "needs": 0, "proposal": 1, "negotiation": 0}
