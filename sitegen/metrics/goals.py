"""The sales plan's goals judged against the figures (SPEC §1, §7): metrics.json ``goals``, the dashboard's
goals strip and the goal column of period reports.

A goal is met when its figure is at least (``at_least``) or at most (``at_most``) its target; ``met`` is
None when the figure cannot be known (no input file, no data in scope), and the goal then carries a note
saying why instead of a colour. docs/metrics.md (Goals) defines each goal.
"""

from __future__ import annotations

import math
from typing import Any, Mapping

import pandas as pd

from sitegen.config import Config
from sitegen.metrics import periods, targets
from sitegen.metrics.funnel import reached_counts

AT_LEAST, AT_MOST = "at_least", "at_most"
TOLERANCE = 1e-9  # relative: a computed 0.8999999999 meets a goal of 0.9
SURVEYS = {"csat": "csat_responses", "nps": "nps_responses"}
NO_ORDERS, NO_PIPELINE = "No order data.", "No pipeline data."
NO_FEEDBACK = "No feedback data (feedback.csv): cannot be judged."
NO_TARGETS = "No targets file (targets.csv): cannot be judged."
RUNNING = "Judged when the period is over."
PRO_RATA = "The attainment threshold of the target, pro rata to the days passed."
THRESHOLD = "The attainment threshold of the target."
AOV_BASIS = "The figure a year earlier plus the growth goal."


