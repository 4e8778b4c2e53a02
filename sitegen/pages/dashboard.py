"""The dashboard: this month against target and history, the pipeline now, the last 12 months,
and the lists that need action today."""

from __future__ import annotations

from typing import Any, Iterator

import numpy as np
import pandas as pd

from sitegen import charts
from sitegen.metrics import periods
from sitegen.metrics.goals import judge, period_goals
from sitegen.pages import Page, Site, common
from sitegen.pages.changes import headline
from sitegen.pages.funnel import funnel_charts, stage_rows
from sitegen.pages.goals import goal_items
from sitegen.pages.pipeline import forecast_chart
from sitegen.pages.reviews import overdue_actions
from sitegen.pages.rows import records, target_line
from sitegen.pages.team import owners_below_threshold
from sitegen.pages.tiles import report_delta, tile

ACTION_ROWS = 10  # rows per action list; the full list is one click away
MONTH_TILES = (  # period figure, input it needs, label, format, its target, link to the rows (default: the report)
    ("revenue", "orders", "Revenue", "money", "revenue_target", None),
    ("orders", "orders", "Orders", "number", None, None),
    ("new_customers", "orders", "New customers", "number", "new_customers_target",
     "customers/index.html#customers.sort=-first_order_date"),
    ("won_amount", "pipeline", "Won amount", "money", None, "funnel/index.html#stages"),
    ("active_customers", "orders", "Active customers", "number", None,
     "customers/index.html#customers.sort=-last_order_date"),
)
WINDOW_TILES = (  # kpi key, label, format, link to the rows behind it
    ("revenue_window", "Revenue (last 12 months)", "money", "reports/index.html"),
    ("aov_window", "Average order value", "money", "reports/index.html"),
    ("repeat_purchase_rate", "Repeat purchase rate", "pct", "customers/index.html#customers.sort=-orders"),
    ("win_rate", "Win rate", "pct", "funnel/index.html#stages"),
    ("avg_deal_size", "Average deal size", "money", "funnel/index.html#stages"),
    ("sales_cycle_days_median", "Sales cycle (median days)", "days", "funnel/index.html#stages"),
    ("nps", "NPS", "number", "team/index.html#scorecard"),
    ("csat", "CSAT", "pct", "team/index.html#scorecard"),
)
DEAL_COLUMNS = ("opportunity_id", "opportunity_name", "customer_id", "owner", "stage", "amount",
                "days_since_activity", "close_date", "stale", "overdue", "no_next_action", "next_action_overdue",
                "big_deal")
CUSTOMER_COLUMNS = ("customer_id", "name", "tier", "owner", "revenue", "last_order_date", "recency_days")
OVERDUE_COLUMNS = ("customer_id", "name", "tier", "owner", "receivable_overdue", "days_past_due")
CONTACT_COLUMNS = ("customer_id", "name", "tier", "owner", "last_contact_date", "days_since_contact",
                   "contact_every_days")
PROMISED_TIERS = ("strategic", "key")  # "needs action" lists their customers whose contact is overdue


