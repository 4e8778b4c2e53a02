"""Dates before 1970 (and any date of the accepted range) through the whole metrics pipeline.

An order dated 1926-06-01 (a typo for 2026) crashed the build with negative month ids in ``np.bincount``;
one dated 1969-12-15 was dropped silently, its month id -1 being the "no date" marker. Month ids stay
months since 1970-01 (negative before it), a missing date is ``NO_MONTH``, and every grouping, label and
day number works for any of them.
"""

from __future__ import annotations

import csv as csv_module
import io

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from sitegen.cli import main
from sitegen.metrics import periods as cal
from sitegen.metrics.grouped import Groups
from tests.conftest import write_site
from tests.metrics.conftest import csv

OLD_ORDERS = {
    "orders.csv": csv(
        "customer_id,order_date,amount,owner",
        "C1,2026-06-01,50,Alice",
        "C1,1926-06-01,7,Alice",   # a typo for 2026: counted, in its own (old) month
        "C2,1969-12-15,30,Bob",    # month id -1: was taken for "no date" and dropped
        "C2,2026-05-01,20,Bob",
        "C3,1970-01-01,11,Alice",  # month id 0
        "C3,1900-01-01,13,Alice",  # the first day of the accepted range
    ),
    "customers.csv": csv("customer_id,name,owner", "C1,Acme,Alice", "C2,Beta,Bob", "C3,Gamma,Alice"),
}


def test_orders_before_1970_build_and_count_in_lifetime_figures(tmp_path, monkeypatch) -> None:
    site = write_site(tmp_path / "site", OLD_ORDERS)
    monkeypatch.chdir(site)
    runner = CliRunner()
    checked = runner.invoke(main, ["check", "--as-of", "2026-06-30"])
    assert checked.exit_code == 0, checked.output
    built = runner.invoke(main, ["build", "--as-of", "2026-06-30", "--jobs", "1", "--out", str(tmp_path / "out")])
    assert built.exit_code == 0, built.output
    rows = {r["customer_id"]: r for r in csv_module.DictReader(
        io.StringIO((tmp_path / "out" / "data" / "customers.csv").read_text(encoding="utf-8")))}
    # by hand: C2 bought 30 on 1969-12-15 and 20 on 2026-05-01; C3 13 on 1900-01-01 and 11 on 1970-01-01
    assert (rows["C2"]["orders"], float(rows["C2"]["revenue"]), rows["C2"]["first_order_date"]) == \
        ("2", 50.0, "1969-12-15")
    assert (rows["C3"]["orders"], float(rows["C3"]["revenue"]), rows["C3"]["first_order_date"],
            rows["C3"]["last_order_date"]) == ("2", 24.0, "1900-01-01", "1970-01-01")
    assert (rows["C1"]["orders"], float(rows["C1"]["revenue"])) == ("2", 57.0)
    for label in ("1900-01", "1926-06", "1969-12", "1970-01"):
        assert (tmp_path / "out" / "reports" / label / "index.html").is_file(), label


def test_month_figures_before_1970(metrics) -> None:
    m = metrics(OLD_ORDERS)
    monthly = m.monthly.set_index("month")
    assert monthly.loc["1969-12", ["revenue", "orders", "new_customers", "active_customers"]].tolist() == [30, 1, 1, 1]
    assert monthly.loc["1900-01", ["revenue", "new_customers"]].tolist() == [13, 1]
    assert monthly.loc["1970-01", ["revenue", "new_customers", "returning_customers"]].tolist() == [11, 0, 1]
    assert monthly.index[0] == "1900-01" and len(monthly) == (2026 - 1900) * 12 + 6
    assert monthly["new_customers"].sum() == 3 and monthly["revenue"].sum() == 131
    months = m.customer_months.set_index(["customer_id", "month"])["month_id"]
    assert months[("C2", "1969-12")] == -1 and months[("C3", "1970-01")] == 0 and months[("C3", "1900-01")] == -840
    first_cohorts = m.cohorts[m.cohorts["months_since"] == 0].set_index("cohort")["customers"]
    assert first_cohorts.to_dict() == {"1900-01": 1, "1926-06": 1, "1969-12": 1}


def test_period_reports_before_1970(metrics) -> None:
    periods = metrics(OLD_ORDERS).periods.set_index("period")
    for label, revenue in (("1969-12", 30), ("1969-Q4", 30), ("1969", 30), ("1926", 7), ("1900-Q1", 13)):
        assert periods.loc[label, "revenue"] == revenue, label
        assert periods.loc[label, "new_customers"] == 1, label
    assert periods.loc["1970-01", "new_customers"] == 0 and periods.loc["1970-01", "active_customers"] == 1


