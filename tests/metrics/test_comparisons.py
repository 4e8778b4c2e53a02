"""Honest comparisons: running periods against the same days, the partial first period and tiny bases
(hand-computed fixtures)."""

from __future__ import annotations

import pandas as pd
import pytest

from sitegen.metrics import period_report
from sitegen.metrics.comparisons import tiny_base
from sitegen.pages.reports import report_json
from tests.metrics.conftest import csv

ORDERS = csv(
    "order_id,customer_id,order_date,amount",
    "Y1,E,2025-11-10,80",      # first record: 2025-11, 2025-Q4 and 2025 are partial
    "Y2,F,2025-11-25,500",     # after day 20 of November 2025
    "J1,A,2026-07-10,40", "J2,B,2026-08-20,60", "J3,C,2026-08-21,999",
    "O1,A,2026-10-05,100", "O2,B,2026-10-20,50", "O3,C,2026-10-02,10", "O4,D,2026-10-03,10",
    "O5,G,2026-10-04,30",      # days 1..20 of October: 5 orders, 200
    "O6,C,2026-10-21,1000", "O7,D,2026-10-31,7",
    "N1,A,2026-11-03,120", "N2,B,2026-11-20,60", "N3,C,2026-11-07,120",  # days 1..20 of November: 300
    "N4,D,2026-11-21,5000",    # after as_of
)
AS_OF = "2026-11-20"


def test_running_month_compares_the_same_days(metrics) -> None:
    report = metrics({"orders.csv": ORDERS}, as_of=AS_OF).reports["2026-11"]
    assert not report["complete"] and report["figures"]["revenue"] == 300.0
    previous = report["comparison"]["previous"]
    assert (previous["period"], previous["start"], previous["end"], previous["same_days"]) == \
        ("2026-10", "2026-10-01", "2026-10-20", True)
    assert previous["figures"]["revenue"] == 200.0 and previous["figures"]["orders"] == 5
    assert report["change"]["previous"]["revenue"] == pytest.approx(300 / 200 - 1)
    assert report["absolute_change"]["previous"]["revenue"] == 100.0
    assert report["change_basis"]["previous"]["revenue"] == "relative"
    year_ago = report["comparison"]["year_ago"]
    assert (year_ago["start"], year_ago["end"], year_ago["figures"]["revenue"]) == ("2025-11-01", "2025-11-20", 80.0)
    assert report["change"]["year_ago"]["revenue"] == pytest.approx(300 / 80 - 1)   # still numeric
    assert report["change_basis"]["year_ago"]["revenue"] == "absolute"               # one order: a tiny base
    assert report["absolute_change"]["year_ago"]["revenue"] == 220.0


def test_running_quarter_and_year_compare_the_same_number_of_days(metrics) -> None:
    reports = metrics({"orders.csv": ORDERS}, as_of=AS_OF).reports
    quarter = reports["2026-Q4"]["comparison"]["previous"]     # 1 Oct .. 20 Nov: 51 days; 1 Jul + 50 days
    assert (quarter["start"], quarter["end"], quarter["figures"]["revenue"]) == ("2026-07-01", "2026-08-20", 100.0)
    assert reports["2026-Q4"]["figures"]["revenue"] == 200 + 1007 + 300
    year = reports["2026"]["comparison"]["year_ago"]
    assert (year["end"], year["figures"]["revenue"]) == ("2025-11-20", 80.0)


def test_a_shorter_previous_period_is_clipped_to_its_end(metrics) -> None:
    files = {"orders.csv": csv("customer_id,order_date,amount", "A,2026-02-27,10", "A,2026-02-28,20",
                               "A,2026-03-30,5")}
    report = metrics(files, as_of="2026-03-30").reports["2026-03"]
    previous = report["comparison"]["previous"]
    assert (previous["end"], previous["figures"]["revenue"]) == ("2026-02-28", 30.0)


