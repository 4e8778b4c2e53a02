"""Figures per month, quarter and (fiscal) year, for the period reports.

A period's figures use only records dated up to the period's end (or as_of while it runs):
order figures count orders dated in the period and before it; deal figures come from
:func:`pipeline.deals_at` at the period's end. So a closed month's report never changes when
later records are added, and :func:`period_report` (the dataset computed as of the period's
end) gives the same figures as the whole build. Order figures are computed for all periods of
a kind at once from the reduced orders; deal figures once per distinct period end.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any, Mapping

import numpy as np
import pandas as pd

from sitegen.config import Config
from sitegen.metrics import breakdowns as bd
from sitegen.metrics import comparisons as cmp
from sitegen.metrics import orders as om
from sitegen.metrics import periods as cal
from sitegen.metrics import snapshots, targets
from sitegen.metrics.feedback import scores_by
from sitegen.metrics.pipeline import DealBase
from sitegen.metrics.reduce import Reduced

CHANGE_FIGURES = cmp.CHANGE_FIGURES


@dataclass(frozen=True)
class PeriodInputs:
    """What period figures are computed from (all built once per build)."""

    reduced: Reduced
    base: DealBase
    config: Config
    as_of: pd.Timestamp
    feedback: pd.DataFrame            # scored responses dated up to as_of (undated left out)
    window_feedback: pd.DataFrame     # scored responses in the window (undated included)
    revenue_targets: pd.DataFrame     # targets.period_rows of revenue_target
    new_customer_targets: pd.DataFrame  # targets.period_rows of new_customers_target
    costs: pd.DataFrame               # channel cost rows (channels.cost_rows)
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # canonical labels per dimension
    order_keys: Mapping[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)  # breakdowns.order_keys
    order_channels: frozenset[str] = frozenset()
    deal_keys: Mapping[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)  # breakdowns.deal_keys
    has_orders: bool = True


def report_periods(inputs: PeriodInputs) -> list[cal.Period]:
    """Every month, quarter and year from the first dated order or deal up to as_of."""
    first = data_start(inputs)
    return [] if first is None else cal.all_periods(first, inputs.as_of, inputs.config.site.fiscal_year_start)


def data_start(inputs: PeriodInputs) -> pd.Timestamp | None:
    """The first dated order or deal up to as_of (None without one): a period starting before it is partial."""
    dates = [inputs.reduced.orders["order_date"].min()]
    deals = inputs.base.deals
    if len(deals):
        closed = deals["status"].isin(["won", "lost"])
        dates += [deals["created_date"].min(), deals.loc[closed, "close_date"].min()]
    dates = [d for d in dates if pd.notna(d) and d <= inputs.as_of]
    return min(dates) if dates else None


def period_tables(inputs: PeriodInputs, periods: list[cal.Period], breakdowns: bool = True
                  ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(figures: one row per period, breakdowns: long rows per period x dimension x key, funnels: long rows
    per period x stage); without ``breakdowns`` only the figures are computed (the other two are empty)."""
    if not periods:
        return (_identity([], inputs.as_of, 1).reset_index(), bd.combine(pd.DataFrame(), pd.DataFrame()),
                pd.DataFrame({"period": pd.Series(dtype=object)}))
    fy = inputs.config.site.fiscal_year_start
    order_figures, order_parts = [], []
    for kind in cal.KINDS:
        chosen = [p for p in periods if p.kind == kind]
        if chosen:
            figures, parts = _order_side(inputs, kind, chosen, fy, breakdowns)
            order_figures.append(figures)
            order_parts.append(parts)
    deal_figures, deal_parts, funnels = _deal_side(inputs, periods, breakdowns)
    costs = targets.period_values(inputs.costs, periods, fy)
    frame = _identity(periods, inputs.as_of, fy, data_start(inputs)).join(pd.concat(order_figures)).join(deal_figures)
    frame["marketing_cost"] = costs.groupby("period")["value"].sum().reindex(frame.index)
    revenue, owner_targets = targets.period_targets(inputs.revenue_targets, periods, fy)
    new, _ = targets.period_targets(inputs.new_customer_targets, periods, fy)
    frame = _with_targets(frame, revenue.set_index("period"), new.set_index("period"),
                          inputs.config.rules.attainment_warning)
    absent = [*(om.PERIOD_COLUMNS if not inputs.has_orders else ()),
              *(snapshots.PERIOD_COLUMNS if inputs.base.deals.empty else ())]
    frame[absent] = np.nan  # no orders (or no pipeline) file: its figures are missing, not zero
    if not breakdowns:
        return frame.reset_index(), pd.DataFrame(), pd.DataFrame()
    breakdown = bd.combine(pd.concat(order_parts, ignore_index=True), deal_parts)
    breakdown = bd.add_targets_and_costs(breakdown, owner_targets, costs, set(inputs.order_channels))
    order = {p.label: i for i, p in enumerate(periods)}
    breakdown = breakdown.assign(_order=breakdown["period"].map(order)).sort_values(
        ["_order", "dimension", "key"], kind="stable").drop(columns="_order").reset_index(drop=True)
    return frame.reset_index(), breakdown, funnels


