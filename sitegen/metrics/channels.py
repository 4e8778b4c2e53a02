"""Channels: order revenue by ``channel``, won deals by ``lead_source``, their cost and ROI (SPEC §4).

Channel names from orders, pipeline and channel_costs are matched trimmed and case-insensitively.
ROI = (return - cost) / cost, where the return is the channel's order revenue when orders name
that channel, else the amount of deals won from that lead source (column ``roi_basis``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sitegen.metrics import targets
from sitegen.metrics.funnel import closed_between
from sitegen.metrics.periods import month_ids, period_of_id

CHANNEL_COLUMNS = ("channel", "revenue", "orders", "won_amount", "won_deals", "deals_created", "cost",
                   "roi_basis", "roi")


def channel_key(values: pd.Series) -> pd.Series:
    """Matching key of channel names: trimmed and casefolded (computed once per distinct name)."""
    codes, uniques = pd.factorize(values)
    keys = np.array([str(u).strip().casefold() for u in uniques] + [None], dtype=object)
    return pd.Series(keys[codes], index=values.index, dtype=object)


def cost_rows(costs: pd.DataFrame | None, fy_start: int) -> pd.DataFrame:
    """Channel cost rows by period (key = channel matching key)."""
    if costs is None:
        return targets.period_rows(None, "channel", "cost", fy_start)
    keyed = costs.assign(channel=channel_key(costs["channel"]))
    return targets.period_rows(keyed, "channel", "cost", fy_start)


def window_costs(rows: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp, fy_start: int) -> pd.Series:
    """Cost per channel key over [start, end]: resolved month costs, partial months pro rata by days."""
    if rows.empty:
        return pd.Series(dtype=float)
    first, last = month_ids(pd.Series([start, end]))
    months = list(range(int(first), int(last) + 1))
    resolved = targets.resolve(rows, "month", months, fy_start).dropna(subset=["value"])
    share = {}
    for m in months:  # one entry per month of the window
        p = period_of_id("month", m)
        days = (min(p.end, end) - max(p.start, start)).days + 1
        share[m] = max(days, 0) / ((p.end - p.start).days + 1)
    return (resolved["value"] * resolved["pid"].map(share)).groupby(resolved["key"]).sum()


def channel_table(orders: pd.DataFrame, deals: pd.DataFrame, costs: pd.Series, start: pd.Timestamp,
                  end: pd.Timestamp) -> pd.DataFrame:
    """One row per channel: revenue and orders in [start, end], won deals closed then, deals created, cost, ROI."""
    parts = []
    if "channel" in orders:
        inside = orders[orders["order_date"].between(start, end)]
        sums = inside.assign(orders=~inside["is_return"]).groupby(inside["channel"], observed=True)[
            ["revenue", "orders"]].sum()
        sums.index = pd.Index(sums.index.to_numpy())  # the labels, typed as a group-by on text types them
        parts.append(sums.assign(label=sums.index))
    if "lead_source" in deals:
        closed = closed_between(deals, start, end)
        won = closed[closed["status"] == "won"]
        parts.append(won.groupby("lead_source")["amount"].agg(["sum", "size"]).set_axis(
            ["won_amount", "won_deals"], axis=1).rename_axis("label").reset_index())
        created = deals[deals["created_date"].between(start, end)]
        parts.append(created.groupby("lead_source").size().rename("deals_created").rename_axis("label")
                     .reset_index())
    parts = [p.reset_index(drop=True) for p in parts if len(p)]
    parts = [p.assign(key=channel_key(p["label"])) for p in parts]
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["key", "label"])
    frame = frame.dropna(subset=["key"])
    keys = sorted(set(frame["key"]) | set(costs.index))
    if not keys:
        return pd.DataFrame({c: pd.Series(dtype=object if c in ("channel", "roi_basis") else float)
                             for c in CHANNEL_COLUMNS})
    g = frame.groupby("key")
    out = pd.DataFrame(index=pd.Index(keys, name="key"))
    for col in ("revenue", "orders", "won_amount", "won_deals", "deals_created"):
        out[col] = g[col].sum().reindex(out.index).fillna(0) if col in frame else 0
    labels = frame.sort_values("label").groupby("key")["label"].first() if len(frame) else pd.Series(dtype=object)
    out["channel"] = labels.reindex(out.index).fillna(pd.Series(out.index, index=out.index))
    out["cost"] = costs.reindex(out.index)
    from_orders = g["revenue"].count().reindex(out.index).fillna(0) > 0 if "revenue" in frame else \
        pd.Series(False, index=out.index)
    out["roi_basis"] = np.where(from_orders, "revenue", "won_amount")
    basis = out["revenue"].where(from_orders, out["won_amount"])
    out["roi"] = (basis - out["cost"]) / out["cost"].where(out["cost"] > 0)
    for col in ("orders", "won_deals", "deals_created"):
        out[col] = out[col].astype("int64")
    return out.reset_index(drop=True)[list(CHANNEL_COLUMNS)]