def test_closed_periods_compare_full_periods_and_never_change(metrics, load) -> None:
    later = ORDERS + "L1,A,2026-12-01,70\nL2,Q,2026-12-10,5\n"
    before = metrics({"orders.csv": ORDERS}, as_of="2026-12-15").reports
    after = metrics({"orders.csv": later}, as_of="2026-12-15").reports
    for label in ("2026-10", "2026-11", "2026-Q3", "2025"):
        assert report_json(before[label]) == report_json(after[label]), label
    november = before["2026-11"]
    assert "same_days" not in november["comparison"]["previous"]
    assert november["comparison"]["previous"]["figures"]["revenue"] == 1207.0  # all of October
    dataset, config = load({"orders.csv": later})
    assert report_json(period_report(dataset, config, "2026-11", pd.Timestamp("2026-12-15"))) == \
        report_json(before["2026-11"])
    running = metrics({"orders.csv": ORDERS}, as_of=AS_OF).reports["2026-11"]
    dataset, config = load({"orders.csv": ORDERS})
    assert report_json(period_report(dataset, config, "2026-11", pd.Timestamp(AS_OF))) == report_json(running)


def test_first_period_with_partial_data_is_marked(metrics) -> None:
    reports = metrics({"orders.csv": ORDERS}, as_of=AS_OF).reports
    assert [label for label, r in reports.items() if r["partial"]] == ["2025-11", "2025-Q4", "2025"]
    starts_on_first_day = csv("customer_id,order_date,amount", "A,2026-01-01,1")
    assert not metrics({"orders.csv": starts_on_first_day}).reports["2026-01"]["partial"]


def test_tiny_base_rule() -> None:
    assert tiny_base("revenue", {"revenue": 1000.0, "orders": 4}, None)
    assert not tiny_base("revenue", {"revenue": 1000.0, "orders": 5}, None)
    assert tiny_base("new_customers", {"new_customers": 1, "orders": 50}, None)      # its own count
    assert tiny_base("revenue", {"revenue": 9.0, "orders": 50}, 1000.0)             # < 1 % of typical
    assert not tiny_base("revenue", {"revenue": 10.0, "orders": 50}, 1000.0)
    assert not tiny_base("revenue", {"revenue": 9.0, "orders": 50}, None)           # no history: counts only


def test_typical_value_is_the_median_of_earlier_periods(metrics) -> None:
    rows = ["customer_id,order_date,amount"]
    for month, amount in ((1, 1000), (2, 3000), (3, 2000)):
        rows += [f"C{i},2026-{month:02d}-0{i + 1},{amount / 5}" for i in range(5)]
    rows += [f"C{i},2026-04-0{i + 1},2" for i in range(5)]          # 10 < 1 % of the median 2000
    rows += [f"C{i},2026-05-0{i + 1},200" for i in range(5)]
    reports = metrics({"orders.csv": csv(*rows)}, as_of="2026-05-31").reports
    assert reports["2026-05"]["change"]["previous"]["revenue"] == pytest.approx(99.0)
    assert reports["2026-05"]["change_basis"]["previous"]["revenue"] == "absolute"
    assert reports["2026-05"]["absolute_change"]["previous"]["revenue"] == 990.0
    assert reports["2026-03"]["change_basis"]["previous"]["revenue"] == "relative"
    assert reports["2026-01"]["change_basis"]["previous"]["revenue"] is None         # nothing to compare with


def test_product_breakdowns_count_orders_and_customers_not_lines(metrics) -> None:
    files = {"orders.csv": csv("order_id,customer_id,order_date,amount,product,channel",
                               "O1,A,2026-01-05,10,X,Web", "O1,A,2026-01-05,10,X,Web", "O1,A,2026-01-05,5,Y,Web",
                               "O2,A,2026-01-09,10,X,Web", "O3,B,2026-01-10,7,Y,Shop")}
    report = metrics(files).reports["2026-01"]
    products = {r["key"]: r for r in report["breakdowns"]["product"]}
    assert (products["X"]["orders"], products["X"]["active_customers"]) == (2, 1)
    assert (products["Y"]["orders"], products["Y"]["active_customers"]) == (2, 2)
    assert products["X"]["new_customers"] is None                     # new to the company, not to a product
    channels = {r["key"]: r for r in report["breakdowns"]["channel"]}
    assert channels["Web"]["orders"] == 2 and channels["Web"]["won_deals"] is None   # deals have no channel
    assert report_json(report)  # nullable counts still serialise