def month_tiles(site: Site) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Tiles for the month of as_of: value, target, change vs last month and a year ago, 12-month sparkline.

    Figures come from the metrics' period table (each month computed from records up to its end).
    """
    m = site.metrics
    current = periods.month(m.as_of)
    months = m.periods[m.periods["kind"] == "month"].set_index("period") if len(m.periods) else pd.DataFrame()
    row = months.loc[current.label] if current.label in months.index else pd.Series(dtype=object)
    last_12 = [periods.month(m.as_of - pd.DateOffset(months=k)).label for k in range(11, -1, -1)]
    report = f"reports/{current.label}/index.html"
    goals = period_goals(row.to_dict(), None, "month", bool(row.get("complete", False)), site.config)
    report_json = m.reports.get(current.label)  # a running month compares the same days (metrics/reports.py)
    running = bool(report_json) and not report_json.get("complete", True)
    labels = ("vs same days last month", "vs same days a year ago") if running else ("vs last month", "vs a year ago")
    out = []
    for column, needs, label, fmt, target_column, href in MONTH_TILES:
        if column not in months or not m.inputs.get(needs):
            continue
        series = months[column]
        goal = goals.get(column) or {}
        out.append(tile(label, row.get(column), fmt, href or report,
                        target=row.get(target_column) if target_column and pd.notna(row.get(target_column))
                        else goal.get("target"),
                        met=goal.get("met"), note=goal.get("note"),
                        deltas=[report_delta(report_json, "previous", column, labels[0], fmt),
                                report_delta(report_json, "year_ago", column, labels[1], fmt)],
                        spark=[series.get(p) for p in last_12]))
    period = {"label": current.label, "to_date": bool(m.as_of < current.end)}
    return period, out


COMPANY_TILES = (  # kpi key, label, format: the whole company's headline figures beside an audience's
    ("revenue_ytd", "Revenue this year", "money"), ("revenue_window", "Revenue (last 12 months)", "money"),
    ("open_pipeline", "Open pipeline", "money"), ("weighted_pipeline", "Weighted pipeline", "money"),
    ("win_rate", "Win rate", "pct"), ("at_risk_customers", "At-risk customers", "number"),
)


def company_tiles(site: Site) -> list[dict[str, Any]]:
    """The whole company's headline figures, for an audience allowed ``company_totals``; none otherwise."""
    k = site.company_kpis
    if k is None:
        return []
    return [tile(label, k.get(key), fmt, "index.html#company") for key, label, fmt in COMPANY_TILES]


def pipeline_tiles(site: Site) -> list[dict[str, Any]]:
    k = site.metrics.kpis
    return [
        tile("Revenue this year", k.get("revenue_ytd"), "money", "team/index.html#scorecard",
             target=k.get("target_ytd"), target_label="Target year to date",
             met=judge(k.get("target_attainment_ytd"), site.config.rules.attainment_warning)),
        tile("Target for the full year", k.get("target_year"), "money", "team/index.html#scorecard"),
        tile("Forecast this quarter", k.get("forecast_quarter"), "money", "pipeline/index.html#forecast"),
        tile("Open pipeline", k.get("open_pipeline"), "money", "pipeline/index.html#open-deals"),
        tile("Weighted pipeline", k.get("weighted_pipeline"), "money", "pipeline/index.html#deals.sort=-weighted"),
        tile("Stale deals", k.get("stale_opportunities"), "number", "pipeline/index.html#deals.flag=stale"),
        tile("Close date passed", k.get("overdue_opportunities"), "number",
             "pipeline/index.html#deals.flag=close_date_passed"),
        tile("At-risk customers", k.get("at_risk_customers"), "number", "customers/index.html#customers.risk=churn_risk"),
        *([tile("Overdue receivables", site.metrics.receivables["overdue"], "money", "receivables/index.html")]
          if site.metrics.receivables else []),
    ]


def action_deals(site: Site) -> list[dict[str, Any]]:
    """Open deals that are stale or overdue, largest first."""
    deals = site.metrics.opportunities
    flagged = deals[(deals["status"] == "open") & needs_action(deals)]
    flagged = flagged.sort_values(["amount", "opportunity_id"], ascending=[False, True], na_position="last")
    rows = records(flagged.head(ACTION_ROWS), DEAL_COLUMNS)
    for row in rows:
        row["customer_href"] = site.customer_href(row["customer_id"])
        row["customer_name"] = site.customer_names.get(row["customer_id"], row["customer_id"])
        row["deal_href"] = site.deal_hrefs.get(str(row["opportunity_id"]))
        row["stage_name"] = site.stage_names.get(row["stage"], row["stage"])
        row["owner_href"] = site.owner_href(row["owner"])
    return rows


def needs_action(deals: Any) -> Any:
    """Open deals a rep must act on: stale, close date passed, no next action planned, next action overdue, or
    a big deal to check."""
    flags = [deals[c] for c in ("stale", "overdue", "no_next_action", "next_action_overdue", "big_deal") if c in deals]
    return (deals["status"] == "open") & np.logical_or.reduce([f.to_numpy(dtype=bool) for f in flags])


