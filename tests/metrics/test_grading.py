"""Grades that mean something: factors, the probability fallback, manual grades, and forecast categories."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sitegen.config import parse_config
from sitegen.metrics.grading import big_deal_flags, fallback_thresholds, grade_deals
from tests.metrics.conftest import csv

CONFIG = parse_config({}, root=Path("."))


def deals(**columns) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    base = {"status": ["open"] * n, "stage": ["lead"] * n, "probability": [0.1] * n, "crm_probability": [np.nan] * n,
            "stale": [False] * n, "overdue": [False] * n, "grade": [None] * n}
    return pd.DataFrame({**base, **columns})


def test_factor_scores_are_weighted_and_competition_counts_against() -> None:
    d = deals(need_fit=[1.0, 1.0, 0.0, np.nan], budget_confirmed=[1.0, 0.0, 0.0, np.nan],
              decision_maker_engaged=[1.0, 1.0, 0.0, 1.0], competition=[0.0, 1.0, 1.0, np.nan])
    out = grade_deals(d, np.array([0.1, 0.2, 0.4, 0.6, 0.8]), CONFIG)
    assert out["grade_source"].tolist() == ["factors"] * 4
    assert out["grade_score"].round(4).tolist() == [1.0, 0.55, 0.0, 1.0]   # (0.3 + 0.25) / 1; only DM known: 1
    assert out["grade"].tolist() == ["high", "medium", "low", "high"]


def test_without_factors_the_probability_is_placed_among_the_stage_probabilities_in_use() -> None:
    stages = np.array([0.05, 0.1, 0.15, 0.2, 0.25])   # none reaches the old absolute 0.6: H was unreachable
    high, medium = fallback_thresholds(stages, CONFIG)
    assert medium < high <= 0.25
    d = deals(probability=list(stages), stage=["lead", "contact", "needs", "proposal", "negotiation"])
    out = grade_deals(d, stages, CONFIG)
    assert set(out["grade"]) == {"high", "medium", "low"}          # all three reachable
    assert out["grade"].tolist() == ["low", "low", "medium", "high", "high"]
    assert (out["grade_source"] == "probability").all()
    assert out["grade_high_at"].iloc[0] == high


def test_the_crm_probability_wins_over_the_stage_probability_when_given() -> None:
    d = deals(probability=[0.1, 0.1], crm_probability=[0.9, np.nan])
    assert grade_deals(d, np.array([0.1, 0.5, 0.9]), CONFIG)["grade"].tolist() == ["high", "low"]


def test_equal_stage_probabilities_fall_back_to_the_absolute_thresholds() -> None:
    assert fallback_thresholds(np.array([0.3, 0.3, 0.3]), CONFIG) == (0.6, 0.3)


def test_a_manual_grade_wins_and_stale_or_close_date_passed_lowers_a_computed_one() -> None:
    d = deals(need_fit=[1.0, 1.0, 1.0], grade=["low", None, None], stale=[False, True, False],
              overdue=[False, False, True])
    out = grade_deals(d, np.array([0.1, 0.5, 0.9]), CONFIG)
    assert out["grade"].tolist() == ["low", "medium", "medium"]
    assert out["grade_source"].tolist() == ["manual", "factors", "factors"]
    assert out["grade_lowered"].tolist() == [False, True, True]


def test_closed_deals_have_no_grade_or_category() -> None:
    out = grade_deals(deals(status=["won", "lost"], need_fit=[1.0, 1.0]), np.array([0.1, 0.9]), CONFIG)
    assert out["grade"].isna().all() and out["forecast_category"].isna().all()


def test_forecast_categories_from_grade_stage_or_column() -> None:
    d = deals(need_fit=[1.0, 0.5, 0.0, 0.0], forecast_category=[None, None, None, "commit"],
              stage=["negotiation", "proposal", "lead", "lead"])
    out = grade_deals(d, np.array([0.1, 0.9]), CONFIG)
    assert out["forecast_category"].tolist() == ["commit", "best_case", "pipeline", "commit"]
    assert out["forecast_source"].tolist() == ["grade", "grade", "grade", "column"]
    by_stage = parse_config({"grading": {"forecast_from": "stage"}}, root=Path("."))
    out = grade_deals(d, np.array([0.1, 0.9]), by_stage)
    assert out["forecast_category"].tolist() == ["commit", "best_case", "pipeline", "commit"]


def test_big_deals_exceed_both_lifetime_revenue_and_the_average_won_deal() -> None:
    d = pd.DataFrame({"status": ["open", "open", "open", "won"], "customer_id": ["A", "B", "C", "A"],
                      "amount": [600.0, 600.0, 2000.0, 9000.0]})
    flags = big_deal_flags(d, pd.Series({"A": 100.0, "B": 1000.0}), 100.0, 5)
    assert flags.tolist() == [True, False, True, False]   # B bought 1,000 before; C never bought; won: no check


def test_factor_columns_load_from_yes_no_and_scores_end_to_end(metrics, load) -> None:
    files = {"pipeline.csv": csv("opportunity_id,stage,created_date,amount,need_fit,budget_confirmed,"
                                 "decision_maker_engaged,competition,forecast_category",
                                 "A,Lead,2026-06-29,1,yes,是,Y,1,", "B,Lead,2026-06-29,1,no,否,n,5,Best case",
                                 "C,Lead,2026-06-29,1,maybe,,,,")}
    dataset, _ = load(files)
    frame = dataset.get("pipeline").set_index("opportunity_id")
    assert frame["need_fit"].tolist()[:2] == [1.0, 0.0] and frame.loc["B", "competition"] == 1.0
    assert frame.loc["B", "forecast_category"] == "best_case"
    assert any(p.column == "need_fit" and p.line == 4 and p.severity == "warning" for p in dataset.problems)
    grades = metrics(files).opportunities.set_index("opportunity_id")
    assert grades.loc["A", "grade"] == "high" and grades.loc["B", "grade"] == "low"
    assert grades.loc["C", "grade_source"] == "probability"
