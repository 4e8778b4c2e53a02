"""Runs the topic modules in order and collects their results into the fields of ``Metrics``."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sitegen.config import Config
from sitegen.dataset import Dataset
from sitegen.metrics import breakdowns as bd
from sitegen.metrics import channels, contact, customers, feedback, forecast, funnel, goals, opportunities, orders
from sitegen.metrics import outcomes
from sitegen.metrics import periods as cal
from sitegen.metrics import pipeline, receivables, reduce, reports, service, stages, targets, team
from sitegen.metrics import changes, grading

WORKING_COLUMNS = ("pos", "opportunity_id", "customer_id", "owner", "lead_source", "lost_reason", "status", "stage",
                   "reached", "amount", "weighted_amount", "created_date", "close_date", "closed_on", "stale",
                   "overdue", "days_since_activity", "days_in_stage")


def compute(dataset: Dataset, config: Config, as_of: pd.Timestamp) -> dict[str, Any]:
    """Every field of ``Metrics`` for ``as_of``."""
    window_start = as_of - pd.Timedelta(days=config.rules.window_days - 1)
    reduced = reduce.reduce_dataset(dataset, config, as_of)
    base = pipeline.deal_base(dataset, config, reduced.deal_activity, reduced.deal_next_action)
    deals = opportunities.opportunities(base, config, as_of)
    inputs = period_inputs(dataset, config, as_of, reduced, base, deals)
    out: dict[str, Any] = {"as_of": as_of, "window_start": window_start, "opportunities": deals.drop(columns="pos"),
                           "orders": reduced.orders, "customer_months": reduced.customer_months,
                           "product_months": reduced.product_months, "monthly": orders.monthly(reduced.orders),
                           "cohorts": orders.cohorts(reduced.customer_months, as_of),
                           "inputs": {name: dataset.has(name) for name in config.tables}}
    working = _working(deals)
    out.update(_customers(dataset, reduced, working, config, as_of, window_start))
    out.update(_pipeline(base, working, config, as_of, window_start))
    out["opportunities"] = _review(dataset, base, out, config, as_of)
    out["changes"] = changes.weekly_changes(dataset.snapshots, base, out["opportunities"], config, as_of,
                                            dataset.has("stage_history"))
    out.update(_team(inputs, working, out["customers"], window_start))
    periods = reports.report_periods(inputs)
    figures, breakdown, funnels = reports.period_tables(inputs, periods)
    figures = receivables.period_figures(reduced.receivables, figures)
    breakdown = pd.concat([_window_breakdown(inputs, working, window_start), breakdown], ignore_index=True)
    same_days = receivables.period_figures(reduced.receivables, reports.same_days_figures(inputs, periods))
    out.update(periods=figures, breakdowns=breakdown,
               reports=reports.build_reports(figures, breakdown, funnels, same_days))
    out.update(_service(dataset, config, as_of, window_start, figures))
    out["kpis"] = {**_order_kpis(dataset, reduced, window_start, as_of, config), **out.pop("_pipeline"),
                   **out.pop("_team"), **out.pop("_feedback"),
                   "at_risk_customers": int(out["customers"]["at_risk"].sum()) if dataset.has("orders") else None}
    out["receivables"] = receivables.summary(reduced.receivables, reduced.orders, as_of)
    out["receivable_lines"] = reduced.receivables.lines if reduced.receivables is not None else pd.DataFrame()
    out["owner_followup"] = receivables.by_owner(out["customers"])
    out["customer_products"] = reduced.customer_products
    out["kpis"].update(goals.goal_kpis(reduced.orders, figures, out["stage_stats"], out["channels"],
                                       out["kpis"]["aov_window"], window_start, as_of, dataset.has("orders"), config))
    out["goals"] = goals.goal_list(out["kpis"], figures, out["inputs"], config)
    return out


def _review(dataset: Dataset, base: pipeline.DealBase, out: dict[str, Any], config: Config,
            as_of: pd.Timestamp) -> pd.DataFrame:
    """The opportunity table with the big-deal check (against lifetime revenue and the average won deal)."""
    deals = out["opportunities"]
    revenue = out["customers"].set_index("customer_id")["revenue"] if dataset.has("orders") else pd.Series(dtype=float)
    big = grading.big_deal_flags(deals, revenue, out["_pipeline"].get("avg_deal_size"), config.rules.big_deal_multiple)
    return deals.assign(big_deal=big.to_numpy())


def _service(dataset: Dataset, config: Config, as_of: pd.Timestamp, window_start: pd.Timestamp,
             figures: pd.DataFrame) -> dict[str, Any]:
    """Complaint tickets against the service levels, and the feedback comments per customer and period."""
    periods = figures[["period", "kind", "start", "end"]] if len(figures) else \
        pd.DataFrame(columns=["period", "kind", "start", "end"])
    notes = feedback.comments(dataset.get("feedback"), as_of)
    return {"service": service.service_metrics(dataset.get("complaints"), config, as_of, window_start, periods),
            "feedback_comments": notes,
            "feedback_period_comments": feedback.period_comments(notes, periods, config.site.fiscal_year_start)}


def _working(deals: pd.DataFrame) -> pd.DataFrame:
    """The opportunity columns the metrics below read, status as a categorical: their many filters and
    comparisons copy and compare far less than on the full table (text columns, status as text)."""
    return deals[list(WORKING_COLUMNS)].assign(status=deals["status"].astype(pipeline.STATUS_DTYPE))


def _customers(dataset: Dataset, reduced: reduce.Reduced, deals: pd.DataFrame, config: Config,
               as_of: pd.Timestamp, window_start: pd.Timestamp) -> dict[str, Any]:
    """The customer table with each customer's latest feedback, and the feedback fields."""
    table = customers.customer_table(dataset, reduced, deals, config, as_of, window_start)
    per_customer = feedback.customer_feedback(feedback.responses(dataset.get("feedback"), None, as_of, True))
    table = table.join(per_customer, on="customer_id")
    table = _followup(table, dataset, reduced, config, as_of)
    for col in ("nps_responses", "csat_responses"):
        table[col] = table[col].fillna(0).astype("int64")
    window_feedback = feedback.responses(dataset.get("feedback"), window_start, as_of, undated=True)
    return {"customers": table, "feedback": per_customer.reset_index(),
            "_feedback": feedback.feedback_kpis(window_feedback, dataset.has("feedback"))}


