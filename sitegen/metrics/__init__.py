"""Pure functions from a :class:`Dataset` to figures and frames; :func:`compute_metrics` runs them all.

Nothing here touches files, templates or HTML. Pages read the frames of :class:`Metrics`;
nothing is computed twice. docs/metrics.md defines every figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import pandas as pd

from sitegen.config import Config
from sitegen.dataset import Dataset
from sitegen.metrics import assemble
from sitegen.metrics.changes import Changes
from sitegen.metrics.service import ServiceMetrics

Frame = pd.DataFrame


def _frame() -> Any:
    return field(default_factory=pd.DataFrame)


@dataclass(frozen=True)
class Metrics:
    """Everything pages and outputs need, computed once per build (docs/metrics.md defines each figure).

    Money is in the site currency; rates are shares 0-1 (NPS -100..100); "window" is the
    ``window_days`` ending at as_of. Frames are sorted and must not be modified by pages.

    Fields (one row per ...: columns):

    - ``kpis``: SPEC §6 keys and more; None when the input is absent.
    - ``funnel``: stage, then "won": stage, reached, amount, conversion_from_previous, conversion_from_first,
      value_conversion_from_previous, value_conversion_from_first (deals created in the window).
    - ``stage_probabilities``: stage: won, lost, historical, probability, source ("history" / "config").
    - ``customers``: customer of any table: SPEC §6 columns, master data, revenue_window, orders_window, aov,
      margin, cva, open_deals, won_deals, weighted_pipeline, median_gap_days, risk_after_days, at_risk,
      last_activity_date, nps_last, csat_last, nps_responses, csat_responses, feedback_last_date,
      last_contact_date, contact_every_days, days_since_contact, contact_overdue (missing without activities),
      and with a paid_amount column receivable_outstanding, receivable_overdue, oldest_overdue_date, days_past_due.
    - ``opportunities``: deal existing at as_of: SPEC §6 columns, the input columns, reached, reached_stage,
      closed_on, crm_probability, last_activity, days_since_activity, days_in_stage, next_action_date,
      no_next_action, next_action_overdue, region; grade_source ("manual" / "factors" / "probability"),
      grade_score, grade_high_at, grade_medium_at, grade_lowered, forecast_category (commit / best_case /
      pipeline), forecast_source, big_deal (open deals; see metrics/grading.py).
    - ``changes``: the weekly review against the base snapshot (a ``Changes``; metrics/changes.py).
    - ``orders``: order: order_key, customer_id, order_date, revenue, cost, margin, owner (attributed),
      channel, is_return, first_order, month_id (customer_id, owner and channel are categoricals).
    - ``customer_months``: customer x month: customer_id, month (YYYY-MM), month_id, revenue, margin, orders.
    - ``monthly``: calendar month (gaps as zeros): month, revenue, orders, active_customers, new_customers,
      aov, margin, returning_customers.
    - ``inputs``: table name -> whether its file was present.
    - ``periods``: month, quarter and (fiscal) year from the first data to as_of: period, kind, start, end,
      as_of, complete, elapsed, previous, year_ago (labels); revenue, margin, orders, aov, active_customers,
      new_customers, returning_customers, retained_customers, retention, customers_to_date,
      repeat_customers_to_date, repeat_purchase_rate, nps, nps_responses, csat, csat_responses,
      marketing_cost, deals_created, won_deals, lost_deals, won_amount, lost_amount, win_rate,
      win_rate_value, avg_deal_size, sales_cycle_days_median, sales_cycle_days_mean; at the period's end
      open_opportunities, open_pipeline, weighted_pipeline, stale_opportunities, overdue_opportunities;
      revenue_target, revenue_target_source, attainment, attainment_warning, new_customers_target,
      new_customers_attainment; with a paid_amount column receivables_collected, receivables_overdue.
      Only records dated up to the period's end count.
    - ``breakdowns``: period (and "window") x dimension (owner, region, channel, product, lead_source) x key:
      kind, revenue, margin, orders, active_customers, new_customers, quantity, deals_created, won_deals,
      lost_deals, won_amount, win_rate, avg_deal_size, open_deals, open_pipeline, weighted_pipeline,
      revenue_target and attainment (owner rows), cost and roi (channel or lead_source rows).
    - ``reports``: period label -> JSON-ready report: period, kind, start, end, as_of, complete, figures,
      comparison {previous, year_ago: {period, figures}}, change {previous, year_ago: relative changes},
      breakdowns {dimension: rows}, funnel (deals created in the period, at its end).
    - ``forecast``: current and coming month/quarter/year: period, kind, start, end, won_deals, won_amount,
      open_deals, open_amount, weighted_open, forecast, target, gap, coverage, forecast_attainment.
    - ``stage_stats``: open stage (playbook stage guides): max_days, probability, probability_source,
      deals_now, amount_now, weighted_now, stale_now, overdue_now, over_max_days, median_days_now,
      conversion_to_next, transitions, median_days, mean_days, entered, skipped, lost.
    - ``time_in_stage``: open stage: max_days, transitions, median_days, mean_days, over_max_share.
    - ``lost_reasons``: reason: deals, amount, share (lost deals closed in the window).
    - ``lost_stages``: open stage: deals, amount lost there (closed in the window).
    - ``scorecard``: owner (window unless named): revenue, margin, orders, new_customers, active_customers,
      revenue_ytd, target_ytd, attainment_ytd, attainment_warning, won_deals, lost_deals, won_amount,
      lost_amount, win_rate, win_rate_value, avg_deal_size, sales_cycle_days_median/_mean, open_deals,
      open_pipeline, weighted_pipeline, stale_deals, overdue_deals, follow_up_compliance, customers,
      activities, nps, nps_responses, csat, csat_responses, and for the current quarter won_deals_quarter,
      won_amount_quarter, open_deals_quarter, open_amount_quarter, weighted_open_quarter, forecast_quarter,
      target_quarter, gap_quarter, coverage_quarter, forecast_attainment_quarter.
    - ``owner_activities``: owner x activity type: activities (in the window).
    - ``channels``: channel or lead source: revenue, orders, won_amount, won_deals, deals_created, cost,
      roi_basis ("revenue" / "won_amount"), roi (window).
    - ``cohorts``: first-order month x months since: cohort, months_since, customers, active, retention.
    - ``feedback``: customer with feedback: nps_responses, csat_responses, nps_last, csat_last,
      feedback_last_date.
    - ``product_months``: product x month of the order: product, month_id, revenue, margin, quantity, lines.
    - ``service``: complaint tickets against ``[service]`` (a ``ServiceMetrics``; ``present`` False without
      complaints.csv): figures (metrics.json "service"), tickets (ticket: state at as_of, SLA columns), periods
      (report period: opened, closed, late, open_at_end, median_resolution_days, within_sla_share), customers
      (customer with tickets: tickets, open_tickets, overdue_tickets, tickets_window, last_opened_date), owners /
      categories / severities (opened_window, closed_window, open, overdue, late_window, median_resolution_days,
      within_sla_share).
    - ``feedback_comments``: scored feedback with a comment up to as_of, lowest scores first: customer_id, date,
      kind, score, score_share (0 worst .. 1 best), comment.
    - ``feedback_period_comments``: the same once per report period the comment is dated in: period first.
    - ``receivables``: the metrics.json section (outstanding, overdue, aging, dso_days, customers_overdue);
      None when orders have no paid_amount column.
    - ``receivable_lines``: order x due date with an open amount: customer_id, order_key, order_date, due_date,
      amount, paid_amount, open_amount, days_past_due (by customer, oldest due first; empty without paid_amount).
    - ``owner_followup``: account owner: receivable_outstanding, receivable_overdue, customers_overdue,
      contact_overdue (customers whose tier contact promise is broken).
    - ``customer_products``: customer x product bought in the 24 months up to as_of: revenue, quantity,
      orders, last_order_date (by customer, largest revenue first; lines without a product: "unknown").
    - ``goals``: the plan's goals judged (metrics.json "goals", ``metrics/goals.py``): key, kpi (the ``kpis`` key
      of ``actual``), label, format, direction ("at_least" / "at_most"), target, actual, met (None: cannot be
      judged), responses (surveys), note (why it cannot be judged); period (new_customers), stage (stage goals).
    """

    as_of: pd.Timestamp
    window_start: pd.Timestamp
    kpis: Mapping[str, Any]
    funnel: Frame
    stage_probabilities: Frame
    customers: Frame
    opportunities: Frame
    orders: Frame
    customer_months: Frame
    monthly: Frame
    inputs: Mapping[str, bool] = field(default_factory=dict)
    periods: Frame = _frame()
    breakdowns: Frame = _frame()
    reports: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    forecast: Frame = _frame()
    stage_stats: Frame = _frame()
    time_in_stage: Frame = _frame()
    lost_reasons: Frame = _frame()
    lost_stages: Frame = _frame()
    scorecard: Frame = _frame()
    owner_activities: Frame = _frame()
    channels: Frame = _frame()
    cohorts: Frame = _frame()
    feedback: Frame = _frame()
    product_months: Frame = _frame()
    service: ServiceMetrics = field(default_factory=ServiceMetrics)
    feedback_comments: Frame = _frame()
    feedback_period_comments: Frame = _frame()
    receivables: Mapping[str, Any] | None = None
    receivable_lines: Frame = _frame()
    owner_followup: Frame = _frame()
    changes: Changes = field(default_factory=Changes)
    customer_products: Frame = _frame()
    goals: Sequence[Mapping[str, Any]] = field(default_factory=list)

    @property
    def owner_months(self) -> Frame:
        """Owner rows of ``breakdowns`` for calendar months (revenue, target, attainment, deals ...)."""
        b = self.breakdowns
        if b.empty:
            return b
        return b[(b["kind"] == "month") & (b["dimension"] == "owner")].reset_index(drop=True)


def as_of_date(config: Config, override: str | None = None) -> pd.Timestamp:
    """The build's "today": --as-of, else [site] as_of, else the current date."""
    if override:
        return pd.Timestamp(override).normalize()
    if config.site.as_of:
        return pd.Timestamp(config.site.as_of)
    return pd.Timestamp.today().normalize()


def compute_metrics(dataset: Dataset, config: Config, as_of: pd.Timestamp) -> Metrics:
    """Run every metric of SPEC §4 for ``as_of``; records dated after it are ignored."""
    return Metrics(**assemble.compute(dataset, config, pd.Timestamp(as_of).normalize()))


def period_report(dataset: Dataset, config: Config, label: str, as_of: pd.Timestamp) -> Mapping[str, Any] | None:
    """The report of one period computed from the dataset clipped to the period's end (or ``as_of``).

    Equal to ``compute_metrics(...).reports[label]`` for any later as_of: a closed period's figures
    depend only on records dated up to its end. None when ``label`` is not a period with data.
    """
    return assemble.single_report(dataset, config, label, pd.Timestamp(as_of).normalize())


__all__ = ["Metrics", "as_of_date", "compute_metrics", "period_report"]
