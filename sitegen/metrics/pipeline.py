"""Deals at a point in time: status, stage, furthest stage reached, weighted amount, stale, overdue.

:func:`deal_base` holds what does not depend on the date; :func:`deals_at` rebuilds each deal's
state at any date ``T`` from that base, the stage history and the activity days, using only
records dated up to ``T``. The build's opportunity table is ``deals_at(as_of)``; period
reports call it with each period's end, so a closed period's figures never change when
later records are added. Everything here runs on numpy arrays: it is called once per period end.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sitegen.config import Config
from sitegen.dataset import Dataset
from sitegen.metrics import funnel
from sitegen.metrics.periods import days_between
from sitegen.metrics.grouped import UNASSIGNED, factorize

STATUSES = ("open", "won", "lost")  # status codes 0, 1, 2
STATUS_DTYPE = pd.CategoricalDtype(pd.Index(STATUSES, dtype=object))
OPTIONAL = {"customer_id": None, "owner": None, "amount": np.nan, "close_date": pd.NaT, "created_date": pd.NaT,
            "last_activity_date": pd.NaT, "lost_at_stage": None, "next_step_date": pd.NaT, "product": None,
            "lead_source": None, "lost_reason": None, "probability": np.nan, "grade": None}
NAT = np.datetime64("NaT", "ns")


def stage_index(config: Config) -> dict[str, int]:
    """Stage key -> position (0 = first stage)."""
    return {key: i for i, key in enumerate(config.stage_keys)}


@dataclass(frozen=True)
class Timeline:
    """Dated events per deal, sorted by deal then date: 'latest event up to T' in one pass over the events."""

    pos: np.ndarray     # deal row of each event
    date: np.ndarray    # datetime64[ns]
    start: np.ndarray   # offsets: events of deal d are start[d]:start[d + 1]

    @classmethod
    def build(cls, pos: np.ndarray, date: np.ndarray, n: int,
              tiebreak: np.ndarray | None = None) -> tuple["Timeline", np.ndarray]:
        """The timeline of ``n`` deals and the order that sorted the events (deal, date, tiebreak)."""
        order = np.lexsort((date, pos) if tiebreak is None else (tiebreak, date, pos))
        pos, date = pos[order], date[order]
        return cls(pos, date, np.searchsorted(pos, np.arange(n + 1))), order

    def latest(self, when: pd.Timestamp) -> np.ndarray:
        """Index of each deal's latest event dated up to ``when``; -1 when it has none."""
        counts = np.bincount(self.pos[self.date <= np.datetime64(when)], minlength=len(self.start) - 1)
        return np.where(counts > 0, self.start[:-1] + counts - 1, -1)

    def date_of(self, index: np.ndarray) -> np.ndarray:
        """Dates of events by index (-1 gives NaT)."""
        if len(self.date) == 0:
            return np.full(len(index), NAT)
        return np.where(index >= 0, self.date[np.maximum(index, 0)], NAT)


@dataclass(frozen=True)
class DealBase:
    """The date-independent facts of every deal (frame and arrays) plus its history and activity timelines."""

    deals: pd.DataFrame            # one row per deal, sorted by opportunity_id; owner attributed, region added
    status: np.ndarray             # recorded status code (0 open, 1 won, 2 lost)
    stage: np.ndarray              # recorded open stage index (NaN when closed)
    lost_at: np.ndarray            # lost_at_stage index (NaN when unknown)
    created: np.ndarray            # datetime64[ns]
    close: np.ndarray              # datetime64[ns]
    amount: np.ndarray
    own_activity: np.ndarray       # the deal's own last_activity_date
    history: Timeline | None       # stage entries
    history_code: np.ndarray       # per entry: stage index, n = won, n + 1 = lost
    history_reach: np.ndarray      # furthest open stage reached up to and including each entry
    activity: Timeline             # activity days per deal
    present: frozenset[str] = frozenset()  # optional pipeline columns the input has