def _followup(table: pd.DataFrame, dataset: Dataset, reduced: reduce.Reduced, config: Config,
              as_of: pd.Timestamp) -> pd.DataFrame:
    """The customer table with receivables (when orders have paid_amount) and the tier contact promise."""
    ids = table["customer_id"]
    if reduced.receivables is not None:
        money = reduced.receivables.customers.drop(columns=list(receivables.BUCKETS)).reindex(ids)
        table = table.assign(**{col: money[col].array for col in money})
    status = contact.contact_status(table.set_index("customer_id")["tier"], reduced.customer_contact,
                                    config.contact_every_days, as_of, dataset.has("activities"))
    return table.assign(**{col: status[col].array for col in status})


def _pipeline(base: pipeline.DealBase, deals: pd.DataFrame, config: Config, as_of: pd.Timestamp,
              window_start: pd.Timestamp) -> dict[str, Any]:
    """Funnel, stage probabilities and statistics, losses (the window's deals)."""
    probabilities = funnel.stage_probabilities(deals, window_start, as_of, config)
    funnel_frame = funnel.funnel(deals, window_start, as_of, config)
    spent = stages.time_in_stage(base, window_start, as_of, config)
    skipped, skipped_share = stages.skipped_stages(base, deals, window_start, as_of, config)
    lost = stages.lost_by_stage(deals, window_start, as_of, config)
    kpis = {**outcomes.pipeline_kpis(deals, window_start, as_of), "skipped_stage_share": skipped_share,
            "follow_up_compliance": _compliance(deals, config.rules.stale_after_days)}
    if not len(base.deals):  # no pipeline file (or no deals in it): no pipeline KPIs, no funnel
        kpis = dict.fromkeys(kpis)
        funnel_frame = funnel_frame.iloc[0:0]
    return {"funnel": funnel_frame, "stage_probabilities": probabilities, "time_in_stage": spent,
            "stage_stats": funnel.stage_stats(deals, funnel_frame, probabilities, spent, skipped, lost, config),
            "lost_reasons": stages.lost_reasons(deals, window_start, as_of), "lost_stages": lost, "_pipeline": kpis}


