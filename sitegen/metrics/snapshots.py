"""Deal figures per period, from the deals as they stood at each period's end.

For every distinct period end T (month ends, and as_of for running periods) the deals are
rebuilt with :func:`pipeline.deals_at` (records dated up to T only). From each snapshot we keep
the deals closed in, created in, and open at the end of each period ending at T, stacked into
three long tables; every figure and breakdown is then one group-by over those tables.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sitegen.config import Config
from sitegen.metrics import outcomes
from sitegen.metrics.grouped import Groups
from sitegen.metrics import periods as cal
from sitegen.metrics.pipeline import DealBase, snapshots, status_column

PERIOD_COLUMNS = ("deals_created", "won_deals", "lost_deals", "won_amount", "lost_amount", "win_rate",
                  "win_rate_value", "avg_deal_size", "sales_cycle_days_median", "sales_cycle_days_mean",
                  "open_opportunities", "open_pipeline", "weighted_pipeline", "stale_opportunities",
                  "overdue_opportunities")
CLOSED = ("pos", "status", "amount", "closed_on", "created_date")
OPEN = ("pos", "status", "amount", "weighted_amount", "stale", "overdue")
CREATED = ("pos", "status", "amount", "reached")


def stacked(base: DealBase, periods: list[cal.Period], as_of: pd.Timestamp,
            config: Config) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(closed, open, created) deal rows per period (``period``: index in ``periods``), each from the
    snapshot at that period's end."""
    ends: dict[pd.Timestamp, list[int]] = {}
    for i, p in enumerate(periods):
        ends.setdefault(min(p.end, as_of), []).append(i)
    parts: dict[str, dict[str, list]] = {name: {c: [] for c in (*cols, "period")}
                                         for name, cols in (("closed", CLOSED), ("open", OPEN), ("created", CREATED))}
    dates = sorted(ends)
    for end, deals in zip(dates, snapshots(base, dates, config, current=False)):
        group = ends[end]
        status = deals["status"]
        open_rows = np.flatnonzero(status == 0)
        for i in group:
            start = np.datetime64(periods[i].start)
            picked = {"closed": np.flatnonzero((status > 0) & (deals["closed_on"] >= start)), "open": open_rows,
                      "created": np.flatnonzero(deals["created_date"] >= start)}  # positions: faster than masks
            for name, rows in picked.items():
                for column, values in parts[name].items():
                    values.append(np.full(len(rows), i) if column == "period" else deals[column][rows])
    frames = []
    for columns in parts.values():
        frame = pd.DataFrame({c: np.concatenate(v) if v else np.array([]) for c, v in columns.items()})
        frame["status"] = status_column(frame["status"].to_numpy(dtype=np.int8))
        frames.append(frame)
    return tuple(frames)


def figures(closed: pd.DataFrame, open_: pd.DataFrame, created: pd.DataFrame,
            keys: np.ndarray | None = None) -> pd.DataFrame:
    """Deal figures per period (and per key code when ``keys``, the code of each base row, is given).

    Columns: period, [key,] won_deals, lost_deals, won_amount, lost_amount, win_rate, win_rate_value,
    avg_deal_size, sales_cycle_days_median/_mean, open_deals, open_pipeline, weighted_pipeline,
    stale_deals, overdue_deals, deals_created. One group-by over the three stacked tables.
    """
    tables = (closed, open_, created)
    by = {"period": np.concatenate([t["period"].to_numpy(dtype=np.int64) for t in tables])}
    if keys is not None:
        by["key"] = np.asarray(keys)[np.concatenate([t["pos"].to_numpy(dtype=np.int64) for t in tables])]
    groups = Groups(by)
    ends = np.cumsum([len(t) for t in tables])
    parts = [groups.keys, outcomes.closed_by(closed, groups.part(0, ends[0])),
             outcomes.open_by(open_, groups.part(ends[0], ends[1])),
             pd.DataFrame({"deals_created": groups.part(ends[1], ends[2]).count()})]
    return pd.concat(parts, axis=1)


def total_figures(closed: pd.DataFrame, open_: pd.DataFrame, created: pd.DataFrame, labels: list[str]) -> pd.DataFrame:
    """Company deal figures per period label, with the names used by KPIs and the periods table."""
    out = figures(closed, open_, created).set_index("period").reindex(range(len(labels)))
    out = out.rename(columns={"open_deals": "open_opportunities", "stale_deals": "stale_opportunities",
                              "overdue_deals": "overdue_opportunities"})
    for col in ("deals_created", "won_deals", "lost_deals", "open_opportunities", "stale_opportunities",
                "overdue_opportunities"):
        out[col] = out[col].fillna(0).astype("int64")
    for col in ("won_amount", "lost_amount", "open_pipeline", "weighted_pipeline"):
        out[col] = out[col].fillna(0.0)
    out.index = pd.Index(labels, name="period")
    return out


def funnels(created: pd.DataFrame, labels: list[str], config: Config) -> pd.DataFrame:
    """Cohort funnel of the deals created in each period, as they stood at the period's end.

    Long form: period, then the columns of :func:`funnel.funnel` (one row per stage and "won").
    """
    n = len(config.stages)
    frame = pd.DataFrame({"period": created["period"].to_numpy(),
                          "reached": np.clip(created["reached"].to_numpy(dtype=np.int64), 0, n - 1),
                          "amount": created["amount"].fillna(0.0).to_numpy(dtype=float),
                          "won": (created["status"] == "won").to_numpy()})
    frame["won_amount"] = np.where(frame["won"], frame["amount"], 0.0)
    row = frame["period"].to_numpy(dtype=np.int64)
    cells = row * n + frame["reached"].to_numpy()
    size = len(labels) * n
    counts = np.bincount(cells, minlength=size).reshape(len(labels), n)[:, ::-1].cumsum(axis=1)[:, ::-1]
    amounts = np.bincount(cells, weights=frame["amount"], minlength=size).reshape(len(labels), n)
    amounts = amounts[:, ::-1].cumsum(axis=1)[:, ::-1]
    won = np.bincount(row, weights=frame["won"].astype(float), minlength=len(labels))
    won_amount = np.bincount(row, weights=frame["won_amount"], minlength=len(labels))
    counts = np.column_stack([counts, won]).ravel()
    amounts = np.column_stack([amounts, won_amount]).ravel()
    out = pd.DataFrame({"period": np.repeat(labels, n + 1), "stage": [*config.stage_keys, "won"] * len(labels),
                        "reached": counts.astype("int64"), "amount": amounts})
    previous = np.r_[np.nan, counts[:-1]], np.r_[np.nan, amounts[:-1]]
    first_row = np.arange(len(out)) % (n + 1) == 0
    firsts = np.repeat(counts[:: n + 1], n + 1), np.repeat(amounts[:: n + 1], n + 1)
    for i, (col, prefix) in enumerate((("reached", "conversion"), ("amount", "value_conversion"))):
        values = out[col].to_numpy(dtype=float)
        prev = np.where(first_row, np.nan, previous[i])
        out[f"{prefix}_from_previous"] = np.where(prev > 0, values / np.where(prev > 0, prev, 1), np.nan)
        out[f"{prefix}_from_first"] = np.where(firsts[i] > 0, values / np.where(firsts[i] > 0, firsts[i], 1), np.nan)
    return out
