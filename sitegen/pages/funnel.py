"""The funnel: reached, conversion (stage to stage and cumulative) by count and amount, win
probability and time per stage with a link to each stage's playbook guide, lost reasons and
the stage where deals were lost, and breakdowns by owner, lead source and product."""

from __future__ import annotations

from typing import Any, Iterator

import pandas as pd

from sitegen import charts
from sitegen.pages import Page, Site, common
from sitegen.pages.rows import records
from sitegen.pages.tiles import tile

BREAKDOWNS = (("owner", "By owner"), ("lead_source", "By lead source"), ("product", "By product"))
BREAKDOWN_COLUMNS = ("key", "deals_created", "won_deals", "lost_deals", "win_rate", "won_amount", "avg_deal_size",
                     "open_pipeline")
CHANNEL_COLUMNS = ("channel", "revenue", "orders", "deals_created", "won_deals", "won_amount", "cost", "roi")
STAGE_COLUMNS = ("probability", "probability_source", "median_days", "max_days")
FUNNEL_COLUMNS = ("stage", "reached", "amount", "conversion_from_previous", "conversion_from_first",
                  "value_conversion_from_previous", "value_conversion_from_first")


def stage_rows(site: Site) -> list[dict[str, Any]]:
    """One row per stage (and won): funnel figures, with the stage's win probability and time in
    stage from the metrics' stage table, its name and the link to its playbook guide."""
    m = site.metrics
    if not len(m.funnel):
        return []
    stats = m.stage_stats.reindex(columns=["stage", *STAGE_COLUMNS]) if len(m.stage_stats) else \
        pd.DataFrame(columns=["stage", *STAGE_COLUMNS])
    rows = records(m.funnel.merge(stats, on="stage", how="left"), (*FUNNEL_COLUMNS, *STAGE_COLUMNS))
    for row in rows:
        key = row["stage"]
        guide = site.playbook.stage_guide(key) if site.playbook is not None and key in site.stage_names else None
        row.update(name=site.stage_names.get(key), guide_href=guide.url if guide else None,
                   slow=None not in (row["median_days"], row["max_days"]) and row["median_days"] > row["max_days"],
                   configured_probability=row["probability_source"] == "config")  # starred; the footnote says why
    return rows


def funnel_charts(rows: list[dict[str, Any]]) -> tuple[dict | None, dict | None]:
    """The funnel by count and by amount (None without deals or amounts); stage names are final, "won" is
    translated when rendering."""
    if not rows:
        return None, None
    labels = [r["name"] or r["stage"] for r in rows]
    labels[-1] = "won"
    by_count = charts.funnel(labels, [r["reached"] for r in rows], "Deals")
    by_amount = charts.money(charts.funnel(labels, [round(r["amount"] or 0, 2) for r in rows], "Amount", ".3s"))
    for spec in (by_count, by_amount):
        if spec is not None:
            spec["data"][0]["meta"] = {**(spec["data"][0].get("meta") or {}), "i18n": "y"}
    return by_count, by_amount


def lost_rows(frame: pd.DataFrame, key: str, stage_names: dict[str, str]) -> tuple[list[dict[str, Any]], dict | None]:
    """Lost deals by reason or by the stage where they were lost: table rows and a bar chart (stages where no deal
    was lost are left out, so a funnel without lost deals says so in one line)."""
    if len(frame) and "deals" in frame:
        frame = frame[frame["deals"].fillna(0) > 0]
    if not len(frame):
        return [], None
    rows = records(frame)
    for row in rows:
        row["label"] = stage_names.get(row[key], row[key]) if key == "stage" else row[key]
    chart = charts.bars([r["label"] for r in rows], [r["deals"] for r in rows], "Lost deals",
                        charts.OUTCOME_COLORS["lost"], horizontal=True, translate_labels=key != "stage")
    return rows, chart


def breakdown_rows(site: Site) -> list[dict[str, Any]]:
    """Deals, win rate and amounts over the window per owner, lead source and product (where known)."""
    b = site.metrics.breakdowns
    if not len(b):
        return []
    window = b[b["period"] == "window"]
    out = []
    for dimension, label in BREAKDOWNS:
        frame = window[window["dimension"] == dimension]
        frame = frame[frame[["deals_created", "won_deals", "open_deals"]].fillna(0).sum(axis=1) > 0] \
            if {"deals_created", "won_deals", "open_deals"} <= set(frame.columns) else frame
        if not len(frame):
            continue
        rows = records(frame.sort_values(["won_amount", "key"], ascending=[False, True]), BREAKDOWN_COLUMNS)
        for row in rows:
            row["href"] = site.owner_href(row["key"]) if dimension == "owner" else None
        out.append({"key": dimension, "label": label, "rows": rows})
    return out


def channel_rows(site: Site) -> list[dict[str, Any]]:
    """Revenue, won amount, cost and ROI per channel / lead source over the window."""
    return records(site.metrics.channels, CHANNEL_COLUMNS) if len(site.metrics.channels) else []


def pages(site: Site) -> Iterator[Page]:
    k = site.metrics.kpis
    rows = stage_rows(site)
    by_count, by_amount = funnel_charts(rows)
    reasons, reasons_chart = lost_rows(site.metrics.lost_reasons, "reason", site.stage_names)
    lost_at, lost_at_chart = lost_rows(site.metrics.lost_stages, "stage", site.stage_names)
    context = common(site, "funnel/index.html", "funnel", "Funnel")
    context.update(
        tiles=[tile("Deals created (last 12 months)", rows[0]["reached"] if rows else None, "number",
                    "funnel/index.html#stages"),
               tile("Win rate", k.get("win_rate"), "pct", "pipeline/index.html#open-deals"),
               tile("Win rate by value", k.get("win_rate_value"), "pct", "pipeline/index.html#open-deals"),
               tile("Average deal size", k.get("avg_deal_size"), "money", "funnel/index.html#breakdowns"),
               tile("Sales cycle (median days)", k.get("sales_cycle_days_median"), "days", "funnel/index.html#stages"),
               tile("Sales cycle (mean days)", k.get("sales_cycle_days_mean"), "days", "funnel/index.html#stages")],
        stages=rows, count_chart=by_count, amount_chart=by_amount,
        lost_reasons=reasons, lost_reasons_chart=reasons_chart, lost_at=lost_at, lost_at_chart=lost_at_chart,
        breakdowns=breakdown_rows(site), channels=channel_rows(site), skipped_share=k.get("skipped_stage_share"),
        has_history=site.dataset.has("stage_history"), has_pipeline=site.metrics.inputs.get("pipeline", False),
    )
    yield Page("funnel/index.html", "funnel.html", context)
