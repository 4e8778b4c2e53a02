"""Pure functions from a :class:`Dataset` to figures and frames; :func:`compute_metrics` runs them all.

Nothing here touches files, templates or HTML. Pages read the frames of :class:`Metrics`;
nothing is computed twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd

from sitegen.config import Config
from sitegen.dataset import Dataset
from sitegen.metrics import customers as cust
from sitegen.metrics import pipeline as pipe
from sitegen.metrics import reduce


@dataclass(frozen=True)
class Metrics:
    """Everything pages and outputs need, computed once per build."""

    as_of: pd.Timestamp
    window_start: pd.Timestamp
    kpis: Mapping[str, Any]
    funnel: pd.DataFrame               # stage, reached, amount, conversion_* (SPEC §6 funnel)
    stage_probabilities: pd.DataFrame  # stage, won, lost, historical, probability, source
    customers: pd.DataFrame            # one row per customer, SPEC §6 columns and more
    opportunities: pd.DataFrame        # one row per deal, SPEC §6 columns and more
    orders: pd.DataFrame               # one row per order
    customer_months: pd.DataFrame      # customer_id, month, revenue, orders
    monthly: pd.DataFrame              # company figures per month: revenue, orders, customers...
    inputs: Mapping[str, bool] = field(default_factory=dict)  # which tables were present


def as_of_date(config: Config, override: str | None = None) -> pd.Timestamp:
    """The build's "today": --as-of, else [site] as_of, else the current date."""
    if override:
        return pd.Timestamp(override).normalize()
    if config.site.as_of:
        return pd.Timestamp(config.site.as_of)
    return pd.Timestamp.today().normalize()


def compute_metrics(dataset: Dataset, config: Config, as_of: pd.Timestamp) -> Metrics:
    """Run every metric of SPEC §4 for ``as_of``; records dated after it are ignored."""
    window_start = as_of - pd.Timedelta(days=config.rules.window_days - 1)
    lines = reduce.order_lines(dataset, config, as_of)
    orders = reduce.orders_from_lines(lines) if lines is not None else _empty_orders()
    deals = opportunities(dataset, config, as_of, window_start)
    probs = pipe.stage_probabilities(deals, window_start, as_of, config) if len(deals) else _empty_probs(config)
    customers = customer_table(dataset, orders, deals, config, as_of, window_start)
    months = monthly(orders)
    kpis = {**order_kpis(orders, window_start, as_of), **pipeline_kpis(deals, window_start, as_of)}
    return Metrics(
        as_of=as_of, window_start=window_start, kpis=kpis,
        funnel=pipe.funnel(deals, window_start, as_of, config) if len(deals) else pd.DataFrame(),
        stage_probabilities=probs, customers=customers, opportunities=deals, orders=orders,
        customer_months=reduce.customer_months(orders), monthly=months,
        inputs={name: dataset.has(name) for name in config.tables},
    )


def opportunities(dataset: Dataset, config: Config, as_of: pd.Timestamp, window_start: pd.Timestamp) -> pd.DataFrame:
    """One row per deal created up to as_of: status, reached stage, probability, weighted amount, flags."""
    raw = dataset.get("pipeline")
    if raw is None:
        return _empty_deals()
    deals = raw[raw["stage"].notna() & ~(raw["created_date"] > as_of)].copy()
    for col in ("customer_id", "owner", "amount", "close_date", "last_activity_date"):
        if col not in deals:
            deals[col] = np.nan if col == "amount" else (pd.NaT if col.endswith("date") else None)
    deals["reached"] = pipe.furthest_stage(deals, dataset.get("stage_history"), config)
    probs = pipe.stage_probabilities(deals, window_start, as_of, config).set_index("stage")["probability"]
    is_open = deals["status"] == "open"
    deals["probability"] = np.where(is_open, deals["stage"].map(probs), np.where(deals["status"] == "won", 1.0, 0.0))
    deals["weighted_amount"] = (deals["amount"] * deals["probability"]).where(is_open, 0.0)
    latest = pipe.last_activity(deals, dataset.get("activities"), as_of)
    deals["last_activity"] = latest
    deals["days_since_activity"] = (as_of - latest).dt.days
    age = (as_of - deals["created_date"]).dt.days
    stale_after = config.rules.stale_after_days
    deals["stale"] = is_open & ((deals["days_since_activity"] > stale_after) |
                                (latest.isna() & ~(age <= stale_after)))
    deals["overdue"] = is_open & (deals["close_date"] < as_of)
    deals["age_days"] = age.where(is_open, (deals["close_date"] - deals["created_date"]).dt.days)
    deals["grade"] = pipe.grade(deals["probability"], deals["stale"] | deals["overdue"],
                                deals["grade"] if "grade" in deals else None, config).where(is_open, None)
    return deals.sort_values("opportunity_id").reset_index(drop=True)