def _identity(periods: list[cal.Period], as_of: pd.Timestamp, fy: int,
              first: pd.Timestamp | None = None) -> pd.DataFrame:
    """Label, kind, dates, progress and comparison labels per period; ``partial``: it starts before ``first``
    (the first dated record), so its figures cover only part of it."""
    rows = []
    for p in periods:
        end = min(p.end, as_of)
        rows.append({"period": p.label, "kind": p.kind, "start": p.start, "end": p.end, "as_of": end,
                     "complete": bool(p.end <= as_of),
                     "partial": bool(first is not None and p.start < first),
                     "elapsed": ((end - p.start).days + 1) / ((p.end - p.start).days + 1),
                     "previous": cal.previous(p, fy).label, "year_ago": cal.year_ago(p, fy).label})
    columns = ("period", "kind", "start", "end", "as_of", "complete", "partial", "elapsed", "previous", "year_ago")
    return pd.DataFrame(rows, columns=list(columns)).set_index("period")


def _order_side(inputs: PeriodInputs, kind: str, chosen: list[cal.Period], fy: int, breakdowns: bool = True):
    """Order, feedback and cost figures plus order breakdown rows (``breakdowns``) for the periods of one kind."""
    orders = inputs.reduced.orders
    labels = {cal.id_of_period(p, fy): p.label for p in chosen}
    index = pd.Index(range(min(labels) - 1, max(labels) + 1))  # and the period before: retention needs it
    pids = cal.period_ids(orders["month_id"].to_numpy(), kind, fy)
    figures = om.period_orders(orders, pids, index).loc[list(labels)]
    scores = scores_by(inputs.feedback, pd.Series(cal.period_ids(cal.month_ids(inputs.feedback["date"]), kind, fy)))
    figures = figures.join(scores.reindex(figures.index))
    for col in ("nps_responses", "csat_responses"):
        figures[col] = figures[col].fillna(0).astype("int64")
    figures.index = figures.index.map(labels).rename("period")
    if not breakdowns:
        return figures, pd.DataFrame()
    wanted = np.isin(pids, list(labels))
    parts = [bd.order_rows(orders, pids, inputs.order_keys, wanted)]
    products = inputs.reduced.product_months
    product_pids = cal.period_ids(products["month_id"].to_numpy(), kind, fy)
    parts.append(bd.product_rows(products, product_pids, inputs.labels.get("product"),
                                 np.isin(product_pids, list(labels))))
    pairs = inputs.reduced.product_orders
    if pairs is not None:
        pair_pids = cal.period_ids(pairs["month_id"].to_numpy(), kind, fy)
        parts.append(bd.product_order_rows(pairs, pair_pids, inputs.labels.get("product"),
                                           np.isin(pair_pids, list(labels))))
    parts = [p for p in parts if len(p)]
    rows = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if len(rows):
        rows = rows.assign(period=rows.pop("pid").map(labels), kind=kind)
    return figures, rows


