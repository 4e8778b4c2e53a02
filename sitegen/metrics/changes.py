"""The weekly pipeline review: what changed since the base, deal by deal, as whole-table operations.

The base is the most recent snapshot (``data/snapshots/<date>/pipeline.csv``) dated at least
``[rules] review_days`` before as_of. Without one, the deals as they stood review_days ago are rebuilt from
the stage history (:func:`pipeline.deals_at`): that shows new, won, lost and stage moves, but not removed
deals, amounts or close dates (``cannot_see``). Snapshots never feed period figures, so a closed period's
report does not change when a snapshot arrives later. docs/metrics.md defines every change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd

from sitegen.config import Config
from sitegen.metrics.grouped import UNASSIGNED
from sitegen.metrics.pipeline import DealBase, deals_at, stage_index

CHANGES = ("new", "removed", "won", "lost", "advanced", "moved_back", "slipped", "pulled_in", "amount_up",
           "amount_down")
UNSEEN_WITHOUT_SNAPSHOT = ("removed", "slipped", "pulled_in", "amount_up", "amount_down")
STATE = ("stage", "status", "amount", "close_date", "owner")
STEPS = ("open_base", "new", "increases", "decreases", "won", "lost", "removed", "open_now")


@dataclass(frozen=True)
class Changes:
    """The review: base and as_of, counts per change, the changed deals, the waterfall and per-owner subtotals.

    ``deals``: one row per changed deal: opportunity_id, owner, customer_id, opportunity_name, a bool column per
    change, changes (tuple of keys), from_/to_ + stage, status, amount, close_date, owner (NaN where the deal
    was absent). ``owners``: owner, a count per change, open_base, open_now, net. ``history``: every snapshot
    up to as_of and today, long: opportunity_id, date, stage, status, amount, close_date.
    """

    until: pd.Timestamp | None = None
    since: pd.Timestamp | None = None
    source: str = "none"                  # "snapshot", "stage_history", or "none" (no pipeline)
    cannot_see: tuple[str, ...] = ()
    counts: Mapping[str, int] = field(default_factory=lambda: dict.fromkeys(CHANGES, 0))
    deals: pd.DataFrame = field(default_factory=pd.DataFrame)
    waterfall: Mapping[str, float] = field(default_factory=dict)
    owners: pd.DataFrame = field(default_factory=pd.DataFrame)
    history: pd.DataFrame = field(default_factory=pd.DataFrame)
    snapshots: tuple[str, ...] = ()       # dates of the snapshots up to as_of

    def as_json(self) -> dict[str, Any]:
        """``data/pipeline-changes.json``: since, until, source, cannot_see, counts (every key), deals, waterfall."""
        day = (lambda t: None if t is None or pd.isna(t) else pd.Timestamp(t).strftime("%Y-%m-%d"))
        deals = []
        for row in self.deals.to_dict("records") if len(self.deals) else []:
            sides = {}
            for side in ("from", "to"):
                present = isinstance(row.get(f"{side}_status"), str)
                sides[side] = {k: _plain(row[f"{side}_{k}"], day) for k in STATE} if present else None
            deals.append({"opportunity_id": row["opportunity_id"], "changes": list(row["changes"]), **sides})
        return {"since": day(self.since), "until": day(self.until), "source": self.source,
                "cannot_see": list(self.cannot_see), "counts": {k: int(self.counts.get(k, 0)) for k in CHANGES},
                "deals": deals, "waterfall": {k: round(float(v), 2) for k, v in self.waterfall.items()}}


def _plain(value: Any, day) -> Any:
    if isinstance(value, pd.Timestamp):
        return day(value)
    if isinstance(value, (float, np.floating)):
        return None if np.isnan(value) else round(float(value), 2)
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def base_snapshot(snapshots: Mapping[str, pd.DataFrame], as_of: pd.Timestamp, review_days: int) -> str | None:
    """The most recent snapshot date at least ``review_days`` before as_of, None when there is none."""
    latest = (as_of - pd.Timedelta(days=review_days)).strftime("%Y-%m-%d")
    dates = [d for d in snapshots if d <= latest]
    return max(dates) if dates else None


def weekly_changes(snapshots: Mapping[str, pd.DataFrame], base: DealBase, now: pd.DataFrame, config: Config,
                   as_of: pd.Timestamp, has_history: bool) -> Changes:
    """The review for as_of: ``now`` is the build's opportunity table, ``base`` the deal base behind it."""
    if not len(base.deals):
        return Changes(until=as_of)
    current = _state(now, now["owner"])
    history = _history(snapshots, current, as_of)
    chosen = base_snapshot(snapshots, as_of, config.rules.review_days)
    if chosen is not None:
        frame = snapshots[chosen]
        owner = frame["owner"] if "owner" in frame else pd.Series(None, index=frame.index, dtype=object)
        before = _state(frame, owner.where(owner.notna(), None))
        since, source, unseen = pd.Timestamp(chosen), "snapshot", ()
    else:
        since = as_of - pd.Timedelta(days=config.rules.review_days)
        then = deals_at(base, since, config, current=False, lean=True)
        rows = base.deals.iloc[then["pos"].to_numpy()]
        before = pd.DataFrame({"opportunity_id": rows["opportunity_id"].to_numpy(),
                               "stage": then["stage"].astype(object).to_numpy(),
                               "status": then["status"].astype(object).to_numpy(),
                               "amount": then["amount"].to_numpy(dtype=float),
                               "close_date": then["close_date"].to_numpy(), "owner": rows["owner"].to_numpy()})
        source = "stage_history"
        unseen = UNSEEN_WITHOUT_SNAPSHOT + (() if has_history else ("advanced", "moved_back"))
    deals, waterfall, owners = compare(before, current, config)
    names = now.set_index("opportunity_id")
    extra = names.reindex(deals["opportunity_id"])
    deals.insert(2, "customer_id", extra["customer_id"].to_numpy() if "customer_id" in extra else None)
    deals.insert(3, "opportunity_name", extra["opportunity_name"].to_numpy() if "opportunity_name" in extra else None)
    counts = {k: int(deals[k].sum()) for k in CHANGES}
    return Changes(until=as_of, since=since, source=source, cannot_see=unseen, counts=counts, deals=deals,
                   waterfall=waterfall, owners=owners, history=history,
                   snapshots=tuple(d for d in snapshots if d <= as_of.strftime("%Y-%m-%d")))


