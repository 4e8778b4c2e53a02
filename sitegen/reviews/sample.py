"""The sample review ``sitegen init`` writes beside the sample data: last month's review with one open action
due on the first day of the build month (so it shows as overdue) and one done action.

The repository's own ``content/reviews/2026-10.md`` is this text for the demo's as_of (2026-11-20), so the
demo build shows every place an action appears.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pandas as pd

SAMPLE = """\
---
title: "Monthly review {period}"
date: {held}
attendees: ["{owner}", "{other}"]
actions:
  - id: {period}-key-accounts
    what: "Call every key account that has not ordered for 60 days"
    owner: "{owner}"
    due: {due}
    status: open
  - id: {period}-crm-cleanup
    what: "Close the deals whose close date passed more than 30 days ago"
    owner: "{other}"
    due: {done_due}
    status: done
---

## Analysis

Revenue and new customers against target; the largest movements against the previous month.
Write what the figures say, and why.

## Decisions

- Key accounts that stopped ordering get a call before the next review.
- Deals whose close date passed are closed or moved, not left open.

<!-- An action keeps its id in later reviews: copy it there with a new status (open, done, dropped). -->
"""


def sample_review(as_of: date, owner: str, other: str) -> tuple[str, str]:
    """``(period, text)``: the review of the month before ``as_of``'s month, held on its last day."""
    first = as_of.replace(day=1)
    held = first - timedelta(days=1)
    period = f"{held.year}-{held.month:02d}"
    text = SAMPLE.format(period=period, held=held.isoformat(), owner=_quoted(owner), other=_quoted(other),
                         due=first.isoformat(), done_due=(held - timedelta(days=7)).isoformat())
    return period, text


def write_sample_review(site: Path, as_of: date) -> Path | None:
    """Write ``content/reviews/<last month>.md`` for the sample data in ``site/data`` (its two largest
    owners); nothing when the file exists or the data has no owners."""
    customers = site / "data" / "customers.csv"
    owners = pd.read_csv(customers, usecols=["owner"])["owner"].dropna().astype(str).value_counts() \
        if customers.is_file() else pd.Series(dtype=int)
    if len(owners) < 2:
        return None
    ranked = sorted(owners.items(), key=lambda kv: (-kv[1], kv[0]))
    period, text = sample_review(as_of, ranked[0][0], ranked[1][0])
    path = site / "content" / "reviews" / f"{period}.md"
    if path.exists():
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _quoted(name: str) -> str:
    """A name inside double quotes in YAML."""
    return name.replace("\\", "\\\\").replace('"', '\\"')


__all__ = ["sample_review", "write_sample_review"]