def deal_base(dataset: Dataset, config: Config, deal_activity: pd.DataFrame) -> DealBase:
    """Deals with canonical columns, attributed owner, customer region, stage codes and timelines."""
    raw = dataset.get("pipeline")
    deals = raw[raw["stage"].notna()].copy() if raw is not None else pd.DataFrame({
        "opportunity_id": pd.Series(dtype=object), "stage": pd.Series(dtype=object),
        "status": pd.Series(dtype=object)})
    present = frozenset(c for c in OPTIONAL if c in deals)
    for col, empty in OPTIONAL.items():
        if col not in deals:
            deals[col] = empty
    deals = deals.sort_values("opportunity_id", kind="stable").reset_index(drop=True)
    deals["status"] = deals["status"].astype(object)
    deals["crm_probability"] = deals["probability"]
    master = dataset.get("customers")
    info = master.drop_duplicates("customer_id").set_index("customer_id") if master is not None else None
    owner = deals["owner"].astype(object)
    if info is not None and "owner" in info:
        owner = owner.where(owner.notna(), deals["customer_id"].map(info["owner"]))
    deals["owner"] = owner.where(owner.notna(), UNASSIGNED)
    deals["region"] = deals["customer_id"].map(info["region"]) if info is not None and "region" in info else None
    idx = stage_index(config)
    ids = pd.Index(deals["opportunity_id"])
    history, code, reach = _history(dataset.get("stage_history"), ids, config)
    pos = ids.get_indexer(deal_activity["opportunity_id"])
    keep = pos >= 0
    activity, _ = Timeline.build(pos[keep], deal_activity["date"].to_numpy(dtype="datetime64[ns]")[keep], len(ids))
    status = deals["status"].map({s: i for i, s in enumerate(STATUSES)}).to_numpy(dtype=float)
    return DealBase(
        deals=deals, status=np.nan_to_num(status).astype(np.int8),
        stage=deals["stage"].map(idx).to_numpy(dtype=float),
        lost_at=deals["lost_at_stage"].map(idx).to_numpy(dtype=float),
        created=deals["created_date"].to_numpy(dtype="datetime64[ns]"),
        close=deals["close_date"].to_numpy(dtype="datetime64[ns]"), amount=deals["amount"].to_numpy(dtype=float),
        own_activity=deals["last_activity_date"].to_numpy(dtype="datetime64[ns]"),
        history=history, history_code=code, history_reach=reach, activity=activity,
        present=present | ({"region"} if info is not None and "region" in info else frozenset()))


def _history(history: pd.DataFrame | None, ids: pd.Index, config: Config):
    """Stage-history timeline: entries of known deals and stages, same-day entries in stage order."""
    if history is None or history.empty:
        return None, np.array([], np.int64), np.array([], np.int64)
    n_stages = len(config.stages)
    codes, labels = factorize(history["stage"])
    lookup = {**stage_index(config), "won": n_stages, "lost": n_stages + 1}
    code = np.array([lookup.get(label, -1) for label in labels] + [-1], dtype=np.int64)[codes]
    pos = ids.get_indexer(history["opportunity_id"])
    keep = (pos >= 0) & (code >= 0) & history["entered_date"].notna().to_numpy()
    code = code[keep]
    timeline, order = Timeline.build(pos[keep], history["entered_date"].to_numpy(dtype="datetime64[ns]")[keep],
                                     len(ids), tiebreak=code)
    code = code[order]
    reach = np.where(code == n_stages, n_stages - 1, np.where(code > n_stages, -1, code))
    reach = pd.Series(reach).groupby(timeline.pos).cummax().to_numpy()
    return timeline, code, reach


def state_at(base: DealBase, when: pd.Timestamp, n_stages: int, current: bool) -> dict[str, np.ndarray]:
    """Each deal's state at ``when`` (arrays over all base rows): exists, status, stage, closed_on, reached.

    A deal counts as closed at T when its recorded outcome has a close_date up to T, or its stage
    history's latest entry up to T is won/lost (so a re-opened deal shows as lost before it was
    re-opened); a won/lost deal without close date counts as closed at an unknown time. Otherwise
    it was open, in the stage its history shows at T, else its recorded stage (a deal closed later
    without history: the last stage if won, the stage it was lost at if lost).
    """
    t = np.datetime64(when)
    n = len(base.status)
    if base.history is not None:
        last = base.history.latest(when)
        has = last >= 0
        h_code = np.where(has, base.history_code[np.maximum(last, 0)], -1) if n else last
        h_reach = np.where(has, base.history_reach[np.maximum(last, 0)], -1) if n else last
        h_date = base.history.date_of(last)
    else:
        h_code, h_reach, h_date = np.full(n, -1), np.full(n, -1), np.full(n, NAT)
    closed_now = base.status > 0
    a = closed_now & (base.close <= t)
    b = ~a & (h_code >= n_stages)
    c = ~a & ~b & closed_now & np.isnat(base.close) & (h_code < 0)
    status = np.where(a | c, base.status, np.where(b, h_code - n_stages + 1, 0)).astype(np.int8)
    exists = (base.created <= t) | (np.isnat(base.created) & (a | b | (h_code >= 0) | current))
    lost_rule = np.nan_to_num(base.lost_at, nan=0.0).astype(np.int64)
    recorded = np.where(base.status == 0, np.nan_to_num(base.stage, nan=0.0),
                        np.where(base.status == 1, n_stages - 1, lost_rule)).astype(np.int64)
    open_stage = np.where((h_code >= 0) & (h_code < n_stages), h_code, recorded)
    reached = np.where(status == 2, lost_rule, open_stage)
    reached = np.where(status == 1, n_stages - 1, np.maximum(reached, h_reach))
    return {"exists": exists, "status": status, "stage": np.where(status == 0, open_stage, n_stages - 1 + status),
            "closed_on": np.where(a, base.close, np.where(b, h_date, NAT)), "reached": reached}


