"""Stage-level facts from the stage history and from lost deals: time in stage, skipped stages, losses."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sitegen.config import Config
from sitegen.metrics.funnel import closed_between
from sitegen.metrics.pipeline import DealBase
from sitegen.metrics.grouped import UNKNOWN


def time_in_stage(base: DealBase, start: pd.Timestamp, end: pd.Timestamp, config: Config) -> pd.DataFrame:
    """Days between entering an open stage and the deal's next history entry, for exits dated in [start, end].

    One row per stage: stage, transitions, median_days, mean_days, max_days (configured),
    over_max_share (share of transitions longer than max_days). Needs stage history (else empty figures).
    """
    keys = list(config.stage_keys)
    out = pd.DataFrame({"stage": keys, "max_days": [s.max_days for s in config.stages]})
    h = base.history
    if h is None or len(base.history_code) < 2:
        return out.assign(transitions=0, median_days=np.nan, mean_days=np.nan, over_max_share=np.nan)
    same = h.pos[1:] == h.pos[:-1]
    code = base.history_code[:-1][same]
    exit_day = h.date[1:][same]
    days = (exit_day - h.date[:-1][same]).astype("timedelta64[D]").astype(float)
    keep = (code < len(keys)) & (exit_day >= np.datetime64(start)) & (exit_day <= np.datetime64(end))
    code, days = code[keep], pd.Series(days[keep])
    grouped = days.groupby(code)
    over = (days > out["max_days"].to_numpy(dtype=float)[code]).groupby(code).mean()
    stats = pd.DataFrame({"transitions": grouped.size(), "median_days": grouped.median(), "mean_days": grouped.mean(),
                          "over_max_share": over}).reindex(range(len(keys)))
    out = pd.concat([out, stats.set_axis(out.index)], axis=1)
    out["transitions"] = out["transitions"].fillna(0).astype("int64")
    return out


def skipped_stages(base: DealBase, deals: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp,
                   config: Config) -> tuple[pd.DataFrame, float | None]:
    """Per stage, how many deals created in [start, end] with stage history entered it or skipped it
    (``deals``: a snapshot of the base, with each deal's row in it as ``pos``).

    A deal skipped stage s when its history never entered s although it reached a later stage
    (a won deal reached every stage). Returns (stage, entered, skipped, deals) and the share of
    those deals that skipped at least one stage (None without history).
    """
    keys = list(config.stage_keys)
    n = len(keys)
    empty = pd.DataFrame({"stage": keys, "entered": 0, "skipped": 0, "deals": 0})
    h = base.history
    if h is None or len(base.history_code) == 0:
        return empty, None
    cohort = deals[deals["created_date"].between(start, end)]
    pos = cohort["pos"].to_numpy()
    entered = np.zeros((len(base.deals), n), dtype=bool)
    dated = (h.date <= np.datetime64(end)) & (base.history_code < n)
    entered[h.pos[dated], base.history_code[dated]] = True
    with_history = np.zeros(len(base.deals), dtype=bool)
    with_history[h.pos[h.date <= np.datetime64(end)]] = True
    rows = with_history[pos]
    grid = entered[pos[rows]]
    reached = cohort["reached"].to_numpy()[rows] + (cohort["status"] == "won").to_numpy()[rows]  # won: past the last
    before = np.arange(n)[None, :] < reached[:, None]
    skipped = before & ~grid
    out = pd.DataFrame({"stage": keys, "entered": grid.sum(axis=0).astype("int64"),
                        "skipped": skipped.sum(axis=0).astype("int64"), "deals": int(rows.sum())})
    share = float(skipped.any(axis=1).mean()) if rows.any() else None
    return out, share


def lost_reasons(deals: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Lost deals closed in [start, end] by ``lost_reason`` ("unknown" when blank): deals, amount, share."""
    lost = closed_between(deals, start, end)
    lost = lost[lost["status"] == "lost"]
    reason = lost["lost_reason"].astype(object).where(lost["lost_reason"].notna(), UNKNOWN)
    out = lost.groupby(reason).agg(deals=("opportunity_id", "size"), amount=("amount", "sum"))
    out = out.rename_axis("reason").reset_index()
    out["share"] = out["deals"] / out["deals"].sum() if len(out) else np.nan
    return out.sort_values(["deals", "reason"], ascending=[False, True], kind="stable").reset_index(drop=True)


def lost_by_stage(deals: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp, config: Config) -> pd.DataFrame:
    """Lost deals closed in [start, end] by the stage where they were lost (their furthest stage)."""
    lost = closed_between(deals, start, end)
    lost = lost[lost["status"] == "lost"]
    keys = np.array(config.stage_keys, dtype=object)
    stage = pd.Series(keys[np.clip(lost["reached"].to_numpy(dtype=np.int64), 0, len(keys) - 1)], index=lost.index)
    out = lost.groupby(stage).agg(deals=("opportunity_id", "size"), amount=("amount", "sum"))
    out = out.reindex(list(keys)).rename_axis("stage").reset_index()
    out["deals"] = out["deals"].fillna(0).astype("int64")
    out["amount"] = out["amount"].fillna(0.0)
    return out
