"""How a period's target is resolved from rows per month, quarter or year, per owner or company-wide."""

from __future__ import annotations

import pandas as pd
import pytest

from sitegen.metrics import targets
from sitegen.metrics.periods import parse_period
from tests.metrics.conftest import csv


def resolved(rows: str, labels: list[str], fy_start: int = 1) -> tuple[dict, dict]:
    frame = pd.read_csv(__import__("io").StringIO(rows), dtype={"period": str, "owner": str})
    rows = targets.period_rows(frame, "owner", "revenue_target", fy_start)
    company, owners = targets.period_targets(rows, [parse_period(p, fy_start) for p in labels], fy_start)
    return (company.set_index("period")[["target", "target_source"]].apply(tuple, axis=1).to_dict(),
            owners.set_index(["period", "owner"])[["target", "target_source"]].apply(tuple, axis=1).to_dict())


def test_exact_row_wins_over_finer_rows() -> None:
    company, _ = resolved(csv("period,owner,revenue_target", "2026-Q1,,900", "2026-01,,100", "2026-01,,50"),
                          ["2026-Q1", "2026-01"])
    assert company["2026-Q1"] == (900.0, "exact")
    assert company["2026-01"] == (150.0, "exact")      # several rows for one period are added


def test_sum_of_finer_rows() -> None:
    company, _ = resolved(csv("period,owner,revenue_target", "2026-01,,100", "2026-02,,200", "2026-Q2,,600"),
                          ["2026-Q1", "2026"])
    assert company["2026-Q1"] == (300.0, "sum")
    assert company["2026"] == (900.0, "sum")           # Q1 from its months, Q2 from its own row


def test_company_falls_back_to_owners_then_prorated() -> None:
    company, owners = resolved(csv("period,owner,revenue_target", "2026-06,Ann,200", "2026-06,Bob,300",
                                   "2026,,12000"), ["2026-06", "2026-05", "2026-Q2", "2026"])
    assert company["2026-06"] == (500.0, "owners")
    assert company["2026-05"] == (1000.0, "prorated")  # a twelfth of the year
    assert company["2026-Q2"] == (500.0, "owners")     # owners' quarter = their June rows
    assert company["2026"] == (12000.0, "exact")
    assert owners[("2026-Q2", "Ann")] == (200.0, "sum")
    assert ("2026-05", "Ann") not in owners


def test_prorated_from_quarter_before_year() -> None:
    _, owners = resolved(csv("period,owner,revenue_target", "2026-Q3,Ann,300", "2026,Ann,2400"),
                         ["2026-07", "2026-01", "2026-Q1"])
    assert owners[("2026-07", "Ann")] == (100.0, "prorated")
    assert owners[("2026-01", "Ann")] == (200.0, "prorated")
    assert owners[("2026-Q1", "Ann")] == (600.0, "prorated")


def test_fiscal_year_labels() -> None:
    # fiscal year starting in April: "2026" runs 2025-04 .. 2026-03, "2026-Q1" is 2025-04 .. 2025-06
    company, _ = resolved(csv("period,owner,revenue_target", "2026-Q1,,300", "2025-04,,50"),
                          ["2026-Q1", "2025-05", "2026"], fy_start=4)
    assert company["2026-Q1"] == (300.0, "exact")
    assert company["2025-05"] == (100.0, "prorated")
    assert company["2026"] == (300.0, "sum")


def test_attainment_flag_is_pro_rata_while_running() -> None:
    value = pd.Series([0.5, 0.5, None])
    flag = targets.attainment_flag(value, pd.Series([1.0, 0.5, 1.0]), 0.9)
    assert flag.tolist()[:2] == [True, False] and pd.isna(flag.iloc[2])


def test_ytd_attainment_kpi(metrics) -> None:
    # months Jan-Jun 2026 at 100 each; June has passed entirely at as_of 2026-06-30
    k = metrics({"orders.csv": csv("customer_id,order_date,amount", "A,2026-02-01,450", "A,2025-12-01,99"),
                 "targets.csv": csv("period,owner,revenue_target", "2026,,1200")}).kpis
    assert k["target_ytd"] == 600.0 and k["revenue_ytd"] == 450.0
    assert k["target_attainment_ytd"] == 0.75 and k["target_attainment_warning"] is True
    mid = metrics({"orders.csv": csv("customer_id,order_date,amount", "A,2026-02-01,450"),
                   "targets.csv": csv("period,owner,revenue_target", "2026,,1200")}, as_of="2026-06-15").kpis
    assert mid["target_ytd"] == pytest.approx(500 + 100 * 15 / 30)


def test_period_attainment(metrics) -> None:
    periods = metrics({"orders.csv": csv("customer_id,order_date,amount,owner", "A,2026-06-02,450,Ann"),
                       "targets.csv": csv("period,owner,revenue_target", "2026-06,Ann,500")}).periods
    june = periods.set_index("period").loc["2026-06"]
    assert (june["revenue_target"], june["attainment"], june["attainment_warning"]) == (500.0, 0.9, False)
