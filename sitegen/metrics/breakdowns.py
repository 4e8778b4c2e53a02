"""Breakdowns of period figures by owner, region, product, channel and lead source (where the columns exist).

Rows are long: period, kind, dimension, key and the figures of that slice. Order figures come
from orders (owner: attributed owner; region: the customer's region; channel: the order's
channel; product: order lines), deal figures from the deals snapshot at the period's end
(owner, region of the customer, product, lead_source). A missing value is the key "unknown"
(owner: "unassigned"), so each dimension's slices add up to the period total.
"""

from __future__ import annotations

import re
from typing import Mapping

import numpy as np
import pandas as pd

from sitegen.metrics import snapshots
from sitegen.metrics.channels import channel_key
from sitegen.metrics.grouped import UNASSIGNED, UNKNOWN, Groups, codes

ORDER_DIMENSIONS = ("owner", "region", "channel", "product")
DEAL_DIMENSIONS = ("owner", "region", "product", "lead_source")
ORDER_FIGURES = ("revenue", "margin", "orders", "active_customers", "new_customers", "quantity")
DEAL_FIGURES = ("deals_created", "won_deals", "lost_deals", "won_amount", "win_rate", "avg_deal_size", "open_deals",
                "open_pipeline", "weighted_pipeline")
# figure -> dimensions it does not apply to: orders have no lead source, deals no channel, and a customer is new
# to the company, not to a product
NOT_APPLICABLE = {**{f: ("lead_source",) for f in ORDER_FIGURES}, **{f: ("channel",) for f in DEAL_FIGURES},
                  "new_customers": ("lead_source", "product")}
BREAKDOWN_COLUMNS = ("period", "kind", "dimension", "key", "revenue", "margin", "orders", "active_customers",
                     "new_customers", "quantity", "deals_created", "won_deals", "lost_deals", "won_amount",
                     "win_rate", "avg_deal_size", "open_deals", "open_pipeline", "weighted_pipeline",
                     "revenue_target", "attainment", "cost", "roi")


def canonical_labels(first_seen: pd.Series) -> dict[str, str]:
    """Raw label -> display label: labels equal but for case, spaces, '-' and '_' ("GTX Pro", "GTXPro")
    merge under the spelling seen first (``first_seen``: raw label -> when it first appears; ties and
    undated labels by spelling), so records added later never rename a past period's key."""
    frame = first_seen.rename("n").rename_axis("raw").reset_index()
    frame["raw"] = frame["raw"].astype(str)
    frame["fold"] = [re.sub(r"[\s_\-]+", "", v.casefold()) for v in frame["raw"]]
    frame = frame.sort_values(["fold", "n", "raw"], na_position="last", kind="stable")
    best = frame.drop_duplicates("fold").set_index("fold")["raw"]
    return dict(zip(frame["raw"], frame["fold"].map(best)))


def missing_key(dimension: str) -> str:
    """The key of a missing value: "unassigned" for owners, "unknown" otherwise."""
    return UNASSIGNED if dimension == "owner" else UNKNOWN


def _frame(g: Groups, names: np.ndarray, dimension: str, **figures: np.ndarray) -> pd.DataFrame:
    """Breakdown rows of one dimension: period index, key label, figures."""
    out = pd.DataFrame({"pid": g.keys["pid"].to_numpy(), "key": names[g.keys["key"].to_numpy()], **figures})
    return out.assign(dimension=dimension)


