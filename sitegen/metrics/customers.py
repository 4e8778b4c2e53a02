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
    """Named segment from R and F scores by the R/F map of SPEC §4 (looked up in a table of every R x F)."""
    table = np.full((6, 6), "hibernating", dtype=object)  # row and column 0: a score outside 1-5
    for name, rs, fs in reversed(RFM_SEGMENTS):  # the first match wins: it is written last
        table[np.ix_(rs, fs)] = name
    rs, fs = r.to_numpy(), f.to_numpy()
    inside = (rs >= 1) & (rs <= 5) & (fs >= 1) & (fs <= 5)
    return pd.Series(table.astype(str)[np.where(inside, rs, 0), np.where(inside, fs, 0)], index=r.index)


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
    buying = has_orders.reindex(cva.index).fillna(False).astype(bool).to_numpy()
    rank = (-cva[buying]).rank(method="first").to_numpy()
    n = len(rank)
    tier = np.full(len(cva), "potential", dtype=object)
    tier[buying] = np.where(rank <= np.ceil(n * rules.strategic_share), "strategic",
                            np.where(rank <= np.ceil(n * (rules.strategic_share + rules.key_share)), "key", "general"))
    return override.reindex(cva.index).where(lambda s: s.notna(), pd.Series(tier, index=cva.index)).astype(object)


def order_gaps(orders: pd.DataFrame) -> pd.Series:
    """Median days between consecutive counted orders per customer (absent with a single order)."""
    o = orders.loc[~orders["is_return"].to_numpy(dtype=bool), ["customer_id", "order_date"]]
    codes = o["customer_id"].cat.codes.to_numpy()
    order = np.lexsort((o["order_date"].to_numpy(), codes))
    codes, dates = codes[order], o["order_date"].to_numpy()[order]
    same = codes[1:] == codes[:-1]
    gaps = pd.Series((dates[1:] - dates[:-1]).astype("timedelta64[D]").astype(float)[same])
    medians = gaps.groupby(codes[1:][same]).median()  # on the codes: customer ids are sorted like them
    return medians.set_axis(o["customer_id"].cat.categories[medians.index.to_numpy()])


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
    info = master.drop_duplicates("customer_id").set_index("customer_id").reindex(ids) if master is not None else None
    for col in MASTER_COLUMNS:
        out[col] = info[col] if info is not None and col in info else None
    out["potential_value"] = out["potential_value"].astype(float)
    out["created_date"] = pd.to_datetime(out["created_date"])
    out["name"] = out["name"].where(out["name"].notna(), pd.Series(ids, index=ids))
    out["owner"] = _account_owner(out["owner"], orders, deals)
    out = out.join(reduce.customer_totals(orders).reindex(ids))
    out["orders"] = out["orders"].fillna(0).astype("int64")
    out["revenue"] = out["revenue"].fillna(0.0)
    customer = orders["customer_id"].cat
    in_window = (orders["order_date"] >= window_start).to_numpy()
    window_orders = in_window & ~orders["is_return"].to_numpy(dtype=bool)
    out["revenue_window"] = _sums(customer.codes.to_numpy()[in_window], orders["revenue"].to_numpy()[in_window],
                                  customer.categories).reindex(ids).fillna(0.0)
    out["orders_window"] = pd.Series(np.bincount(customer.codes.to_numpy()[window_orders],
                                                 minlength=len(customer.categories)), index=customer.categories) \
        .reindex(ids).fillna(0).astype("int64")
    out["aov"] = (out["revenue"] / out["orders"]).where(out["orders"] > 0)
    deal_customer = ids.get_indexer(deals["customer_id"])  # -1: a deal without customer
    is_open = (deals["status"] == "open").to_numpy() & (deal_customer >= 0)
    for col, source in (("open_pipeline", "amount"), ("weighted_pipeline", "weighted_amount")):
        out[col] = _sums(deal_customer[is_open], deals[source].to_numpy()[is_open], ids).to_numpy()
    out["open_deals"] = np.bincount(deal_customer[is_open], minlength=len(ids))
    out["won_deals"] = np.bincount(deal_customer[(deals["status"] == "won").to_numpy() & (deal_customer >= 0)],
                                   minlength=len(ids))
    buyers = out[out["orders"] > 0]
    out = out.join(rfm(buyers[["orders", "revenue", "last_order_date"]], as_of))
    for col in ("r_score", "f_score", "m_score", "recency_days"):
        out[col] = out[col].astype("Int64")
    out["cva"] = out["revenue_window"] + out["weighted_pipeline"] + out["potential_value"].fillna(0.0)
    out["tier"] = value_tiers(out["revenue_window"] + out["weighted_pipeline"], out["potential_value"],
                              out["orders"] > 0, out["tier"], config.rules)
    out["median_gap_days"] = order_gaps(orders).reindex(ids)
    out["risk_after_days"] = risk_threshold(out["median_gap_days"], out["orders"], config.rules)
    out["at_risk"] = at_risk(out["recency_days"], out["median_gap_days"], out["orders"], config.rules)
    out["last_activity_date"] = reduced.customer_activity.reindex(ids)
    return out.rename_axis("customer_id").reset_index()


def _sums(codes: np.ndarray, values: np.ndarray, labels: pd.Index) -> pd.Series:
    """Sum of ``values`` per code, as a series over ``labels`` (the label of each code; 0 for codes without rows).

    pandas' group-by sum (compensated), so the sums equal those of a group-by on the labels.
    """
    sums = pd.Series(values).groupby(codes).sum()
    return sums.reindex(range(len(labels)), fill_value=0.0).set_axis(labels)


def _account_owner(master_owner: pd.Series, orders: pd.DataFrame, deals: pd.DataFrame) -> pd.Series:
    """The customers file's owner, else the owner of the latest owned order, else of the latest deal."""
    owner = master_owner.astype(object)
    need = owner.isna().to_numpy()
    if not need.any():
        return owner
    customer = orders["customer_id"].cat.codes.to_numpy()
    owned = need[customer] & (orders["owner"] != UNASSIGNED).to_numpy()
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
