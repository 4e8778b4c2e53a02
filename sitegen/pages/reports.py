"""Period reports: one page per month, quarter and year at ``reports/<label>/``, each with a
``report.json`` of its figures beside it, and an index of every period.

A report is permanent: its URL is the period label, and its figures are the metrics' report of
that period, computed only from records dated up to the period's end, so adding later records
never changes a closed period's ``report.json``. Nothing here adds the build date or anything
about later periods to it.
"""

from __future__ import annotations

import math
from functools import partial
from typing import Any, Iterator, Mapping

import numpy as np
import orjson
import pandas as pd

from sitegen import charts
from sitegen.metrics import periods
from sitegen.metrics.goals import period_goals
from sitegen.pages import File, Page, Site, common, tickets
from sitegen.pages.goals import goal_cells
from sitegen.pages.reviews import report_json_with_review, report_reviews
from sitegen.pages.rows import records, target_line
from sitegen.pages.tiles import change_delta, tile
from sitegen.render.formatting import Formatter

KIND_LABELS = {"month": "Months", "quarter": "Quarters", "year": "Years"}
# figure, label, format, higher is better; tiles show the first TILE_COUNT present, the table all
FIGURES = (
    ("revenue", "Revenue", "money", True), ("orders", "Orders", "number", True),
    ("aov", "Average order value", "money", True), ("new_customers", "New customers", "number", True),
    ("won_amount", "Won amount", "money", True), ("won_deals", "Won deals", "number", True),
    ("win_rate", "Win rate", "pct", True), ("open_pipeline", "Open pipeline at period end", "money", True),
    ("margin", "Margin", "money", True), ("active_customers", "Active customers", "number", True),
    ("returning_customers", "Returning customers", "number", True), ("retention", "Retention", "pct", True),
    ("repeat_purchase_rate", "Repeat purchase rate", "pct", True), ("deals_created", "Deals created", "number", True),
    ("lost_deals", "Lost deals", "number", False), ("avg_deal_size", "Average deal size", "money", True),
    ("sales_cycle_days_median", "Sales cycle (median days)", "days", False),
    ("weighted_pipeline", "Weighted pipeline at period end", "money", True),
    ("stale_opportunities", "Stale deals at period end", "number", False),
    ("revenue_target", "Revenue target", "money", True), ("attainment", "Target attainment", "pct", True),
    ("new_customers_target", "New customers target", "number", True), ("nps", "NPS", "number", True),
    ("csat", "CSAT", "pct", True), ("marketing_cost", "Channel cost", "money", False),
    ("receivables_collected", "Collected on the period's orders", "money", True),
    ("receivables_overdue", "Overdue receivables at period end", "money", False),
)
TILE_COUNT = 8
DIMENSIONS = (("owner", "By owner"), ("product", "By product"), ("region", "By region"), ("channel", "By channel"),
              ("lead_source", "By lead source"))
BREAKDOWN_COLUMNS = ("key", "revenue", "revenue_target", "attainment", "orders", "new_customers", "won_deals",
                     "won_amount", "open_pipeline")


