"""Comparisons in period reports: relative and absolute changes, and when a base is too small for a percentage.

A percentage on a tiny base misleads ("+900 %" from 1 order to 10): the report keeps the relative change
but says to show the absolute difference instead (``change_basis``). See docs/metrics.md.
"""

from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

CHANGE_FIGURES = ("revenue", "margin", "orders", "aov", "active_customers", "new_customers", "won_deals",
                  "won_amount", "avg_deal_size", "deals_created", "open_pipeline")

TINY_COUNT = 5          # a base of fewer orders (deals, customers) than this is tiny
TINY_SHARE = 0.01       # so is a base below 1 % of the typical value
TYPICAL_PERIODS = 12    # typical value: median |value| of the (up to) 12 periods of the kind before the period
BASE_COUNTS = {"revenue": "orders", "margin": "orders", "aov": "orders", "won_amount": "won_deals",
               "avg_deal_size": "won_deals", "open_pipeline": "open_opportunities"}  # others: the figure itself


def tiny_base(key: str, before: Mapping[str, Any], typical: float | None) -> bool:
    """Whether a change of figure ``key`` from ``before`` (the compared figures) has too small a base for a
    percentage: fewer than TINY_COUNT orders (won deals, open deals, customers) behind it, or a value below
    TINY_SHARE of the typical value."""
    count = before.get(BASE_COUNTS.get(key, key))
    value = before.get(key)
    if count is not None and count < TINY_COUNT:
        return True
    return value is not None and typical is not None and typical > 0 and abs(value) < TINY_SHARE * typical


def typical(figures: pd.DataFrame) -> dict[str, dict[str, float | None]]:
    """Per period label: the median absolute value of each change figure over the TYPICAL_PERIODS periods of
    the same kind before it (earlier periods only, so a closed period's value never moves)."""
    columns = [c for c in CHANGE_FIGURES if c in figures]
    if not len(figures) or not columns:
        return {}
    frame = figures.sort_values(["kind", "start"], kind="stable")
    values = frame[columns].astype(float).abs()
    typical = values.groupby(frame["kind"]).transform(
        lambda s: s.shift(1).rolling(TYPICAL_PERIODS, min_periods=1).median())
    typical.index = frame["period"].to_numpy()
    return {label: {k: (None if pd.isna(v) else float(v)) for k, v in row.items()}
            for label, row in typical.to_dict("index").items()}


def basis(change: float | None, difference: float | None, tiny: bool) -> str | None:
    """"relative" (show the percentage), "absolute" (tiny or zero base: show the difference) or None."""
    if difference is None:
        return None
    return "absolute" if tiny or change is None else "relative"


def difference(now: Any, before: Any) -> float | None:
    """``now - before`` (None when either is missing)."""
    return None if now is None or before is None else now - before


def change(now: Any, before: Any) -> float | None:
    """Relative change from ``before`` to ``now`` (None when either is missing or ``before`` is 0)."""
    if now is None or before is None or before == 0:
        return None
    return (now - before) / abs(before)
