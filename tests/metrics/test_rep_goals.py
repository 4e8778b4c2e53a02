"""Rep goals (metrics/goals.py ``rep_goals``): the goals of the plan that apply to one rep, judged like the
company's from a hand-computed fixture; a rep without a target and a rep with few survey answers or few deals
are shown but not judged; a [rules] goal key changes target and met."""

from __future__ import annotations

import pytest

from sitegen.metrics import goals
from tests.metrics.conftest import csv
from tests.metrics.test_goals import STAGES

AS_OF = "2026-06-20"  # fiscal year from January: 5 months and 20 of June's 30 days passed; May is the last closed
FILES = {
    "orders.csv": csv(
        "order_id,customer_id,order_date,amount,owner",
        "1,A,2026-02-01,300,Ann", "2,B,2026-05-10,200,Ann", "3,C,2026-05-15,100,Ann",  # 600; May: B, C new
        "4,D,2026-03-01,200,Bob", "5,E,2026-04-01,100,Bob",                             # 300; May: none new
        "6,F,2026-05-03,50,Cid"),                                                       # 50; May: F new
    "customers.csv": csv("customer_id,owner", "A,Ann", "B,Ann", "C,Ann", "D,Bob", "E,Bob", "F,Cid"),
    # year to date each: 1200 / 12 x (5 + 20/30) = 566.67; Ann 600 / 566.67 = 105.9 %, Bob 300 / 566.67 = 52.9 %
    "targets.csv": csv("period,owner,revenue_target,new_customers_target",
                       "2026,Ann,1200,", "2026,Bob,1200,", "2026-05,Ann,,2", "2026-05,Bob,,2"),
    "pipeline.csv": csv(
        "opportunity_id,stage,created_date,amount,close_date,owner",
        "W1,Won,2026-01-01,100,2026-01-21,Ann", "W2,Won,2026-02-01,100,2026-02-26,Ann",  # 20, 25 days: 22.5
        "O1,Lead,2026-06-01,50,2026-07-15,Ann", "O2,Lead,2026-06-02,50,2026-07-15,Ann",
        "O3,Lead,2026-06-03,50,2026-07-15,Ann",                                          # lead -> contact 2 / 5
        "W3,Won,2026-01-01,100,2026-03-02,Bob", "W4,Won,2026-02-01,100,2026-03-13,Bob"),  # 60, 40 days: 50
    "feedback.csv": csv(
        "customer_id,date,kind,score",
        "A,2026-03-01,csat,5", "A,2026-04-01,csat,4", "B,2026-05-11,csat,3", "C,2026-05-16,csat,5",
        "C,2026-06-01,csat,5",                                       # Ann: 4 of 5 satisfied = 80 %, 5 responses
        "A,2026-03-01,nps,10", "B,2026-05-11,nps,9", "C,2026-05-16,nps,6", "C,2026-06-01,nps,9",
        "A,2026-04-01,nps,10",                                       # Ann: (4 - 1) / 5 = NPS 60, 5 responses
        "D,2026-03-02,csat,5", "E,2026-04-02,csat,5", "D,2026-03-02,nps,10"),  # Bob: 2 CSAT, 1 NPS answer
}
CONFIG = "[rules]\nnps_goal = 20\n" + STAGES  # lead conversion_goal 0.75, proposal 0.7


def rep(metrics, load, config: str = CONFIG, files: dict | None = None) -> dict[str, dict[str, dict]]:
    files = files or FILES
    m = metrics(files, config, AS_OF)
    dataset, cfg = load(files, config)
    return {owner: {g["key"]: g for g in items}
            for owner, items in goals.rep_goals(m, dataset.get("targets"), cfg).items()}


def test_two_reps_judged_by_hand(metrics, load) -> None:
    g = rep(metrics, load)
    assert set(g) == {"Ann", "Bob", "Cid"}  # every scorecard owner but "unassigned"
    assert list(g["Ann"]) == ["revenue_attainment", "new_customers", "sales_cycle_days", "csat", "nps",
                              "stage_conversion:lead", "stage_conversion:proposal"]
    ytd = 1200 / 12 * (5 + 20 / 30)
    expected = {  # owner, key: (actual, target, met)
        ("Ann", "revenue_attainment"): (600 / ytd, 0.9, True),
        ("Bob", "revenue_attainment"): (300 / ytd, 0.9, False),
        ("Ann", "new_customers"): (2, 2, True),
        ("Bob", "new_customers"): (0, 2, False),
        ("Ann", "sales_cycle_days"): (22.5, 30, True),
        ("Bob", "sales_cycle_days"): (50, 30, False),
        ("Ann", "csat"): (0.8, 0.9, False),
        ("Ann", "nps"): (60, 20, True),
        ("Ann", "stage_conversion:lead"): (0.4, 0.75, False),  # 5 deals reached lead: judged
    }
    for (owner, key), (actual, target, met) in expected.items():
        goal = g[owner][key]
        assert goal["actual"] == pytest.approx(actual), (owner, key)
        assert goal["target"] == pytest.approx(target), (owner, key)
        assert goal["met"] is met, (owner, key)
        assert goal["note"] is None, (owner, key)
    assert g["Ann"]["new_customers"]["period"] == "2026-05"
    assert (g["Ann"]["csat"]["responses"], g["Ann"]["nps"]["responses"]) == (5, 5)
    assert g["Ann"]["sales_cycle_days"]["direction"] == goals.AT_MOST


