"""Reductions of order lines: orders without ids, several lines a day, exclusions, returns, margins."""

from __future__ import annotations

import math

import pandas as pd

from tests.metrics.conftest import csv

ORDERS = csv(
    "customer_id,order_date,amount,cost,status,product,quantity,unit_price",
    "A,20260105,100,60,,P1,,",
    "A,20260105,50,,,P2,,",          # same customer and day, no order id: the same order
    "A,20260210,,,,P1,2,30",          # amount = quantity x unit_price
    "B,20260210,200,150,cancelled,P1,,",  # excluded status
    "B,20260301,80,50,,P2,,",
    "B,20260315,-30,,,P2,,",          # a return: negative net order
    "C,20260701,999,,,P1,,",          # after as_of: ignored
)


def test_orders_without_ids_are_customer_days(metrics) -> None:
    m = metrics({"orders.csv": ORDERS})
    orders = m.orders.set_index("order_key")
    assert list(orders.index) == ["~A|2026-01-05", "~A|2026-02-10", "~B|2026-03-01", "~B|2026-03-15"]
    assert orders["revenue"].tolist() == [150.0, 60.0, 80.0, -30.0]
    assert orders["is_return"].tolist() == [False, False, False, True]
    assert orders["first_order"].tolist() == [True, False, True, False]
    # margin counts only lines with a known cost; an order without any cost has no margin
    assert orders.loc["~A|2026-01-05", "margin"] == 40.0
    assert math.isnan(orders.loc["~A|2026-02-10", "margin"])
    assert orders.loc["~B|2026-03-01", "cost"] == 50.0


def test_order_ids_group_lines_and_missing_ids_fall_back(metrics) -> None:
    m = metrics({"orders.csv": csv(
        "order_id,customer_id,order_date,amount",
        "S1,A,2026-01-05,10", "S1,A,2026-01-06,5",   # one order over two days: its first date
        "S2,A,2026-01-05,7", ",A,2026-01-05,1", ",A,2026-01-05,2")})
    orders = m.orders.set_index("order_key")
    assert orders.loc["S1", "revenue"] == 15.0 and orders.loc["S1", "order_date"] == pd.Timestamp("2026-01-05")
    assert orders.loc["S2", "revenue"] == 7.0
    assert orders.loc["~A|2026-01-05", "revenue"] == 3.0
    assert m.kpis["orders_window"] == 3


def test_customer_months_and_product_months(metrics) -> None:
    m = metrics({"orders.csv": ORDERS})
    cm = m.customer_months
    assert cm[["customer_id", "month", "revenue", "orders"]].values.tolist() == [
        ["A", "2026-01", 150.0, 1], ["A", "2026-02", 60.0, 1], ["B", "2026-03", 50.0, 1]]
    pm = m.product_months.assign(month=lambda f: f["month_id"].map(lambda i: f"{1970 + i // 12}-{i % 12 + 1:02d}"))
    assert pm[["product", "month", "revenue"]].values.tolist() == [
        ["P1", "2026-01", 100.0], ["P1", "2026-02", 60.0], ["P2", "2026-01", 50.0], ["P2", "2026-03", 50.0]]


def test_excluded_statuses_are_configurable(metrics) -> None:
    m = metrics({"orders.csv": ORDERS}, config='[rules]\nexcluded_order_statuses = ["void"]\n')
    assert m.kpis["revenue_window"] == 460.0  # the cancelled line now counts


def test_owner_attribution_order_then_customer_then_unassigned(metrics) -> None:
    m = metrics({
        "orders.csv": csv("customer_id,order_date,amount,owner", "A,2026-01-05,10,Ann", "B,2026-01-05,20,",
                          "C,2026-01-05,30,"),
        "customers.csv": csv("customer_id,owner", "A,Bob", "B,Bob", "C,"),
    })
    assert m.orders.set_index("customer_id")["owner"].astype(str).to_dict() == {
        "A": "Ann", "B": "Bob", "C": "unassigned"}


def test_order_id_reused_by_another_customer_is_another_order(metrics) -> None:
    m = metrics({"orders.csv": csv("order_id,customer_id,order_date,amount", "S9,A,2026-01-05,10",
                                   "S9,B,2026-01-05,20", "S8,A,2026-01-06,1")})
    assert m.orders.set_index("order_key")["revenue"].to_dict() == {"S9|A": 10.0, "S9|B": 20.0, "S8": 1.0}