def _team(inputs: reports.PeriodInputs, deals: pd.DataFrame, table: pd.DataFrame,
          window_start: pd.Timestamp) -> dict[str, Any]:
    """Forecast, channels and the owner scorecard (needs targets of the current and coming periods)."""
    config, as_of, reduced = inputs.config, inputs.as_of, inputs.reduced
    fy = config.site.fiscal_year_start
    horizon = forecast.forecast_periods(deals, as_of, fy)
    company_targets, owner_targets = targets.period_targets(inputs.revenue_targets, horizon, fy)
    forecast_frame = forecast.forecast_table(deals, as_of, fy, company_targets.set_index("period")["target"])
    target_ytd, owner_ytd = _ytd_targets(inputs.revenue_targets, as_of, fy)
    year_company, year_owners = targets.period_targets(inputs.revenue_targets, [cal.year(as_of, fy)], fy)
    target_year = year_company["target"].astype(float).sum(min_count=1)  # the full fiscal year, beside the YTD
    owner_year = year_owners.set_index("owner")["target"].astype(float).rename("target_year")
    this_quarter = cal.quarter(as_of, fy)
    quarter = forecast.forecast_by(deals, this_quarter, as_of, deals["owner"])
    quarter_target = owner_targets[owner_targets["period"] == this_quarter.label].set_index("owner")["target"]
    quarter = forecast.with_targets(quarter, quarter_target.reindex(quarter.index))
    ytd_start = cal.year(as_of, fy).start
    new_ytd = _ytd_targets(inputs.new_customer_targets, as_of, fy)[1].rename("new_customers_target_ytd")
    card = team.scorecard(reduced.orders, deals, table, reduced.activities, inputs.window_feedback,
                          pd.concat([owner_ytd.rename("target_ytd"), new_ytd, owner_year], axis=1), quarter, window_start, as_of,
                          ytd_start, config.rules, config.appraisal.weights())
    costs = channels.window_costs(inputs.costs, window_start, as_of, fy)
    revenue_ytd = float(reduced.orders.loc[reduced.orders["order_date"].between(ytd_start, as_of), "revenue"].sum()) \
        if inputs.has_orders else None
    attainment = revenue_ytd / target_ytd if revenue_ytd is not None and target_ytd else None
    return {
        "forecast": forecast_frame, "scorecard": card,
        "owner_activities": team.owner_activities(reduced.activities, window_start, as_of),
        "channels": channels.channel_table(reduced.orders, deals, costs, window_start, as_of),
        "_team": {**forecast.forecast_kpis(forecast_frame, as_of, fy), "revenue_ytd": revenue_ytd,
                  "target_ytd": target_ytd, "target_year": None if pd.isna(target_year) else float(target_year),
                  "target_attainment_ytd": attainment,
                  "target_attainment_warning": None if attainment is None
                  else attainment < config.rules.attainment_warning},
    }


def _order_kpis(dataset: Dataset, reduced: reduce.Reduced, window_start: pd.Timestamp, as_of: pd.Timestamp,
                config: Config) -> dict[str, Any]:
    if not dataset.has("orders"):
        return dict.fromkeys(orders.ORDER_KPIS)
    return orders.order_kpis(reduced.orders, window_start, as_of, config.rules.window_days)


def single_report(dataset: Dataset, config: Config, label: str, as_of: pd.Timestamp) -> dict[str, Any] | None:
    """One period's report from the dataset as of the period's end (see ``metrics.period_report``)."""
    fy = config.site.fiscal_year_start
    period = cal.parse_period(label, fy)
    if period is None or period.start > as_of:
        return None
    end = min(period.end, as_of)
    reduced = reduce.reduce_dataset(dataset, config, end)
    base = pipeline.deal_base(dataset, config, reduced.deal_activity, reduced.deal_next_action)
    deals = opportunities.opportunities(base, config, end)
    inputs = period_inputs(dataset, config, end, reduced, base, deals)
    same_kind = [p for p in reports.report_periods(inputs) if p.kind == period.kind]
    if period.label not in {p.label for p in same_kind}:
        return None
    wanted = {label, cal.previous(period, fy).label, cal.year_ago(period, fy).label}
    figures, breakdown, funnels = reports.period_tables(inputs, same_kind)
    figures = receivables.period_figures(reduced.receivables, figures)
    same_days = receivables.period_figures(reduced.receivables, reports.same_days_figures(
        inputs, [p for p in same_kind if p.label == label or p.label in wanted]))
    return reports.build_reports(figures, breakdown[breakdown["period"].isin(wanted)], funnels, same_days)[label]