CRM = {
    "pipeline.csv": csv(
        "opportunity_id,stage,created_date,customer_id,owner,amount,close_date,product,lead_source",
        "D1,won,1969-10-01,C1,Alice,100,1969-12-20,P1,web",
        "D2,lost,1969-11-05,C2,Bob,50,1970-01-10,P2,fair",
        "D3,proposal,1969-12-01,C1,Alice,70,1970-04-01,P1,web",
        "D4,lead,1900-01-02,C2,Bob,10,1900-02-01,P2,",
    ),
    "stage_history.csv": csv(
        "opportunity_id,stage,entered_date",
        "D1,lead,1969-10-01", "D1,proposal,1969-11-01", "D1,won,1969-12-20",
        "D3,lead,1969-12-01", "D3,proposal,1969-12-15",
    ),
    "activities.csv": csv(
        "date,customer_id,opportunity_id,owner,type",
        "1969-12-30,C1,D3,Alice,call", "1969-12-01,C1,D3,Alice,email", "1900-01-05,C2,D4,Bob,call",
    ),
    "orders.csv": csv(
        "customer_id,order_date,amount,product,channel",
        "C1,1969-12-20,100,P1,web", "C2,1969-06-01,20,P2,shop", "C2,1970-01-01,25,P2,shop",
    ),
    "targets.csv": csv("period,owner,revenue_target", "1969-Q4,Alice,100", "1970-01,,50"),
    "channel_costs.csv": csv("channel,period,cost", "web,1969-12,10"),
}


def test_deals_and_activities_before_1970(metrics) -> None:
    m = metrics(CRM, as_of="1970-03-15")
    deals = m.opportunities.set_index("opportunity_id")
    # D3's activity days (1969-12-01, 1969-12-30) are day numbers below 0: they stay D3's, on their dates
    assert deals.loc["D3", "days_since_activity"] == (pd.Timestamp("1970-03-15") - pd.Timestamp("1969-12-30")).days
    assert deals.loc["D4", "days_since_activity"] == (pd.Timestamp("1970-03-15") - pd.Timestamp("1900-01-05")).days
    assert deals.loc["D3", "days_in_stage"] == (pd.Timestamp("1970-03-15") - pd.Timestamp("1969-12-15")).days
    periods = m.periods.set_index("period")
    assert periods.loc["1969-12", "won_deals"] == 1 and periods.loc["1969-12", "won_amount"] == 100
    assert periods.loc["1969-Q4", "revenue_target"] == 100 and periods.loc["1969-12", "marketing_cost"] == 10
    breakdown = m.breakdowns
    web = breakdown[(breakdown["period"] == "1969-12") & (breakdown["dimension"] == "channel")]
    assert web.set_index("key").loc["web", "revenue"] == 100


@pytest.mark.parametrize("as_of", ["1900-01-01", "1970-01-01", "2100-12-31"])
def test_the_ends_of_the_date_range_with_the_longest_window(metrics, as_of: str) -> None:
    """as_of at either end of the range, with a 100-year window: no date arithmetic overflows."""
    config = "[rules]\nwindow_days = 36500\nstale_after_days = 36500\nchurn_after_days = 36500\n"
    m = metrics(CRM, config, as_of=as_of)
    assert m.window_start == pd.Timestamp(as_of) - pd.Timedelta(days=36_499)


def test_month_ids_mark_missing_dates_apart_from_december_1969() -> None:
    dates = pd.Series(pd.to_datetime(["1969-12-15", "1970-01-01", None, "1900-01-01", "2100-12-31"]))
    assert cal.month_ids(dates).tolist() == [-1, 0, cal.NO_MONTH, -840, 1571]
    assert [cal.period_of_id("month", m).label for m in (-1, 0, -840)] == ["1969-12", "1970-01", "1900-01"]
    assert cal.id_of_period(cal.parse_period("1969-Q4")) == -1
    assert cal.period_ids(np.array([cal.NO_MONTH]), "year", 4)[0] < -10**9  # never a real period


def test_groups_take_negative_keys() -> None:
    g = Groups({"pid": np.array([-840, -1, -1, 0, 5]), "key": np.array([2, -1, -1, 0, 2])})
    assert g.keys.to_dict("list") == {"pid": [-840, -1, 0, 5], "key": [2, -1, 0, 2]}
    assert g.sum(np.array([1.0, 2.0, 3.0, 4.0, 5.0])).tolist() == [1, 5, 4, 5]


def test_periods_outside_the_date_range_are_not_periods(tmp_path, monkeypatch) -> None:
    """A target for 9999 crashed ``check`` (year 10000 is out of range) when its year-end was computed."""
    assert cal.parse_period("9999") is None and cal.parse_period("1066-Q1", 4) is None
    assert cal.parse_period("2100-12").label == "2100-12" and cal.parse_period("1900", 4).label == "1900"
    site = write_site(tmp_path / "site", {
        "orders.csv": csv("customer_id,order_date,amount", "C1,2026-06-01,50"),
        "targets.csv": csv("period,owner,revenue_target", "9999,,100", "1066-Q1,,5", "2026-06,,10"),
        "channel_costs.csv": csv("channel,period,cost", "web,9999-12,10")})
    monkeypatch.chdir(site)
    result = CliRunner().invoke(main, ["check", "--as-of", "2026-06-30"])
    assert result.exit_code in (0, 1) and "internal error" not in result.output, result.output
