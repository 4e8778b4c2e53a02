"""The plan's goals judged (metrics/goals.py): every goal of a hand-computed fixture, null without its input,
[rules] goal keys that change target and met, at-most semantics and the boundary actual == target."""

from __future__ import annotations

import pytest

from sitegen.config import ConfigError, parse_config
from sitegen.metrics import goals
from tests.metrics.conftest import csv

AS_OF = "2026-06-20"  # window 2025-06-21..2026-06-20; a year earlier 2024-06-21..2025-06-20; June still running
ORDERS = csv(
    "order_id,customer_id,order_date,amount",
    "1,A,2025-03-01,100", "2,B,2025-04-01,50",  # the year before: AOV 150 / 2 = 75; A and B active
    "3,A,2025-09-01,200", "4,A,2026-05-10,300", "5,C,2026-05-05,100", "6,D,2026-05-20,60", "7,E,2026-06-10,40",
)  # window: 700 / 5 orders = AOV 140 (+86.67 %); retention A of {A, B} = 0.5; repeat A of 5 buyers = 0.2
PIPELINE = csv(
    "opportunity_id,stage,created_date,amount,close_date,lost_at_stage,lead_source",
    "W1,Won,2026-01-01,100,2026-01-21,,Web",     # cycle 20 days
    "W2,Won,2026-02-01,100,2026-03-13,,Web",     # cycle 40 days: median 30
    "L1,Lost,2026-03-01,80,2026-03-20,Proposal,Fair",
    "O1,Lead,2026-06-01,50,2026-07-15,,Fair",
)  # reached: lead 4, contact 3, needs 3, proposal 3, negotiation 2: lead -> contact 3/4, proposal -> next 2/3
FEEDBACK = csv(
    "customer_id,date,kind,score",
    "A,2026-01-05,csat,5", "B,2026-01-06,csat,4", "C,2026-02-01,csat,3", "D,2026-03-01,csat,4", "E,2026-04-01,csat,5",
    "A,2026-01-05,nps,10", "B,2026-01-06,nps,9", "C,2026-02-01,nps,6", "D,2026-03-01,nps,8",
)  # CSAT 4 of 5 = 0.8 (5 responses); NPS (2 promoters - 1 detractor) / 4 = 25 (4 responses)
TARGETS = csv("period,owner,revenue_target,new_customers_target", "2026,,1000,", "2026-05,,,3")
COSTS = csv("channel,period,cost", "Web,2026-01,50")  # Web won 200 in the window: ROI (200 - 50) / 50 = 3
FILES = {"orders.csv": ORDERS, "pipeline.csv": PIPELINE, "feedback.csv": FEEDBACK, "targets.csv": TARGETS,
         "channel_costs.csv": COSTS}
STAGES = "".join(f'[[stages]]\nkey = "{key}"\nname = "{name}"\n{extra}\n' for key, name, extra in (
    ("lead", "Lead", "conversion_goal = 0.75"), ("contact", "Initial contact", ""), ("needs", "Needs analysis", ""),
    ("proposal", "Proposal", "conversion_goal = 0.7"), ("negotiation", "Negotiation", "")))
CONFIG = "[rules]\nnps_goal = 25\nchannel_roi_goal = 3\n" + STAGES


def by_key(m) -> dict:
    return {g["key"]: g for g in m.goals}


def test_every_goal_of_the_hand_computed_fixture(metrics) -> None:
    g = by_key(metrics(FILES, CONFIG, AS_OF))
    ytd = 1000 / 12 * (5 + 20 / 30)  # Jan..May and 20 of June's 30 days of a 1,000 year: 472.2
    expected = {  # key: (actual, target, met)
        "revenue_attainment": (500 / ytd, 0.9, True),       # 300 + 100 + 60 + 40 since 2026-01-01: 105.9 %
        "new_customers": (2, 3, False),                     # May 2026 (last closed month): C and D; May target 3
        "retention_rate": (0.5, 0.85, False),
        "repeat_purchase_rate": (0.2, 0.7, False),
        "sales_cycle_days": (30, 30, True),                 # at most 30: equal meets
        "csat": (0.8, 0.9, False),
        "nps": (25, 25, True),                              # boundary: equal meets
        "aov_growth": (140 / 75 - 1, 0.1, True),
        "channel_roi": (3, 3, True),
        "stage_conversion:lead": (0.75, 0.75, True),
        "stage_conversion:proposal": (2 / 3, 0.7, False),
    }
    assert list(g) == list(expected)  # the order of the plan; no goal for stages without conversion_goal
    for key, (actual, target, met) in expected.items():
        assert g[key]["actual"] == pytest.approx(actual), key
        assert g[key]["target"] == pytest.approx(target), key
        assert g[key]["met"] is met, key
        assert g[key]["note"] is None, key
    assert g["new_customers"]["period"] == "2026-05"
    assert (g["csat"]["responses"], g["nps"]["responses"]) == (5, 4)
    assert g["sales_cycle_days"]["direction"] == goals.AT_MOST
    assert g["stage_conversion:lead"]["stage"] == "lead"


def test_actual_is_the_kpi_figure(metrics) -> None:
    m = metrics(FILES, CONFIG, AS_OF)
    for goal in m.goals:
        assert goal["actual"] == pytest.approx(m.kpis[goal["kpi"]]), goal["key"]
    assert m.kpis["new_customers_last_month"] == 2
    assert m.kpis["aov_year_ago"] == pytest.approx(75)
    assert m.kpis["stage_conversion_needs"] == pytest.approx(1.0)  # kpis hold every stage, goal or not


