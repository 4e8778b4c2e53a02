"""Loading: encodings, header matching, column maps, formats, and problems with file and line."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sitegen.config import load_config
from sitegen.dataset import load_dataset

PIPELINE = "opportunity_id,stage,created_date,customer_id,amount\n"


def load(site: Path):
    return load_dataset(load_config(cwd=site))


def messages(ds) -> list[str]:
    return [p.format() for p in ds.problems]


def test_encodings_load_the_same(make_site) -> None:
    text = "customer_id,name\nC1,上海华信精密机械有限公司\nC2,Northwind\n"
    orders = "customer_id,order_date,amount\nC1,2026-01-05,10\n"
    frames = []
    for i, enc in enumerate(("utf-8", "utf-8-sig", "gb18030", "gbk")):
        site = make_site({"customers.csv": text.encode(enc), "orders.csv": orders}, name=f"s{i}")
        ds = load(site)
        assert ds.error_count == 0, messages(ds)
        frames.append(ds.get("customers")[["customer_id", "name"]])
    for frame in frames[1:]:
        pd.testing.assert_frame_equal(frame, frames[0])
    assert frames[0]["name"].iloc[0] == "上海华信精密机械有限公司"


def test_headers_case_insensitive_trimmed_and_mapped(make_site) -> None:
    site = make_site(
        {"pipeline.csv": " Opportunity ID ,STAGE,Created_Date,Account,Close Value\nO1,Lead,2026-01-01,A,5\n"},
        config='[data.pipeline]\ncolumns = { customer_id = "account", amount = "close value" }\n')
    ds = load(site)
    assert ds.error_count == 0, messages(ds)
    row = ds.get("pipeline").iloc[0]
    assert (row["opportunity_id"], row["stage"], row["customer_id"], row["amount"]) == ("O1", "lead", "A", 5.0)


def test_every_date_format(make_site) -> None:
    dates = ["2026-03-05", "2026/3/5", "3/5/2026", "20260305", "2026年3月5日", "2026-03-05 14:30:00",
             "2026/3/5 9:05"]
    body = "".join(f"C{i},{d},1\n" for i, d in enumerate(dates))
    ds = load(make_site({"orders.csv": "customer_id,order_date,amount\n" + body}))
    assert ds.error_count == 0, messages(ds)
    assert set(ds.get("orders")["order_date"]) == {pd.Timestamp("2026-03-05")}


def test_dayfirst_is_configurable(make_site) -> None:
    ds = load(make_site({"orders.csv": "customer_id,order_date,amount\nC1,3/5/2026,1\n"},
                        config="[rules]\ndayfirst = true\n"))
    assert ds.get("orders")["order_date"].iloc[0] == pd.Timestamp("2026-05-03")


def test_every_amount_format(make_site) -> None:
    amounts = ['1234.5', '"1,234.50"', '"¥1,234"', '"$1,234"', "1.2万"]
    body = "".join(f"C{i},2026-01-01,{a}\n" for i, a in enumerate(amounts))
    ds = load(make_site({"orders.csv": "customer_id,order_date,amount\n" + body}))
    assert ds.error_count == 0, messages(ds)
    assert ds.get("orders")["amount"].tolist() == [1234.5, 1234.5, 1234.0, 1234.0, 12000.0]


def test_amount_from_quantity_and_unit_price(make_site) -> None:
    ds = load(make_site({"orders.csv": "customer_id,order_date,quantity,unit_price\nC1,2026-01-01,3,2.5\n"}))
    assert ds.error_count == 0, messages(ds)


def test_problems_name_file_line_column_and_hint(make_site) -> None:
    site = make_site({"pipeline.csv": PIPELINE + "O1,Lead,2026-01-01,C1,100\nO2,Proposel,2026-01-02,C1,abc\n"
                      "O1,Won,2026-01-03,C1,5\n"})
    ds = load(site)
    got = messages(ds)
    assert "data/pipeline.csv:3: column stage: unknown stage: 'Proposel' (did you mean 'proposal'?)" in got
    assert any(m.startswith("data/pipeline.csv:3: column amount: not a number: 'abc'") for m in got)
    assert "data/pipeline.csv:4: column opportunity_id: duplicate id 'O1' (first used on line 2)" in got
    assert ds.error_count == 3


def test_missing_required_column_is_one_error_at_line_1(make_site) -> None:
    ds = load(make_site({"orders.csv": "buyer,order_date,amount\nC1,2026-01-01,1\n"}))  # "customer": a known header
    assert ds.error_count == 1
    assert messages(ds)[0].startswith("data/orders.csv:1: column customer_id: required column is missing")


def test_warnings_do_not_stop_and_are_counted(make_site) -> None:
    site = make_site({
        "customers.csv": "customer_id,name\nC1,A\n",
        "orders.csv": "customer_id,order_date,amount\nC1,2026-01-01,1\nC9,2026-01-01,1\n",
        "pipeline.csv": PIPELINE + "O1,Lead,,C1,1\n",
    })
    ds = load(site)
    assert ds.error_count == 0
    assert ds.warning_count == 2
    got = messages(ds)
    assert any("data/orders.csv:3: column customer_id: customer not in customers file" in m for m in got)
    assert any("data/pipeline.csv:2: column created_date: missing created date" in m for m in got)


def test_pipeline_alone_or_orders_alone_is_enough(make_site) -> None:
    assert load(make_site({"pipeline.csv": PIPELINE + "O1,Lead,2026-01-01,C1,1\n"}, name="a")).error_count == 0
    assert load(make_site({"orders.csv": "customer_id,order_date,amount\nC1,2026-01-01,1\n"}, name="b")).error_count == 0


def test_no_data_at_all_is_an_error(make_site) -> None:
    ds = load(make_site({}))
    assert ds.error_count == 1
    assert "neither pipeline nor orders data found" in messages(ds)[0]


def test_problem_log_caps_but_counts(make_site) -> None:
    body = "".join(f"C{i},2026-01-01,x{i}\n" for i in range(100))
    ds = load(make_site({"orders.csv": "customer_id,order_date,amount\n" + body}))
    assert ds.error_count == 100
    assert len(ds.problems) == 21
    assert any("80 more row(s) like this" in m for m in messages(ds))


def test_a_folder_named_like_a_table_is_not_a_regular_file(make_site) -> None:
    site = make_site({"orders.csv": "customer_id,order_date,amount\nC1,2026-01-05,10\n"})
    (site / "data" / "pipeline.csv").mkdir()
    ds = load(site)
    assert "data/pipeline.csv: not a regular file (a folder) (the table must be a CSV file; check [data] in the " \
           "config)" in messages(ds)
    assert ds.error_count == 1
