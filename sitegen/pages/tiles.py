"""KPI tiles: a value, where it links, and optionally a target, changes and a sparkline.

Every tile has every key (templates use StrictUndefined), so sections build them here.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

from sitegen import charts


def _number(value: Any) -> float | None:
    if value is None:
        return None
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) else value


def change_delta(value: Any, label: str, higher_is_better: bool = True) -> dict[str, Any] | None:
    """One "change vs ..." line of a tile from a relative change, with a tone (good, bad, flat) for colour."""
    value = _number(value)
    if value is None:
        return None
    tone = "flat" if abs(value) < 0.005 else ("good" if (value > 0) == higher_is_better else "bad")
    return {"value": value, "label": label, "tone": tone, "format": None}


def report_delta(report: Any, ref: str, key: str, label: str, fmt: str) -> dict[str, Any] | None:
    """The "change vs ..." line of a period figure from its report (metrics/reports.py): the relative change,
    or on a tiny base the difference in the figure's own format (``format``); for a running period both
    are against the same days of the compared period."""
    if not report or key not in report["change_basis"].get(ref, {}):
        return None
    basis = report["change_basis"][ref][key]
    if basis == "relative":
        return change_delta(report["change"][ref][key], label)
    difference = _number(report["absolute_change"][ref].get(key))
    if basis != "absolute" or difference is None:
        return None
    tone = "flat" if difference == 0 else ("good" if difference > 0 else "bad")
    return {"value": difference, "label": label, "tone": tone, "format": fmt}


GOAL_STATES = {True: "met", False: "missed", None: "none"}


def goal_state(met: bool | None) -> str:
    """The one colour rule of every judged figure: "met" (green), "missed" (red) or "none" (no goal, or it
    cannot be judged: neutral). Templates add the words too, so colour is never the only signal."""
    return GOAL_STATES[None if met is None else bool(met)]


def tile(label: str, value: Any, fmt: str, href: str, *, target: Any = None, met: bool | None = None,
         deltas: Sequence[dict[str, Any] | None] = (), spark: Sequence[float | None] = (),
         responses: int | None = None, note: str | None = None, target_label: str = "Target") -> dict[str, Any]:
    """A tile dict. ``target`` adds attainment (value / target), shown as ``target_label``; ``met`` is its goal
    judged (metrics/goals.py), None for no goal or cannot judge (``note`` says why); ``responses`` the survey
    answers behind the value."""
    goal = _number(target)
    current = _number(value)
    attainment = current / goal if goal and current is not None else None
    return {
        "label": label, "value": value, "format": fmt, "href": href, "target": goal, "target_label": target_label,
        "attainment": attainment, "state": goal_state(met if goal is not None else None),
        "deltas": [d for d in deltas if d], "spark": charts.sparkline([_number(v) for v in spark]) if spark else "",
        "responses": responses, "note": note if met is None and goal is not None else None,
    }
