"""The owner scorecard: attribution, targets, deals, follow-up compliance, activities, customer feedback."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.metrics.fixtures import TEAM


@pytest.fixture(scope="module")
def card(metrics) -> pd.DataFrame:
    return metrics(TEAM).scorecard.set_index("owner")


def test_owners_and_attributed_revenue(card) -> None:
    assert card.index.tolist() == ["Ann", "Bob", "Cara", "unassigned"]
    # order owner, else the customer's owner, else unassigned
    assert card["revenue"].to_dict() == {"Ann": 150.0, "Bob": 70.0, "Cara": 20.0, "unassigned": 30.0}
    assert card["new_customers"].to_dict() == {"Ann": 1, "Bob": 1, "Cara": 0, "unassigned": 1}


def test_targets_ytd(card) -> None:
    assert card.loc["Ann", "target_ytd"] == 600.0     # half of the year's 1200 by 2026-06-30
    assert card.loc["Ann", "attainment_ytd"] == 0.25 and bool(card.loc["Ann", "attainment_warning"])
    assert pd.isna(card.loc["Bob", "attainment_ytd"])


def test_deals_and_follow_up(card) -> None:
    assert card.loc["Bob", ["won_deals", "won_amount", "win_rate"]].tolist() == [1, 100.0, 1.0]
    assert card["open_deals"].to_dict() == {"Ann": 1, "Bob": 1, "Cara": 0, "unassigned": 0}
    assert card.loc["Ann", "follow_up_compliance"] == 1.0 and card.loc["Bob", "follow_up_compliance"] == 0.0
    assert card.loc["Ann", "open_deals_quarter"] == 0  # both open deals are expected in Q3


def test_activities(card, metrics) -> None:
    assert card["activities"].to_dict() == {"Ann": 2, "Bob": 2, "Cara": 0, "unassigned": 0}
    by_type = metrics(TEAM).owner_activities
    assert by_type.values.tolist() == [["Ann", "call", 2], ["Bob", "email", 1], ["Bob", "visit", 1]]


def test_feedback_of_their_customers(card) -> None:
    assert card.loc["Ann", ["nps", "nps_responses"]].tolist() == [0.0, 2]    # one promoter, one detractor
    assert card.loc["Bob", ["csat", "csat_responses"]].tolist() == [0.5, 2]


def test_owner_months(metrics) -> None:
    months = metrics(TEAM).owner_months
    march = months[months["period"] == "2026-03"].set_index("key")
    assert march["revenue"].to_dict() == {"Ann": 100.0, "Bob": 70.0, "unassigned": 30.0}
    assert march.loc["Ann", "revenue_target"] == 100.0   # the year's target prorated
    assert march.loc["Ann", "attainment"] == 1.0