def report_json(report: Mapping[str, Any]) -> bytes:
    """The metrics' report of one period as JSON: its figures, comparisons, breakdowns and funnel.

    Numbers keep 12 significant digits: sums over more rows (later records of other periods)
    may differ in the last bits of a float, and a closed period's file must stay byte-identical.
    """
    return orjson.dumps(stable_numbers(report), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def stable_numbers(value: Any) -> Any:
    """``value`` with every float rounded to 12 significant digits (NaN as null), recursively."""
    if isinstance(value, Mapping):
        return {k: stable_numbers(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [stable_numbers(v) for v in value]
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(f"{value:.12g}")
    if isinstance(value, np.integer):
        return int(value)
    return value


def relative_change(report: Mapping[str, Any], ref: str, key: str) -> float | None:
    """The relative change of ``key`` vs ``ref``, None where the metrics say a percentage would mislead (a tiny
    base: ``change_basis`` "absolute"; the figures table shows the difference instead)."""
    basis = ((report.get("change_basis") or {}).get(ref) or {}).get(key)
    return None if basis == "absolute" else ((report.get("change") or {}).get(ref) or {}).get(key)


def change_cells(report: Mapping[str, Any], key: str, fmt: str) -> dict[str, Any]:
    """Per comparison (previous, year_ago): the change to show beside a figure: {"value", "format"} with format
    "change" (relative) or the figure's own format (the absolute difference, on a tiny base), or None."""
    out = {}
    for ref in ("previous", "year_ago"):
        basis = ((report.get("change_basis") or {}).get(ref) or {}).get(key)
        source = "absolute_change" if basis == "absolute" else "change"
        value = ((report.get(source) or {}).get(ref) or {}).get(key)
        out[ref] = None if basis is None or value is None else {"value": value, "format": fmt if
                                                                  basis == "absolute" else "change"}
    return out


def comparison_labels(report: Mapping[str, Any], fmt: Formatter) -> dict[str, str | None]:
    """For a running period: "1–20 Nov vs 1–20 Oct" per comparison made on the same days (else None)."""
    out: dict[str, str | None] = {}
    for ref in ("previous", "year_ago"):
        other = (report.get("comparison") or {}).get(ref) or {}
        out[ref] = fmt.compared_days(*(pd.Timestamp(d) for d in (report["start"], report["as_of"], other["start"],
                                                                  other["end"]))) if other.get("same_days") else None
    return out


def figure_rows(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every known figure of the period beside the previous period and the same period a year ago."""
    now = report.get("figures") or {}
    comparison = report.get("comparison") or {}
    before = (comparison.get("previous") or {}).get("figures") or {}
    year_ago = (comparison.get("year_ago") or {}).get("figures") or {}
    return [{"key": key, "label": label, "format": fmt, "value": now[key], "previous": before.get(key),
             "year_ago": year_ago.get(key), "changes": change_cells(report, key, fmt)}
            for key, label, fmt, _ in FIGURES if key in now]


def report_goals(report: Mapping[str, Any], config: Any) -> dict[str, dict[str, Any]]:
    """The goal of each figure of the report that has one (metrics/goals.py ``period_goals``)."""
    year_ago = ((report.get("comparison") or {}).get("year_ago") or {}).get("figures")
    return period_goals(report.get("figures") or {}, year_ago, report.get("kind", "month"),
                        bool(report.get("complete")), config)


def with_goals(rows: list[dict[str, Any]], goals: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The figure rows, each with its goal column (None for a figure without a goal)."""
    return [{**row, "goal": goal_cells(goals, row["key"])} for row in rows]


def report_tiles(report: Mapping[str, Any], href: str, goals: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The headline figures with the metrics' relative changes (vs previous period, vs a year ago); revenue and
    new customers with their target, coloured by the one goal rule."""
    now, change = report.get("figures") or {}, report.get("change") or {}
    out = []
    for key, label, fmt, higher in FIGURES:
        if key not in now or now[key] is None:
            continue
        goal = goals.get(key) if key in ("revenue", "new_customers") else None
        target = now.get("revenue_target") if key == "revenue" else goal and goal["target"]
        out.append(tile(label, now[key], fmt, href, target=target, met=goal and goal["met"],
                        note=goal and goal["note"],
                        deltas=[change_delta(relative_change(report, "previous", key), "vs previous period", higher),
                                change_delta(relative_change(report, "year_ago", key), "vs a year ago", higher)]))
        if len(out) == TILE_COUNT:
            break
    return out


def breakdown_tables(site: Site, report: Mapping[str, Any]) -> list[dict[str, Any]]:
    out = []
    for dimension, label in DIMENSIONS:
        rows = [dict((k, r.get(k)) for k in BREAKDOWN_COLUMNS) for r in report.get("breakdowns", {}).get(dimension, ())]
        if not rows:
            continue
        for row in rows:
            row["href"] = site.owner_href(row["key"]) if dimension == "owner" else None
        out.append({"key": dimension, "label": label, "rows": rows,
                    "has_target": any(r["revenue_target"] is not None for r in rows)})
    return out


def funnel_rows(site: Site, report: Mapping[str, Any]) -> list[dict[str, Any]]:
    rows = [dict(r) for r in report.get("funnel", ())]
    for row in rows:
        row["name"] = site.stage_names.get(row["stage"], row["stage"])
    return rows


def revenue_chart(site: Site, months: pd.DataFrame, row: Mapping[str, Any]) -> dict[str, Any] | None:
    """Revenue per month: the months of a quarter or year, or the 13 months up to a month's end;
    each month's figure is the one its own report holds, so the chart never shows later records."""
    first = row["start"] - pd.DateOffset(months=12) if row["kind"] == "month" else row["start"]
    shown = months[(months["start"] >= first) & (months["end"] <= row["end"])]
    if not len(shown):
        return None
    return charts.money(charts.bar_trend(shown["period"].tolist(), shown["revenue"].fillna(0).round(2).tolist(),
                                         "Revenue", line=target_line(shown), line_name="Target"))


def pages(site: Site) -> Iterator[Page | File]:
    m = site.metrics
    table = m.periods
    by_kind = {kind: records(table[table["kind"] == kind], ("period", "kind", "start", "end", "complete"))
               if len(table) else [] for kind in KIND_LABELS}
    index = common(site, "reports/index.html", "reports", "Reports")
    index.update(groups=[{"kind": kind, "label": KIND_LABELS[kind], "periods": list(reversed(rows))}
                         for kind, rows in by_kind.items() if rows])
    yield Page("reports/index.html", "reports.html", index)
    months = table[table["kind"] == "month"] if len(table) else table
    fmt = Formatter(site.language, site.config.site.currency)
    service = tickets.period_service(site)  # after-sales counts and feedback comments per period
    def context(kind: str, rows: list[dict[str, Any]], i: int, report: dict, path: str) -> dict[str, Any]:
        row = rows[i]
        label = row["period"]
        start, end = pd.Timestamp(row["start"]), pd.Timestamp(row["end"])
        ctx = common(site, path, "reports", label, title_is_label=False)
        goals = report_goals(report, site.config)
        ctx.update(
            period=label, kind=kind, start=row["start"], end=row["end"], closed=bool(row["complete"]),
            partial=bool(report.get("partial")), same_days=comparison_labels(report, fmt),
            previous=rows[i - 1]["period"] if i > 0 else None,
            next=rows[i + 1]["period"] if i + 1 < len(rows) else None,
            parents=parent_periods(start, kind, site.config.site.fiscal_year_start),
            tiles=report_tiles(report, f"{path}#figures", goals), figures=with_goals(figure_rows(report), goals),
            breakdowns=breakdown_tables(site, report), funnel=funnel_rows(site, report),
            revenue_chart=revenue_chart(site, months, {"kind": kind, "start": start, "end": end}),
            **report_reviews(site, label),  # the period's review meeting and the actions carried over
            **service(label),
        )
        return ctx

    for kind, rows in by_kind.items():
        for i, row in enumerate(rows):
            label = row["period"]
            report = m.reports.get(label, {})
            path = f"reports/{label}/index.html"
            yield File(f"reports/{label}/report.json", partial(report_json_with_review, site, label, report))
            yield Page(path, "report.html", partial(context, kind, rows, i, report, path))


def parent_periods(start: pd.Timestamp, kind: str, fy: int) -> list[str]:
    """The quarter and year a month belongs to (the year of a quarter), for "up" links."""
    if kind == "month":
        return [periods.quarter(start, fy).label, periods.year(start, fy).label]
    if kind == "quarter":
        return [periods.year(start, fy).label]
    return []