def test_a_rep_without_a_target_cannot_be_judged(metrics, load) -> None:
    cid = rep(metrics, load)["Cid"]
    assert cid["revenue_attainment"]["met"] is None and cid["revenue_attainment"]["actual"] is None
    assert cid["revenue_attainment"]["note"] == goals.NO_OWN_TARGET
    assert cid["new_customers"]["actual"] == 1 and cid["new_customers"]["target"] is None  # F in May
    assert cid["new_customers"]["met"] is None and cid["new_customers"]["note"] == goals.NO_OWN_NEW_TARGET
    assert cid["csat"]["met"] is None and cid["csat"]["note"] == "No CSAT responses from their customers in the window."
    assert cid["sales_cycle_days"]["note"] == "No deals won in the window."


def test_few_survey_answers_or_deals_show_the_figure_but_are_not_judged(metrics, load) -> None:
    bob = rep(metrics, load)["Bob"]
    assert bob["csat"]["actual"] == 1.0 and bob["csat"]["responses"] == 2  # 100 % from 2 answers: no false green
    assert bob["csat"]["met"] is None and bob["csat"]["note"] == goals.FEW_RESPONSES
    assert bob["nps"]["actual"] == 100 and bob["nps"]["met"] is None and bob["nps"]["note"] == goals.FEW_RESPONSES
    lead = bob["stage_conversion:lead"]  # 2 deals reached lead, both went on: 100 % but too few
    assert (lead["actual"], lead["deals"], lead["met"], lead["note"]) == (1.0, 2, None, goals.FEW_DEALS)
    proposal = rep(metrics, load)["Cid"]["stage_conversion:proposal"]  # no deals at all: no figure
    assert proposal["actual"] is None and proposal["met"] is None and proposal["deals"] == 0


@pytest.mark.parametrize(("rules", "owner", "key", "target", "met"), [
    ("attainment_warning = 0.5", "Bob", "revenue_attainment", 0.5, True),   # 52.9 % meets 50 %
    ("sales_cycle_goal_days = 22", "Ann", "sales_cycle_days", 22, False),   # 22.5 days miss 22
    ("sales_cycle_goal_days = 50", "Bob", "sales_cycle_days", 50, True),    # boundary: equal meets
    ("satisfaction_goal = 0.8", "Ann", "csat", 0.8, True),
    ("nps_goal = 61", "Ann", "nps", 61, False),
])
def test_a_rules_goal_key_changes_the_states(metrics, load, rules: str, owner: str, key: str, target: float,
                                             met: bool) -> None:
    before = rep(metrics, load)[owner][key]
    assert before["met"] is not met
    config = CONFIG.replace("nps_goal = 20\n", "" if rules.startswith("nps_goal") else "nps_goal = 20\n")
    after = rep(metrics, load, config.replace("[rules]\n", f"[rules]\n{rules}\n"))[owner][key]
    assert after["target"] == pytest.approx(target) and after["met"] is met


def test_team_goals_are_left_out_and_nps_needs_its_goal(metrics, load) -> None:
    ann = rep(metrics, load, STAGES)["Ann"]  # no nps_goal, no stage goals: those are absent
    assert not {"retention_rate", "repeat_purchase_rate", "aov_growth", "channel_roi", "nps"} & set(ann)
    assert not any(k.startswith("stage_conversion:") for k in rep(metrics, load, "")["Ann"])


def test_no_targets_file_and_no_feedback_file(metrics, load) -> None:
    files = {k: v for k, v in FILES.items() if k not in ("targets.csv", "feedback.csv")}
    ann = rep(metrics, load, CONFIG, files)["Ann"]
    assert ann["revenue_attainment"]["note"] == goals.NO_TARGETS and ann["revenue_attainment"]["met"] is None
    assert "new_customers" not in ann  # no target anywhere and no monthly_new_customers_goal: no goal
    assert ann["csat"]["note"] == goals.NO_FEEDBACK and ann["nps"]["met"] is None