def customer_table(dataset: Dataset, orders: pd.DataFrame, deals: pd.DataFrame, config: Config,
                   as_of: pd.Timestamp, window_start: pd.Timestamp) -> pd.DataFrame:
    """One row per customer known from any table, with lifetime, RFM, value tier and risk columns."""
    master = dataset.get("customers")
    ids = pd.Index(sorted(set(orders["customer_id"]) | set(deals["customer_id"].dropna().astype(str)) |
                          (set(master["customer_id"].dropna()) if master is not None else set())), name="customer_id")
    out = pd.DataFrame(index=ids)
    if master is not None:
        info = master.drop_duplicates("customer_id").set_index("customer_id")
        for col in ("name", "industry", "region", "size", "owner", "tier", "potential_value", "created_date"):
            if col in info:
                out[col] = info[col].reindex(ids)
    for col in ("name", "industry", "region", "size", "owner", "tier"):
        if col not in out:
            out[col] = None
    out["potential_value"] = out.get("potential_value", pd.Series(np.nan, index=ids)).astype(float)
    out["name"] = out["name"].where(out["name"].notna(), pd.Series(ids, index=ids))
    totals = reduce.customer_totals(orders).reindex(ids)
    out = out.join(totals)
    out["orders"] = out["orders"].fillna(0).astype("int64")
    out["revenue"] = out["revenue"].fillna(0.0)
    window = orders[orders["order_date"] >= window_start].groupby("customer_id")["revenue"].sum()
    out["revenue_window"] = window.reindex(ids).fillna(0.0)
    open_deals = deals[deals["status"] == "open"].dropna(subset=["customer_id"])
    out["open_pipeline"] = open_deals.groupby("customer_id")["amount"].sum().reindex(ids).fillna(0.0)
    out["weighted_pipeline"] = open_deals.groupby("customer_id")["weighted_amount"].sum().reindex(ids).fillna(0.0)
    out["open_deals"] = open_deals.groupby("customer_id").size().reindex(ids).fillna(0).astype("int64")
    buyers = out[out["orders"] > 0]
    scores = cust.rfm(buyers[["orders", "revenue", "last_order_date"]], as_of)
    out = out.join(scores)
    for col in ("r_score", "f_score", "m_score", "recency_days"):
        out[col] = out[col].astype("Int64")
    out["tier"] = cust.value_tiers(out["revenue_window"] + out["weighted_pipeline"], out["potential_value"],
                                   out["orders"] > 0, out["tier"], config.rules)
    gaps = cust.order_gaps(orders)
    out["at_risk"] = cust.at_risk(out["recency_days"], gaps, out["orders"], config.rules) & (out["orders"] > 0)
    return out.reset_index()


def monthly(orders: pd.DataFrame) -> pd.DataFrame:
    """Company revenue, orders, active and new customers per calendar month."""
    if orders.empty:
        return pd.DataFrame(columns=["month", "revenue", "orders", "active_customers", "new_customers", "aov"])
    month = orders["order_date"].dt.to_period("M")
    first = orders.groupby("customer_id")["order_date"].transform("min").dt.to_period("M")
    frame = orders.assign(month=month, is_new=(first == month))
    out = frame.groupby("month").agg(revenue=("revenue", "sum"), orders=("order_key", "size"),
                                     active_customers=("customer_id", "nunique"))
    new = frame[frame["is_new"]].groupby("month")["customer_id"].nunique()
    full = pd.period_range(out.index.min(), out.index.max(), freq="M")
    out = out.reindex(full, fill_value=0)
    out["new_customers"] = new.reindex(full).fillna(0).astype("int64")
    out["aov"] = (out["revenue"] / out["orders"]).where(out["orders"] > 0)
    out.index = out.index.astype(str)
    return out.rename_axis("month").reset_index()


