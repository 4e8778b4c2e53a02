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
from sitegen.pages import File, Page, Site, common
from sitegen.pages.rows import records, target_line
from sitegen.pages.tiles import change_delta, tile

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
    ("sales_cycle_days_median", "Sales cycle (median days)", "number", False),
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


def figure_rows(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every known figure of the period beside the previous period and the same period a year ago."""
    now = report.get("figures") or {}
    comparison = report.get("comparison") or {}
    before = (comparison.get("previous") or {}).get("figures") or {}
    year_ago = (comparison.get("year_ago") or {}).get("figures") or {}
    return [{"key": key, "label": label, "format": fmt, "value": now[key], "previous": before.get(key),
             "year_ago": year_ago.get(key)} for key, label, fmt, _ in FIGURES if key in now]


def report_tiles(report: Mapping[str, Any], href: str, warn_below: float) -> list[dict[str, Any]]:
    """The headline figures with the metrics' relative changes (vs previous period, vs a year ago)."""
    now, change = report.get("figures") or {}, report.get("change") or {}
    out = []
    for key, label, fmt, higher in FIGURES:
        if key not in now or now[key] is None:
            continue
        target = now.get("revenue_target") if key == "revenue" else now.get("new_customers_target") \
            if key == "new_customers" else None
        out.append(tile(label, now[key], fmt, href, target=target, warn_below=warn_below if key == "revenue" else None,
                        deltas=[change_delta((change.get("previous") or {}).get(key), "vs previous period", higher),
                                change_delta((change.get("year_ago") or {}).get(key), "vs a year ago", higher)]))
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
    return charts.bar_trend(shown["period"].tolist(), shown["revenue"].fillna(0).round(2).tolist(), "Revenue",
                            line=target_line(shown), line_name="Target")


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
    warn = site.config.rules.attainment_warning
    def context(kind: str, rows: list[dict[str, Any]], i: int, report: dict, path: str) -> dict[str, Any]:
        row = rows[i]
        label = row["period"]
        start, end = pd.Timestamp(row["start"]), pd.Timestamp(row["end"])
        ctx = common(site, path, "reports", label, title_is_label=False)
        ctx.update(
            period=label, kind=kind, start=row["start"], end=row["end"], closed=bool(row["complete"]),
            previous=rows[i - 1]["period"] if i > 0 else None,
            next=rows[i + 1]["period"] if i + 1 < len(rows) else None,
            parents=parent_periods(start, kind, site.config.site.fiscal_year_start),
            tiles=report_tiles(report, f"{path}#figures", warn), figures=figure_rows(report),
            breakdowns=breakdown_tables(site, report), funnel=funnel_rows(site, report),
            revenue_chart=revenue_chart(site, months, {"kind": kind, "start": start, "end": end}),
        )
        return ctx

    for kind, rows in by_kind.items():
        for i, row in enumerate(rows):
            label = row["period"]
            report = m.reports.get(label, {})
            path = f"reports/{label}/index.html"
            yield File(f"reports/{label}/report.json", partial(report_json, report))
            yield Page(path, "report.html", partial(context, kind, rows, i, report, path))


def parent_periods(start: pd.Timestamp, kind: str, fy: int) -> list[str]:
    """The quarter and year a month belongs to (the year of a quarter), for "up" links."""
    if kind == "month":
        return [periods.quarter(start, fy).label, periods.year(start, fy).label]
    if kind == "quarter":
        return [periods.year(start, fy).label]
    return []