def order_keys(orders: pd.DataFrame, region: pd.Series | None,
               labels: Mapping[str, Mapping[str, str]]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per order dimension (owner, the customer's region, channel; where known): the key code of every order
    and the label of each code."""
    out = {}
    for dim in ORDER_DIMENSIONS[:3]:
        if dim == "region":
            if region is None:
                continue
            by_customer, names = codes(region.reindex(orders["customer_id"].cat.categories), labels.get(dim))
            out[dim] = by_customer[orders["customer_id"].cat.codes.to_numpy()], names
        elif dim in orders:
            out[dim] = codes(orders[dim], labels.get(dim), missing_key(dim))
    return out


def order_rows(orders: pd.DataFrame, pids: np.ndarray, keys: Mapping[str, tuple[np.ndarray, np.ndarray]],
               keep: np.ndarray | None = None) -> pd.DataFrame:
    """Order figures per (pid, dimension, key) for each dimension of ``keys`` (:func:`order_keys`; rows where
    ``keep``)."""
    keep = np.ones(len(orders), dtype=bool) if keep is None else keep
    customer = orders["customer_id"].cat.codes.to_numpy()[keep]
    counted = ~orders["is_return"].to_numpy(dtype=bool)[keep]
    revenue, margin = orders["revenue"].to_numpy()[keep], orders["margin"].to_numpy()[keep]
    first_order = orders["first_order"].to_numpy(dtype=bool)[keep]
    pids = pids[keep]
    parts = []
    for dim, (values, names) in keys.items():
        g = Groups({"pid": pids, "key": values[keep]})
        parts.append(_frame(g, names, dim, revenue=g.sum(revenue), margin=g.known_sum(margin),
                            orders=g.count(counted), new_customers=g.count(first_order),
                            active_customers=g.nunique(customer, counted)))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def product_rows(product_months: pd.DataFrame, pids: np.ndarray, labels: Mapping[str, str] | None,
                 keep: np.ndarray | None = None) -> pd.DataFrame:
    """Line figures per (pid, product): revenue, margin, quantity."""
    if product_months.empty:
        return pd.DataFrame()
    keep = np.ones(len(product_months), dtype=bool) if keep is None else keep
    values, names = codes(product_months["product"], labels)
    g = Groups({"pid": pids[keep], "key": values[keep]})
    return _frame(g, names, "product", revenue=g.sum(product_months["revenue"].to_numpy()[keep]),
                  margin=g.known_sum(product_months["margin"].to_numpy()[keep]),
                  quantity=g.sum(product_months["quantity"].to_numpy()[keep]))


def product_order_rows(product_orders: pd.DataFrame | None, pids: np.ndarray, labels: Mapping[str, str] | None,
                       keep: np.ndarray | None = None) -> pd.DataFrame:
    """Per (pid, product): orders that contain the product and the customers who bought it (returns left out)."""
    if product_orders is None or product_orders.empty:
        return pd.DataFrame()
    keep = np.ones(len(product_orders), dtype=bool) if keep is None else keep
    values, names = codes(product_orders["product"], labels)
    counted = product_orders["counted"].to_numpy(dtype=bool)[keep]
    g = Groups({"pid": pids[keep], "key": values[keep]})
    return _frame(g, names, "product", orders=g.count(counted),
                  active_customers=g.nunique(product_orders["cust"].to_numpy()[keep], counted))


def deal_keys(deals: pd.DataFrame, labels: Mapping[str, Mapping[str, str]],
              present: frozenset[str]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per deal dimension in the input (``present``; owner always): the key code of every row and the label
    of each code."""
    out = {}
    for dim in DEAL_DIMENSIONS:
        if dim == "owner" or dim in present:
            out[dim] = codes(deals[dim], labels.get(dim), missing_key(dim))
    return out


def deal_rows(closed: pd.DataFrame, open_: pd.DataFrame, created: pd.DataFrame,
              keys: Mapping[str, tuple[np.ndarray, np.ndarray]]) -> pd.DataFrame:
    """Deal figures per (period, dimension, key) from stacked snapshot rows (``pos`` indexes the key codes)."""
    parts = []
    for dim, (values, names) in keys.items():
        out = snapshots.figures(closed, open_, created, values)
        if len(out):
            out["key"] = names[out["key"].to_numpy()]
            parts.append(out.rename(columns={"period": "pid"}).assign(dimension=dim))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def combine(order_part: pd.DataFrame, deal_part: pd.DataFrame) -> pd.DataFrame:
    """One row per (period, kind, dimension, key) from order rows and deal rows."""
    frames = [f for f in (order_part, deal_part) if len(f)]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in BREAKDOWN_COLUMNS})
    both = pd.concat(frames, ignore_index=True)
    out = both.groupby(["period", "kind", "dimension", "key"], sort=False).first().reset_index()
    for col in BREAKDOWN_COLUMNS:
        if col not in out:
            out[col] = np.nan
    counts = ("orders", "active_customers", "new_customers", "deals_created", "won_deals", "lost_deals", "open_deals")
    for col in counts:
        out[col] = out[col].fillna(0).astype("int64")
    for col in ("revenue", "won_amount", "open_pipeline", "weighted_pipeline"):
        out[col] = out[col].fillna(0.0)
    for col, dims in NOT_APPLICABLE.items():  # a figure the dimension cannot have is missing ("–"), not 0
        out[col] = out[col].astype("Int64" if col in counts else float).mask(out["dimension"].isin(dims))
    return out[list(BREAKDOWN_COLUMNS)]


def add_targets_and_costs(frame: pd.DataFrame, owner_targets: pd.DataFrame, costs: pd.DataFrame,
                          order_channels: set[str]) -> pd.DataFrame:
    """Owner rows get revenue_target and attainment; channel rows (order channels) or lead-source rows
    (other names) get cost and ROI = (revenue or won amount - cost) / cost."""
    if len(owner_targets):
        missing = owner_targets.merge(frame[frame["dimension"] == "owner"][["period", "key"]],
                                      left_on=["period", "owner"], right_on=["period", "key"], how="left",
                                      indicator=True)
        extra = missing[missing["_merge"] == "left_only"]
        if len(extra):
            kinds = frame.drop_duplicates("period").set_index("period")["kind"]
            add = pd.DataFrame({"period": extra["period"], "kind": extra["period"].map(kinds),
                                "dimension": "owner", "key": extra["owner"]}).dropna(subset=["kind"])
            frame = combine(frame, add.assign(revenue=0.0))
        target = owner_targets.set_index(["period", "owner"])["target"]
        is_owner = frame["dimension"] == "owner"
        index = pd.MultiIndex.from_frame(frame.loc[is_owner, ["period", "key"]])
        frame.loc[is_owner, "revenue_target"] = target.reindex(index).to_numpy()
        frame["attainment"] = frame["revenue"] / frame["revenue_target"].where(frame["revenue_target"] > 0)
    if len(costs):
        fold = channel_key(frame["key"])
        on_channel = fold.isin(order_channels)
        use = ((frame["dimension"] == "channel") & on_channel) | ((frame["dimension"] == "lead_source") & ~on_channel)
        cost = costs.set_index(["period", "key"])["value"]
        values = cost.reindex(pd.MultiIndex.from_arrays([frame["period"], fold])).to_numpy()
        frame["cost"] = np.where(use, values, np.nan)
        basis = frame["revenue"].where(frame["dimension"] == "channel", frame["won_amount"])
        frame["roi"] = (basis - frame["cost"]) / frame["cost"].where(frame["cost"] > 0)
    return frame
