"""Per-customer figures: the customer table, RFM scores and segments, value tiers, churn risk."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sitegen.config import Config, Rules
from sitegen.dataset import Dataset
from sitegen.metrics import reduce
from sitegen.metrics.grouped import UNASSIGNED
from sitegen.metrics.reduce import Reduced

MASTER_COLUMNS = ("name", "industry", "region", "size", "owner", "tier", "potential_value", "created_date")

RFM_SEGMENTS = (  # (name, R scores, F scores): first match wins (SPEC §4)
    ("champions", (5,), (4, 5)),
    ("loyal", (3, 4), (4, 5)),
    ("potential_loyalist", (4, 5), (2, 3)),
    ("new", (5,), (1,)),
    ("promising", (4,), (1,)),
    ("need_attention", (3,), (3,)),
    ("about_to_sleep", (3,), (1, 2)),
    ("cant_lose", (1, 2), (5,)),
    ("at_risk", (1, 2), (3, 4)),
    ("hibernating", (1, 2), (1, 2)),
)


def quintile_scores(values: pd.Series) -> pd.Series:
    """Scores 1-5 by quintile of ``values`` (higher value, higher score); ties broken by position.

    Rank with method "first" (the caller sorts by customer id first), then cut the ranks
    into five equal-count groups, so ties never make a score depend on row order elsewhere.
    """
    n = len(values)
    if n == 0:
        return pd.Series([], dtype="int64", index=values.index)
    ranks = values.rank(method="first").to_numpy()
    return pd.Series(np.ceil(ranks * 5 / n).astype("int64").clip(1, 5), index=values.index)


def rfm_segment(r: pd.Series, f: pd.Series) -> pd.Series:
    """Named segment from R and F scores by the R/F map of SPEC §4."""
    choices = [r.isin(rs) & f.isin(fs) for _, rs, fs in RFM_SEGMENTS]
    return pd.Series(np.select(choices, [name for name, _, _ in RFM_SEGMENTS], default="hibernating"),
                     index=r.index)


def rfm(totals: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """recency_days, r/f/m scores and segment for customers with at least one order.

    ``totals`` is indexed by customer_id (sorted) with orders, revenue and last_order_date.
    """
    totals = totals.sort_index()
    recency = (as_of - totals["last_order_date"]).dt.days
    out = pd.DataFrame({
        "recency_days": recency,
        "r_score": quintile_scores(-recency),
        "f_score": quintile_scores(totals["orders"]),
        "m_score": quintile_scores(totals["revenue"]),
    }, index=totals.index)
    out["rfm_segment"] = rfm_segment(out["r_score"], out["f_score"])
    return out


def value_tiers(current: pd.Series, potential: pd.Series, has_orders: pd.Series, override: pd.Series,
                rules: Rules) -> pd.Series:
    """Tier by customer value (CVA = current + potential): potential without orders; else by CVA rank.

    Top ``strategic_share`` of ordering customers are strategic, the next ``key_share`` key, the rest
    general; ties broken by customer id (the index, sorted). A manual ``tier`` overrides.
    """
    cva = (current.fillna(0) + potential.fillna(0)).sort_index()
    buyers = cva[has_orders.reindex(cva.index).fillna(False).astype(bool)]
    rank = (-buyers).rank(method="first")
    n = len(buyers)
    tier = pd.Series("general", index=buyers.index, dtype=object)
    tier[rank <= np.ceil(n * (rules.strategic_share + rules.key_share))] = "key"
    tier[rank <= np.ceil(n * rules.strategic_share)] = "strategic"
    tier = tier.reindex(cva.index).fillna("potential")
    return override.reindex(cva.index).where(lambda s: s.notna(), tier).astype(object)


def order_gaps(orders: pd.DataFrame) -> pd.Series:
    """Median days between consecutive counted orders per customer (absent with a single order)."""
    o = orders.loc[~orders["is_return"].to_numpy(dtype=bool), ["customer_id", "order_date"]]
    codes = o["customer_id"].cat.codes.to_numpy() if hasattr(o["customer_id"], "cat") else \
        pd.factorize(o["customer_id"])[0]
    order = np.lexsort((o["order_date"].to_numpy(), codes))
    codes, dates = codes[order], o["order_date"].to_numpy()[order]
    same = np.r_[False, codes[1:] == codes[:-1]]
    gaps = pd.Series((dates[1:] - dates[:-1]).astype("timedelta64[D]").astype(float)[same[1:]],
                     index=o["customer_id"].to_numpy()[order][1:][same[1:]])
    return gaps.groupby(level=0, observed=True).median()


def risk_threshold(median_gap: pd.Series, orders: pd.Series, rules: Rules) -> pd.Series:
    """Days without an order after which a customer is at risk (NaN without orders)."""
    threshold = (2 * median_gap.reindex(orders.index)).clip(lower=30)
    threshold = threshold.where(orders > 1, float(rules.churn_after_days))
    return threshold.where(orders > 0)


def at_risk(recency_days: pd.Series, median_gap: pd.Series, orders: pd.Series, rules: Rules) -> pd.Series:
    """No order for longer than twice the usual gap (min 30 days), or ``churn_after_days`` with one order."""
    threshold = risk_threshold(median_gap, orders.reindex(recency_days.index), rules)
    return (recency_days.astype(float) > threshold).fillna(False).astype(bool)


def customer_table(dataset: Dataset, reduced: Reduced, deals: pd.DataFrame, config: Config,
                   as_of: pd.Timestamp, window_start: pd.Timestamp) -> pd.DataFrame:
    """One row per customer known from any table: master data, lifetime and window figures, RFM, tier, risk.

    See :class:`sitegen.metrics.Metrics` for the columns.
    """
    ids = reduced.customer_ids
    orders = reduced.orders
    out = pd.DataFrame(index=ids)
    master = dataset.get("customers")
    info = master.drop_duplicates("customer_id").set_index("customer_id") if master is not None else None
    for col in MASTER_COLUMNS:
        out[col] = info[col].reindex(ids) if info is not None and col in info else None
    out["potential_value"] = out["potential_value"].astype(float)
    out["created_date"] = pd.to_datetime(out["created_date"])
    out["name"] = out["name"].where(out["name"].notna(), pd.Series(ids, index=ids))
    out["owner"] = _account_owner(out["owner"], orders, deals)
    out = out.join(reduce.customer_totals(orders).reindex(ids))
    out["orders"] = out["orders"].fillna(0).astype("int64")
    out["revenue"] = out["revenue"].fillna(0.0)
    in_window = orders[orders["order_date"] >= window_start]
    out["revenue_window"] = _sum_by_customer(in_window, "revenue", ids)
    out["orders_window"] = in_window[~in_window["is_return"]].groupby("customer_id", observed=True).size() \
        .reindex(ids).fillna(0).astype("int64")
    out["aov"] = (out["revenue"] / out["orders"]).where(out["orders"] > 0)
    is_open = deals["status"] == "open"
    with_customer = deals[deals["customer_id"].notna()]
    open_deals = with_customer[is_open.reindex(with_customer.index)]
    out["open_pipeline"] = open_deals.groupby("customer_id")["amount"].sum().reindex(ids).fillna(0.0)
    out["weighted_pipeline"] = open_deals.groupby("customer_id")["weighted_amount"].sum().reindex(ids).fillna(0.0)
    out["open_deals"] = open_deals.groupby("customer_id").size().reindex(ids).fillna(0).astype("int64")
    out["won_deals"] = with_customer[with_customer["status"] == "won"].groupby("customer_id").size() \
        .reindex(ids).fillna(0).astype("int64")
    buyers = out[out["orders"] > 0]
    out = out.join(rfm(buyers[["orders", "revenue", "last_order_date"]], as_of))
    for col in ("r_score", "f_score", "m_score", "recency_days"):
        out[col] = out[col].astype("Int64")
    out["cva"] = out["revenue_window"] + out["weighted_pipeline"] + out["potential_value"].fillna(0.0)
    out["tier"] = value_tiers(out["revenue_window"] + out["weighted_pipeline"], out["potential_value"],
                              out["orders"] > 0, out["tier"], config.rules)
    gaps = order_gaps(orders)
    gaps.index = gaps.index.astype(object)
    out["median_gap_days"] = gaps.reindex(ids)
    out["risk_after_days"] = risk_threshold(out["median_gap_days"], out["orders"], config.rules)
    out["at_risk"] = at_risk(out["recency_days"], out["median_gap_days"], out["orders"], config.rules)
    out["last_activity_date"] = reduced.customer_activity.reindex(ids)
    return out.rename_axis("customer_id").reset_index()


def _sum_by_customer(orders: pd.DataFrame, column: str, ids: pd.Index) -> pd.Series:
    sums = orders.groupby("customer_id", observed=True)[column].sum()
    sums.index = sums.index.astype(object)
    return sums.reindex(ids).fillna(0.0)


def _account_owner(master_owner: pd.Series, orders: pd.DataFrame, deals: pd.DataFrame) -> pd.Series:
    """The customers file's owner, else the owner of the latest owned order, else of the latest deal."""
    owner = master_owner.astype(object)
    need = owner.isna().to_numpy()
    if not need.any():
        return owner
    customer = orders["customer_id"].cat.codes.to_numpy()
    owned = need[customer] & (orders["owner"].astype(object) != UNASSIGNED).to_numpy()
    last_first = np.flatnonzero(owned)[::-1]  # orders are sorted by date: the latest comes first here
    _, at = np.unique(customer[last_first], return_index=True)
    rows = last_first[at]
    by_order = pd.Series(orders["owner"].to_numpy()[rows], index=orders["customer_id"].cat.categories[customer[rows]])
    dated = deals[deals["customer_id"].notna() & (deals["owner"] != UNASSIGNED)]
    dated = dated[dated["customer_id"].isin(owner.index[need])].sort_values(["created_date", "opportunity_id"])
    by_deal = dated.groupby("customer_id")["owner"].last()
    owner = owner.where(owner.notna(), by_order.reindex(owner.index))
    owner = owner.where(owner.notna(), by_deal.reindex(owner.index))
    return owner.where(owner.notna(), UNASSIGNED)
