"""Receivables (SPEC §7) against hand computations: one line per bucket and edge."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from tests.metrics.conftest import csv, row

# as_of 2026-06-30, default payment terms 30 days. Open amount per line and days past due:
ORDERS = csv(
    "order_id,customer_id,order_date,amount,paid_amount,due_date,status,owner",
    "S1,A,2026-06-01,100,,2026-07-15,,Ann",          # not due: open 100, -15 days
    "S2,A,2026-05-01,200,50,2026-06-20,,Ann",        # partly paid: open 150, 10 days -> 1-30
    "S3,A,2026-04-01,80,100,2026-05-01,,Ann",        # overpaid: open 0 (not negative)
    "S4,B,2026-04-15,300,,,,Bob",                    # no due date: 2026-05-15, 46 days -> 31-60
    "S5,B,2026-03-01,400,0,2026-04-10,,Bob",         # 81 days -> 61-90
    "S6,B,2026-01-01,500,100,2026-03-01,,Bob",       # open 400, 121 days -> 90+
    "S7,B,2026-01-02,999,,2026-02-01,cancelled,Bob", # cancelled: excluded
    "S8,A,2026-07-05,777,,2026-07-06,,Ann",          # dated after as_of: excluded
    "S9,C,2026-06-10,60,60,2026-06-29,,Cara",        # fully paid, 1 day late: open 0
    "S10,C,2026-05-31,70,,2026-06-30,,Cara",         # due today: 0 days -> not due
)
FILES = {"orders.csv": ORDERS}
EXPECTED_AGING = {"not_due": 170.0, "1-30": 150.0, "31-60": 300.0, "61-90": 400.0, "90+": 400.0}


def test_section_equals_hand_computation(metrics) -> None:
    m = metrics(FILES)
    r = m.receivables
    assert r["aging"] == pytest.approx(EXPECTED_AGING)
    assert r["outstanding"] == pytest.approx(1420.0)
    assert r["overdue"] == pytest.approx(1250.0)   # every bucket but not_due
    assert r["customers_overdue"] == 2             # A (S2) and B; C is paid or not yet due
    # revenue of the 90 days 2026-04-02..06-30: S1 100 + S2 200 + S4 300 + S9 60 + S10 70 = 730
    assert r["dso_days"] == pytest.approx(1420.0 / 730.0 * 90)


def test_customer_columns(metrics) -> None:
    c = metrics(FILES).customers
    a, b, cara = row(c, customer_id="A"), row(c, customer_id="B"), row(c, customer_id="C")
    assert (a["receivable_outstanding"], a["receivable_overdue"]) == pytest.approx((250.0, 150.0))
    assert a["oldest_overdue_date"] == pd.Timestamp("2026-06-20") and a["days_past_due"] == 10
    assert (b["receivable_outstanding"], b["receivable_overdue"]) == pytest.approx((1100.0, 1100.0))
    assert b["oldest_overdue_date"] == pd.Timestamp("2026-03-01") and b["days_past_due"] == 121
    assert cara["receivable_outstanding"] == pytest.approx(70.0) and cara["receivable_overdue"] == 0
    assert pd.isna(cara["oldest_overdue_date"]) and pd.isna(cara["days_past_due"])


def test_open_lines_and_owners(metrics) -> None:
    m = metrics(FILES)
    lines = m.receivable_lines
    assert list(lines["order_key"]) == ["S2", "S1", "S6", "S5", "S4", "S10"]   # by customer, oldest due first
    assert list(lines["open_amount"]) == pytest.approx([150, 100, 400, 400, 300, 70])
    owners = m.owner_followup.set_index("owner")
    assert owners.loc["Bob", "receivable_overdue"] == pytest.approx(1100.0)
    assert owners.loc["Ann", "customers_overdue"] == 1 and owners.loc["Cara", "customers_overdue"] == 0


def test_payment_terms_from_config(metrics) -> None:
    # terms 60: S4 is due 2026-06-14 (16 days -> 1-30) instead of 2026-05-15 (31-60)
    aging = metrics(FILES, "[rules]\npayment_terms_days = 60\n").receivables["aging"]
    assert aging["1-30"] == pytest.approx(450.0) and aging["31-60"] == 0


def test_period_figures(metrics) -> None:
    periods = metrics(FILES).periods.set_index("period")
    # collected on lines ordered in May 2026: S2 50 (S10 unpaid) = 50; in June: S1 0 + S9 60 = 60
    assert periods.loc["2026-05", "receivables_collected"] == pytest.approx(50.0)
    assert periods.loc["2026-06", "receivables_collected"] == pytest.approx(60.0)
    # overdue at 2026-04-30 (lines dated up to then): S5 400 (due 04-10) + S6 400 = 800 (S4 due 05-15, S3 paid)
    assert periods.loc["2026-04", "receivables_overdue"] == pytest.approx(800.0)
    # at the end of June (= as_of): the section's overdue
    assert periods.loc["2026-06", "receivables_overdue"] == pytest.approx(1250.0)
    assert periods.loc["2026-Q2", "receivables_overdue"] == pytest.approx(1250.0)


def test_period_report_matches_single_report(metrics, load) -> None:
    from sitegen.metrics import period_report

    dataset, config = load(FILES)
    alone = period_report(dataset, config, "2026-04", pd.Timestamp("2026-06-30"))
    assert alone["figures"]["receivables_overdue"] == pytest.approx(800.0)
    assert metrics(FILES).reports["2026-04"]["figures"]["receivables_overdue"] == pytest.approx(800.0)


def test_no_paid_amount_column_no_section(metrics) -> None:
    m = metrics({"orders.csv": csv("customer_id,order_date,amount", "A,2026-06-01,100")})
    assert m.receivables is None and m.receivable_lines.empty
    assert "receivable_outstanding" not in m.customers
    assert "receivables_collected" not in m.periods
    assert m.owner_followup["receivable_outstanding"].isna().all()


def test_metrics_json_section(tmp_path, metrics, load) -> None:
    from sitegen.pages import Site
    from sitegen.pages.data_files import metrics_json

    dataset, config = load(FILES)
    data = json.loads(metrics_json(Site(config, dataset, metrics(FILES))))
    assert data["receivables"]["aging"] == pytest.approx(EXPECTED_AGING)
    assert data["receivables"]["outstanding"] == pytest.approx(1420.0)
    plain = {"orders.csv": csv("customer_id,order_date,amount", "A,2026-06-01,100")}
    dataset, config = load(plain)
    assert "receivables" not in json.loads(metrics_json(Site(config, dataset, metrics(plain))))