def action_customers(site: Site) -> list[dict[str, Any]]:
    """At-risk customers, highest lifetime revenue first."""
    customers = site.metrics.customers
    if "at_risk" not in customers:
        return []
    risky = customers[customers["at_risk"]].sort_values(["revenue", "customer_id"], ascending=[False, True])
    rows = records(risky.head(ACTION_ROWS), CUSTOMER_COLUMNS)
    for row in rows:
        row["href"] = site.customer_href(row["customer_id"])
        row["owner_href"] = site.owner_href(row["owner"])
    return rows


def _linked(site: Site, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for row in rows:
        row["href"] = site.customer_href(row["customer_id"])
        row["owner_href"] = site.owner_href(row["owner"])
    return rows


def action_receivables(site: Site) -> list[dict[str, Any]]:
    """Customers with the largest overdue amounts (empty without receivables data)."""
    customers = site.metrics.customers
    if "receivable_overdue" not in customers:
        return []
    late = customers[customers["receivable_overdue"] > 0]
    late = late.sort_values(["receivable_overdue", "customer_id"], ascending=[False, True])
    return _linked(site, records(late.head(ACTION_ROWS), OVERDUE_COLUMNS))


def action_contacts(site: Site) -> tuple[list[dict[str, Any]], int]:
    """Strategic and key customers whose contact promise is broken: never contacted first, then the longest
    since the last contact; and how many there are."""
    c = site.metrics.customers
    if "contact_overdue" not in c:
        return [], 0
    late = c[c["contact_overdue"].fillna(False).to_numpy(dtype=bool) & c["tier"].isin(PROMISED_TIERS).to_numpy()]
    late = late.assign(_never=late["last_contact_date"].isna(), _tier=late["tier"].map(PROMISED_TIERS.index))
    late = late.sort_values(["_never", "_tier", "days_since_contact", "customer_id"],
                            ascending=[False, True, False, True], na_position="last")
    return _linked(site, records(late.head(ACTION_ROWS), CONTACT_COLUMNS)), len(late)


def trend_chart(site: Site) -> dict[str, Any] | None:
    """Revenue of the last 24 months with the company's monthly target as a line (when set)."""
    months = site.metrics.periods
    months = months[months["kind"] == "month"].tail(24) if len(months) else months
    if not len(months) or "revenue" not in months:
        return None
    return charts.money(charts.bar_trend(months["period"].tolist(), months["revenue"].round(2).tolist(), "Revenue",
                                         line=target_line(months), line_name="Target"))


def pages(site: Site) -> Iterator[Page]:
    m = site.metrics
    period, this_month = month_tiles(site)
    contacts = action_contacts(site)
    window = [tile(label, m.kpis.get(key), fmt, href, responses=m.kpis.get(f"{key}_responses"))
              for key, label, fmt, href in WINDOW_TILES if key not in ("nps", "csat") or m.inputs.get("feedback")]
    context = common(site, "index.html", "dashboard", "Dashboard")
    context.update(
        period=period, month_tiles=this_month, pipeline_tiles=pipeline_tiles(site), window_tiles=window,
        company_tiles=company_tiles(site),
        revenue_chart=trend_chart(site), funnel_chart=funnel_charts(stage_rows(site))[0],
        forecast_chart=forecast_chart(site, months=6), owners_below=owners_below_threshold(site),
        action_deals=action_deals(site), action_customers=action_customers(site),
        action_receivables=action_receivables(site), has_receivables=m.receivables is not None,
        overdue_customers=(m.receivables or {}).get("customers_overdue") or 0,
        action_contacts=contacts[0], contact_overdue_count=contacts[1],
        has_activities=m.inputs.get("activities", False),
        stale_or_overdue=int(needs_action(m.opportunities).sum()) if len(m.opportunities) else 0,
        review=headline(site),
        at_risk_count=m.kpis.get("at_risk_customers") or 0,
        has_orders=m.inputs.get("orders", False), has_pipeline=m.inputs.get("pipeline", False),
        attainment_warning=site.config.rules.attainment_warning, goals=goal_items(site),
        has_reviews=bool(site.reviews), overdue_actions=overdue_actions(site),
    )
    yield Page("index.html", "dashboard.html", context)

