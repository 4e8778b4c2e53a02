"""The pipeline: every open deal (grade, forecast category, amount, probability, weighted amount, age, activity,
flags, next step; linked to its own page), commit and best case per rep against the quarter's target, the
forecast per month against target, coverage and velocity."""

from __future__ import annotations

from typing import Any, Iterator

import numpy as np
import pandas as pd

from sitegen import charts
from sitegen.metrics import periods as cal
from sitegen.metrics.forecast import expected_close
from sitegen.metrics.reduce import UNASSIGNED
from sitegen.pages import Page, Site, common
from sitegen.pages.deals import display_names
from sitegen.pages.datatables import Column, data_file, filter_options, sort_options, table_context
from sitegen.pages.rows import records, target_line
from sitegen.pages.tiles import tile

TABLE = "deals"
# Priority 1 fits a 1366 px screen in both languages; 2 and 3 show in wider tables only (site.css), all are in the
# CSV download. A phone shows a card per deal with the fields that have a card place.
COLUMNS = (
    Column("deal", "Deal", "link", "deal_href", card="title"),
    Column("customer", "Customer", "link", "customer_href", card="sub"),
    Column("owner", "Owner", "link", "owner_href", priority=2), Column("stage", "Stage", "label", card="stage"),
    Column("grade", "Grade", "label", badge=True, priority=3),
    Column("forecast_category", "Forecast category", "label", priority=3),
    Column("amount", "Amount", "money", card="amount"),
    Column("probability", "Probability", "pct", priority=3), Column("weighted", "Weighted", "money", priority=2),
    Column("age_days", "Age (days)", "number", priority=3),
    Column("days_since_activity", "Days since activity", "number", priority=3),
    Column("flag", "Flags", "flags", card="flags"), Column("next_step", "Next step"),
    Column("next_step_date", "Next step date", "date"), Column("close_date", "Expected close", "date", card="date"),
)
FIELDS = ("deal", "deal_href", "customer", "customer_href", "owner", "owner_href", "stage", "grade",
          "forecast_category", "amount", "probability",
          "weighted", "age_days", "days_since_activity", "flag", "next_step", "next_step_date", "close_date",
          "opportunity_id")
GRADES = ("high", "medium", "low")
# flag key -> the deal column that raises it ("overdue" is shown as "close date passed")
FLAG_COLUMNS = {"stale": "stale", "close_date_passed": "overdue", "no_next_action": "no_next_action",
                "next_action_overdue": "next_action_overdue", "big_deal": "big_deal"}
FLAGS = tuple(FLAG_COLUMNS)
CATEGORIES = ("commit", "best_case", "pipeline")


def open_deals(site: Site) -> pd.DataFrame:
    """Open deals with display columns, largest weighted amount first (one vectorised pass)."""
    deals = site.metrics.opportunities
    deals = deals[deals["status"] == "open"]
    flags = np.full(len(deals), "", dtype=object)
    for key, column in FLAG_COLUMNS.items():
        if column in deals:
            flags = flags + np.where(deals[column].to_numpy(dtype=bool), key + " ", "")
    out = pd.DataFrame({
        "opportunity_id": deals["opportunity_id"],
        "deal": display_names(site, deals), "deal_href": deals["opportunity_id"].map(site.deal_hrefs),
        "customer": deals["customer_id"].map(site.customer_names).fillna(deals["customer_id"]),
        "customer_href": deals["customer_id"].map(lambda c: site.customer_href(c)),
        "owner": deals["owner"], "owner_href": deals["owner"].map(lambda o: site.owner_href(o)),
        "stage": deals["stage"], "grade": deals["grade"], "forecast_category": deals["forecast_category"],
        "amount": deals["amount"],
        "probability": deals["probability"], "weighted": deals["weighted_amount"],
        "age_days": deals["age_days"], "days_since_activity": deals["days_since_activity"],
        "flag": pd.Series(flags, index=deals.index).str.strip(),
        "next_step": deals["next_step"] if "next_step" in deals else None,
        "next_step_date": deals["next_step_date"] if "next_step_date" in deals else pd.NaT,
        "close_date": deals["close_date"], "customer_id": deals["customer_id"],
    })
    return out.sort_values(["weighted", "opportunity_id"], ascending=[False, True], na_position="last")


def deal_labels(site: Site) -> dict[str, dict[str, str | None]]:
    """Labels of the keyed fields: stage names from the config, grades and flags from the catalog."""
    return {"stage": dict(site.stage_names), "grade": dict.fromkeys(GRADES), "flag": dict.fromkeys(FLAGS),
            "forecast_category": dict.fromkeys(CATEGORIES), "owner": {UNASSIGNED: None}}


def card_amounts(card: pd.DataFrame) -> list[float]:
    """The scorecard's won amounts and targets of the quarter that are not zero."""
    columns = [c for c in ("won_amount_quarter", "target_quarter") if c in card]
    values = card[columns].apply(pd.to_numeric, errors="coerce").to_numpy().ravel() if columns else []
    return [v for v in values if v == v and v != 0]


