"""Reductions of the activities table: activity days per deal, counts per owner x type x day, last contact."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sitegen.dataset import Dataset
from sitegen.metrics.grouped import UNASSIGNED, Groups, distinct, factorize, inverse_order, occurring, text_column

# Every datetime64[ns] day (1677-09-21 .. 2262-04-11) is within DAY_SHIFT days of 1970-01-01.
DAY_SHIFT, DAY_SPAN = 500_000, 1_000_000


def deal_activity(dataset: Dataset, as_of: pd.Timestamp) -> tuple[pd.DataFrame, pd.Series]:
    """Distinct (deal, activity day) pairs up to as_of, sorted (enough to find the last activity at any
    date; ``opportunity_id`` is a categorical of the ids), and each deal's latest planned
    ``next_action_date`` from those activities."""
    acts = dataset.get("activities")
    if acts is None or "opportunity_id" not in acts:
        return (pd.DataFrame({"opportunity_id": pd.Series(dtype=object), "date": pd.Series(dtype="datetime64[ns]")}),
                pd.Series(dtype="datetime64[ns]"))
    deal, uniques = factorize(acts["opportunity_id"])  # -1: no deal
    keep = (acts["date"].to_numpy(dtype="datetime64[ns]") <= np.datetime64(as_of)) & (deal >= 0)
    codes, uniques = occurring(deal[keep], uniques)
    # days since 1970 (negative before it) shifted to 0..DAY_SPAN, so that a pair splits back with // and %
    day = acts["date"].to_numpy(dtype="datetime64[D]")[keep].astype(np.int64) + DAY_SHIFT
    pairs = distinct(codes * DAY_SPAN + day)
    visits = pd.DataFrame({
        "opportunity_id": pd.Categorical.from_codes(pairs // DAY_SPAN, categories=pd.Index(uniques, dtype=object)),
        "date": (pairs % DAY_SPAN - DAY_SHIFT).astype("datetime64[D]").astype("datetime64[ns]")})
    planned = pd.Series(dtype="datetime64[ns]")
    if "next_action_date" in acts:
        when = acts["next_action_date"].to_numpy(dtype="datetime64[ns]")[keep]
        latest = np.full(len(uniques), np.iinfo(np.int64).min)
        has = ~np.isnat(when)
        np.maximum.at(latest, codes[has], when[has].astype(np.int64))
        planned = pd.Series(latest.astype("datetime64[ns]"), index=pd.Index(uniques, dtype=object))
    return visits, planned


def activity_days(dataset: Dataset, as_of: pd.Timestamp) -> tuple[pd.DataFrame, pd.Series]:
    """Activity counts per owner x type x day up to as_of (missing type "other", owner "unassigned"),
    and each customer's latest activity date."""
    acts = dataset.get("activities")
    empty = pd.DataFrame({"owner": pd.Series(dtype=object), "type": pd.Series(dtype=object),
                          "date": pd.Series(dtype="datetime64[ns]"), "activities": pd.Series(dtype=np.int64)})
    if acts is None:
        return empty, pd.Series(dtype="datetime64[ns]")
    keep = (acts["date"] <= as_of).to_numpy()
    day = acts["date"].to_numpy(dtype="datetime64[D]")[keep].astype(np.int64)
    parts = []
    for col, missing in (("owner", UNASSIGNED), ("type", "other")):
        raw, uniques = factorize(acts[col].to_numpy()[keep]) if col in acts else (np.full(len(day), -1), [])
        names = [str(u).strip().casefold() if col == "type" else u for u in uniques] + [missing]
        codes, labels = factorize(np.array(names, dtype=object))   # distinct names only, then per row
        parts.append((codes[raw], labels))
    (owner_codes, owners), (type_codes, types) = parts
    owner_order, type_order = np.argsort(owners, kind="stable"), np.argsort(types, kind="stable")
    first = int(day.min()) if len(day) else 0
    cells = Groups({"owner": inverse_order(owner_order)[owner_codes], "type": inverse_order(type_order)[type_codes],
                    "day": day - first})  # grouped on label ranks: the cells come sorted by owner, type, date
    keys = {name: cells.keys[name].to_numpy() for name in ("owner", "type", "day")}
    out = pd.DataFrame({"owner": text_column(owners[owner_order], keys["owner"]),
                        "type": text_column(types[type_order], keys["type"]),
                        "date": (keys["day"] + first).astype("datetime64[D]").astype("datetime64[ns]"),
                        "activities": cells.count().astype(np.int64)})
    last = pd.Series(dtype="datetime64[ns]")
    if "customer_id" in acts:
        codes, uniques = factorize(acts["customer_id"].to_numpy()[keep])
        has = codes >= 0
        latest = np.full(len(uniques), np.iinfo(np.int64).min)
        np.maximum.at(latest, codes[has], day[has])
        last = pd.Series(latest.astype("datetime64[D]").astype("datetime64[ns]"),
                         index=pd.Index(uniques.astype(str), dtype=object))  # like the customer ids: reindexed by them
    return out, last
