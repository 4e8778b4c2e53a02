"""Forecast and coverage per period (SPEC §4).

forecast(P) = amount won in P so far + the weighted amount of open deals expected to close in P.
An open deal is expected in the period containing its close_date; an overdue deal (close_date
before as_of) is expected in the current period; an open deal without close_date in none.
coverage(P) = open amount expected in P / (target(P) - won so far in P), when that gap is positive.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from sitegen.metrics import periods as cal
from sitegen.metrics.grouped import Groups, codes

FORECAST_COLUMNS = ("period", "kind", "start", "end", "won_deals", "won_amount", "open_deals", "open_amount",
                    "weighted_open", "forecast", "target", "gap", "coverage", "forecast_attainment")


def expected_close(deals: pd.DataFrame, as_of: pd.Timestamp) -> pd.Series:
    """The day each open deal is expected to close: its close_date, or as_of when that is past (overdue)."""
    close = deals["close_date"].where(deals["status"] == "open")
    return close.where(~(close < as_of), as_of)


def forecast_periods(deals: pd.DataFrame, as_of: pd.Timestamp, fy_start: int) -> list[cal.Period]:
    """The current month, quarter and year, and every later one with expected deals, up to next fiscal year's end."""
    this_year = cal.year(as_of, fy_start)
    horizon = cal.following(this_year, fy_start).end
    expected = expected_close(deals, as_of)
    last = min(expected.max(), horizon) if expected.notna().any() else as_of
    last = max(last, as_of)
    return cal.all_periods(as_of, last, fy_start)


def forecast_by(deals: pd.DataFrame, period: cal.Period, as_of: pd.Timestamp,
                key: pd.Series | None = None) -> pd.DataFrame:
    """Won so far, open expected and weighted open in ``period``, per group of ``key`` (index "" when None)."""
    if key is None:
        values, names = np.zeros(len(deals), dtype=np.int64), np.array([""], dtype=object)
    else:
        values, names = codes(key)
    groups = Groups({"key": values})
    day = deals["closed_on"].to_numpy(dtype="datetime64[ns]")
    start, end = np.datetime64(period.start), np.datetime64(min(period.end, as_of))
    won = (deals["status"] == "won").to_numpy() & (day >= start) & (day <= end)
    expected_on = deals["expected_close"] if "expected_close" in deals else expected_close(deals, as_of)
    expected = expected_on.between(period.start, period.end).to_numpy()
    amount = deals["amount"].to_numpy(dtype=float)
    out = pd.DataFrame({
        "won_deals": groups.count(won), "won_amount": groups.sum(np.where(won, amount, 0.0)),
        "open_deals": groups.count(expected), "open_amount": groups.sum(np.where(expected, amount, 0.0)),
        "weighted_open": groups.sum(np.where(expected, deals["weighted_amount"].to_numpy(dtype=float), 0.0)),
    }, index=pd.Index(names[groups.keys["key"].to_numpy()], name="key"))
    out["forecast"] = out["won_amount"] + out["weighted_open"]
    return out


def with_targets(frame: pd.DataFrame, target: pd.Series) -> pd.DataFrame:
    """Add target, gap (target - won so far), coverage and forecast_attainment to forecast rows."""
    out = frame.assign(target=target.to_numpy(dtype=float))
    out["gap"] = out["target"] - out["won_amount"]
    out["coverage"] = out["open_amount"] / out["gap"].where(out["gap"] > 0)
    out["forecast_attainment"] = out["forecast"] / out["target"].where(out["target"] > 0)
    return out


def forecast_table(deals: pd.DataFrame, as_of: pd.Timestamp, fy_start: int,
                   company_target: Mapping[str, float]) -> pd.DataFrame:
    """Company forecast for the current and coming periods (see module doc); targets by period label."""
    rows = []
    lean = deals[["status", "closed_on", "amount", "weighted_amount"]].assign(
        expected_close=expected_close(deals, as_of))
    for p in forecast_periods(deals, as_of, fy_start):
        figures = forecast_by(lean, p, as_of)
        row = figures.iloc[0].to_dict() if len(figures) else {}
        rows.append({"period": p.label, "kind": p.kind, "start": p.start, "end": p.end, **row})
    out = pd.DataFrame(rows)
    for col in ("won_deals", "open_deals"):
        out[col] = out[col].fillna(0).astype("int64") if col in out else 0
    for col in ("won_amount", "open_amount", "weighted_open", "forecast"):
        out[col] = out[col].fillna(0.0) if col in out else 0.0
    out = with_targets(out, out["period"].map(company_target).astype(float))
    return out[list(FORECAST_COLUMNS)]


def forecast_kpis(table: pd.DataFrame, as_of: pd.Timestamp, fy_start: int) -> dict[str, float | None]:
    """forecast_month/quarter/year and pipeline_coverage (current quarter) from :func:`forecast_table`."""
    out: dict[str, float | None] = {}
    for kind in cal.KINDS:
        label = cal.of_kind(kind, as_of, fy_start).label
        row = table[table["period"] == label]
        out[f"forecast_{kind}"] = float(row["forecast"].iloc[0]) if len(row) else None
        if kind == "quarter":
            value = row["coverage"].iloc[0] if len(row) else np.nan
            out["pipeline_coverage"] = None if pd.isna(value) else float(value)
    return out
