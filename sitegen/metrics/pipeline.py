"""Deal-level figures: stage reached, stage win probability, weighted amount, stale/overdue, grade, funnel."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sitegen.config import Config

GRADE_ORDER = ("low", "medium", "high")


def stage_index(config: Config) -> dict[str, int]:
    """Stage key -> position (0 = first stage)."""
    return {key: i for i, key in enumerate(config.stage_keys)}


def furthest_stage(deals: pd.DataFrame, history: pd.DataFrame | None, config: Config) -> pd.Series:
    """Index of the furthest open stage each deal reached (SPEC §4); won deals reached every stage.

    Without stage history: the current stage for open deals, ``lost_at_stage`` (else the first
    stage) for lost deals. With history, the furthest stage entered there counts too.
    """
    idx = stage_index(config)
    last = len(config.stages) - 1
    current = deals["stage"].map(idx)
    lost_at = deals["lost_at_stage"].map(idx) if "lost_at_stage" in deals else pd.Series(np.nan, index=deals.index)
    reached = np.select(
        [deals["status"] == "won", deals["status"] == "lost"],
        [last, lost_at.fillna(0)], default=current.fillna(0),
    ).astype(float)
    reached = pd.Series(reached, index=deals.index)
    if history is not None and len(history):
        hist = history.assign(i=history["stage"].map(idx)).dropna(subset=["i"])
        best = hist.groupby("opportunity_id")["i"].max()
        from_history = deals["opportunity_id"].map(best)
        reached = pd.Series(np.fmax(reached.to_numpy(), from_history.to_numpy(dtype=float)), index=deals.index)
        reached[deals["status"] == "won"] = last
    return reached.astype("int64")


def stage_probabilities(deals: pd.DataFrame, window_start: pd.Timestamp, as_of: pd.Timestamp,
                        config: Config) -> pd.DataFrame:
    """Historical p(s) = won_reached(s) / (won_reached(s) + lost_reached(s)) over deals closed in the window.

    Falls back to the configured stage probability when fewer than ``min_deals_for_probability``
    closed deals reached the stage. Returns one row per stage: won, lost, historical, used, source.
    """
    closed = deals[deals["status"].isin(["won", "lost"]) & deals["close_date"].between(window_start, as_of)]
    rows = []
    for i, stage in enumerate(config.stages):
        reached = closed[closed["reached"] >= i]
        won = int((reached["status"] == "won").sum())
        lost = int((reached["status"] == "lost").sum())
        historical = won / (won + lost) if won + lost else np.nan
        enough = won + lost >= config.rules.min_deals_for_probability
        rows.append({"stage": stage.key, "won": won, "lost": lost, "historical": historical,
                     "probability": historical if enough else stage.probability,
                     "source": "history" if enough else "config"})
    return pd.DataFrame(rows)


def last_activity(deals: pd.DataFrame, activities: pd.DataFrame | None, as_of: pd.Timestamp) -> pd.Series:
    """Latest activity date per deal: from activities (up to as_of) and the deal's last_activity_date."""
    latest = deals["last_activity_date"] if "last_activity_date" in deals else pd.Series(pd.NaT, index=deals.index)
    latest = latest.where(latest <= as_of)
    if activities is not None and "opportunity_id" in activities:
        acts = activities[activities["date"] <= as_of].dropna(subset=["opportunity_id"])
        by_deal = acts.groupby("opportunity_id")["date"].max()
        latest = pd.Series(np.fmax(latest.to_numpy(dtype="datetime64[ns]"),
                                   deals["opportunity_id"].map(by_deal).to_numpy(dtype="datetime64[ns]")),
                           index=deals.index)
    return latest


def grade(probability: pd.Series, flagged: pd.Series, override: pd.Series | None, config: Config) -> pd.Series:
    """high / medium / low from the stage probability, one level lower when stale or overdue."""
    level = np.select([probability >= config.rules.grade_high, probability >= config.rules.grade_medium], [2, 1], 0)
    level = np.maximum(level - flagged.to_numpy(dtype=int), 0)
    out = pd.Series(np.array(GRADE_ORDER, dtype=object)[level], index=probability.index)
    if override is not None:
        out = override.where(override.notna(), out)
    return out


def funnel(deals: pd.DataFrame, window_start: pd.Timestamp, as_of: pd.Timestamp, config: Config) -> pd.DataFrame:
    """Cohort funnel over deals created in the window: reached(s) and conversions, by count and amount."""
    cohort = deals[deals["created_date"].between(window_start, as_of)]
    amount = cohort["amount"].fillna(0.0)
    rows = []
    for i, stage in enumerate(config.stages):
        hit = cohort["reached"] >= i
        rows.append({"stage": stage.key, "reached": int(hit.sum()), "amount": float(amount[hit].sum())})
    won = cohort["status"] == "won"
    rows.append({"stage": "won", "reached": int(won.sum()), "amount": float(amount[won].sum())})
    out = pd.DataFrame(rows)
    for col, prefix in (("reached", "conversion"), ("amount", "value_conversion")):
        prev = out[col].shift(1)
        first = out[col].iloc[0]
        out[f"{prefix}_from_previous"] = (out[col] / prev).where(prev > 0)
        out[f"{prefix}_from_first"] = (out[col] / first) if first > 0 else np.nan
    out.loc[0, ["conversion_from_previous", "value_conversion_from_previous"]] = np.nan
    return out