def order_kpis(orders: pd.DataFrame, window_start: pd.Timestamp, as_of: pd.Timestamp) -> dict[str, Any]:
    """Order and customer KPIs over the window (SPEC §4, §6)."""
    if orders.empty:
        return dict.fromkeys(("revenue_window", "orders_window", "aov_window", "new_customers_window",
                              "active_customers_window", "repeat_purchase_rate"))
    in_window = orders[orders["order_date"].between(window_start, as_of)]
    first = orders.groupby("customer_id")["order_date"].min()
    per_customer = orders.groupby("customer_id").size()
    revenue, count = float(in_window["revenue"].sum()), int(len(in_window))
    return {
        "revenue_window": revenue,
        "orders_window": count,
        "aov_window": revenue / count if count else None,
        "new_customers_window": int(first.between(window_start, as_of).sum()),
        "active_customers_window": int(in_window["customer_id"].nunique()),
        "repeat_purchase_rate": float((per_customer >= 2).sum() / len(per_customer)) if len(per_customer) else None,
    }


def pipeline_kpis(deals: pd.DataFrame, window_start: pd.Timestamp, as_of: pd.Timestamp) -> dict[str, Any]:
    """Win rate, deal size, cycle and open-pipeline KPIs (SPEC §4, §6)."""
    keys = ("win_rate", "win_rate_value", "avg_deal_size", "sales_cycle_days_median", "sales_cycle_days_mean",
            "open_pipeline", "weighted_pipeline", "stale_opportunities", "overdue_opportunities")
    if deals.empty:
        return dict.fromkeys(keys)
    closed = deals[deals["status"].isin(["won", "lost"]) & deals["close_date"].between(window_start, as_of)]
    won = closed[closed["status"] == "won"]
    known = closed.dropna(subset=["amount"])
    value_total = known["amount"].sum()
    cycle = (won["close_date"] - won["created_date"]).dt.days.dropna()
    is_open = deals["status"] == "open"
    return {
        "win_rate": len(won) / len(closed) if len(closed) else None,
        "win_rate_value": float(known.loc[known["status"] == "won", "amount"].sum() / value_total) if value_total > 0 else None,
        "avg_deal_size": float(won["amount"].mean()) if won["amount"].notna().any() else None,
        "sales_cycle_days_median": float(cycle.median()) if len(cycle) else None,
        "sales_cycle_days_mean": float(cycle.mean()) if len(cycle) else None,
        "open_pipeline": float(deals.loc[is_open, "amount"].sum()),
        "weighted_pipeline": float(deals.loc[is_open, "weighted_amount"].sum()),
        "stale_opportunities": int(deals["stale"].sum()),
        "overdue_opportunities": int(deals["overdue"].sum()),
    }


def _empty_orders() -> pd.DataFrame:
    return pd.DataFrame({"order_key": pd.Series(dtype=str), "customer_id": pd.Series(dtype=str),
                         "order_date": pd.Series(dtype="datetime64[ns]"), "revenue": pd.Series(dtype=float),
                         "cost": pd.Series(dtype=float), "margin": pd.Series(dtype=float)})


def _empty_deals() -> pd.DataFrame:
    cols = {"opportunity_id": str, "customer_id": object, "owner": object, "stage": object, "status": object,
            "amount": float, "probability": float, "weighted_amount": float, "grade": object, "stale": bool,
            "overdue": bool, "age_days": float, "created_date": "datetime64[ns]", "close_date": "datetime64[ns]",
            "reached": "int64", "last_activity": "datetime64[ns]", "days_since_activity": float}
    return pd.DataFrame({k: pd.Series(dtype=v) for k, v in cols.items()})


def _empty_probs(config: Config) -> pd.DataFrame:
    return pd.DataFrame([{"stage": s.key, "won": 0, "lost": 0, "historical": np.nan, "probability": s.probability,
                          "source": "config"} for s in config.stages])
