"""The pipeline: every open deal (grade, amount, probability, weighted amount, age, activity,
flags, next step), the forecast per month against target, coverage and velocity."""

from __future__ import annotations

from typing import Any, Iterator

import numpy as np
import pandas as pd

from sitegen import charts
from sitegen.metrics.reduce import UNASSIGNED
from sitegen.pages import Page, Site, common
from sitegen.pages.datatables import Column, data_file, filter_options, table_context
from sitegen.pages.rows import records, target_line
from sitegen.pages.tiles import tile

TABLE = "deals"
COLUMNS = (
    Column("deal", "Deal"), Column("customer", "Customer", "link", "customer_href"),
    Column("owner", "Owner", "link", "owner_href"), Column("stage", "Stage", "label"),
    Column("grade", "Grade", "label", badge=True), Column("amount", "Amount", "money"),
    Column("probability", "Probability", "pct"), Column("weighted", "Weighted", "money"),
    Column("age_days", "Age (days)", "number"), Column("days_since_activity", "Days since activity", "number"),
    Column("flag", "Flags", "flags"), Column("next_step", "Next step"), Column("next_step_date", "Next step date", "date"),
    Column("close_date", "Expected close", "date"),
)
FIELDS = ("deal", "customer", "customer_href", "owner", "owner_href", "stage", "grade", "amount", "probability",
          "weighted", "age_days", "days_since_activity", "flag", "next_step", "next_step_date", "close_date",
          "opportunity_id")
GRADES = ("high", "medium", "low")
FLAGS = ("stale", "overdue")


def open_deals(site: Site) -> pd.DataFrame:
    """Open deals with display columns, largest weighted amount first (one vectorised pass)."""
    deals = site.metrics.opportunities
    deals = deals[deals["status"] == "open"]
    names = deals["opportunity_name"] if "opportunity_name" in deals else pd.Series(None, index=deals.index)
    stale = np.where(deals["stale"].to_numpy(dtype=bool), "stale", "")
    overdue = np.where(deals["overdue"].to_numpy(dtype=bool), "overdue", "")
    out = pd.DataFrame({
        "opportunity_id": deals["opportunity_id"],
        "deal": names.where(names.notna(), deals["opportunity_id"]),
        "customer": deals["customer_id"].map(site.customer_names).fillna(deals["customer_id"]),
        "customer_href": deals["customer_id"].map(lambda c: site.customer_href(c)),
        "owner": deals["owner"], "owner_href": deals["owner"].map(lambda o: site.owner_href(o)),
        "stage": deals["stage"], "grade": deals["grade"], "amount": deals["amount"],
        "probability": deals["probability"], "weighted": deals["weighted_amount"],
        "age_days": deals["age_days"], "days_since_activity": deals["days_since_activity"],
        "flag": pd.Series(np.char.strip(np.char.add(np.char.add(stale, " "), overdue)), index=deals.index),
        "next_step": deals["next_step"] if "next_step" in deals else None,
        "next_step_date": deals["next_step_date"] if "next_step_date" in deals else pd.NaT,
        "close_date": deals["close_date"], "customer_id": deals["customer_id"],
    })
    return out.sort_values(["weighted", "opportunity_id"], ascending=[False, True], na_position="last")


def deal_labels(site: Site) -> dict[str, dict[str, str | None]]:
    """Labels of the keyed fields: stage names from the config, grades and flags from the catalog."""
    return {"stage": dict(site.stage_names), "grade": dict.fromkeys(GRADES), "flag": dict.fromkeys(FLAGS),
            "owner": {UNASSIGNED: None}}


def forecast_frame(site: Site) -> pd.DataFrame | None:
    """The metrics' forecast per month (won so far + weighted open deals), None when empty."""
    forecast = site.metrics.forecast
    if not len(forecast):
        return None
    months = forecast[forecast["kind"] == "month"] if "kind" in forecast else forecast
    return months if len(months) else None


def forecast_chart(site: Site, months: int | None = None) -> dict[str, Any] | None:
    """Won and weighted open amount per month, stacked, with the target as a line."""
    forecast = forecast_frame(site)
    if forecast is None:
        return None
    if months:
        forecast = forecast.head(months)
    return charts.stacked_bars(forecast["period"].tolist(),
                               [("Won", forecast["won_amount"].round(2).tolist(), charts.OUTCOME_COLORS["won"]),
                                ("Weighted open", forecast["weighted_open"].round(2).tolist(),
                                 charts.OUTCOME_COLORS["open"])],
                               line=target_line(forecast, "target"), line_name="Target")


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
        tile("Open deals", len(deals), "number", "pipeline/index.html#deals"),
        tile("Open pipeline", k.get("open_pipeline"), "money", "pipeline/index.html#deals.sort=-amount"),
        tile("Weighted pipeline", k.get("weighted_pipeline"), "money", "pipeline/index.html#deals.sort=-weighted"),
        tile("Forecast this quarter", k.get("forecast_quarter"), "money", "pipeline/index.html#forecast"),
        tile("Coverage this quarter", k.get("pipeline_coverage"), "pct", "pipeline/index.html#forecast"),
        tile("Pipeline velocity (per day)", k.get("pipeline_velocity"), "money", "pipeline/index.html#velocity"),
        tile("Stale deals", k.get("stale_opportunities"), "number", "pipeline/index.html#deals.flag=stale"),
        tile("Overdue deals", k.get("overdue_opportunities"), "number", "pipeline/index.html#deals.flag=overdue"),
    ]


def pages(site: Site) -> Iterator[Page]:
    m = site.metrics
    deals = open_deals(site)
    labels = deal_labels(site)
    context = common(site, "pipeline/index.html", "pipeline", "Pipeline")
    context.update(table_context(TABLE, COLUMNS, deals, FIELDS, labels))
    context.update(
        tiles=summary_tiles(site, deals),
        filters=[{"key": "owner", "label": "Owner", "options": filter_options(deals["owner"])},
                 {"key": "stage", "label": "Stage", "options": filter_options(deals["stage"], labels["stage"],
                                                                             site.config.stage_keys)},
                 {"key": "grade", "label": "Grade", "options": filter_options(deals["grade"], None, GRADES)},
                 {"key": "flag", "label": "Flags", "options": [(f, f) for f in FLAGS]}],
        forecast_chart=forecast_chart(site), forecast=forecast_rows(site),
        velocity={key: m.kpis.get(key) for key in ("win_rate", "avg_deal_size", "sales_cycle_days_mean",
                                                   "pipeline_velocity")} | {"open_deals": len(deals)},
        has_pipeline=m.inputs.get("pipeline", False),
    )
    yield Page("pipeline/index.html", "pipeline.html", context)
    yield data_file(TABLE, deals, FIELDS, labels)