def _deal_side(inputs: PeriodInputs, periods: list[cal.Period], breakdowns: bool = True
               ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Deal figures, deal breakdown rows and cohort funnels per period (see :mod:`snapshots`; only the
    figures without ``breakdowns``)."""
    closed, open_, created = snapshots.stacked(inputs.base, periods, inputs.as_of, inputs.config)
    labels = [p.label for p in periods]
    totals = snapshots.total_figures(closed, open_, created, labels)
    if not breakdowns:
        return totals, pd.DataFrame(), pd.DataFrame()
    rows = bd.deal_rows(closed, open_, created, inputs.deal_keys)
    if len(rows):
        pid = rows.pop("pid").to_numpy()
        rows["period"] = np.array(labels, dtype=object)[pid]
        rows["kind"] = np.array([p.kind for p in periods], dtype=object)[pid]
    funnels = snapshots.funnels(created, labels, inputs.config)
    return totals, rows, funnels


def same_days_figures(inputs: PeriodInputs, periods: list[cal.Period]) -> pd.DataFrame:
    """Like-for-like comparisons of each running period (as_of inside it; N days so far): the figures of the
    first N days of the previous period and of the same period a year ago, clipped to that period's end when
    it is shorter. One row per (``running``: the running period's label, ``ref``: previous or year_ago) with
    the columns of :func:`period_tables` (``period``, ``start`` and ``as_of``: the days compared), computed
    by the same code on the records dated up to the clipped end."""
    fy, known = inputs.config.site.fiscal_year_start, {p.label for p in periods}
    wanted: dict[pd.Timestamp, dict[str, tuple[cal.Period, list[tuple[str, str]]]]] = {}
    for p in periods:
        if p.end <= inputs.as_of:
            continue
        days = (inputs.as_of - p.start).days
        for ref, other in (("previous", cal.previous(p, fy)), ("year_ago", cal.year_ago(p, fy))):
            if other.label in known:
                cut = min(other.start + pd.Timedelta(days=days), other.end)
                wanted.setdefault(cut, {}).setdefault(other.label, (other, []))[1].append((p.label, ref))
    frames = []
    for cut, others in sorted(wanted.items()):
        figures = period_tables(_clipped(inputs, cut), [other for other, _ in others.values()], breakdowns=False)[0]
        pairs = [(label, running, ref) for label, (_, refs) in others.items() for running, ref in refs]
        keys = pd.DataFrame(pairs, columns=["period", "running", "ref"])
        frames.append(keys.merge(figures, on="period", how="left"))
    if not frames:
        return pd.DataFrame(columns=["running", "ref", "period", "start", "as_of"])
    out = pd.concat(frames, ignore_index=True)
    return out[["running", "ref", *[c for c in out.columns if c not in ("running", "ref")]]]


def _clipped(inputs: PeriodInputs, cut: pd.Timestamp) -> PeriodInputs:
    """``inputs`` as of ``cut``: orders and feedback dated after it left out (deals: snapshots at ``cut``)."""
    keep = inputs.reduced.orders["order_date"].to_numpy(dtype="datetime64[ns]") <= np.datetime64(cut)
    reduced = replace(inputs.reduced, orders=inputs.reduced.orders[keep].reset_index(drop=True))
    feedback = inputs.feedback[inputs.feedback["date"] <= cut] if len(inputs.feedback) else inputs.feedback
    return replace(inputs, reduced=reduced, as_of=cut, feedback=feedback,
                   order_keys={dim: (values[keep], names) for dim, (values, names) in inputs.order_keys.items()})


def _with_targets(frame: pd.DataFrame, revenue: pd.DataFrame, new: pd.DataFrame, warning: float) -> pd.DataFrame:
    """Add revenue and new-customer targets, attainment and the attainment warning flag."""
    frame["revenue_target"] = revenue["target"].reindex(frame.index).astype(float)
    frame["revenue_target_source"] = revenue["target_source"].reindex(frame.index)
    frame["attainment"] = targets.attainment(frame["revenue"], frame["revenue_target"])
    frame["attainment_warning"] = targets.attainment_flag(frame["attainment"], frame["elapsed"], warning)
    frame["new_customers_target"] = new["target"].reindex(frame.index).astype(float)
    frame["new_customers_attainment"] = targets.attainment(frame["new_customers"].astype(float),
                                                           frame["new_customers_target"])
    return frame


def jsonable(value: Any) -> Any:
    """A plain JSON value: NaN/NaT -> None, numpy scalars -> numbers, timestamps -> ISO dates."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if value is pd.NA:
        return None
    return value


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts (dates as ISO strings, missing values as None), built column by column."""
    columns = []
    for col in frame.columns:
        values = frame[col]
        if pd.api.types.is_datetime64_any_dtype(values):
            values = values.dt.strftime("%Y-%m-%d")
        values = values.astype(object)
        columns.append(values.where(values.notna(), None).tolist())
    names = list(frame.columns)
    return [dict(zip(names, row)) for row in zip(*columns)]


def build_reports(figures: pd.DataFrame, breakdown: pd.DataFrame, funnels: pd.DataFrame,
                  same_days: pd.DataFrame | None = None) -> dict[str, dict[str, Any]]:
    """One JSON-ready report per period label: figures, previous and year-ago figures, changes, breakdowns, funnel.

    A running period is compared with the same number of days (``same_days``: :func:`same_days_figures`);
    ``change`` is relative, ``absolute_change`` the difference, and ``change_basis`` says which of the two
    to show: "absolute" on a tiny base (:func:`comparisons.tiny_base`), None when there is no change at all.
    """
    by_label = {row["period"]: row for row in records(figures)}
    clipped = {(row.pop("running"), row.pop("ref")): row for row in records(same_days)} \
        if same_days is not None and len(same_days) else {}
    typical = cmp.typical(figures)
    slices: dict[str, dict[str, list]] = {}
    for row in records(breakdown):
        label, dim = row.pop("period"), row.pop("dimension")
        del row["kind"]
        slices.setdefault(label, {}).setdefault(dim, []).append(row)
    stages: dict[str, list] = {}
    for row in records(funnels):
        stages.setdefault(row.pop("period"), []).append(row)
    out = {}
    for label, row in by_label.items():
        report = {key: row[key] for key in ("period", "kind", "start", "end", "as_of", "complete", "partial")}
        report["figures"] = {k: v for k, v in row.items() if k not in report}
        for name in ("comparison", "change", "absolute_change", "change_basis"):
            report[name] = {}
        for ref in ("previous", "year_ago"):
            other = by_label.get(row[ref])
            report["comparison"][ref] = {"period": row[ref]}
            if (label, ref) in clipped:
                other = clipped[(label, ref)]
                report["comparison"][ref].update(start=other["start"], end=other["as_of"], same_days=True)
            report["comparison"][ref]["figures"] = {k: other.get(k) for k in report["figures"]} if other else None
            report["change"][ref] = {k: cmp.change(row.get(k), other.get(k)) if other else None
                                     for k in CHANGE_FIGURES}
            report["absolute_change"][ref] = {k: cmp.difference(row.get(k), other.get(k)) if other else None
                                              for k in CHANGE_FIGURES}
            report["change_basis"][ref] = {
                k: cmp.basis(report["change"][ref][k], report["absolute_change"][ref][k],
                          cmp.tiny_base(k, other, typical.get(label, {}).get(k)) if other else False)
                for k in CHANGE_FIGURES}
        report["breakdowns"] = dict(sorted(slices.get(label, {}).items()))
        report["funnel"] = stages.get(label, [])
        out[label] = report
    return out
