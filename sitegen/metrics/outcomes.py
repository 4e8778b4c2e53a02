"""Closed-deal and open-pipeline figures: win rate, average deal size, sales cycle, velocity (SPEC §4)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sitegen.metrics.funnel import closed_between
from sitegen.metrics.grouped import Groups
from sitegen.metrics.periods import days_between

PIPELINE_KPIS = ("win_rate", "win_rate_value", "avg_deal_size", "sales_cycle_days_median", "sales_cycle_days_mean",
                 "open_pipeline", "weighted_pipeline", "stale_opportunities", "overdue_opportunities",
                 "open_opportunities", "won_deals_window", "lost_deals_window", "won_amount_window",
                 "pipeline_velocity")


def win_rate(closed: pd.DataFrame) -> float | None:
    """won / (won + lost) among ``closed`` deals; None without closed deals."""
    return float((closed["status"] == "won").mean()) if len(closed) else None


def value_win_rate(closed: pd.DataFrame) -> float | None:
    """Won amount / closed amount, over deals whose amount is known.

    None without amounts, and None when lost deals exist but none has a positive amount: many
    CRMs zero the value of lost deals, which would make the rate a meaningless 100 %.
    """
    known = closed[closed["amount"].notna()]
    lost = closed[closed["status"] == "lost"]
    total = known["amount"].sum()
    if total <= 0 or (len(lost) and not (lost["amount"] > 0).any()):
        return None
    return float(known.loc[known["status"] == "won", "amount"].sum() / total)


def cycle_days(won: pd.DataFrame) -> pd.Series:
    """Days from created to closed for won deals with both dates (a close before creation is left out)."""
    day = won["closed_on"] if "closed_on" in won else won["close_date"]
    days = (day - won["created_date"]).dt.days.dropna()
    return days[days >= 0]


def closed_figures(closed: pd.DataFrame) -> dict[str, Any]:
    """Figures of a set of closed deals: counts, amounts, win rates, deal size and cycle."""
    won = closed[closed["status"] == "won"]
    cycle = cycle_days(won)
    return {
        "won_deals": int(len(won)), "lost_deals": int(len(closed) - len(won)),
        "won_amount": float(won["amount"].sum()),
        "lost_amount": float(closed.loc[closed["status"] == "lost", "amount"].sum()),
        "win_rate": win_rate(closed), "win_rate_value": value_win_rate(closed),
        "avg_deal_size": float(won["amount"].mean()) if won["amount"].notna().any() else None,
        "sales_cycle_days_median": float(cycle.median()) if len(cycle) else None,
        "sales_cycle_days_mean": float(cycle.mean()) if len(cycle) else None,
    }


def open_figures(deals: pd.DataFrame) -> dict[str, Any]:
    """Figures of the deals open in ``deals`` (a snapshot): count, value, weighted value, stale, overdue."""
    is_open = deals["status"] == "open"
    return {
        "open_opportunities": int(is_open.sum()),
        "open_pipeline": float(deals.loc[is_open, "amount"].sum()),
        "weighted_pipeline": float(deals.loc[is_open, "weighted_amount"].sum()),
        "stale_opportunities": int(deals["stale"].sum()),
        "overdue_opportunities": int(deals["overdue"].sum()),
    }


def velocity(open_deals: int, rate: float | None, deal_size: float | None, cycle_mean: float | None) -> float | None:
    """Pipeline velocity: open deals x win rate x average deal size / mean cycle days (money per day)."""
    if rate is None or deal_size is None or not cycle_mean:
        return None
    return open_deals * rate * deal_size / cycle_mean


def pipeline_kpis(deals: pd.DataFrame, window_start: pd.Timestamp, as_of: pd.Timestamp) -> dict[str, Any]:
    """Win rate, deal size, cycle and open-pipeline KPIs over the window (SPEC §4, §6); None without deals."""
    if deals.empty:
        return dict.fromkeys(PIPELINE_KPIS)
    closed = closed_figures(closed_between(deals, window_start, as_of))
    now = open_figures(deals)
    return {
        "win_rate": closed["win_rate"], "win_rate_value": closed["win_rate_value"],
        "avg_deal_size": closed["avg_deal_size"], "sales_cycle_days_median": closed["sales_cycle_days_median"],
        "sales_cycle_days_mean": closed["sales_cycle_days_mean"], **now,
        "won_deals_window": closed["won_deals"], "lost_deals_window": closed["lost_deals"],
        "won_amount_window": closed["won_amount"],
        "pipeline_velocity": velocity(now["open_opportunities"], closed["win_rate"], closed["avg_deal_size"],
                                      closed["sales_cycle_days_mean"]),
    }


def grade_counts(deals: pd.DataFrame) -> dict[str, int]:
    """Open deals per grade (high, medium, low)."""
    grades = deals.loc[deals["status"] == "open", "grade"]
    return {g: int(np.sum(grades == g)) for g in ("high", "medium", "low")}


def closed_by(closed: pd.DataFrame, groups: Groups) -> pd.DataFrame:
    """:func:`closed_figures` per group (rows of ``closed`` grouped by ``groups``), one row per group."""
    won = (closed["status"] == "won").to_numpy()
    amount = closed["amount"].to_numpy(dtype=float)
    day = (closed["closed_on"] if "closed_on" in closed else closed["close_date"]).to_numpy(dtype="datetime64[ns]")
    cycle = days_between(day, closed["created_date"].to_numpy(dtype="datetime64[ns]"))
    out = pd.DataFrame({"won_deals": groups.count(won), "lost_deals": groups.count(~won),
                        "won_amount": groups.sum(np.where(won, amount, 0.0)),
                        "lost_amount": groups.sum(np.where(won, 0.0, amount))})
    out["win_rate"] = out["won_deals"] / (out["won_deals"] + out["lost_deals"]).where(lambda n: n > 0)
    known = groups.sum(amount)
    unusable = (out["lost_deals"].to_numpy() > 0) & (groups.count(~won & (amount > 0)) == 0)
    out["win_rate_value"] = np.where(unusable | (known <= 0), np.nan,
                                     out["won_amount"].to_numpy() / np.where(known > 0, known, 1))
    out["avg_deal_size"] = groups.mean(np.where(won, amount, np.nan))
    won_cycle = np.where(won & (cycle >= 0), cycle, np.nan)
    out["sales_cycle_days_median"] = groups.median(won_cycle)
    out["sales_cycle_days_mean"] = groups.mean(won_cycle)
    return out


def open_by(deals: pd.DataFrame, groups: Groups) -> pd.DataFrame:
    """:func:`open_figures` per group: open_deals, open_pipeline, weighted_pipeline, stale_deals, overdue_deals."""
    is_open = (deals["status"] == "open").to_numpy()
    return pd.DataFrame({
        "open_deals": groups.count(is_open),
        "open_pipeline": groups.sum(np.where(is_open, deals["amount"].to_numpy(dtype=float), 0.0)),
        "weighted_pipeline": groups.sum(np.where(is_open, deals["weighted_amount"].to_numpy(dtype=float), 0.0)),
        "stale_deals": groups.count(is_open & deals["stale"].to_numpy(dtype=bool)),
        "overdue_deals": groups.count(is_open & deals["overdue"].to_numpy(dtype=bool)),
    })
