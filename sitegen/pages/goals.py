"""The goals strip of the dashboard and the goal column of period reports: the metrics' judged goals
(metrics/goals.py) as template items, each with its colour state, where it links and its stage name."""

from __future__ import annotations

from typing import Any, Mapping

from sitegen.metrics.goals import AT_MOST
from sitegen.pages import Site
from sitegen.pages.tiles import goal_state

LINKS = {  # goal key -> the page (and section) with the rows behind the figure
    "revenue_attainment": "team/index.html#scorecard",
    "retention_rate": "customers/index.html",
    "repeat_purchase_rate": "customers/index.html#customers.sort=-orders",
    "sales_cycle_days": "funnel/index.html#stages",
    "csat": "team/index.html#scorecard",
    "nps": "team/index.html#scorecard",
    "aov_growth": "reports/index.html",
    "channel_roi": "funnel/index.html#channels",
}
STAGE_LINK = "funnel/index.html#stages"


def goal_items(site: Site) -> list[dict[str, Any]]:
    """One item per goal of ``metrics.goals``: the goal's fields plus state, symbol, href and stage_name."""
    out = []
    for goal in site.metrics.goals:
        key = goal["key"]
        href = LINKS.get(key, STAGE_LINK)
        if key == "new_customers" and goal["period"]:
            href = f"reports/{goal['period']}/index.html#figures"
        out.append({**goal, "state": goal_state(goal["met"]), "symbol": symbol(goal["direction"]), "href": href,
                    "stage_name": site.stage_names.get(goal["stage"], goal["stage"]) if goal["stage"] else ""})
    return out


def symbol(direction: str) -> str:
    """"≤" for a goal the figure must stay under, "≥" for one it must reach."""
    return "≤" if direction == AT_MOST else "≥"


def goal_cells(goals: Mapping[str, Mapping[str, Any]], key: str) -> dict[str, Any] | None:
    """The goal column of one report figure (target, symbol, state, note), None when the figure has no goal."""
    goal = goals.get(key)
    if goal is None:
        return None
    return {**goal, "symbol": symbol(goal["direction"]), "state": goal_state(goal["met"])}