def _state(frame: pd.DataFrame, owner: pd.Series) -> pd.DataFrame:
    """The compared columns of a deal table (canonical: stage key, status open/won/lost)."""
    def column(name: str, empty: Any) -> np.ndarray:
        return frame[name].to_numpy() if name in frame else np.full(len(frame), empty)
    return pd.DataFrame({"opportunity_id": frame["opportunity_id"].astype(object).to_numpy(),
                         "stage": frame["stage"].astype(object).to_numpy(),
                         "status": frame["status"].astype(object).to_numpy(),
                         "amount": pd.to_numeric(pd.Series(column("amount", np.nan)), errors="coerce").to_numpy(),
                         "close_date": pd.to_datetime(pd.Series(column("close_date", pd.NaT))).to_numpy(),
                         "owner": owner.astype(object).to_numpy()})


def compare(before: pd.DataFrame, after: pd.DataFrame,
            config: Config) -> tuple[pd.DataFrame, dict[str, float], pd.DataFrame]:
    """(changed deals, waterfall, per-owner subtotals) between two deal states (:func:`_state` frames)."""
    both = before.drop_duplicates("opportunity_id").merge(
        after.drop_duplicates("opportunity_id"), on="opportunity_id", how="outer", suffixes=("_b", "_a"),
        indicator=True, sort=True)
    in_b, in_a = (both["_merge"] != "right_only").to_numpy(), (both["_merge"] != "left_only").to_numpy()
    open_b = in_b & (both["status_b"] == "open").to_numpy()
    open_a = in_a & (both["status_a"] == "open").to_numpy()
    order = {**stage_index(config)}
    idx_b = both["stage_b"].map(order).to_numpy(dtype=float)
    idx_a = both["stage_a"].map(order).to_numpy(dtype=float)
    amt_b = np.round(np.nan_to_num(both["amount_b"].to_numpy(dtype=float)), 2)
    amt_a = np.round(np.nan_to_num(both["amount_a"].to_numpy(dtype=float)), 2)
    close_b, close_a = both["close_date_b"].to_numpy(), both["close_date_a"].to_numpy()
    dated = ~np.isnat(close_b) & ~np.isnat(close_a)
    kept = open_b & open_a
    flags = {
        "new": open_a & ~open_b | (in_a & ~in_b), "removed": open_b & ~in_a,
        "won": open_b & (both["status_a"] == "won").to_numpy(), "lost": open_b & (both["status_a"] == "lost").to_numpy(),
        "advanced": kept & (idx_a > idx_b), "moved_back": kept & (idx_a < idx_b),
        "slipped": kept & dated & (close_a > close_b), "pulled_in": kept & dated & (close_a < close_b),
        "amount_up": kept & (amt_a > amt_b), "amount_down": kept & (amt_a < amt_b)}
    any_change = np.logical_or.reduce(list(flags.values()))
    owner = both["owner_a"].where(both["owner_a"].notna(), both["owner_b"]).fillna(UNASSIGNED)
    delta = np.where(kept, amt_a - amt_b, 0.0)
    steps = {"open_base": amt_b[open_b].sum(), "new": amt_a[open_a & ~open_b].sum(),
             "increases": delta[delta > 0].sum(), "decreases": -delta[delta < 0].sum(),
             "won": amt_b[flags["won"]].sum(), "lost": amt_b[flags["lost"]].sum(),
             "removed": amt_b[flags["removed"]].sum(), "open_now": amt_a[open_a].sum()}
    per = pd.DataFrame({"owner": owner.to_numpy(), **flags, "open_base": np.where(open_b, amt_b, 0.0),
                        "open_now": np.where(open_a, amt_a, 0.0)})
    owners = per.groupby("owner", sort=True).sum().reset_index()
    owners[list(CHANGES)] = owners[list(CHANGES)].astype("int64")
    owners["net"] = owners["open_now"] - owners["open_base"]
    names = np.array(CHANGES, dtype=object)
    matrix = np.column_stack([flags[k] for k in CHANGES])[any_change]
    out = pd.DataFrame({"opportunity_id": both["opportunity_id"].to_numpy()[any_change],
                        "owner": owner.to_numpy()[any_change]})
    for k in CHANGES:
        out[k] = flags[k][any_change]
    out["changes"] = [tuple(names[row]) for row in matrix]
    for side, suffix in (("from", "_b"), ("to", "_a")):
        for column in STATE:
            out[f"{side}_{column}"] = both[column + suffix].to_numpy()[any_change]
    out["delta"] = np.where(flags["new"][any_change], amt_a[any_change],
                            np.where(~in_a[any_change] | ~open_a[any_change], -amt_b[any_change], delta[any_change]))
    return out, {k: float(v) for k, v in steps.items()}, owners


def _history(snapshots: Mapping[str, pd.DataFrame], current: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Stage, amount and close date of every deal in each snapshot up to as_of, then today: long, by deal."""
    today = as_of.strftime("%Y-%m-%d")
    parts = [_state(frame, pd.Series(None, index=frame.index, dtype=object)).assign(date=day)
             for day, frame in snapshots.items() if day <= today]
    parts.append(current.assign(date=today))
    long = pd.concat(parts, ignore_index=True).drop(columns="owner")
    return long.sort_values(["opportunity_id", "date"], kind="stable").reset_index(drop=True)
