"""Calendar periods: months, quarters and (fiscal) years, as labels and date ranges."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sitegen.config import FIRST_DATE, LAST_DATE

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
        """Mask of the dates inside the period."""
        return (dates >= self.start) & (dates <= self.end)


def month(ts: pd.Timestamp) -> Period:
    """The calendar month containing ``ts``."""
    start = pd.Timestamp(ts.year, ts.month, 1)
    return Period(start, start + pd.offsets.MonthEnd(0), "month", f"{ts.year}-{ts.month:02d}")


def quarter(ts: pd.Timestamp, fy_start: int = 1) -> Period:
    """The (fiscal) quarter containing ``ts``."""
    offset = (ts.month - fy_start) % 12
    start = (pd.Timestamp(ts.year, ts.month, 1) - pd.DateOffset(months=offset % 3))
    fy_first = pd.Timestamp(ts.year, ts.month, 1) - pd.DateOffset(months=offset)
    fy_label = fy_first.year + (1 if fy_start > 1 else 0)
    return Period(start, start + pd.DateOffset(months=3) - pd.Timedelta(days=1), "quarter",
                  f"{fy_label}-Q{offset // 3 + 1}")


def year(ts: pd.Timestamp, fy_start: int = 1) -> Period:
    """The (fiscal) year containing ``ts``."""
    offset = (ts.month - fy_start) % 12
    start = pd.Timestamp(ts.year, ts.month, 1) - pd.DateOffset(months=offset)
    label = start.year + (1 if fy_start > 1 else 0)
    return Period(start, start + pd.DateOffset(years=1) - pd.Timedelta(days=1), "year", str(label))


def of_kind(kind: str, ts: pd.Timestamp, fy_start: int = 1) -> Period:
    """The month, quarter or year (``kind``) containing ``ts``."""
    return month(ts) if kind == "month" else quarter(ts, fy_start) if kind == "quarter" else year(ts, fy_start)


def previous(p: Period, fy_start: int = 1) -> Period:
    """The period of the same kind just before ``p``."""
    return of_kind(p.kind, p.start - pd.Timedelta(days=1), fy_start)


def following(p: Period, fy_start: int = 1) -> Period:
    """The period of the same kind just after ``p``."""
    return of_kind(p.kind, p.end + pd.Timedelta(days=1), fy_start)


def year_ago(p: Period, fy_start: int = 1) -> Period:
    """The same period a year earlier (for year-over-year comparisons)."""
    return of_kind(p.kind, p.start - pd.DateOffset(years=1), fy_start)


def parse_period(label: str, fy_start: int = 1) -> Period | None:
    """``2026``, ``2026-Q3`` or ``2026-07`` -> Period; None when not a period label or its year is outside
    the years of ``FIRST_DATE .. LAST_DATE`` (``9999`` would overflow pandas' dates)."""
    m = PERIOD_RE.match(label.strip().upper())
    if not m:
        return None
    y, part = int(m.group(1)), m.group(2)
    if not FIRST_DATE.year <= y <= LAST_DATE.year:
        return None
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


KINDS = ("month", "quarter", "year")
_EPOCH_MONTH = pd.Timestamp("1970-01-01")


# Month id of a missing date: far below the id of any date pandas can hold (1677-09 is -3508), and far enough
# from int64's limits that period arithmetic on it cannot wrap round into a real period.
NO_MONTH = -(1 << 40)


def month_ids(dates: pd.Series) -> np.ndarray:
    """Months since 1970-01 per date (vectorised; negative before 1970, 1969-12 is -1); missing dates give
    ``NO_MONTH`` (callers mask them first)."""
    values = dates.to_numpy(dtype="datetime64[ns]")
    ids = values.astype("datetime64[M]").astype(np.int64)
    return np.where(np.isnat(values), NO_MONTH, ids)


def period_ids(months: np.ndarray, kind: str, fy_start: int = 1) -> np.ndarray:
    """Index of the month, (fiscal) quarter or (fiscal) year containing each month id."""
    if kind == "month":
        return months
    size = 3 if kind == "quarter" else 12
    return (months - (fy_start - 1)) // size


def period_of_id(kind: str, pid: int, fy_start: int = 1) -> Period:
    """The :class:`Period` of a month, quarter or year index from :func:`period_ids`."""
    first = int(pid) if kind == "month" else int(pid) * (3 if kind == "quarter" else 12) + fy_start - 1
    return of_kind(kind, _EPOCH_MONTH + pd.DateOffset(months=first), fy_start)


def id_of_period(p: Period, fy_start: int = 1) -> int:
    """Inverse of :func:`period_of_id`."""
    month = (p.start.year - 1970) * 12 + p.start.month - 1
    return int(period_ids(np.array([month]), p.kind, fy_start)[0])


def all_periods(first: pd.Timestamp, last: pd.Timestamp, fy_start: int = 1) -> list[Period]:
    """Every month, quarter and year overlapping [first, last]: months first, then quarters, then years."""
    return [p for kind in KINDS for p in periods_between(kind, first, last, fy_start)]


def days_between(later: np.ndarray, earlier: np.ndarray | np.datetime64) -> np.ndarray:
    """Whole days from ``earlier`` to ``later`` as floats (NaN when either date is missing)."""
    delta = np.asarray(later, dtype="datetime64[ns]") - np.asarray(earlier, dtype="datetime64[ns]")
    return np.where(np.isnat(delta), np.nan, delta.astype("timedelta64[D]").astype(float))