def test_met_is_null_with_a_reason_without_the_input(metrics) -> None:
    g = by_key(metrics({"orders.csv": ORDERS}, CONFIG, AS_OF))
    for key, note in (("revenue_attainment", goals.NO_TARGETS), ("sales_cycle_days", goals.NO_PIPELINE),
                      ("csat", goals.NO_FEEDBACK), ("nps", goals.NO_FEEDBACK),
                      ("stage_conversion:lead", goals.NO_PIPELINE)):
        assert g[key]["met"] is None and g[key]["actual"] is None, key
        assert g[key]["note"] == note, key
    assert g["channel_roi"]["met"] is None and g["channel_roi"]["note"]
    assert "new_customers" not in g  # no targets.csv and monthly_new_customers_goal = 0: no goal at all
    assert g["retention_rate"]["met"] is False  # orders alone judge the order goals


def test_goals_without_a_configured_value_are_absent(metrics) -> None:
    keys = set(by_key(metrics(FILES, "", AS_OF)))
    assert not keys & {"nps", "channel_roi"} and not any(k.startswith("stage_conversion:") for k in keys)


@pytest.mark.parametrize(("rules", "key", "target", "met"), [
    ("retention_goal = 0.5", "retention_rate", 0.5, True),        # boundary 0.5 == 0.5
    ("retention_goal = 0.51", "retention_rate", 0.51, False),
    ("repurchase_goal = 0.2", "repeat_purchase_rate", 0.2, True),
    ("satisfaction_goal = 0.8", "csat", 0.8, True),
    ("sales_cycle_goal_days = 29", "sales_cycle_days", 29, False),  # at most: 30 days miss a 29-day goal
    ("sales_cycle_goal_days = 45", "sales_cycle_days", 45, True),
    ("aov_growth_goal = 0.9", "aov_growth", 0.9, False),
    ("attainment_warning = 1.0", "revenue_attainment", 1.0, True),
])
def test_a_rules_goal_key_changes_target_and_met(metrics, rules: str, key: str, target: float, met: bool) -> None:
    g = by_key(metrics(FILES, "[rules]\n" + rules + "\n", AS_OF))[key]
    assert g["target"] == pytest.approx(target)
    assert g["met"] is met


def test_monthly_new_customers_goal_applies_when_targets_have_none(metrics) -> None:
    files = {**FILES, "targets.csv": csv("period,owner,revenue_target", "2026,,1000")}
    g = by_key(metrics(files, "[rules]\nmonthly_new_customers_goal = 2\n", AS_OF))["new_customers"]
    assert (g["actual"], g["target"], g["met"], g["period"]) == (2, 2, True, "2026-05")
    g = by_key(metrics(files, "[rules]\nmonthly_new_customers_goal = 3\n", AS_OF))["new_customers"]
    assert (g["target"], g["met"]) == (3, False)


def test_judge_directions_and_boundaries() -> None:
    assert goals.judge(0.9, 0.9) is True and goals.judge(0.9 - 1e-6, 0.9) is False
    assert goals.judge(0.1 + 0.2, 0.3) is True  # float noise at the boundary still meets
    assert goals.judge(30, 30, goals.AT_MOST) is True and goals.judge(31, 30, goals.AT_MOST) is False
    assert goals.judge(None, 30) is None and goals.judge(float("nan"), 30) is None and goals.judge(1, None) is None


def test_period_goals_judge_running_periods_honestly(load) -> None:
    _, config = load({"orders.csv": ORDERS}, "[rules]\nmonthly_new_customers_goal = 4\n")
    figures = {"revenue": 50.0, "revenue_target": 100.0, "attainment": 0.5, "elapsed": 0.5, "new_customers": 1,
               "new_customers_target": None, "retention": 0.2, "aov": 110.0, "csat": None}
    running = goals.period_goals(figures, {"aov": 100.0}, "month", False, config)
    assert running["revenue"]["target"] == pytest.approx(45) and running["revenue"]["met"] is True  # 0.9 x half
    assert running["attainment"]["target"] == pytest.approx(0.45)
    assert running["new_customers"]["met"] is None and running["new_customers"]["note"] == goals.RUNNING
    assert running["aov"]["target"] == pytest.approx(110) and running["aov"]["met"] is True  # 100 x 1.1
    assert running["csat"]["met"] is None and running["csat"]["note"]
    assert "retention" not in running  # the retention goal is a yearly rate: months are not judged by it
    closed = goals.period_goals(figures, None, "quarter", True, config)
    assert closed["revenue"]["met"] is False and closed["new_customers"]["target"] == 12  # 4 a month
    assert closed["new_customers"]["met"] is False and "aov" not in closed


def test_goal_keys_are_validated(tmp_path) -> None:
    with pytest.raises(ConfigError) as error:
        parse_config({"rules": {"nps_goal": 120, "monthly_new_customers_goal": -1},
                      "stages": [{"key": "lead", "conversion_goal": 1.5}]}, root=tmp_path)
    keys = {p.key for p in error.value.problems}
    assert {"rules.nps_goal", "rules.monthly_new_customers_goal", "stages[0].conversion_goal"} <= keys
    config = parse_config({"rules": {"nps_goal": -10}, "stages": [{"key": "lead", "conversion_goal": 0.4}]},
                          root=tmp_path)
    assert config.rules.nps_goal == -10 and config.stages[0].conversion_goal == 0.4
