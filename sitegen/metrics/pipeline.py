"""Deals at a point in time: status, stage, furthest stage reached, weighted amount, stale, overdue.

:func:`deal_base` holds what does not depend on the date; :func:`deals_at` rebuilds each deal's
state at any date ``T`` from that base, the stage history and the activity days, using only
records dated up to ``T``. The build's opportunity table is ``deals_at(as_of)``; period
reports call it with each period's end, so a closed period's figures never change when
later records are added. Everything here runs on numpy arrays: it runs once per period end, and
:func:`snapshots` scans the stage history and activity timelines once for all period ends.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterator

import numpy as np
import pandas as pd

from sitegen.config import Config
from sitegen.dataset import Dataset
from sitegen.metrics import funnel
from sitegen.metrics.periods import days_between
from sitegen.metrics.grouped import UNASSIGNED, factorize, locate, nan_as_zero, text_column

STATUSES = ("open", "won", "lost")  # status codes 0, 1, 2
STATUS_DTYPE = pd.CategoricalDtype(pd.Index(STATUSES, dtype=object))
OPTIONAL = {"customer_id": None, "owner": None, "amount": np.nan, "close_date": pd.NaT, "created_date": pd.NaT,
            "last_activity_date": pd.NaT, "lost_at_stage": None, "next_step_date": pd.NaT, "product": None,
            "lead_source": None, "lost_reason": None, "probability": np.nan, "grade": None}
NAT = np.datetime64("NaT", "ns")
DAY_NS = 86_400 * 10 ** 9  # nanoseconds in a day


def stage_index(config: Config) -> dict[str, int]:
    """Stage key -> position (0 = first stage)."""
    return {key: i for i, key in enumerate(config.stage_keys)}


@dataclass(frozen=True)
class Timeline:
    """Dated events per deal, sorted by deal then date: 'latest event up to T', for many T in one pass."""

    pos: np.ndarray     # deal row of each event
    date: np.ndarray    # datetime64[ns]
    start: np.ndarray   # offsets: events of deal d are start[d]:start[d + 1]

    @classmethod
    def build(cls, pos: np.ndarray, date: np.ndarray, n: int,
              tiebreak: np.ndarray | None = None) -> tuple["Timeline", np.ndarray]:
        """The timeline of ``n`` deals and the order that sorted the events (deal, date, tiebreak)."""
        order = _event_order(pos, date, tiebreak)
        pos, date = pos[order], date[order]
        return cls(pos, date, np.searchsorted(pos, np.arange(n + 1))), order

    def counts_upto(self, ends: list[pd.Timestamp]) -> np.ndarray:
        """How many events of each deal are dated up to each of the sorted dates ``ends``: shape (ends, deals).

        One pass over the events for all dates: each event is counted at the first end on or after
        it, then the counts are summed up along the ends.
        """
        n = len(self.start) - 1
        slot = np.searchsorted(np.array(ends, dtype="datetime64[ns]"), self.date)
        inside = slot < len(ends)
        counts = np.bincount(slot[inside] * n + self.pos[inside], minlength=len(ends) * n).reshape(len(ends), n)
        for i in range(1, len(ends)):  # running total row by row (np.cumsum along axis 0 is many times slower)
            counts[i] += counts[i - 1]
        return counts

    def latest(self, counts: np.ndarray) -> np.ndarray:
        """Index of each deal's latest event given its events up to some date (a row of :meth:`counts_upto`);
        -1 when it has none."""
        return np.where(counts > 0, self.start[:-1] + counts - 1, -1)

    def date_of(self, index: np.ndarray) -> np.ndarray:
        """Dates of events by index (-1 gives NaT)."""
        if len(self.date) == 0:
            return np.full(len(index), NAT)
        return np.where(index >= 0, self.date[np.maximum(index, 0)], NAT)


def _event_order(pos: np.ndarray, date: np.ndarray, tiebreak: np.ndarray | None) -> np.ndarray:
    """Stable order of events by deal, date and tiebreak (non-negative integers but the date).

    Dates read from CSV files are whole days: then the keys combine into one integer and a single
    sort does it, several times faster than ``np.lexsort``, which remains for dates with times.
    """
    day, time_of_day = np.divmod(date.view(np.int64), DAY_NS)
    keys = [pos, day - day.min() if len(day) else day] + ([tiebreak] if tiebreak is not None else [])
    sizes = [int(k.max()) + 1 if len(k) else 1 for k in keys]
    if time_of_day.any() or np.isnat(date).any() or math.prod(sizes) >= 2 ** 62:
        return np.lexsort((date, pos) if tiebreak is None else (tiebreak, date, pos))
    combined = np.zeros(len(pos), dtype=np.int64)
    for key, size in zip(keys, sizes):
        combined = combined * size + key
    return np.argsort(combined, kind="stable")


@dataclass(frozen=True)
class DealBase:
    """The date-independent facts of every deal (frame and arrays) plus its history and activity timelines."""

    deals: pd.DataFrame            # one row per deal, sorted by opportunity_id; owner attributed, region added
    status: np.ndarray             # recorded status code (0 open, 1 won, 2 lost)
    recorded: np.ndarray           # stage index the record implies: open stage, last if won, lost_stage if lost
    lost_stage: np.ndarray         # lost_at_stage index (the first stage when unknown)
    created: np.ndarray            # datetime64[ns]
    close: np.ndarray              # datetime64[ns]
    amount: np.ndarray
    own_activity: np.ndarray       # the deal's own last_activity_date
    history: Timeline | None       # stage entries
    history_code: np.ndarray       # per entry: stage index, n = won, n + 1 = lost
    history_reach: np.ndarray      # furthest open stage reached up to and including each entry
    activity: Timeline             # activity days per deal
    planned: np.ndarray            # latest next_action_date planned in the deal's activities (datetime64[ns])
    present: frozenset[str] = frozenset()  # optional pipeline columns the input has


def deal_base(dataset: Dataset, config: Config, deal_activity: pd.DataFrame,
              planned: pd.Series | None = None) -> DealBase:
    """Deals with canonical columns, attributed owner, customer region, stage codes and timelines.

    ``deal_activity`` and ``planned`` are :func:`activity.deal_activity`'s activity days and latest planned
    next action per deal.
    """
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
    customer = info.index.get_indexer(deals["customer_id"]) if info is not None else None  # row in info, or -1
    if info is not None and "owner" in info:
        owner = owner.where(owner.notna(), _take(info["owner"], customer, deals.index))
    deals["owner"] = owner.where(owner.notna(), UNASSIGNED)
    deals["region"] = _take(info["region"], customer, deals.index) if info is not None and "region" in info else None
    idx = stage_index(config)
    ids = pd.Index(deals["opportunity_id"])
    history, code, reach = _history(dataset.get("stage_history"), ids, config)
    visited = deal_activity["opportunity_id"].astype("category")  # each deal id looked up once, not per day
    found = ids.get_indexer(visited.cat.categories)
    pos = np.append(found, -1)[visited.cat.codes.to_numpy()]
    keep = pos >= 0
    activity, _ = Timeline.build(pos[keep], deal_activity["date"].to_numpy(dtype="datetime64[ns]")[keep], len(ids))
    latest_plan = np.full(len(ids), NAT)
    if planned is not None:  # indexed by the same deal ids as the activity days: aligning costs no lookup
        plan = planned.reindex(visited.cat.categories).to_numpy(dtype="datetime64[ns]")
        latest_plan[found[found >= 0]] = plan[found >= 0]
    status = _mapped(deals["status"], {s: i for i, s in enumerate(STATUSES)})
    lost_stage = _mapped(deals["lost_at_stage"], idx).astype(np.int64)
    stage = _mapped(deals["stage"], idx)
    return DealBase(
        deals=deals, status=status.astype(np.int8), lost_stage=lost_stage,
        recorded=np.where(status == 0, stage, np.where(status == 1, len(idx) - 1, lost_stage)).astype(np.int64),
        created=deals["created_date"].to_numpy(dtype="datetime64[ns]"),
        close=deals["close_date"].to_numpy(dtype="datetime64[ns]"), amount=deals["amount"].to_numpy(dtype=float),
        own_activity=deals["last_activity_date"].to_numpy(dtype="datetime64[ns]"),
        history=history, history_code=code, history_reach=reach, activity=activity, planned=latest_plan,
        present=present | ({"region"} if info is not None and "region" in info else frozenset()))


def _mapped(values: pd.Series, codes: dict[str, int]) -> np.ndarray:
    """The code of each value as a float (0 when it has none), mapping each distinct value once."""
    rows, distinct = factorize(values)
    return np.array([codes.get(v, 0) for v in distinct] + [0], dtype=float)[rows]  # -1 (missing) picks the last 0


def _take(values: pd.Series, rows: np.ndarray, index: pd.Index) -> pd.Series:
    """``values`` at positions ``rows`` (-1: missing), typed like ``Series.map`` would type them."""
    labels = np.append(values.to_numpy(dtype=object), np.nan)
    return text_column(labels, np.where(rows >= 0, rows, len(labels) - 1)).set_axis(index)  # -1: the NaN


def _history(history: pd.DataFrame | None, ids: pd.Index, config: Config):
    """Stage-history timeline: entries of known deals and stages, same-day entries in stage order."""
    if history is None or history.empty:
        return None, np.array([], np.int64), np.array([], np.int64)
    n_stages = len(config.stages)
    codes, labels = factorize(history["stage"])
    lookup = {**stage_index(config), "won": n_stages, "lost": n_stages + 1}
    code = np.array([lookup.get(label, -1) for label in labels] + [-1], dtype=np.int64)[codes]
    pos = locate(ids, history["opportunity_id"])  # a deal's entries usually follow each other
    keep = (pos >= 0) & (code >= 0) & history["entered_date"].notna().to_numpy()
    code = code[keep]
    timeline, order = Timeline.build(pos[keep], history["entered_date"].to_numpy(dtype="datetime64[ns]")[keep],
                                     len(ids), tiebreak=code)
    code = code[order]
    reach = np.where(code == n_stages, n_stages - 1, np.where(code > n_stages, -1, code))
    reach = pd.Series(reach).groupby(timeline.pos).cummax().to_numpy()
    return timeline, code, reach


def state_at(base: DealBase, when: pd.Timestamp, n_stages: int, current: bool, rows: np.ndarray,
             entry: np.ndarray | None) -> dict[str, np.ndarray]:
    """The state at ``when`` of the deals at positions ``rows`` (arrays over them): exists, status, stage,
    closed_on, reached. ``entry``: each deal's latest stage-history entry up to ``when`` (:meth:`Timeline.latest`).

    A deal counts as closed at T when its recorded outcome has a close_date up to T, or its stage
    history's latest entry up to T is won/lost (so a re-opened deal shows as lost before it was
    re-opened); a won/lost deal without close date counts as closed at an unknown time. Otherwise
    it was open, in the stage its history shows at T, else its recorded stage (a deal closed later
    without history: the last stage if won, the stage it was lost at if lost).
    """
    t = np.datetime64(when)
    n = len(rows)
    if base.history is not None:
        last = entry[rows]
        has = last >= 0
        h_code = np.where(has, base.history_code[np.maximum(last, 0)], -1) if n else last
        h_reach = np.where(has, base.history_reach[np.maximum(last, 0)], -1) if n else last
        h_date = base.history.date_of(last)
    else:
        h_code, h_reach, h_date = np.full(n, -1), np.full(n, -1), np.full(n, NAT)
    recorded_status, close, created = base.status[rows], base.close[rows], base.created[rows]
    closed_now = recorded_status > 0
    a = closed_now & (close <= t)
    b = ~a & (h_code >= n_stages)
    c = ~a & ~b & closed_now & np.isnat(close) & (h_code < 0)
    status = np.where(a | c, recorded_status, np.where(b, h_code - n_stages + 1, 0)).astype(np.int8)
    exists = (created <= t) | (np.isnat(created) & (a | b | (h_code >= 0) | current))
    open_stage = np.where((h_code >= 0) & (h_code < n_stages), h_code, base.recorded[rows])
    reached = np.where(status == 2, base.lost_stage[rows], open_stage)
    reached = np.where(status == 1, n_stages - 1, np.maximum(reached, h_reach))
    return {"exists": exists, "status": status, "stage": np.where(status == 0, open_stage, n_stages - 1 + status),
            "closed_on": np.where(a, close, np.where(b, h_date, NAT)), "reached": reached}


def snapshots(base: DealBase, ends: list[pd.Timestamp], config: Config,
              current: bool) -> Iterator[dict[str, np.ndarray]]:
    """:func:`snapshot` at each of the sorted dates ``ends``, scanning the history and activity timelines once."""
    entries = base.history.counts_upto(ends) if base.history is not None else None
    visits = base.activity.counts_upto(ends)
    for i, when in enumerate(ends):
        entry = base.history.latest(entries[i]) if entries is not None else None
        yield _snapshot(base, when, config, current, entry, base.activity.latest(visits[i]))


def snapshot(base: DealBase, when: pd.Timestamp, config: Config, current: bool) -> dict[str, np.ndarray]:
    """The columns of :func:`deals_at` but age_days as numpy arrays (status and stage as codes), without a frame."""
    return next(snapshots(base, [when], config, current))


def _snapshot(base: DealBase, when: pd.Timestamp, config: Config, current: bool, entry: np.ndarray | None,
              visit: np.ndarray) -> dict[str, np.ndarray]:
    """:func:`snapshot` given each deal's latest history entry and activity day up to ``when`` (indexes into
    the timelines)."""
    n_stages = len(config.stages)
    t = np.datetime64(when)
    candidates = np.flatnonzero((base.created <= t) | np.isnat(base.created))  # deals created later do not exist
    state = state_at(base, when, n_stages, current, candidates, entry)
    exists = np.flatnonzero(state["exists"])
    rows = candidates[exists]
    status, stage, closed_on = state["status"][exists], state["stage"][exists], state["closed_on"][exists]
    reached = state["reached"][exists]
    start = when - pd.Timedelta(days=config.rules.window_days - 1)
    p = funnel.probabilities(status, closed_on, reached, start, when, config)
    is_open = status == 0
    probability = np.where(is_open, p[np.minimum(stage, n_stages - 1)], np.where(status == 1, 1.0, 0.0))
    amount, created, close, own = base.amount[rows], base.created[rows], base.close[rows], base.own_activity[rows]
    latest = np.fmax(np.where(own <= t, own, NAT), base.activity.date_of(visit[rows]))  # activities, own date
    since = days_between(t, latest)
    age = days_between(t, created)
    after = config.rules.stale_after_days
    return {
        "pos": rows, "status": status, "stage": stage, "closed_on": closed_on, "reached": reached, "amount": amount,
        "created_date": created, "close_date": close, "probability": probability,
        "weighted_amount": np.where(is_open, nan_as_zero(amount) * probability, 0.0),
        "last_activity": latest, "days_since_activity": since,
        "stale": is_open & ((since > after) | (np.isnat(latest) & ~(age <= after))),
        "overdue": is_open & (close < t),
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
    is_open = columns["status"] == 0
    columns["age_days"] = np.where(is_open, days_between(np.datetime64(when), columns["created_date"]),
                                   days_between(columns["closed_on"], columns["created_date"]))
    stages = pd.CategoricalDtype(pd.Index([*config.stage_keys, "won", "lost"], dtype=object))
    out = pd.DataFrame({**columns, "status": status_column(columns["status"]),
                        "stage": pd.Categorical.from_codes(columns["stage"], dtype=stages)})
    if lean:
        return out
    other = base.deals.drop(columns=[c for c in out.columns if c in base.deals]).iloc[out["pos"]]
    return pd.concat([other.reset_index(drop=True), out], axis=1)
