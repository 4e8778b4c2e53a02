"""Review periods: a file name (``2026-11``, ``2026-Q4``, ``2026``, ``2026-W48``) -> its label and dates.

Months, quarters and (fiscal) years are the report periods (:mod:`sitegen.metrics.periods`, a calendar
helper with no figures in it); a week is an ISO week, Monday to Sunday, for the weekly pipeline meeting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from sitegen.metrics.periods import parse_period

_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$", re.IGNORECASE)
KIND_ORDER = ("week", "month", "quarter", "year")  # a longer period's review closes the same day later


@dataclass(frozen=True)
class ReviewPeriod:
    """One review's period: ``label`` as reports name it, ``kind``, first and last day."""

    label: str
    kind: str
    start: date
    end: date

    @property
    def order(self) -> tuple[date, int, str]:
        """Files apply in this order: by the period's end, then shorter periods first, then the label."""
        return self.end, KIND_ORDER.index(self.kind), self.label


def parse_review_period(text: str, fy_start: int = 1) -> ReviewPeriod | None:
    """``2026-W48`` (ISO week), ``2026-11``, ``2026-Q4`` or ``2026`` -> :class:`ReviewPeriod`; None otherwise."""
    week = _WEEK.match(text.strip())
    if week:
        year, number = int(week.group(1)), int(week.group(2))
        try:
            start = date.fromisocalendar(year, number, 1)
        except ValueError:
            return None
        return ReviewPeriod(f"{year}-W{number:02d}", "week", start, start + timedelta(days=6))
    period = parse_period(text, fy_start) if text.strip() == text else None
    if period is None:
        return None
    return ReviewPeriod(period.label, period.kind, period.start.date(), period.end.date())


def week_of(day: date) -> ReviewPeriod:
    """The ISO week containing ``day``."""
    year, number, _ = day.isocalendar()
    start = day - timedelta(days=day.weekday())
    return ReviewPeriod(f"{year}-W{number:02d}", "week", start, start + timedelta(days=6))


__all__ = ["ReviewPeriod", "parse_review_period", "week_of", "KIND_ORDER"]
