"""Complaints against the service levels: open / closed / late counting at as_of, SLA shares, periods,
customers, owners and categories from a hand-made fixture; the [service] config; feedback comments."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sitegen.config import DEFAULT_SERVICE, SERVICE_KEYS, ServiceLevel, parse_config
from sitegen.errors import ConfigError
from tests.metrics.conftest import csv

ORDERS = csv("customer_id,order_date,amount", "C1,2025-06-01,10", "C2,2026-06-01,20")
# as_of 2026-06-30, window from 2025-07-01; defaults high 4 h / 2 d, medium 8 h / 5 d, low 24 h / 10 d.
COMPLAINTS = csv(
    "ticket_id,customer_id,opened_date,first_response_date,closed_date,category,severity,owner",
    "T1,C1,2026-06-01,2026-06-01,2026-06-03,quality,1,Wang",        # 0 h, 2 days: met
    "T2,C1,2026-06-10,2026-06-11,2026-06-11,quality,high,Wang",     # response 24 h > 4 h: late
    "T3,C2,2026-05-01,,2026-05-10,delivery,2,Li",                   # no response (close = 216 h), 9 d > 5: late
    "T4,C2,2026-06-20,,,billing,低,Li",                              # open, unanswered 240 h > 24 h, due 06-30
    "T5,C1,2026-06-01,2026-06-01,2026-07-05,service,中,Wang",        # closed after as_of: open and overdue
    "T6,C1,2026-07-02,,,quality,high,Wang",                         # opened after as_of: not counted
    "T7,C3,2025-06-15,2025-06-15,2025-07-10,quality,,",             # no severity (medium): 25 d, late
    "T8,,2026-03-01,2026-03-02,2026-03-08,,low,Li",                 # 24 h <= 24 h, 7 d <= 10: met
    "T9,C3,2026-04-10,,2026-04-01,billing,medium,",                 # closed "before" opened: not measured
)
FILES = {"orders.csv": ORDERS, "complaints.csv": COMPLAINTS}


@pytest.fixture(scope="module")
def svc(metrics):
    return metrics(FILES).service


def test_each_ticket_state_at_as_of(svc) -> None:
    t = svc.tickets.set_index("ticket_id")
    assert list(t.index) == ["T7", "T8", "T9", "T3", "T1", "T5", "T2", "T4"]   # by opening date, T6 is later
    assert t["sla_severity"].to_dict() == {"T7": "medium", "T8": "low", "T9": "medium", "T3": "medium",
                                           "T1": "high", "T5": "medium", "T2": "high", "T4": "low"}
    assert t["status"].to_dict() == {**dict.fromkeys(t.index, "closed"), "T4": "open", "T5": "open"}
    assert t["sla_state"].to_dict() == {"T7": "late", "T8": "met", "T9": "met", "T3": "late", "T1": "met",
                                        "T5": "overdue", "T2": "late", "T4": "response_late"}
    assert t.loc["T3", "response_hours"] == 216 and t.loc["T2", "response_hours"] == 24
    assert pd.isna(t.loc["T4", "response_hours"]) and pd.isna(t.loc["T9", "resolution_days"])
    assert pd.isna(t.loc["T5", "closed_date"]) and t.loc["T5", "age_days"] == 29
    assert t.loc["T5", "late_on"] == pd.Timestamp("2026-06-07") and t.loc["T5", "days_late"] == 24
    assert t.loc["T3", "late_on"] == pd.Timestamp("2026-05-07") and t.loc["T3", "days_late"] == 4
    assert not t.loc["T4", "resolution_late"] and t.loc["T4", "age_days"] == 10
    assert t["within_sla"].to_dict() == pytest.approx(
        {"T7": 0.0, "T8": 1.0, "T9": float("nan"), "T3": 0.0, "T1": 1.0, "T5": float("nan"), "T2": 0.0,
         "T4": float("nan")}, nan_ok=True)


def test_window_figures(svc) -> None:
    f = svc.figures
    assert svc.present
    assert (f["complaints"], f["complaints_open"], f["complaints_overdue"]) == (8, 2, 1)
    assert (f["complaints_opened_window"], f["complaints_closed_window"], f["complaints_late_window"]) == (7, 6, 2)
    assert f["median_resolution_days"] == 7          # T2 1, T1 2, T8 7, T3 9, T7 25 (T9 not measured)
    assert f["within_sla_share"] == pytest.approx(2 / 5)
    assert f["median_response_hours"] == 24           # opened in the window: 0, 24, 216, 0, 24 (T4, T9 none)
    assert f["service_levels"]["high"] == {"response_hours": 4.0, "resolution_days": 2.0}


def test_periods_count_opened_closed_late_and_open_at_the_end(svc) -> None:
    p = svc.periods.set_index("period")
    cols = ["opened", "closed", "late", "open_at_end"]
    assert p.loc["2026-04", cols].tolist() == [1, 1, 0, 0]
    assert p.loc["2026-05", cols].tolist() == [1, 1, 1, 0]
    assert p.loc["2026-06", cols].tolist() == [4, 2, 1, 2]
    assert p.loc["2026-Q2", cols].tolist() == [6, 4, 2, 2]
    assert p.loc["2026", cols].tolist() == [7, 5, 2, 2]
    assert p.loc["2025-06", cols].tolist() == [1, 0, 1, 1]   # T7 opened, late from 06-21
    assert p.loc["2025-07", cols].tolist() == [0, 1, 0, 0]
    assert p.loc["2026-06", "median_resolution_days"] == 1.5 and p.loc["2026-06", "within_sla_share"] == 0.5
    assert p.loc["2026-Q2", "median_resolution_days"] == 2 and p.loc["2026-Q2", "within_sla_share"] == \
        pytest.approx(1 / 3)
    assert p.loc["2026", "median_resolution_days"] == 4.5 and p.loc["2026", "within_sla_share"] == 0.5
    assert pd.isna(p.loc["2026-04", "median_resolution_days"])


def test_customers_owners_and_categories(svc) -> None:
    c = svc.customers.set_index("customer_id")
    assert c[["tickets", "open_tickets", "overdue_tickets", "tickets_window"]].to_dict("index") == {
        "C1": {"tickets": 3, "open_tickets": 1, "overdue_tickets": 1, "tickets_window": 3},
        "C2": {"tickets": 2, "open_tickets": 1, "overdue_tickets": 0, "tickets_window": 2},
        "C3": {"tickets": 2, "open_tickets": 0, "overdue_tickets": 0, "tickets_window": 1}}
    assert c.loc["C3", "last_opened_date"] == pd.Timestamp("2026-04-10")
    o = svc.owners.set_index("owner")
    counts = ["opened_window", "closed_window", "open", "overdue", "late_window"]
    assert o.loc["Wang", counts].tolist() == [3, 2, 1, 1, 1] and o.loc["Li", counts].tolist() == [3, 2, 1, 0, 1]
    assert (o.loc["Wang", "median_resolution_days"], o.loc["Li", "median_resolution_days"]) == (1.5, 8)
    q = svc.categories.set_index("category")
    assert list(q.index) == ["billing", "delivery", "quality", "service", "unknown"]
    assert q.loc["quality", counts].tolist() == [2, 3, 0, 0, 0]
    assert q.loc["quality", "within_sla_share"] == pytest.approx(1 / 3)
    assert q.loc["quality", "median_resolution_days"] == 2
    assert list(svc.severities["severity"]) == ["high", "medium", "low", "unknown"]
    as_json = svc.as_json()
    assert as_json["complaints_open"] == 2 and as_json["periods"]["2026-06"]["late"] == 1
    assert {r["category"] for r in as_json["by_category"]} == set(q.index)


def test_service_levels_come_from_config(metrics) -> None:
    f = metrics(FILES, "[service.high]\nresponse_hours = 24\n").service.figures
    assert f["within_sla_share"] == pytest.approx(3 / 5)      # T2's next-day response is now on time


def test_without_a_complaints_file_the_section_is_absent(metrics) -> None:
    m = metrics({"orders.csv": ORDERS})
    assert not m.service.present and m.service.figures == {} and m.service.tickets.empty


def test_service_config_defaults_overrides_and_errors() -> None:
    root = Path(".")
    assert parse_config({}, root=root).service == DEFAULT_SERVICE
    assert DEFAULT_SERVICE["high"] == ServiceLevel(4, 2) and DEFAULT_SERVICE["low"] == ServiceLevel(24, 10)
    custom = parse_config({"service": {"low": {"resolution_days": 15}}}, root=root).service
    assert custom["low"] == ServiceLevel(24, 15) and custom["high"] == DEFAULT_SERVICE["high"]
    with pytest.raises(ConfigError) as err:
        parse_config({"service": {"urgent": {}, "high": {"response_hour": 2, "resolution_days": 0}}}, root=root)
    text = str(err.value)
    assert "service.urgent: unknown key" in text and "did you mean 'response_hours'" in text
    assert "service.high.resolution_days: must be a number of days above 0" in text


def test_service_keys_are_documented() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert "## `[service]`" in doc and all(f"`{k}`" in doc for k in SERVICE_KEYS)
    assert "`complaints`" in doc


FEEDBACK = csv("customer_id,date,kind,score,comment", "C1,2026-05-02,nps,9,Great", "C1,2026-05-03,csat,2,Slow",
               "C2,2026-06-01,nps,3,Bad", "C2,2026-06-02,nps,3,Also bad", "C2,2026-06-03,csat,5,",
               "C1,2026-07-01,nps,0,Future", "C2,,csat,1,Undated")


def test_feedback_comments_lowest_scores_first_per_customer_and_period(metrics) -> None:
    m = metrics({"orders.csv": ORDERS, "feedback.csv": FEEDBACK})
    c = m.feedback_comments
    assert list(c["comment"]) == ["Undated", "Slow", "Also bad", "Bad", "Great"]   # no future, no empty comment
    assert c["score_share"].tolist() == pytest.approx([0, 0.25, 0.3, 0.3, 0.9])
    p = m.feedback_period_comments
    assert p.loc[p["period"] == "2026-05", "comment"].tolist() == ["Slow", "Great"]
    assert p.loc[p["period"] == "2026-Q2", "comment"].tolist() == ["Slow", "Also bad", "Bad", "Great"]
    assert "Undated" not in set(p["comment"])
