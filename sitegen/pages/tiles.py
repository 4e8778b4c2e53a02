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


def change(current: Any, previous: Any) -> float | None:
    """Relative change from ``previous`` to ``current``; None when either is missing or previous is 0."""
    now, before = _number(current), _number(previous)
    if now is None or before is None or before == 0:
        return None
    return (now - before) / abs(before)


def delta(current: Any, previous: Any, label: str, higher_is_better: bool = True) -> dict[str, Any] | None:
    """One "change vs ..." line of a tile, from the two values."""
    return change_delta(change(current, previous), label, higher_is_better)


def change_delta(value: Any, label: str, higher_is_better: bool = True) -> dict[str, Any] | None:
    """One "change vs ..." line of a tile from a relative change, with a tone (good, bad, flat) for colour."""
    value = _number(value)
    if value is None:
        return None
    tone = "flat" if abs(value) < 0.005 else ("good" if (value > 0) == higher_is_better else "bad")
    return {"value": value, "label": label, "tone": tone}


GOAL_STATES = {True: "met", False: "missed", None: "none"}


def goal_state(met: bool | None) -> str:
    """The one colour rule of every judged figure: "met" (green), "missed" (red) or "none" (no goal, or it
    cannot be judged: neutral). Templates add the words too, so colour is never the only signal."""
    return GOAL_STATES[None if met is None else bool(met)]


def tile(label: str, value: Any, fmt: str, href: str, *, target: Any = None, met: bool | None = None,
         deltas: Sequence[dict[str, Any] | None] = (), spark: Sequence[float | None] = (),
         responses: int | None = None, note: str | None = None) -> dict[str, Any]:
    """A tile dict. ``target`` adds attainment (value / target); ``met`` is its goal judged (metrics/goals.py),
    None for no goal or cannot judge (``note`` says why); ``responses`` the survey answers behind the value."""
    goal = _number(target)
    current = _number(value)
    attainment = current / goal if goal and current is not None else None
    return {
        "label": label, "value": value, "format": fmt, "href": href, "target": goal,
        "attainment": attainment, "state": goal_state(met if goal is not None else None),
        "deltas": [d for d in deltas if d], "spark": charts.sparkline([_number(v) for v in spark]) if spark else "",
        "responses": responses, "note": note if met is None and goal is not None else None,
    }