def last_activity(base: DealBase, when: pd.Timestamp) -> np.ndarray:
    """Latest activity up to ``when`` per deal: its activities and its own last_activity_date."""
    own = np.where(base.own_activity <= np.datetime64(when), base.own_activity, NAT)
    return np.fmax(own, base.activity.date_of(base.activity.latest(when)))


def snapshot(base: DealBase, when: pd.Timestamp, config: Config, current: bool) -> dict[str, np.ndarray]:
    """The columns of :func:`deals_at` as numpy arrays (status and stage as codes), without a frame."""
    n_stages = len(config.stages)
    state = state_at(base, when, n_stages, current)
    rows = np.flatnonzero(state["exists"])
    status, stage, closed_on = state["status"][rows], state["stage"][rows], state["closed_on"][rows]
    reached = state["reached"][rows]
    start = when - pd.Timedelta(days=config.rules.window_days - 1)
    p = funnel.probability_table(status, closed_on, reached, start, when, config)["probability"].to_numpy()
    is_open = status == 0
    probability = np.where(is_open, p[np.minimum(stage, n_stages - 1)], np.where(status == 1, 1.0, 0.0))
    amount, created, close = base.amount[rows], base.created[rows], base.close[rows]
    latest = last_activity(base, when)[rows]
    t = np.datetime64(when)
    since = days_between(t, latest)
    age = days_between(t, created)
    after = config.rules.stale_after_days
    return {
        "pos": rows, "status": status, "stage": stage, "closed_on": closed_on, "reached": reached, "amount": amount,
        "created_date": created, "close_date": close, "probability": probability,
        "weighted_amount": np.where(is_open, np.nan_to_num(amount) * probability, 0.0),
        "last_activity": latest, "days_since_activity": since,
        "stale": is_open & ((since > after) | (np.isnat(latest) & ~(age <= after))),
        "overdue": is_open & (close < t),
        "age_days": np.where(is_open, age, days_between(closed_on, created)),
    }


def status_column(codes: np.ndarray) -> pd.Categorical:
    """Status codes as a categorical of open / won / lost."""
    return pd.Categorical.from_codes(codes, dtype=STATUS_DTYPE)


def deals_at(base: DealBase, when: pd.Timestamp, config: Config, *, current: bool, lean: bool = False) -> pd.DataFrame:
    """Every deal that exists at ``when`` with its state then (only records dated up to ``when`` count).

    Columns: pos (row in the base), status, stage (key, or won/lost), closed_on (the day it closed),
    reached (furthest stage index), amount, created_date, close_date, probability and weighted_amount
    (historical p of the stage), last_activity, days_since_activity, stale, overdue, age_days; with
    ``lean=False`` also every other column of the base. ``current`` marks the build's own as_of:
    only then do deals without any date (no created date, close date or history) exist.
    """
    columns = snapshot(base, when, config, current)
    stages = pd.CategoricalDtype(pd.Index([*config.stage_keys, "won", "lost"], dtype=object))
    out = pd.DataFrame({**columns, "status": status_column(columns["status"]),
                        "stage": pd.Categorical.from_codes(columns["stage"], dtype=stages)})
    if lean:
        return out
    other = base.deals.drop(columns=[c for c in out.columns if c in base.deals]).iloc[out["pos"]]
    return pd.concat([other.reset_index(drop=True), out], axis=1)
