"""Properties that hold on any generated dataset: conversion rates, breakdown sums, period sums, customer counts,
RFM, weighting."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.config import parse_config
from sitegen.dataset import Dataset
from sitegen.metrics import compute_metrics
from sitegen.metrics.customers import rfm_segment

CONFIG = parse_config({"rules": {"min_deals_for_probability": 2}}, root=Path("/tmp"))
AS_OF = pd.Timestamp("2026-06-30")
START = pd.Timestamp("2024-08-01")
KEYS = list(CONFIG.stage_keys)
CUSTOMERS = [f"C{i}" for i in range(1, 7)]
maybe = lambda values: st.one_of(st.none(), st.sampled_from(values))  # noqa: E731
day = st.integers(0, 730)
amount = st.one_of(st.none(), st.integers(0, 1000).map(float))

order_line = st.fixed_dictionaries({
    "customer_id": st.sampled_from(CUSTOMERS), "day": day, "amount": st.integers(-50, 500).map(float),
    "order_id": maybe(["S1", "S2", "S3", "S4"]), "owner": maybe(["Ann", "Bob"]), "product": maybe(["P1", "P2"]),
    "channel": maybe(["Web", "Shop"]), "cost": st.one_of(st.none(), st.integers(0, 300).map(float)),
})
deal = st.fixed_dictionaries({
    "stage": st.sampled_from(KEYS + ["won", "lost"]), "created": st.one_of(st.none(), day),
    "length": st.integers(0, 200), "amount": amount, "customer_id": maybe(CUSTOMERS), "owner": maybe(["Ann", "Cy"]),
    "product": maybe(["P1", "P3"]), "lead_source": maybe(["Web", "Fair"]), "lost_at_stage": maybe(KEYS),
})


def dataset(lines: list[dict], deals: list[dict], regions: list[str | None]) -> Dataset:
    tables = {}
    if lines:
        orders = pd.DataFrame(lines)
        orders["order_date"] = START + pd.to_timedelta(orders.pop("day"), unit="D")
        tables["orders"] = orders.astype({"order_id": object, "owner": object, "product": object,
                                          "channel": object, "cost": float})
    if deals:
        d = pd.DataFrame(deals)
        d["opportunity_id"] = [f"O{i:03d}" for i in range(len(d))]
        d["status"] = d["stage"].where(d["stage"].isin(["won", "lost"]), "open")
        created = START + pd.to_timedelta(d.pop("created"), unit="D")
        d["created_date"] = created
        d["close_date"] = created.fillna(START) + pd.to_timedelta(d.pop("length"), unit="D")
        tables["pipeline"] = d.astype({"customer_id": object, "owner": object, "product": object,
                                       "lead_source": object, "lost_at_stage": object, "amount": float})
    tables["customers"] = pd.DataFrame({"customer_id": CUSTOMERS, "region": pd.Series(regions, dtype=object),
                                        "owner": [None, "Ann", None, "Bob", None, None]})
    return Dataset(tables=MappingProxyType(tables), problems=(), error_count=0, warning_count=0)


generated = st.builds(dataset, st.lists(order_line, max_size=25), st.lists(deal, max_size=15),
                      st.lists(maybe(["East", "West"]), min_size=6, max_size=6))


def check_funnel(funnel: pd.DataFrame) -> None:
    for prefix in ("conversion", "value_conversion"):
        previous = funnel[f"{prefix}_from_previous"].dropna()
        assert ((previous >= 0) & (previous <= 1 + 1e-12)).all()
        first = funnel[f"{prefix}_from_first"].dropna().to_numpy()
        assert ((first >= 0) & (first <= 1 + 1e-12)).all() and (np.diff(first) <= 1e-12).all()
    assert (np.diff(funnel["reached"].to_numpy()) <= 0).all()


def check_breakdowns(m) -> None:
    b, p = m.breakdowns, m.periods.set_index("period")
    totals = {"window": {"revenue": m.kpis["revenue_window"] or 0.0, "won_amount": m.kpis["won_amount_window"] or 0.0}}
    for (period, dimension), rows in b.groupby(["period", "dimension"]):
        total = totals.get(period) or p.loc[period]
        if dimension in ("owner", "region", "channel", "product") and not pd.isna(total["revenue"]):
            assert rows["revenue"].sum() == pytest.approx(total["revenue"], abs=1e-6), (period, dimension)
        if dimension in ("owner", "region", "product", "lead_source") and not pd.isna(total["won_amount"]):
            assert rows["won_amount"].sum() == pytest.approx(total["won_amount"], abs=1e-6), (period, dimension)
            if period != "window":
                assert rows["open_pipeline"].sum() == pytest.approx(p.loc[period, "open_pipeline"], abs=1e-6)


def check_period_sums(m) -> None:
    p = m.periods.set_index("period")
    for label, row in p[p["kind"] != "month"].iterrows():
        months = p[(p["kind"] == "month") & (p["start"] >= row["start"]) & (p["end"] <= row["end"])]
        for column in ("revenue", "orders", "new_customers", "won_amount", "won_deals", "lost_deals", "deals_created"):
            if not pd.isna(row[column]):  # missing when its input file is absent
                assert months[column].sum() == pytest.approx(row[column], abs=1e-6), (label, column)


def check_customer_counts(m) -> None:
    """Active, new and retained customers of every period, counted the slow way from the orders."""
    if m.periods.empty:
        return
    buying = m.orders[~m.orders["is_return"]]
    first = buying.groupby("customer_id", observed=True)["order_date"].min()
    p = m.periods.set_index("period")
    active = {label: set(buying.loc[buying["order_date"].between(row["start"], row["end"]), "customer_id"])
              for label, row in p.iterrows()}
    for label, row in p.dropna(subset=["active_customers"]).iterrows():
        assert row["active_customers"] == len(active[label]), label
        assert row["new_customers"] == first.between(row["start"], row["end"]).sum(), label
        if row["previous"] in active:
            assert row["retained_customers"] == len(active[label] & active[row["previous"]]), label


def check_customers(m) -> None:
    c = m.customers
    scored = c.dropna(subset=["r_score"])
    for column in ("r_score", "f_score", "m_score"):
        assert scored[column].between(1, 5).all()
    expected = rfm_segment(scored["r_score"].astype(int), scored["f_score"].astype(int))
    assert (scored["rfm_segment"] == expected).all()
    assert c["revenue"].sum() == pytest.approx(m.orders["revenue"].sum(), abs=1e-6)
    assert m.customer_months["revenue"].sum() == pytest.approx(m.monthly["revenue"].sum(), abs=1e-6)
    if m.kpis["revenue_window"] is not None:
        assert m.scorecard["revenue"].sum() == pytest.approx(m.kpis["revenue_window"], abs=1e-6)


def check_pipeline(m) -> None:
    k = m.kpis
    if k["open_pipeline"] is not None:
        assert k["weighted_pipeline"] <= k["open_pipeline"] + 1e-9
        assert m.opportunities["probability"].between(0, 1).all()
    if len(m.periods) and "weighted_pipeline" in m.periods:
        p = m.periods.dropna(subset=["open_pipeline"])
        assert (p["weighted_pipeline"] <= p["open_pipeline"] + 1e-9).all()
    for rate in ("win_rate", "win_rate_value", "repeat_purchase_rate", "retention_rate"):
        assert k[rate] is None or 0 <= k[rate] <= 1


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(generated)
def test_properties_hold(data: Dataset) -> None:
    m = compute_metrics(data, CONFIG, AS_OF)
    check_funnel(m.funnel)
    check_breakdowns(m)
    check_period_sums(m)
    check_customer_counts(m)
    check_customers(m)
    check_pipeline(m)
    for report in list(m.reports.values())[:3]:
        check_funnel(pd.DataFrame(report["funnel"]))


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(generated, st.sampled_from(["East", "West"]))
def test_filters_commute_with_sums(data: Dataset, region: str) -> None:
    """The revenue of one region's customers equals that region's slice of the breakdown."""
    m = compute_metrics(data, CONFIG, AS_OF)
    customers = data.get("customers")
    keep = set(customers.loc[customers["region"] == region, "customer_id"])
    tables = dict(data.tables)
    if "orders" in tables:
        tables["orders"] = tables["orders"][tables["orders"]["customer_id"].isin(keep)]
    filtered = compute_metrics(Dataset(MappingProxyType(tables), (), 0, 0), CONFIG, AS_OF)
    b = m.breakdowns
    slice_ = b[(b["period"] == "window") & (b["dimension"] == "region") & (b["key"] == region)]
    expected = slice_["revenue"].sum() if len(slice_) else 0.0
    assert (filtered.kpis["revenue_window"] or 0.0) == pytest.approx(expected, abs=1e-6)