def category_rows(site: Site) -> list[dict[str, Any]]:
    """Per rep, for the current quarter: won so far, commit, best case and pipeline amounts of open deals expected
    to close in it (overdue ones count now), the weighted forecast and the target (owner scorecard)."""
    m = site.metrics
    deals = m.opportunities
    quarter = cal.quarter(m.as_of, site.config.site.fiscal_year_start)
    expected = expected_close(deals, m.as_of).between(quarter.start, quarter.end)
    inside = deals[expected.to_numpy() & (deals["status"] == "open").to_numpy()]
    if not len(inside) and not any(card_amounts(m.scorecard)):
        return []  # nobody won, expects or has a target this quarter: the page says so in one line
    amounts = inside.pivot_table(index="owner", columns="forecast_category", values="amount", aggfunc="sum",
                                 fill_value=0.0, observed=True).reindex(columns=list(CATEGORIES), fill_value=0.0)
    card = m.scorecard.set_index("owner") if "owner" in m.scorecard else pd.DataFrame()
    owners = sorted(set(amounts.index) | set(card.index), key=str)
    table = amounts.reindex(owners, fill_value=0.0)
    for column in ("won_amount_quarter", "forecast_quarter", "target_quarter"):
        table[column] = card[column].reindex(owners) if column in card else np.nan
    table["commit_and_won"] = table["commit"] + table["won_amount_quarter"].fillna(0.0)
    table["commit_attainment"] = table["commit_and_won"] / table["target_quarter"].where(table["target_quarter"] > 0)
    rows = records(table.rename_axis("owner").reset_index())
    for row in rows:
        row["href"] = site.owner_href(row["owner"])
    return rows


FORECAST_FIGURES = ("won_amount", "weighted_open", "target", "open_amount")


def forecast_frame(site: Site) -> pd.DataFrame | None:
    """The metrics' forecast per month (won so far + weighted open deals), None when empty or when every month is
    without a won, open or target amount (nothing to forecast: the page says so in one line)."""
    forecast = site.metrics.forecast
    if not len(forecast):
        return None
    months = forecast[forecast["kind"] == "month"] if "kind" in forecast else forecast
    figures = months.reindex(columns=list(FORECAST_FIGURES)).apply(pd.to_numeric, errors="coerce").fillna(0)
    return months if len(months) and figures.ne(0).any().any() else None


def forecast_chart(site: Site, months: int | None = None) -> dict[str, Any] | None:
    """Won and weighted open amount per month, stacked, with the target as a line."""
    forecast = forecast_frame(site)
    if forecast is None:
        return None
    if months:
        forecast = forecast.head(months)
    return charts.money(charts.stacked_bars(forecast["period"].tolist(),
                               [("Won", forecast["won_amount"].round(2).tolist(), charts.OUTCOME_COLORS["won"]),
                                ("Weighted open", forecast["weighted_open"].round(2).tolist(),
                                 charts.OUTCOME_COLORS["open"])],
                               line=target_line(forecast, "target"), line_name="Target"))


def forecast_rows(site: Site) -> list[dict[str, Any]]:
    forecast = forecast_frame(site)
    if forecast is None:
        return []
    rows = records(forecast, ("period", "won_amount", "weighted_open", "forecast", "target", "open_amount",
                              "coverage", "forecast_attainment"))
    for row in rows:  # coming months have no report yet
        row["href"] = f"reports/{row['period']}/index.html" if row["period"] in site.metrics.reports else None
    return rows


def summary_tiles(site: Site, deals: pd.DataFrame) -> list[dict[str, Any]]:
    k = site.metrics.kpis
    return [
        tile("Open deals", len(deals), "number", "pipeline/index.html#open-deals"),
        tile("Open pipeline", k.get("open_pipeline"), "money", "pipeline/index.html#deals.sort=-amount"),
        tile("Weighted pipeline", k.get("weighted_pipeline"), "money", "pipeline/index.html#deals.sort=-weighted"),
        tile("Forecast this quarter", k.get("forecast_quarter"), "money", "pipeline/index.html#forecast"),
        tile("Coverage this quarter", k.get("pipeline_coverage"), "pct", "pipeline/index.html#forecast"),
        tile("Pipeline velocity (per day)", k.get("pipeline_velocity"), "money", "pipeline/index.html#velocity"),
        tile("Stale deals", k.get("stale_opportunities"), "number", "pipeline/index.html#deals.flag=stale"),
        tile("Close date passed", k.get("overdue_opportunities"), "number",
             "pipeline/index.html#deals.flag=close_date_passed"),
        tile("What changed this week", sum(site.metrics.changes.counts.values()), "number",
             "pipeline/changes/index.html"),
    ]


def pages(site: Site) -> Iterator[Page]:
    m = site.metrics
    deals = open_deals(site)
    labels = deal_labels(site)
    context = common(site, "pipeline/index.html", "pipeline", "Pipeline")
    context.update(table_context(TABLE, COLUMNS, deals, FIELDS, labels))
    context.update(
        tiles=summary_tiles(site, deals), sorts=sort_options(COLUMNS),
        filters=[{"key": "owner", "label": "Owner", "options": filter_options(deals["owner"])},
                 {"key": "stage", "label": "Stage", "options": filter_options(deals["stage"], labels["stage"],
                                                                             site.config.stage_keys)},
                 {"key": "grade", "label": "Grade", "options": filter_options(deals["grade"], None, GRADES)},
                 {"key": "flag", "label": "Flags", "options": [(f, f) for f in FLAGS]}],
        forecast_chart=forecast_chart(site), forecast=forecast_rows(site), categories=category_rows(site),
        quarter=cal.quarter(m.as_of, site.config.site.fiscal_year_start).label,
        velocity={key: m.kpis.get(key) for key in ("win_rate", "avg_deal_size", "sales_cycle_days_mean",
                                                   "pipeline_velocity")} | {"open_deals": len(deals)},
        has_pipeline=m.inputs.get("pipeline", False),
    )
    yield Page("pipeline/index.html", "pipeline.html", context)
    yield data_file(TABLE, deals, FIELDS, labels)
