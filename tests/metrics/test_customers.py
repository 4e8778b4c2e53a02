"""Customer table: RFM scores and segments, value tiers with override, at-risk customers, account owner."""

from __future__ import annotations

import pandas as pd
import pytest

from sitegen.metrics import customers as cm
from tests.metrics.conftest import csv

# as_of 2026-06-30; window 2025-07-01 .. 2026-06-30
ORDERS = csv(
    "customer_id,order_date,amount",
    "A,2026-04-01,100", "A,2026-05-01,100", "A,2026-06-01,100",
    "B,2026-06-20,50",
    "C,2025-01-01,200", "C,2025-02-01,200", "C,2025-03-01,200", "C,2025-04-01,200", "C,2025-05-01,200",
    "D,2026-01-01,10", "D,2026-02-01,10",
    "E,2025-06-01,500",
)
CUSTOMERS = csv("customer_id,name,owner,tier,potential_value", "A,Alpha,Ann,,", "D,Delta,,战略,",
                "F,Foxtrot,Bob,,1000")
CONFIG = "[rules]\nstrategic_share = 0.2\nkey_share = 0.2\n"


@pytest.fixture(scope="module")
def table(metrics) -> pd.DataFrame:
    return metrics({"orders.csv": ORDERS, "customers.csv": CUSTOMERS}, CONFIG).customers.set_index("customer_id")


def test_lifetime_columns(table) -> None:
    assert table.index.tolist() == ["A", "B", "C", "D", "E", "F"]   # F only in customers.csv
    assert table["orders"].tolist() == [3, 1, 5, 2, 1, 0]
    assert table["revenue"].tolist() == [300.0, 50.0, 1000.0, 20.0, 500.0, 0.0]
    assert table["recency_days"].tolist()[:5] == [29, 10, 425, 149, 394]
    assert table.loc["B", "name"] == "B"                            # unknown customers are named by id
    assert table.loc["A", "first_order_date"] == pd.Timestamp("2026-04-01")


def test_rfm_scores_and_segments(table) -> None:
    # five buyers: each rank is its own quintile; ties (B and E, one order each) by customer id
    assert table["r_score"].tolist()[:5] == [4, 5, 1, 3, 2]
    assert table["f_score"].tolist()[:5] == [4, 1, 5, 3, 2]
    assert table["m_score"].tolist()[:5] == [3, 2, 5, 1, 4]
    assert table["rfm_segment"].tolist()[:5] == ["loyal", "new", "cant_lose", "need_attention", "hibernating"]
    assert pd.isna(table.loc["F", "r_score"]) and pd.isna(table.loc["F", "rfm_segment"])


def test_value_tiers(table) -> None:
    # window revenue: A 300, B 50, D 20, C and E 0; top 20 % strategic, next 20 % key; D by override
    assert table["tier"].to_dict() == {"A": "strategic", "B": "key", "C": "general", "D": "strategic",
                                       "E": "general", "F": "potential"}
    assert table.loc["F", "cva"] == 1000.0


def test_at_risk(table) -> None:
    # A: gaps 30 and 31 days -> risk after 61 days, last order 29 days ago; B: one order 10 days ago (< 90)
    assert table["at_risk"].to_dict() == {"A": False, "B": False, "C": True, "D": True, "E": True, "F": False}
    assert table.loc["D", "risk_after_days"] == 62.0 and table.loc["E", "risk_after_days"] == 90.0


def test_account_owner(table) -> None:
    assert table["owner"].to_dict() == {"A": "Ann", "B": "unassigned", "C": "unassigned", "D": "unassigned",
                                        "E": "unassigned", "F": "Bob"}


def test_segment_map_first_match_wins() -> None:
    r = pd.Series([5, 5, 4, 5, 4, 3, 3, 2, 1, 2])
    f = pd.Series([5, 2, 5, 1, 1, 3, 2, 5, 4, 1])
    assert cm.rfm_segment(r, f).tolist() == ["champions", "potential_loyalist", "loyal", "new", "promising",
                                             "need_attention", "about_to_sleep", "cant_lose", "at_risk",
                                             "hibernating"]


def test_quintiles_are_balanced_and_deterministic() -> None:
    scores = cm.quintile_scores(pd.Series([7.0] * 10))
    assert scores.tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
