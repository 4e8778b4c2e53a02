"""Demo data for the weekly pipeline review: grading factors on pipeline.csv and four weekly snapshots.

The snapshots (``snapshots/<date>/pipeline.csv``, 7, 14, 21 and 28 days before as_of) are the pipeline as it
stood then, rebuilt from the deals' stage entry days, with a believable week-by-week story on top: some reps
pushed close dates out (a few pulled them in), some amounts were revised, a few deals moved back a stage and a
handful of junk leads were deleted since. Its own random stream, so the other files do not change.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

WEEKS = 4
STAGE_NAMES = np.array(["Lead", "Initial contact", "Needs analysis", "Proposal", "Negotiation", "Won", "Lost"],
                       dtype=object)


def review_data(pipeline: pd.DataFrame, d: pd.DataFrame, enter: np.ndarray, skip: np.ndarray, today: int,
                seed: int) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """(pipeline.csv with factor columns, {"snapshots/<date>/pipeline.csv": table}) for the demo deals ``d``."""
    rng = np.random.default_rng([seed, 17])
    n = len(d)
    stage = d["stage"].to_numpy()
    out = pipeline.copy()
    for name, values in _factors(rng, stage).items():
        out[name] = values
    # the story, decided once per deal: the week (1-4 back) a change happened, and what it was
    week = rng.integers(1, WEEKS + 1, n)
    is_open = stage < 5
    slipped = is_open & (rng.random(n) < 0.2)
    pulled = is_open & ~slipped & (rng.random(n) < 0.04)
    revised = rng.random(n) < 0.12
    factor = np.where(rng.random(n) < 0.6, rng.uniform(1.1, 1.4, n), rng.uniform(0.7, 0.9, n))  # earlier: higher
    back = is_open & (stage >= 1) & (rng.random(n) < 0.015)
    close, amount = d["close"].to_numpy(), pipeline["amount"].astype(float).to_numpy()
    reached = np.select([stage == 5, stage == 6], [4, d["lost_at"].to_numpy()], stage)
    entered = np.where((np.arange(5) <= reached[:, None]) & ~skip, enter, np.iinfo(np.int64).max)
    created = d["created"].to_numpy()
    junk = _junk(rng, pipeline, d, today)
    snapshots = {}
    for k in range(1, WEEKS + 1):
        day = today - 7 * k
        exists = created <= day
        at = np.where(entered <= day, np.arange(5), -1).max(axis=1)
        closed_then = (stage >= 5) & (close <= day)
        s = np.where(closed_then, stage, np.maximum(at, 0))
        s = np.where(back & (week <= k) & ~closed_then, np.minimum(s + 1, 4), s)   # before it moved back
        c = np.where(~closed_then & (stage >= 5), close + rng.integers(0, 15, n), close)  # expected, then closed
        c = np.where(slipped & (week <= k), c - 7 * rng.integers(1, 4, n), c)
        c = np.where(pulled & (week <= k), c + 7 * rng.integers(1, 3, n), c)
        a = np.where(revised & (week <= k), np.round(amount * factor), amount)
        snap = out[exists].copy()
        rows = np.flatnonzero(exists)
        snap["stage"] = STAGE_NAMES[s[rows]]
        snap["close_date"] = np.datetime_as_string(c[rows].astype("datetime64[D]"))
        snap["amount"] = pd.Series(a[rows]).map("{:.2f}".format).where(~np.isnan(a[rows]), "").to_numpy()
        for col in ("lost_reason", "lost_at_stage"):
            snap[col] = snap[col].astype(object).where(closed_then[rows], "")
        gone = junk[junk["removed_week"] < k].drop(columns="removed_week")  # deleted since that week
        gone = gone[gone["created_day"] <= day].drop(columns="created_day")
        snap = pd.concat([snap, gone.reindex(columns=snap.columns, fill_value="")], ignore_index=True)
        date = np.datetime_as_string(np.datetime64(day, "D"))
        snapshots[f"snapshots/{date}/pipeline.csv"] = snap.astype(object).where(snap.notna(), "")
    return out, snapshots


def _factors(rng: np.random.Generator, stage: np.ndarray) -> dict[str, pd.Series]:
    """need_fit, budget_confirmed, decision_maker_engaged (yes/no) and competition (1-5) on three deals in four,
    better the further the deal went and the better its hidden quality; forecast_category on some deals in
    negotiation (the rep's own call)."""
    n = len(stage)
    s = np.where(stage >= 5, 1.0, stage / 4)
    q = rng.random(n)
    given = rng.random(n) < 0.75

    def yes(p: np.ndarray) -> pd.Series:
        return pd.Series(np.where(rng.random(n) < np.clip(p, 0, 1), "yes", "no")).where(given, "")
    competition = np.clip(np.floor(5 * np.clip(1.05 - 0.6 * q - 0.25 * s + rng.normal(0, 0.15, n), 0, 0.999)) + 1,
                          1, 5).astype(int).astype(str)
    return {"need_fit": yes(0.3 + 0.45 * q + 0.2 * s), "budget_confirmed": yes(0.05 + 0.5 * q + 0.35 * s),
            "decision_maker_engaged": yes(0.1 + 0.45 * q + 0.35 * s),
            "competition": pd.Series(competition).where(given, ""),
            "forecast_category": pd.Series(np.where(q > 0.7, "Commit", "Best case")).where(   # a rep's own call
                (stage == 4) & (rng.random(n) < 0.3), "")}


def junk_count(stage: np.ndarray) -> int:
    """How many deleted deals the snapshots of deals with these stage codes hold (their ids follow the deals')."""
    return max(2, int((stage < 5).sum()) // 150)


def _junk(rng: np.random.Generator, pipeline: pd.DataFrame, d: pd.DataFrame, today: int) -> pd.DataFrame:
    """Early-stage deals deleted since (duplicates, leads that were never real): about one open deal in 150."""
    n = junk_count(d["stage"].to_numpy())
    source = rng.integers(len(pipeline), size=n)
    rows = pipeline.iloc[source].astype(object).reset_index(drop=True)
    ids = [f"OPP-{len(pipeline) + 1 + i:06d}" for i in range(n)]
    created = today - rng.integers(20, 90, n)
    rows = rows.assign(opportunity_id=ids, stage=STAGE_NAMES[rng.integers(0, 2, n)],
                       opportunity_name=rows["opportunity_name"].astype(str) + " (duplicate)",
                       created_date=np.datetime_as_string(created.astype("datetime64[D]")),
                       close_date=np.datetime_as_string((created + 60).astype("datetime64[D]")),
                       lost_reason="", lost_at_stage="", grade="", probability="")
    return rows.assign(removed_week=rng.integers(0, WEEKS, n), created_day=created)  # 0: deleted this week
