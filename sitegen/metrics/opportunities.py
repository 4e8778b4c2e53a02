"""The build's deal table (``Metrics.opportunities``): deals as of as_of plus grade (with its reason), forecast
category and follow-up flags."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sitegen.config import Config
from sitegen.metrics import funnel, grading
from sitegen.metrics.grouped import text_column
from sitegen.metrics.pipeline import NAT, DealBase, deals_at, stage_index


def opportunities(base: DealBase, config: Config, as_of: pd.Timestamp) -> pd.DataFrame:
    """:func:`pipeline.deals_at` as_of plus reached_stage, grade, next-action flags and days in stage (``pos``,
    each deal's row in the base, is for the metrics: ``Metrics.opportunities`` leaves it out)."""
    deals = deals_at(base, as_of, config, current=True)  # status and stage stay categoricals until the end
    deals["reached_stage"] = text_column(np.array(config.stage_keys, dtype=object), deals["reached"].to_numpy()) \
        if len(deals) else pd.Series(dtype=object)
    start = as_of - pd.Timedelta(days=config.rules.window_days - 1)
    in_use = funnel.probabilities(deals["status"].cat.codes.to_numpy(), deals["closed_on"].to_numpy(),
                                  deals["reached"].to_numpy(), start, as_of, config)
    graded = grading.grade_deals(deals, in_use, config)
    deals = deals.drop(columns=[c for c in graded.columns if c in deals]).join(graded)  # grade, forecast_category
    deals = deals.join(next_actions(deals, base.planned[deals["pos"].to_numpy()], as_of))
    deals["days_in_stage"] = days_in_stage(base, deals, as_of, config)
    for col in ("status", "stage"):
        deals[col] = deals[col].astype(object)
    return deals


def next_actions(deals: pd.DataFrame, planned_in_activities: np.ndarray, as_of: pd.Timestamp) -> pd.DataFrame:
    """next_action_date (latest planned: next_step_date or an activity's next_action_date, given per deal),
    no_next_action, next_action_overdue (planned before as_of and no activity since) for open deals."""
    planned = np.fmax(deals["next_step_date"].to_numpy(dtype="datetime64[ns]"), planned_in_activities)
    planned = pd.Series(planned, index=deals.index)
    is_open = deals["status"] == "open"
    done = planned.notna() & (deals["last_activity"] >= planned)
    missed = planned < as_of
    return pd.DataFrame({
        "next_action_date": planned,
        "no_next_action": is_open & (planned.isna() | (missed & done)),
        "next_action_overdue": is_open & missed & ~done,
    }, index=deals.index)


def days_in_stage(base: DealBase, deals: pd.DataFrame, as_of: pd.Timestamp, config: Config) -> pd.Series:
    """Days since an open deal entered its current stage (stage history; else created date in the first stage)."""
    is_open = deals["status"] == "open"
    first = deals["stage"] == config.stage_keys[0]
    days = (as_of - deals["created_date"]).dt.days.where(is_open & first)
    if base.history is not None and len(base.history_code):
        codes = len(config.stages) + 2  # history stage codes: the stages, won, lost
        h = base.history
        dated = h.date <= np.datetime64(as_of)
        entered = np.full(len(base.deals) * codes, NAT).view(np.int64)  # latest entry per deal x code, as integers
        np.maximum.at(entered, h.pos[dated] * codes + base.history_code[dated], h.date[dated].view(np.int64))
        current = deals["stage"].map(stage_index(config)).fillna(-1).to_numpy(dtype=np.int64)
        at = deals["pos"].to_numpy() * codes + np.maximum(current, 0)
        since = pd.Series(np.where(current >= 0, entered[at], NAT.view(np.int64)).view("datetime64[ns]"),
                          index=deals.index)
        days = (as_of - since).dt.days.where(is_open & since.notna(), days)
    return days