def period_inputs(dataset: Dataset, config: Config, as_of: pd.Timestamp, reduced: reduce.Reduced,
                  base: pipeline.DealBase, deals: pd.DataFrame) -> reports.PeriodInputs:
    """Everything period figures need, parsed once: targets, costs, feedback, regions, breakdown labels."""
    fy = config.site.fiscal_year_start
    master = dataset.get("customers")
    region = None
    if master is not None and "region" in master:
        region = master.drop_duplicates("customer_id").set_index("customer_id")["region"]
    months = base.deals["created_date"].pipe(lambda d: pd.Series(cal.month_ids(d), index=d.index)).where(
        base.deals["created_date"].notna())
    first_seen = {  # raw label -> month first seen (regions: master data, undated)
        "product": _earliest(reduced.product_months.groupby("product")["month_id"].min(),
                             months.groupby(base.deals["product"]).min() if "product" in base.present else None),
        "region": pd.Series(np.nan, index=pd.unique(region.dropna())) if region is not None else None,
        "lead_source": months.groupby(base.deals["lead_source"]).min() if "lead_source" in base.present else None,
        "channel": reduced.orders.groupby("channel", observed=True)["month_id"].min()
        if "channel" in reduced.orders else None}
    labels = {dim: bd.canonical_labels(s) for dim, s in first_seen.items() if s is not None and len(s)}
    order_channels = set(channels.channel_key(pd.Series(reduced.orders["channel"].unique())).dropna()) \
        if "channel" in reduced.orders else set()
    return reports.PeriodInputs(
        reduced=reduced, base=base, config=config, as_of=as_of,
        feedback=feedback.responses(dataset.get("feedback"), None, as_of, undated=False),
        window_feedback=feedback.responses(dataset.get("feedback"), as_of - pd.Timedelta(
            days=config.rules.window_days - 1), as_of, undated=True),
        revenue_targets=targets.period_rows(dataset.get("targets"), "owner", "revenue_target", fy),
        new_customer_targets=targets.period_rows(dataset.get("targets"), "owner", "new_customers_target", fy),
        costs=channels.cost_rows(dataset.get("channel_costs"), fy), labels=labels,
        order_keys=bd.order_keys(reduced.orders, region, labels),
        order_channels=frozenset(order_channels), deal_keys=bd.deal_keys(base.deals, labels, base.present),
        has_orders=dataset.has("orders"))


def _window_breakdown(inputs: reports.PeriodInputs, deals: pd.DataFrame, start: pd.Timestamp) -> pd.DataFrame:
    """Breakdown rows of the analysis window (period "window"): orders in it, deals closed in it, open now."""
    o = inputs.reduced.orders
    parts = [bd.order_rows(o, np.zeros(len(o), dtype=np.int64), inputs.order_keys,
                           o["order_date"].between(start, inputs.as_of).to_numpy())]
    products = inputs.reduced.product_months
    first_month = int(cal.month_ids(pd.Series([start]))[0])
    parts.append(bd.product_rows(products, np.zeros(len(products), dtype=np.int64), inputs.labels.get("product"),
                                 products["month_id"].to_numpy() >= first_month))
    pairs = inputs.reduced.product_orders
    if pairs is not None:
        parts.append(bd.product_order_rows(pairs, np.zeros(len(pairs), dtype=np.int64), inputs.labels.get("product"),
                                           pairs["month_id"].to_numpy() >= first_month))
    rows = [p.drop(columns="pid") for p in parts if len(p)]
    order_part = pd.concat(rows, ignore_index=True).assign(period="window", kind="window") if rows else pd.DataFrame()
    columns = ["status", "amount", "weighted_amount", "stale", "overdue", "closed_on", "created_date", "reached"]
    current = deals[["pos", *columns]].assign(period=0)
    closed = funnel.closed_between(current, start, inputs.as_of)
    created = current[current["created_date"].between(start, inputs.as_of)]
    deal_part = bd.deal_rows(closed, current[current["status"] == "open"], created, inputs.deal_keys)
    if len(deal_part):
        deal_part = deal_part.drop(columns="pid").assign(period="window", kind="window")
    return bd.combine(order_part, deal_part).sort_values(["dimension", "key"], kind="stable")


def _earliest(*series: pd.Series | None) -> pd.Series:
    """Element-wise minimum of several label -> value series."""
    present = [s.astype(float) for s in series if s is not None]
    return pd.concat(present).groupby(level=0).min() if present else pd.Series(dtype=float)


def _ytd_targets(rows: pd.DataFrame, as_of: pd.Timestamp, fy: int) -> tuple[float | None, pd.Series]:
    """Revenue target for the fiscal year to date (company, and per owner): months so far, the current pro rata."""
    weights = targets.ytd_weights(as_of, fy)
    company, owners = targets.period_targets(rows, [m for m, _ in weights], fy)
    share = {m.label: w for m, w in weights}
    total = (company["target"] * company["period"].map(share).astype(float)).sum(min_count=1)
    per_owner = (owners["target"] * owners["period"].map(share).astype(float)).groupby(owners["owner"]).sum()
    return (None if pd.isna(total) else float(total)), per_owner.astype(float)


def _compliance(deals: pd.DataFrame, days: int) -> float | None:
    """Share of open deals with an activity in the last ``days`` days (None without open deals)."""
    open_deals = deals[deals["status"] == "open"]
    return float((open_deals["days_since_activity"] <= days).mean()) if len(open_deals) else None
