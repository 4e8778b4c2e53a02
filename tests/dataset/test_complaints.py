"""complaints.csv: loaded with FILE:LINE problems for duplicate tickets, bad dates, unknown severities and
dates out of order; severities normalised to high / medium / low."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sitegen.config import load_config
from sitegen.dataset import load_dataset

ORDERS = "customer_id,order_date,amount\nC1,2026-01-05,10\n"
CUSTOMERS = "customer_id,name\nC1,Acme\n"
HEADER = ("ticket_id,customer_id,opened_date,first_response_date,closed_date,category,severity,owner,summary,"
          "resolution\n")


def load(make_site, body: str, config: str = ""):
    site: Path = make_site({"orders.csv": ORDERS, "customers.csv": CUSTOMERS, "complaints.csv": body}, config)
    return load_dataset(load_config(cwd=site))


def messages(ds) -> list[str]:
    return [p.format() for p in ds.problems]


def test_a_clean_file_loads_typed_with_severities_as_words(make_site) -> None:
    ds = load(make_site, HEADER + "T1,C1,2026-03-02,2026-03-02,2026-03-05,quality,1,Wang,Scratched,Replaced\n"
                                  "T2,C1,2026/3/4,,,delivery,中,Li,\"Late, again\",\n"
                                  "T3,C1,20260310,,,billing,Low,,,\n"
                                  "T4,C1,2026-03-11,,,service,,,,\n")
    assert ds.error_count == 0 and ds.warning_count == 0, messages(ds)
    t = ds.get("complaints")
    assert list(t["severity"]) == ["high", "medium", "low", None]
    assert list(t["opened_date"]) == [pd.Timestamp(d) for d in ("2026-03-02", "2026-03-04", "2026-03-10", "2026-03-11")]
    assert t["closed_date"].isna().tolist() == [False, True, True, True]
    assert t["summary"].iloc[1] == "Late, again"


def test_duplicate_ticket_ids_are_errors_with_the_first_line(make_site) -> None:
    ds = load(make_site, HEADER + "T1,C1,2026-03-02,,,quality,high,,,\nT2,C1,2026-03-03,,,quality,high,,,\n"
                                  "T1,C1,2026-03-04,,,quality,high,,,\n")
    assert ds.error_count == 1
    assert messages(ds) == ["data/complaints.csv:4: column ticket_id: duplicate id 'T1' (first used on line 2)"]


def test_bad_and_missing_dates_are_errors_at_their_line(make_site) -> None:
    ds = load(make_site, HEADER + "T1,C1,2026-13-45,,,quality,high,,,\nT2,C1,,,,quality,high,,,\n"
                                  "T3,C1,2026-03-02,soon,,quality,high,,,\n")
    found = messages(ds)
    assert ds.error_count == 3, found
    assert any(m.startswith("data/complaints.csv:2: column opened_date: not a date") for m in found), found
    assert any(m.startswith("data/complaints.csv:3: column opened_date: missing value") for m in found), found
    assert any(m.startswith("data/complaints.csv:4: column first_response_date: not a date") for m in found), found


def test_unknown_severity_is_a_warning_and_the_value_is_dropped(make_site) -> None:
    ds = load(make_site, HEADER + "T1,C1,2026-03-02,,,quality,blocker,,,\nT2,C1,2026-03-02,,,quality,3,,,\n")
    assert ds.error_count == 0 and ds.warning_count == 1
    assert messages(ds)[0].startswith("data/complaints.csv:2: column severity: unknown severity; ignored")
    assert list(ds.get("complaints")["severity"]) == [None, "low"]


def test_dates_before_the_opening_and_orphan_customers_are_warnings(make_site) -> None:
    ds = load(make_site, HEADER + "T1,C1,2026-03-05,2026-03-04,2026-03-01,quality,high,,,\n"
                                  "T2,C9,2026-03-05,,,quality,high,,,\n")
    found = messages(ds)
    assert ds.error_count == 0 and ds.warning_count == 3, found
    early = "data/complaints.csv:2: column first_response_date: first response dated before"
    assert any(m.startswith(early) for m in found)
    assert any(m.startswith("data/complaints.csv:2: column closed_date: closing dated before") for m in found)
    assert any(m.startswith("data/complaints.csv:3: column customer_id: customer not in customers file") for m in found)


def test_required_columns_and_the_column_map(make_site) -> None:
    ds = load(make_site, "ticket,customer_id,closed_date\nT1,C1,2026-03-05\n")
    assert ds.error_count == 2 and not ds.has("complaints")
    assert {m.split(":")[2].strip() for m in messages(ds)} == {"column ticket_id", "column opened_date"}
    mapped = load(make_site, "工单号,客户,创建日期,严重程度\nT1,C1,2026-03-05,高\n",
                  config='[data.complaints]\ncolumns = { ticket_id = "工单号", customer_id = "客户", '
                         'opened_date = "创建日期", severity = "严重程度" }\n')
    assert mapped.error_count == 0, messages(mapped)
    assert mapped.get("complaints").iloc[0][["ticket_id", "customer_id", "severity"]].tolist() == ["T1", "C1", "high"]
