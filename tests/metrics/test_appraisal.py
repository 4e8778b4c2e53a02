"""Rep appraisal (issue 15 §3): components, renormalisation, score and rank by hand; the year-to-date figures
behind them from a tiny data set; [appraisal] validation; a property on any scorecard."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.appraisal_config import COMPONENTS, Appraisal
from sitegen.config import parse_config
from sitegen.errors import ConfigError
from sitegen.metrics.appraisal import appraise, in_rank_order
from tests.metrics.conftest import csv

DEFAULT = Appraisal().weights()
NAN = math.nan
# owner, attainment, margin, costed revenue, growth, new customers vs target, csat, csat n, nps, nps n
COLUMNS = ("owner", "attainment_ytd", "margin_ytd", "costed_revenue_ytd", "growth_ytd",
           "new_customers_attainment_ytd", "csat", "csat_responses", "nps", "nps_responses")
THREE = [
    ("Ann", 1.2, 300.0, 1000.0, 0.10, 0.75, 0.9, 10, NAN, 0),   # every component
    ("Bob", 0.6, 100.0, 1000.0, -0.20, 1.5, NAN, 0, NAN, 0),    # no feedback: satisfaction left out
    ("Cara", 2.0, 200.0, 1000.0, NAN, 0.0, NAN, 0, 20.0, 5),     # no sales a year ago; NPS only
]


def card(rows: list[tuple], active: dict[str, bool] | None = None) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    frame["margin_pct_ytd"] = frame["margin_ytd"] / frame["costed_revenue_ytd"]
    frame["active"] = frame["owner"].map(lambda o: (active or {}).get(o, True))
    return frame


def test_components_by_hand() -> None:
    out = appraise(card(THREE), DEFAULT).set_index("owner")
    # team margin % = 600 / 3000 = 20 %: Ann 30 % -> ratio 1.5 -> 100; Bob 10 % -> 33.3; Cara 20 % -> 66.7
    assert out["profit_score"].to_dict() == {"Ann": 100.0, "Bob": 33.3, "Cara": 66.7}
    assert out["sales_score"].to_dict() == {"Ann": 80.0, "Bob": 40.0, "Cara": 100.0}   # 120 %, 60 %, 200 % capped
    assert out.loc[["Ann", "Bob"], "growth_score"].tolist() == [60.0, 30.0]
    assert math.isnan(out.loc["Cara", "growth_score"])
    assert out["new_customers_score"].to_dict() == {"Ann": 50.0, "Bob": 100.0, "Cara": 0.0}
    assert out.loc["Ann", "satisfaction_score"] == 90.0 and out.loc["Cara", "satisfaction_score"] == 60.0  # (20+100)/2
    assert math.isnan(out.loc["Bob", "satisfaction_score"])


def test_score_renormalises_over_the_components_with_data() -> None:
    out = appraise(card(THREE), DEFAULT).set_index("owner")
    # Ann: .35*80 + .2*100 + .15*60 + .15*50 + .15*90 = 78
    # Bob: (.35*40 + .2*33.33 + .15*30 + .15*100) / .85 = 47.25
    # Cara: (.35*100 + .2*66.67 + .15*0 + .15*60) / .85 = 67.45
    assert out["score"].to_dict() == {"Ann": 78.0, "Bob": 47.3, "Cara": 67.5}
    assert out["components"].to_dict() == {"Ann": "sales;profit;growth;new_customers;satisfaction",
                                            "Bob": "sales;profit;growth;new_customers",
                                            "Cara": "sales;profit;new_customers;satisfaction"}
    assert out["rank"].to_dict() == {"Ann": 1, "Cara": 2, "Bob": 3}
    assert out["ranked_of"].tolist() == [3, 3, 3]


def test_ties_share_a_rank_and_are_listed_by_name() -> None:
    rows = [*THREE, ("Abe", *THREE[2][1:])]                # Abe's figures are Cara's
    out = in_rank_order(appraise(card(rows), DEFAULT))
    assert out["owner"].tolist() == ["Ann", "Abe", "Cara", "Bob"]
    assert out["rank"].tolist() == [1, 2, 2, 4]


def test_inactive_and_unassigned_are_scored_but_not_ranked() -> None:
    rows = [*THREE, ("unassigned", *THREE[0][1:]), ("Dan", *THREE[0][1:])]
    out = appraise(card(rows, active={"Dan": False}), DEFAULT).set_index("owner")
    assert out.loc[["Dan", "unassigned"], "rank"].isna().all() and not out.loc[["Dan", "unassigned"], "ranked"].any()
    assert out.loc[["Ann", "Cara", "Bob"], "rank"].tolist() == [1, 2, 3] and out.loc["Ann", "ranked_of"] == 3
    assert in_rank_order(appraise(card(rows, active={"Dan": False}), DEFAULT))["owner"].tolist()[-2:] == \
        ["Dan", "unassigned"]


def test_weights_change_the_score_and_zero_weights_do_not_count() -> None:
    out = appraise(card(THREE), {**dict.fromkeys(COMPONENTS, 0.0), "sales": 2.0, "growth": 0.0}).set_index("owner")
    assert out["score"].tolist() == out["sales_score"].tolist() and set(out["components"]) == {"sales"}
    assert out["rank"].to_dict() == {"Cara": 1, "Ann": 2, "Bob": 3}


def test_a_rep_without_any_component_has_no_score_and_no_rank() -> None:
    out = appraise(card([*THREE, ("Eve", NAN, NAN, 0.0, NAN, NAN, NAN, 0, NAN, 0)]), DEFAULT).set_index("owner")
    assert math.isnan(out.loc["Eve", "score"]) and out.loc["Eve", "components"] == ""
    assert pd.isna(out.loc["Eve", "rank"]) and out.loc["Ann", "ranked_of"] == 3


share = st.one_of(st.just(NAN), st.floats(-5, 5, allow_nan=False))
row = st.tuples(share, st.one_of(st.just(NAN), st.floats(-1e6, 1e6, allow_nan=False)), st.floats(0, 1e6),
                share, share, st.one_of(st.just(NAN), st.floats(0, 1)), st.integers(0, 5),
                st.one_of(st.just(NAN), st.floats(-100, 100)), st.integers(0, 5), st.booleans())
weights = st.fixed_dictionaries({c: st.floats(0, 10) for c in COMPONENTS}).filter(lambda w: any(w.values()))


@settings(max_examples=150, deadline=None)
@given(st.lists(row, min_size=1, max_size=8), weights)
def test_score_is_0_to_100_and_ranks_follow_scores(rows, w) -> None:
    frame = card([(f"r{i}", *r[:-1]) for i, r in enumerate(rows)], {f"r{i}": r[-1] for i, r in enumerate(rows)})
    out = appraise(frame, w)
    scores = out["score"].dropna()
    assert ((scores >= 0) & (scores <= 100)).all()
    ranked = out[out["ranked"]]
    for a in ranked.itertuples():
        for b in ranked.itertuples():
            if a.score > b.score:
                assert a.rank < b.rank
            elif a.score == b.score:
                assert a.rank == b.rank
    assert (ranked["rank"] >= 1).all() and (ranked["rank"] <= len(ranked)).all()
    order = in_rank_order(out)
    assert order.loc[order["ranked"], "rank"].is_monotonic_increasing


# --- the year-to-date figures behind the components, from data (as_of 2026-06-30, calendar year) --------------
DATA = {
    "orders.csv": csv(
        "order_id,customer_id,order_date,amount,cost,owner",
        "1,A,2026-02-01,600,400,Ann", "2,B,2026-06-30,400,,Ann",          # Ann: 1000 this year, margin known on 600
        "3,A,2025-03-01,500,300,Ann", "4,A,2025-06-30,300,100,Ann",       # the same days of 2025: 800
        "5,A,2025-07-01,999,0,Ann",                                        # after 30 June 2025: not like for like
        "6,C,2026-03-01,300,240,Bob", "7,D,2026-04-01,100,,Bob"),
    "customers.csv": csv("customer_id,owner", "A,Ann", "B,Ann", "C,Bob", "D,Bob"),
    "targets.csv": csv("period,owner,revenue_target,new_customers_target", "2026,Ann,2000,4", "2026,Bob,800,2"),
    "feedback.csv": csv("customer_id,date,kind,score", "C,2026-05-01,csat,5", "C,2026-05-02,csat,3"),
}


@pytest.fixture(scope="module")
def ytd(metrics) -> pd.DataFrame:
    return metrics(DATA).scorecard.set_index("owner")


def test_year_to_date_figures(ytd) -> None:
    assert ytd.loc["Ann", ["revenue_ytd", "revenue_prior_ytd", "margin_ytd", "costed_revenue_ytd"]].tolist() == \
        [1000.0, 800.0, 200.0, 600.0]
    assert ytd.loc["Ann", "growth_ytd"] == pytest.approx(0.25)             # 1000 / 800 - 1
    assert ytd.loc["Ann", "margin_pct_ytd"] == pytest.approx(200 / 600)     # over orders with a known cost
    assert ytd.loc["Ann", "new_customers_ytd"] == 1                         # B (A first bought in 2025)
    assert ytd.loc["Ann", "new_customers_target_ytd"] == pytest.approx(2.0)  # half of 4 by 30 June
    assert ytd.loc["Ann", "new_customers_attainment_ytd"] == pytest.approx(0.5)
    assert math.isnan(ytd.loc["Bob", "growth_ytd"]) and ytd.loc["Bob", "new_customers_ytd"] == 2


def test_scores_from_data(ytd) -> None:
    # team margin % = (200 + 60) / (600 + 300) = 28.9 %; Ann 33.3 % -> 1.154 -> 76.9, Bob 20 % -> 0.692 -> 46.2
    assert ytd["profit_score"].to_dict() == {"Ann": 76.9, "Bob": 46.2}
    assert ytd.loc["Bob", "satisfaction_score"] == 50.0 and math.isnan(ytd.loc["Ann", "satisfaction_score"])
    assert ytd.loc["Ann", "sales_score"] == 66.7                            # 1000 / 1000 -> 100 % of 150
    # Ann: (.35*66.67 + .2*76.92 + .15*75 + .15*33.33) / .85; Bob: (.35*66.67 + .2*46.15 + .15*100 + .15*50) / .85
    assert ytd["score"].to_dict() == {"Ann": 64.7, "Bob": 64.8}
    assert ytd["rank"].to_dict() == {"Ann": 2, "Bob": 1}


def test_appraisal_weights_come_from_the_config(metrics) -> None:
    card_ = metrics(DATA, "[appraisal]\nsales = 1\nprofit = 0\ngrowth = 0\nnew_customers = 0\nsatisfaction = 0\n")
    out = card_.scorecard.set_index("owner")
    assert out["score"].tolist() == out["sales_score"].tolist()
    assert set(out["components"]) == {"sales"}


# --- [appraisal] validation -----------------------------------------------------------------------------------
@pytest.mark.parametrize("section, message", [
    ({"sales": -0.1}, "appraisal.sales"), ({"sales": "high"}, "appraisal.sales"), ({"sales": True}, "appraisal.sales"),
    ({"sales": math.inf}, "appraisal.sales"), ({"sale": 0.3}, "did you mean 'sales'"),
    (dict.fromkeys(COMPONENTS, 0), "must not all be zero"), (3, "must be a table"),
])
def test_bad_appraisal_sections_are_config_errors(section, message) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config({"appraisal": section}, root=Path("."))
    assert message in str(err.value)


def test_defaults_and_partial_overrides() -> None:
    assert parse_config({}, root=Path(".")).appraisal == Appraisal(0.35, 0.2, 0.15, 0.15, 0.15)
    assert parse_config({"appraisal": {"growth": 0, "sales": 1}}, root=Path(".")).appraisal.weights() == \
        {"sales": 1.0, "profit": 0.2, "growth": 0.0, "new_customers": 0.15, "satisfaction": 0.15}


def test_an_unknown_appraisal_key_exits_2(tmp_path) -> None:
    from click.testing import CliRunner

    from sitegen.cli import main

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "orders.csv").write_text("customer_id,order_date,amount\nA,2026-01-01,5\n", encoding="utf-8")
    (tmp_path / "sitegen.toml").write_text("[appraisal]\nsatisfation = 0.2\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--config", str(tmp_path / "sitegen.toml")])
    assert result.exit_code == 2
    assert "appraisal.satisfation" in result.output and "did you mean 'satisfaction'" in result.output


def test_every_appraisal_key_is_documented() -> None:
    root = Path(__file__).resolve().parents[2]
    config_doc = (root / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert "[appraisal]" in config_doc and all(f"`{key}`" in config_doc for key in COMPONENTS)
    assert "team.csv" in (root / "docs" / "metrics.md").read_text(encoding="utf-8")
