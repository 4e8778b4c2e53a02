"""Funnel figures: historical stage win probability, the cohort funnel, and per-stage statistics."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sitegen.config import Config

FUNNEL_COLUMNS = ("stage", "reached", "amount", "conversion_from_previous", "conversion_from_first",
                  "value_conversion_from_previous", "value_conversion_from_first")


def closed_between(deals: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Won and lost deals that closed in [start, end] (``closed_on``: the day the deal closed)."""
    day = deals["closed_on"] if "closed_on" in deals else deals["close_date"]
    return deals[deals["status"].isin(["won", "lost"]) & day.between(start, end)]


def reached_counts(reached: np.ndarray, n: int) -> np.ndarray:
    """How many deals reached each stage index (reached >= i), for i = 0..n-1."""
    counts = np.bincount(np.clip(reached.astype(np.int64), 0, n - 1), minlength=n)
    return counts[::-1].cumsum()[::-1]


def stage_probabilities(deals: pd.DataFrame, window_start: pd.Timestamp, as_of: pd.Timestamp,
                        config: Config) -> pd.DataFrame:
    """Historical p(s) = won_reached(s) / (won_reached(s) + lost_reached(s)) over deals closed in the window.

    Falls back to the configured stage probability when fewer than ``min_deals_for_probability``
    closed deals reached the stage. One row per stage: stage, won, lost, historical, probability, source.
    """
    status = np.select([(deals["status"] == "won").to_numpy(), (deals["status"] == "lost").to_numpy()], [1, 2], 0)
    day = deals["closed_on"] if "closed_on" in deals else deals["close_date"]
    return probability_table(status, day.to_numpy(dtype="datetime64[ns]"), deals["reached"].to_numpy(),
                             window_start, as_of, config)


def probability_table(status: np.ndarray, closed_on: np.ndarray, reached: np.ndarray, start: pd.Timestamp,
                      end: pd.Timestamp, config: Config) -> pd.DataFrame:
    """:func:`stage_probabilities` from arrays: status code (1 won, 2 lost), day closed, furthest stage."""
    won, lost, historical, enough = _stage_outcomes(status, closed_on, reached, start, end, config)
    configured = np.array([s.probability for s in config.stages])
    return pd.DataFrame({
        "stage": list(config.stage_keys), "won": won.astype("int64"), "lost": lost.astype("int64"),
        "historical": historical, "probability": np.where(enough, historical, configured),
        "source": np.where(enough, "history", "config").astype(object),
    })


def probabilities(status: np.ndarray, closed_on: np.ndarray, reached: np.ndarray, start: pd.Timestamp,
                  end: pd.Timestamp, config: Config) -> np.ndarray:
    """The ``probability`` column of :func:`probability_table` alone (one per stage), without a frame."""
    _, _, historical, enough = _stage_outcomes(status, closed_on, reached, start, end, config)
    return np.where(enough, historical, np.array([s.probability for s in config.stages]))


def _stage_outcomes(status: np.ndarray, closed_on: np.ndarray, reached: np.ndarray, start: pd.Timestamp,
                    end: pd.Timestamp, config: Config) -> tuple[np.ndarray, ...]:
    """Per stage: won and lost deals closed in [start, end] that reached it, the historical rate, and whether
    enough deals reached it for that rate to count."""
    inside = (status > 0) & (closed_on >= np.datetime64(start)) & (closed_on <= np.datetime64(end))
    n = len(config.stages)
    is_won = status[inside] == 1
    reached = reached[inside]
    won, lost = reached_counts(reached[is_won], n), reached_counts(reached[~is_won], n)
    total = won + lost
    historical = np.where(total > 0, won / np.where(total > 0, total, 1), np.nan)
    return won, lost, historical, total >= config.rules.min_deals_for_probability


def funnel(deals: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp, config: Config) -> pd.DataFrame:
    """Cohort funnel over deals created in [start, end]: reached(s) and conversions, by count and by amount.

    One row per stage plus a final "won" row. A deal reached every stage up to its furthest
    (skipped stages included, the implied view); a missing amount counts as 0 in the amount columns.
    """
    cohort = deals[deals["created_date"].between(start, end)]
    n = len(config.stages)
    reached = np.clip(cohort["reached"].to_numpy(dtype=np.int64), 0, n - 1)
    amount = cohort["amount"].fillna(0.0).to_numpy()
    won = (cohort["status"] == "won").to_numpy()
    counts = np.append(reached_counts(reached, n), won.sum())
    amounts = np.append(np.bincount(reached, weights=amount, minlength=n)[::-1].cumsum()[::-1], amount[won].sum())
    return funnel_frame(counts, amounts, config)


def funnel_frame(counts: np.ndarray, amounts: np.ndarray, config: Config) -> pd.DataFrame:
    """The funnel table from deals (and amounts) reaching each stage, then won."""
    out = pd.DataFrame({"stage": [*config.stage_keys, "won"], "reached": np.asarray(counts).astype("int64"),
                        "amount": np.asarray(amounts, dtype=float)})
    for col, prefix in (("reached", "conversion"), ("amount", "value_conversion")):
        values = out[col].to_numpy(dtype=float)
        prev = np.r_[np.nan, values[:-1]]
        out[f"{prefix}_from_previous"] = np.where(prev > 0, values / np.where(prev > 0, prev, 1), np.nan)
        out[f"{prefix}_from_first"] = values / values[0] if values[0] > 0 else np.nan
    return out[list(FUNNEL_COLUMNS)]


def stage_stats(deals: pd.DataFrame, funnel_frame: pd.DataFrame, probabilities: pd.DataFrame,
                time_in_stage: pd.DataFrame, skipped: pd.DataFrame, lost: pd.DataFrame,
                config: Config) -> pd.DataFrame:
    """One row per open stage for the playbook's stage guides (see ``Metrics.stage_stats``)."""
    keys = list(config.stage_keys)
    open_deals = deals[deals["status"] == "open"]
    by_stage = open_deals.groupby("stage")
    out = pd.DataFrame({"stage": keys, "max_days": [s.max_days for s in config.stages]}).set_index("stage")
    out["probability"] = probabilities.set_index("stage")["probability"]
    out["probability_source"] = probabilities.set_index("stage")["source"]
    out["deals_now"] = by_stage.size()
    out["amount_now"] = by_stage["amount"].sum()
    out["weighted_now"] = by_stage["weighted_amount"].sum()
    out["stale_now"] = by_stage["stale"].sum()
    out["overdue_now"] = by_stage["overdue"].sum()
    if "days_in_stage" in open_deals:
        over = open_deals["days_in_stage"] > open_deals["stage"].map(out["max_days"])
        out["over_max_days"] = over.groupby(open_deals["stage"]).sum()
        out["median_days_now"] = by_stage["days_in_stage"].median()
    counts = funnel_frame.set_index("stage")["reached"] if len(funnel_frame) else pd.Series(dtype=float)
    nxt = counts.shift(-1)
    out["conversion_to_next"] = (nxt / counts).where(counts > 0).reindex(keys)
    out = out.join(time_in_stage.set_index("stage")[["transitions", "median_days", "mean_days"]])
    out = out.join(skipped.set_index("stage")[["entered", "skipped"]])
    out["lost"] = lost.set_index("stage")["deals"] if len(lost) else 0
    for col in ("deals_now", "stale_now", "overdue_now", "over_max_days", "lost", "transitions"):
        if col in out:
            out[col] = out[col].fillna(0).astype("int64")
    for col in ("amount_now", "weighted_now"):
        out[col] = out[col].fillna(0.0)
    return out.reset_index()
