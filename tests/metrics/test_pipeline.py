"""Deal state: status, furthest stage, probability, weighted amount, stale, overdue, age, grade, next actions."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from sitegen.metrics import pipeline
from tests.metrics.conftest import csv
from tests.metrics.fixtures import DEALS, PROBABILITY_CONFIG, WITH_HISTORY


@pytest.fixture(scope="module")
def deals(metrics) -> pd.DataFrame:
    return metrics(DEALS, PROBABILITY_CONFIG).opportunities.set_index("opportunity_id")


def test_status_and_furthest_stage_without_history(deals) -> None:
    assert deals["status"].to_dict() == {"L1": "lost", "L2": "lost", "O1": "open", "O2": "open", "O3": "open",
                                         "OLD": "won", "W1": "won", "W2": "won"}
    # won: every stage; lost: lost_at_stage, else the first stage; open: the current stage
    assert deals["reached_stage"].to_dict() == {"L1": "proposal", "L2": "lead", "O1": "proposal", "O2": "lead",
                                                "O3": "negotiation", "OLD": "negotiation", "W1": "negotiation",
                                                "W2": "negotiation"}


def test_probability_and_weighted_amount(deals) -> None:
    # p(proposal) = 2 won / (2 won + 1 lost) reaching it; p(lead) = 2 / 4 (see test_funnel)
    assert deals.loc["O1", "probability"] == pytest.approx(2 / 3)
    assert deals.loc["O1", "weighted_amount"] == pytest.approx(1000 * 2 / 3)
    assert deals.loc["O2", "weighted_amount"] == 250.0
    assert deals.loc["O3", "weighted_amount"] == 0.0       # open without amount: counts as 0
    assert deals.loc["W1", "probability"] == 1.0 and deals.loc["L1", "probability"] == 0.0


def test_stale_overdue_age_and_grade(deals) -> None:
    assert deals["stale"][deals["stale"]].index.tolist() == ["O2", "O3"]   # never active, older than 7 days
    assert deals["overdue"][deals["overdue"]].index.tolist() == ["O2"]    # close date before as_of
    assert deals.loc["O1", "days_since_activity"] == 2
    assert deals.loc["O1", "age_days"] == 29 and deals.loc["O2", "age_days"] == 60
    assert math.isnan(deals.loc["O3", "age_days"])
    assert deals.loc["W1", "age_days"] == 30                              # closed: close - created
    assert deals["grade"].to_dict() == {"L1": None, "L2": None, "O1": "high", "O2": "low", "O3": "medium",
                                        "OLD": None, "W1": None, "W2": None}


def test_owner_falls_back_to_customer_owner(deals) -> None:
    assert deals.loc["O3", "owner"] == "Bob"        # no owner: customer B's owner
    assert deals.loc["O2", "owner"] == "Bob"
    assert deals.loc["O2", "region"] is None or pd.isna(deals.loc["O2", "region"])
    assert deals.loc["O1", "region"] == "East"


def test_one_warning_for_each_gap(load) -> None:
    dataset, _ = load(DEALS, PROBABILITY_CONFIG)
    messages = [p.message for p in dataset.problems if p.severity == "warning"]
    assert "1 lost deal(s) without lost_at_stage" in messages
    assert "1 open deal(s) without amount" in messages
    assert "1 deal(s) without customer_id" in messages


def test_grade_column_overrides(metrics) -> None:
    deals = metrics({"pipeline.csv": csv("opportunity_id,stage,created_date,amount,grade",
                                         "O1,Lead,2026-06-29,1,high", "O2,Lead,2026-06-29,1,")}).opportunities
    assert deals.set_index("opportunity_id")["grade"].to_dict() == {"O1": "high", "O2": "low"}


def test_next_actions(metrics) -> None:
    deals = metrics({
        "pipeline.csv": csv("opportunity_id,stage,created_date,next_step_date",
                            "N1,Lead,2026-06-01,2026-07-05", "N2,Lead,2026-06-01,2026-06-20",
                            "N3,Lead,2026-06-01,", "N4,Lead,2026-06-01,2026-06-10"),
        "activities.csv": csv("date,opportunity_id,type,next_action_date", "2026-06-12,N4,call,",
                              "2026-06-02,N3,call,2026-07-01"),
    }).opportunities.set_index("opportunity_id")
    assert deals["next_action_overdue"].to_dict() == {"N1": False, "N2": True, "N3": False, "N4": False}
    # N4's planned action was done (activity after it) and nothing new is planned
    assert deals["no_next_action"].to_dict() == {"N1": False, "N2": False, "N3": False, "N4": True}
    assert deals.loc["N3", "next_action_date"] == pd.Timestamp("2026-07-01")
    assert deals.loc["N4", "last_activity"] == pd.Timestamp("2026-06-12")


def test_history_gives_stage_at_any_date_and_reopened_deals(load) -> None:
    dataset, config = load(WITH_HISTORY)
    base = pipeline.deal_base(dataset, config, pd.DataFrame({"opportunity_id": [], "date": pd.Series(
        dtype="datetime64[ns]")}))

    def at(day: str) -> pd.DataFrame:
        deals = pipeline.deals_at(base, pd.Timestamp(day), config, current=False)
        return deals.set_index(base.deals["opportunity_id"].to_numpy()[deals["pos"].to_numpy()])

    january, february, june = at("2026-01-20"), at("2026-02-25"), at("2026-06-30")
    assert (january.loc["H1", "stage"], january.loc["H1", "status"]) == ("proposal", "open")  # before the win
    assert february.loc["H2", "status"] == "lost"                      # lost, re-opened in March
    assert february.loc["H2", "closed_on"] == pd.Timestamp("2026-02-20")
    assert june.loc["H2", "stage"] == "needs" and june.loc["H2", "reached"] == 2
    assert june.loc["H1", "reached"] == 4                              # won: every stage
    assert "H3" not in february.index                                  # created later


def test_days_in_stage(metrics) -> None:
    deals = metrics(WITH_HISTORY).opportunities.set_index("opportunity_id")
    assert deals.loc["H2", "days_in_stage"] == 121   # needs entered 2026-03-01
    assert deals.loc["H3", "days_in_stage"] == 50    # contact entered 2026-05-11
    assert math.isnan(deals.loc["H1", "days_in_stage"])


def test_future_dated_records_are_ignored(metrics) -> None:
    deals = metrics({"pipeline.csv": csv("opportunity_id,stage,created_date,amount,close_date",
                                         "F1,Lead,2026-07-05,1,", "F2,Won,2026-03-01,5,2026-07-02")}).opportunities
    assert deals["opportunity_id"].tolist() == ["F2"]     # created after as_of: not there yet
    assert deals["status"].tolist() == ["open"]            # won after as_of: still open then
    assert deals["stage"].tolist() == ["negotiation"]