def number(value: Any) -> float | None:
    """A finite float, or None (missing, NaN, not a number)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def judge(actual: Any, target: Any, direction: str = AT_LEAST) -> bool | None:
    """Whether ``actual`` meets ``target`` (equal meets); None when either is unknown."""
    a, t = number(actual), number(target)
    if a is None or t is None:
        return None
    slack = TOLERANCE * max(1.0, abs(t))
    return a >= t - slack if direction == AT_LEAST else a <= t + slack


def goal_kpis(orders: pd.DataFrame, periods: pd.DataFrame, stage_stats: pd.DataFrame, channels: pd.DataFrame,
              aov_window: Any, window_start: pd.Timestamp, as_of: pd.Timestamp, has_orders: bool,
              config: Config) -> dict[str, Any]:
    """The KPIs goals judge that the other modules do not compute: new customers of the last closed month,
    AOV a year earlier and its growth, the window's total channel ROI, each stage's conversion to the next."""
    last = _last_closed_month(periods)
    new = number(last["new_customers"]) if last is not None and has_orders else None
    aov_before = _aov(orders, window_start - pd.DateOffset(years=1), as_of - pd.DateOffset(years=1)) \
        if has_orders else None
    now = number(aov_window)
    growth = now / aov_before - 1 if now is not None and aov_before else None
    conversion = stage_stats.set_index("stage")["conversion_to_next"] if len(stage_stats) else pd.Series(dtype=float)
    return {"new_customers_last_month": None if new is None else int(new), "aov_year_ago": aov_before,
            "aov_growth": growth, "channel_roi": _channel_roi(channels),
            **{f"stage_conversion_{s.key}": number(conversion.get(s.key)) for s in config.stages}}


def _last_closed_month(periods: pd.DataFrame) -> pd.Series | None:
    """The row of the last month that is over at as_of (None before the first month closes)."""
    if periods.empty:
        return None
    months = periods[(periods["kind"] == "month") & periods["complete"].astype(bool)]
    return months.iloc[-1] if len(months) else None


def _aov(orders: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> float | None:
    """Revenue / orders (returns count in revenue, not as orders) of the orders dated in [start, end]."""
    inside = orders["order_date"].between(start, end)
    count = int((inside & ~orders["is_return"].astype(bool)).sum())
    return float(orders.loc[inside, "revenue"].sum()) / count if count else None


def _channel_roi(channels: pd.DataFrame) -> float | None:
    """(Σ return − Σ cost) / Σ cost over the channels with a cost in the window (return as in ``channels``)."""
    if channels.empty:
        return None
    costed = channels[channels["cost"].fillna(0) > 0]
    if costed.empty:
        return None
    basis = costed["revenue"].where(costed["roi_basis"] == "revenue", costed["won_amount"]).astype(float)
    cost = float(costed["cost"].sum())
    return (float(basis.sum()) - cost) / cost


def _goal(key: str, kpi: str, label: str, fmt: str, kpis: Mapping[str, Any], target: Any,
          direction: str = AT_LEAST, why: str = "", period: str | None = None,
          stage: str | None = None) -> dict[str, Any]:
    """One goal object: the figure from ``kpis[kpi]``, judged against ``target``; ``why`` explains a None."""
    actual = number(kpis.get(kpi))
    met = judge(actual, target, direction)
    return {"key": key, "kpi": kpi, "label": label, "format": fmt, "direction": direction,
            "target": number(target), "actual": actual, "met": met,
            "responses": kpis.get(SURVEYS[kpi]) if kpi in SURVEYS else None,
            "note": why if met is None else None, "period": period, "stage": stage}


def goal_list(kpis: Mapping[str, Any], periods: pd.DataFrame, inputs: Mapping[str, bool],
              config: Config) -> list[dict[str, Any]]:
    """metrics.json ``goals``: one object per goal of the plan that applies (see the module docstring)."""
    rules = config.rules
    orders = inputs.get("orders", False)
    pipeline = inputs.get("pipeline", False)
    feedback = inputs.get("feedback", False)
    none_yet = NO_ORDERS if not orders else ""
    goals = [_goal("revenue_attainment", "target_attainment_ytd", "Target attainment (year to date)", "pct", kpis,
                   rules.attainment_warning,
                   why=NO_TARGETS if not inputs.get("targets") else none_yet or "No revenue target for this year.")]
    last = _last_closed_month(periods)
    month_target = number(last.get("new_customers_target")) if last is not None else None
    if month_target is None and rules.monthly_new_customers_goal > 0:
        month_target = rules.monthly_new_customers_goal
    if month_target is not None:
        goals.append(_goal("new_customers", "new_customers_last_month", "New customers (last closed month)",
                           "number", kpis, month_target, why=none_yet or "No closed month yet.",
                           period=None if last is None else last["period"]))
    goals += [
        _goal("retention_rate", "retention_rate", "Customer retention", "pct", kpis, rules.retention_goal,
              why=none_yet or "No customers in the window before."),
        _goal("repeat_purchase_rate", "repeat_purchase_rate", "Repeat purchase rate", "pct", kpis,
              rules.repurchase_goal, why=none_yet or "No orders yet."),
        _goal("sales_cycle_days", "sales_cycle_days_median", "Sales cycle (median days)", "days", kpis,
              rules.sales_cycle_goal_days, AT_MOST,
              why=NO_PIPELINE if not pipeline else "No deals won in the window."),
        _goal("csat", "csat", "CSAT", "pct", kpis, rules.satisfaction_goal,
              why=NO_FEEDBACK if not feedback else "No CSAT responses in the window."),
    ]
    if rules.nps_goal is not None:
        goals.append(_goal("nps", "nps", "NPS", "score", kpis, rules.nps_goal,
                           why=NO_FEEDBACK if not feedback else "No NPS responses in the window."))
    goals.append(_goal("aov_growth", "aov_growth", "Average order value, change on a year earlier", "change", kpis,
                       rules.aov_growth_goal, why=none_yet or "No orders in the same days a year earlier."))
    if rules.channel_roi_goal is not None:
        goals.append(_goal("channel_roi", "channel_roi", "Channel ROI", "pct", kpis, rules.channel_roi_goal,
                           why="No channel cost in the window (channel_costs.csv)."))
    for stage in config.stages:
        if stage.conversion_goal is not None:
            goals.append(_goal(f"stage_conversion:{stage.key}", f"stage_conversion_{stage.key}",
                               "Conversion to the next stage", "pct", kpis, stage.conversion_goal,
                               why=NO_PIPELINE if not pipeline else "No deals created in the window reached it.",
                               stage=stage.key))
    return goals


def period_goals(figures: Mapping[str, Any], year_ago: Mapping[str, Any] | None, kind: str, complete: bool,
                 config: Config) -> dict[str, dict[str, Any]]:
    """The goal of each figure of one period's report that has one: figure -> {target, direction, met, note}.

    Revenue (and attainment) against ``attainment_warning`` of the target, pro rata while the period runs
    (the revenue goal is that share of the target in money);
    new customers against targets.csv, else ``monthly_new_customers_goal`` per month, judged once the period
    is over; retention (years only: the goal is a yearly renewal rate), repeat purchase, sales cycle, CSAT,
    NPS against their goals; AOV against the year-ago AOV grown by ``aov_growth_goal``.
    """
    rules = config.rules
    elapsed = 1.0 if complete else number(figures.get("elapsed")) or 0.0
    out: dict[str, dict[str, Any]] = {}

    def add(key: str, target: Any, direction: str = AT_LEAST, met: Any = "judge", note: str | None = None,
            basis: str | None = None) -> None:
        if key not in figures or number(target) is None:
            return
        judged = judge(figures[key], target, direction) if met == "judge" else met
        out[key] = {"target": number(target), "direction": direction, "met": judged,
                    "note": (note or "No figure for this period.") if judged is None else basis}

    attainment = number(figures.get("attainment"))
    share = rules.attainment_warning * elapsed
    revenue_target = number(figures.get("revenue_target"))
    if revenue_target:
        basis = THRESHOLD if complete else PRO_RATA
        add("revenue", revenue_target * share, met=judge(attainment, share), basis=basis)
        add("attainment", share, basis=basis)
    months = {"month": 1, "quarter": 3, "year": 12}[kind]
    new_target = number(figures.get("new_customers_target"))
    if new_target is None and rules.monthly_new_customers_goal > 0:
        new_target = rules.monthly_new_customers_goal * months
    add("new_customers", new_target, met="judge" if complete else None, note=RUNNING)
    if kind == "year":
        add("retention", rules.retention_goal, met="judge" if complete else None, note=RUNNING)
    add("repeat_purchase_rate", rules.repurchase_goal)
    add("sales_cycle_days_median", rules.sales_cycle_goal_days, AT_MOST)
    add("csat", rules.satisfaction_goal)
    add("nps", rules.nps_goal)
    before = number((year_ago or {}).get("aov"))
    if before:
        add("aov", before * (1 + rules.aov_growth_goal), basis=AOV_BASIS)
    return out


# Rep goals (team pages, data/team.csv): the goals of the plan that apply to one rep, judged like the company's.
REP_MIN_RESPONSES = 5  # survey answers below which a rep's CSAT / NPS is shown but not judged
REP_MIN_DEALS = 5      # deals reaching a stage below which a rep's conversion from it is shown but not judged
NO_OWN_TARGET = "No revenue target of their own (targets.csv): cannot be judged."
NO_OWN_NEW_TARGET = "No new-customer target of their own for the month (targets.csv): cannot be judged."
FEW_RESPONSES = f"Too few responses to judge (fewer than {REP_MIN_RESPONSES})."
FEW_DEALS = f"Too few deals reached this stage to judge (fewer than {REP_MIN_DEALS})."


def rep_goals(metrics: Any, targets_frame: pd.DataFrame | None, config: Config) -> dict[str, list[dict[str, Any]]]:
    """Owner -> their goals (the objects of ``goal_list``; stage goals add ``deals``), for every scorecard owner
    but "unassigned": revenue attainment year to date against their own target, new customers of the last
    closed month against their own target (the company goal's month), sales cycle, CSAT and NPS of their
    accounts (judged from REP_MIN_RESPONSES answers), conversion per stage goal (judged from REP_MIN_DEALS
    deals reaching the stage). Retention, repeat purchase, AOV growth and channel ROI are team goals only."""
    card = metrics.scorecard
    if card.empty:
        return {}
    rules, inputs = config.rules, metrics.inputs
    orders, pipeline, feedback = (inputs.get(k, False) for k in ("orders", "pipeline", "feedback"))
    last = _last_closed_month(metrics.periods)
    month = None if last is None else str(last["period"])
    done = _owner_month(metrics.owner_months, month)
    own = owner_month_targets(targets_frame, month, config) if month else {}
    stages = [s for s in config.stages if s.conversion_goal is not None]
    funnels = stage_conversion_by_owner(metrics.opportunities, metrics.window_start, metrics.as_of, config) \
        if stages and pipeline else {}
    with_new = any(g["key"] == "new_customers" for g in metrics.goals) or bool(own)
    out = {}
    for row in card.to_dict("records"):
        owner = str(row["owner"])
        if owner == "unassigned":
            continue
        kpis = {**row, "new_customers_last_month": done.get(owner, 0) if orders and month else None}
        goals = [_goal("revenue_attainment", "attainment_ytd", "Target attainment (year to date)", "pct", kpis,
                       rules.attainment_warning, why=NO_TARGETS if not inputs.get("targets") else
                       NO_ORDERS if not orders else NO_OWN_TARGET)]
        if with_new:
            why = NO_ORDERS if not orders else "No closed month yet." if month is None else NO_OWN_NEW_TARGET
            goals.append(_goal("new_customers", "new_customers_last_month", "New customers (last closed month)",
                               "number", kpis, own.get(owner), why=why, period=month))
        goals.append(_goal("sales_cycle_days", "sales_cycle_days_median", "Sales cycle (median days)", "days", kpis,
                           rules.sales_cycle_goal_days, AT_MOST,
                           why=NO_PIPELINE if not pipeline else "No deals won in the window."))
        surveys = [("csat", "CSAT", "pct", rules.satisfaction_goal)]
        if rules.nps_goal is not None:
            surveys.append(("nps", "NPS", "score", rules.nps_goal))
        for key, label, fmt, target in surveys:
            goal = _goal(key, key, label, fmt, kpis, target, why=NO_FEEDBACK if not feedback else
                         f"No {label} responses from their customers in the window.")
            goals.append(_too_few(goal, int(number(goal["responses"]) or 0), REP_MIN_RESPONSES, FEW_RESPONSES))
        for stage in stages:
            deals, rate = funnels.get(owner, {}).get(stage.key, (0, None))
            kpi = f"stage_conversion_{stage.key}"
            goal = _goal(f"stage_conversion:{stage.key}", kpi, "Conversion to the next stage", "pct", {kpi: rate},
                         stage.conversion_goal, stage=stage.key,
                         why=NO_PIPELINE if not pipeline else "No deals created in the window reached it.")
            goals.append({**_too_few(goal, deals, REP_MIN_DEALS, FEW_DEALS), "deals": deals})
        out[owner] = goals
    return out


def _too_few(goal: dict[str, Any], sample: int, minimum: int, note: str) -> dict[str, Any]:
    """``goal`` not judged (figure kept) when its sample is above 0 but under ``minimum``: no false colours."""
    if 0 < sample < minimum and goal["actual"] is not None:
        return {**goal, "met": None, "note": note}
    return goal


def _owner_month(owner_months: pd.DataFrame, month: str | None) -> dict[str, int]:
    """Owner -> new customers of their orders in ``month`` (owners without a row there had none)."""
    if month is None or owner_months.empty:
        return {}
    rows = owner_months[owner_months["period"] == month]
    return {str(k): int(v) for k, v in zip(rows["key"], rows["new_customers"].fillna(0))}


def owner_month_targets(targets_frame: pd.DataFrame | None, month: str, config: Config) -> dict[str, float]:
    """Owner -> their ``new_customers_target`` for ``month``, resolved like every target (targets.py)."""
    fy = config.site.fiscal_year_start
    rows = targets.period_rows(targets_frame, "owner", "new_customers_target", fy)
    period = periods.parse_period(month, fy)
    if rows.empty or period is None:
        return {}
    owners = targets.period_targets(rows, [period], fy)[1].dropna(subset=["target"])
    return {str(o): float(t) for o, t in zip(owners["owner"], owners["target"])}


def stage_conversion_by_owner(deals: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp,
                              config: Config) -> dict[str, dict[str, tuple[int, float | None]]]:
    """Owner -> stage -> (deals created in [start, end] that reached it, share of them reaching the next stage
    or won after the last): the funnel's ``conversion_to_next`` per deal owner."""
    cohort = deals[deals["created_date"].between(start, end)]
    n = len(config.stages)
    out = {}
    for owner, group in cohort.groupby(cohort["owner"].astype(str), sort=True):
        reached = group["reached"].to_numpy(dtype="int64").clip(0, n - 1)
        counts = [*reached_counts(reached, n), int((group["status"] == "won").sum())]
        out[owner] = {s.key: (int(counts[i]), counts[i + 1] / counts[i] if counts[i] else None)
                      for i, s in enumerate(config.stages)}
    return out
