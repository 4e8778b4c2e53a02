"""Per-customer figures: lifetime totals, RFM scores and segments, value tiers, churn risk."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sitegen.config import Rules

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
    """Median days between consecutive orders per customer (NaN with a single order)."""
    o = orders[["customer_id", "order_date"]].sort_values(["customer_id", "order_date"])
    gap = o["order_date"].diff().dt.days
    gap[o["customer_id"].ne(o["customer_id"].shift())] = np.nan
    return gap.groupby(o["customer_id"]).median()


def at_risk(recency_days: pd.Series, median_gap: pd.Series, orders: pd.Series, rules: Rules) -> pd.Series:
    """No order for longer than twice the usual gap (min 30 days), or ``churn_after_days`` with one order."""
    threshold = (2 * median_gap.reindex(recency_days.index)).clip(lower=30)
    threshold = threshold.where(orders.reindex(recency_days.index) > 1, rules.churn_after_days)
    return (recency_days > threshold).fillna(False)
