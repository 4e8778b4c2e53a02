"""Calendar periods: months, quarters and (fiscal) years, as labels and date ranges."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

PERIOD_RE = re.compile(r"^(\d{4})(?:-(Q[1-4]|\d{2}))?$")


@dataclass(frozen=True, order=True)
class Period:
    """A calendar month (``2026-07``), quarter (``2026-Q3``) or year (``2026``).

    With a fiscal year starting in month ``fy_start`` (> 1), quarters and years are fiscal:
    ``2026`` is the fiscal year that *ends* in calendar 2026, as most finance teams name it.
    """

    start: pd.Timestamp
    end: pd.Timestamp  # inclusive last day
    kind: str          # "month", "quarter", "year"
    label: str

    def contains(self, dates: pd.Series) -> pd.Series:
        return (dates >= self.start) & (dates <= self.end)


def month(ts: pd.Timestamp) -> Period:
    start = pd.Timestamp(ts.year, ts.month, 1)
    return Period(start, start + pd.offsets.MonthEnd(0), "month", f"{ts.year}-{ts.month:02d}")


def quarter(ts: pd.Timestamp, fy_start: int = 1) -> Period:
    offset = (ts.month - fy_start) % 12
    start = (pd.Timestamp(ts.year, ts.month, 1) - pd.DateOffset(months=offset % 3))
    fy_first = pd.Timestamp(ts.year, ts.month, 1) - pd.DateOffset(months=offset)
    fy_label = fy_first.year + (1 if fy_start > 1 else 0)
    return Period(start, start + pd.DateOffset(months=3) - pd.Timedelta(days=1), "quarter",
                  f"{fy_label}-Q{offset // 3 + 1}")


def year(ts: pd.Timestamp, fy_start: int = 1) -> Period:
    offset = (ts.month - fy_start) % 12
    start = pd.Timestamp(ts.year, ts.month, 1) - pd.DateOffset(months=offset)
    label = start.year + (1 if fy_start > 1 else 0)
    return Period(start, start + pd.DateOffset(years=1) - pd.Timedelta(days=1), "year", str(label))


def of_kind(kind: str, ts: pd.Timestamp, fy_start: int = 1) -> Period:
    return month(ts) if kind == "month" else quarter(ts, fy_start) if kind == "quarter" else year(ts, fy_start)


def previous(p: Period, fy_start: int = 1) -> Period:
    return of_kind(p.kind, p.start - pd.Timedelta(days=1), fy_start)


def following(p: Period, fy_start: int = 1) -> Period:
    return of_kind(p.kind, p.end + pd.Timedelta(days=1), fy_start)


def year_ago(p: Period, fy_start: int = 1) -> Period:
    return of_kind(p.kind, p.start - pd.DateOffset(years=1), fy_start)


def parse_period(label: str, fy_start: int = 1) -> Period | None:
    """``2026``, ``2026-Q3`` or ``2026-07`` -> Period; None when not a period label."""
    m = PERIOD_RE.match(label.strip().upper())
    if not m:
        return None
    y, part = int(m.group(1)), m.group(2)
    if part is None:
        return year(pd.Timestamp(y if fy_start == 1 else y - 1, fy_start, 1), fy_start)
    if part.startswith("Q"):
        first = year(pd.Timestamp(y if fy_start == 1 else y - 1, fy_start, 1), fy_start).start
        return quarter(first + pd.DateOffset(months=3 * (int(part[1]) - 1)), fy_start)
    if not 1 <= int(part) <= 12:
        return None
    return month(pd.Timestamp(y, int(part), 1))


def periods_between(kind: str, first: pd.Timestamp, last: pd.Timestamp, fy_start: int = 1) -> list[Period]:
    """Every period of ``kind`` that overlaps [first, last], in order."""
    out, p = [], of_kind(kind, first, fy_start)
    while p.start <= last:
        out.append(p)
        p = following(p, fy_start)
    return out


def month_labels(dates: pd.Series) -> pd.Series:
    """``YYYY-MM`` label per date (vectorised)."""
    return dates.dt.strftime("%Y-%m")
