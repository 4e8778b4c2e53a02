"""Receivables (回款) from order lines: open amount, due date, days past due and aging (SPEC §7).

Open amount per line = max(amount - paid_amount, 0), an empty paid amount meaning nothing paid;
due = due_date, else order date + ``payment_terms_days``; days past due = as_of - due. Only
:func:`reduce_lines` sees order lines (called from ``reduce``); everything else works on its
compact result: one row per customer, the open lines, and two per-day series for period figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

BUCKETS = ("not_due", "1-30", "31-60", "61-90", "90+")
EDGES = np.array([0, 30, 60, 90])  # days past due: <= 0, 1-30, 31-60, 61-90, above 90
DSO_DAYS = 90
DAY = np.timedelta64(1, "D")


@dataclass(frozen=True)
class Receivables:
    """The reduction of the order lines for receivables (lines not excluded, dated up to as_of)."""

    customers: pd.DataFrame   # every customer id: receivable_outstanding, receivable_overdue, oldest_overdue_date,
                              # days_past_due (of that oldest line), and one column per bucket (open amount)
    aging: dict[str, float]   # bucket -> open amount
    lines: pd.DataFrame       # open amounts per order and due date: customer_id, order_key (order_id or None),
                              # order_date, due_date, amount, paid_amount, open_amount, days_past_due
    paid_by_day: pd.Series    # order day -> paid amount of that day's lines (what was collected on them)
    overdue_by_day: pd.Series  # day from which a line counts as overdue (max(order day, due + 1)) -> open amount


def due_dates(order_date: np.ndarray, due: np.ndarray | None, terms_days: int) -> np.ndarray:
    """The due day of each line: ``due_date``, else order date + terms (datetime64[D])."""
    default = order_date.astype("datetime64[D]") + np.timedelta64(terms_days, "D")
    if due is None:
        return default
    due = due.astype("datetime64[D]")
    return np.where(np.isnat(due), default, due)


def bucket_of(days_past_due: np.ndarray) -> np.ndarray:
    """Bucket index (into BUCKETS) of each days-past-due value: <= 0, 1-30, 31-60, 61-90, 90+."""
    return np.searchsorted(EDGES, days_past_due, side="left")


def reduce_lines(lines: pd.DataFrame, ids: pd.Index, as_of: pd.Timestamp, terms_days: int) -> Receivables:
    """Receivables of order ``lines`` (from ``reduce.order_lines``, ``cust`` indexing ``ids``): whole-column work."""
    n = len(ids)
    amount = np.nan_to_num(lines["amount"].to_numpy(dtype=float), nan=0.0)
    paid = np.nan_to_num(lines["paid_amount"].to_numpy(dtype=float), nan=0.0)
    ordered = lines["order_date"].to_numpy(dtype="datetime64[D]")
    due = due_dates(ordered, lines["due_date"].to_numpy(dtype="datetime64[ns]") if "due_date" in lines else None,
                    terms_days)
    open_amount = np.maximum(amount - paid, 0.0)
    late = (np.datetime64(as_of, "D") - due).astype(np.int64)
    bucket = bucket_of(late)
    cust = lines["cust"].to_numpy()
    per_bucket = np.bincount(cust * len(BUCKETS) + bucket, weights=open_amount,
                             minlength=n * len(BUCKETS)).reshape(n, len(BUCKETS))
    owed = (open_amount > 0) & (late > 0)
    oldest = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(oldest, cust[owed], due[owed].astype(np.int64))
    has_overdue = oldest != np.iinfo(np.int64).max
    oldest_day = np.where(has_overdue, oldest, 0).astype("datetime64[D]")
    customers = pd.DataFrame(per_bucket, columns=list(BUCKETS), index=ids)
    customers.insert(0, "receivable_outstanding", per_bucket.sum(axis=1))
    customers.insert(1, "receivable_overdue", per_bucket[:, 1:].sum(axis=1))
    customers.insert(2, "oldest_overdue_date", pd.Series(oldest_day.astype("datetime64[ns]"), index=ids).where(
        has_overdue))
    customers.insert(3, "days_past_due", pd.Series(
        (np.datetime64(as_of, "D") - oldest_day).astype(np.int64), index=ids).where(has_overdue).astype("Int64"))
    aging = dict(zip(BUCKETS, np.bincount(bucket, weights=open_amount, minlength=len(BUCKETS)).tolist()))
    shown = np.flatnonzero(open_amount > 0)
    open_lines = pd.DataFrame({
        "order": lines["order"].to_numpy()[shown], "cust": cust[shown],
        "order_key": lines["order_id"].to_numpy()[shown] if "order_id" in lines else None,
        "order_date": ordered[shown].astype("datetime64[ns]"), "due_date": due[shown].astype("datetime64[ns]"),
        "amount": amount[shown], "paid_amount": paid[shown], "open_amount": open_amount[shown],
        "days_past_due": late[shown]})
    grouped = open_lines.groupby(["order", "due_date"], sort=False)  # an order's lines due on one day: one row
    open_lines = grouped.agg(cust=("cust", "first"), order_key=("order_key", "first"),
                             order_date=("order_date", "min"), amount=("amount", "sum"),
                             paid_amount=("paid_amount", "sum"), open_amount=("open_amount", "sum"),
                             days_past_due=("days_past_due", "first")).reset_index()
    open_lines.insert(0, "customer_id", ids.to_numpy()[open_lines["cust"].to_numpy()])
    open_lines = open_lines.sort_values(["customer_id", "due_date", "order_date", "order"], kind="stable")
    open_lines = open_lines[["customer_id", "order_key", "order_date", "due_date", "amount", "paid_amount",
                             "open_amount", "days_past_due"]].reset_index(drop=True)
    overdue_from = np.maximum(ordered, due + DAY)
    return Receivables(
        customers=customers, aging=aging, lines=open_lines,
        paid_by_day=pd.Series(paid).groupby(ordered.astype("datetime64[ns]")).sum().sort_index(),
        overdue_by_day=pd.Series(open_amount).groupby(overdue_from.astype("datetime64[ns]")).sum().sort_index())


def summary(rec: Receivables | None, orders: pd.DataFrame, as_of: pd.Timestamp) -> dict[str, Any] | None:
    """The ``receivables`` section of metrics.json: outstanding, overdue, aging, dso_days, customers_overdue."""
    if rec is None:
        return None
    outstanding = float(rec.customers["receivable_outstanding"].sum())
    start = as_of - pd.Timedelta(days=DSO_DAYS - 1)
    revenue = float(orders.loc[orders["order_date"].between(start, as_of), "revenue"].sum())
    return {"outstanding": outstanding, "overdue": float(rec.customers["receivable_overdue"].sum()),
            "aging": dict(rec.aging), "dso_days": outstanding / revenue * DSO_DAYS if revenue > 0 else None,
            "customers_overdue": int((rec.customers["receivable_overdue"] > 0).sum())}


def period_figures(rec: Receivables | None, figures: pd.DataFrame) -> pd.DataFrame:
    """``figures`` (one row per period) with receivables_collected (paid on the lines ordered in the period)
    and receivables_overdue (open amount past due at the period's end, or as_of while it runs)."""
    if rec is None or figures.empty:
        return figures
    starts = figures["start"].to_numpy(dtype="datetime64[ns]")
    ends = figures["as_of"].to_numpy(dtype="datetime64[ns]")
    days = rec.paid_by_day.index.to_numpy(dtype="datetime64[ns]")
    paid = np.r_[0.0, np.cumsum(rec.paid_by_day.to_numpy())]
    collected = paid[np.searchsorted(days, ends, side="right")] - paid[np.searchsorted(days, starts, side="left")]
    from_day = rec.overdue_by_day.index.to_numpy(dtype="datetime64[ns]")
    owed = np.r_[0.0, np.cumsum(rec.overdue_by_day.to_numpy())]
    return figures.assign(receivables_collected=collected,
                          receivables_overdue=owed[np.searchsorted(from_day, ends, side="right")])


def by_owner(customers: pd.DataFrame) -> pd.DataFrame:
    """Per account owner: receivable_outstanding, receivable_overdue, customers_overdue (with overdue
    receivables), contact_overdue (customers whose contact promise is broken); sorted by owner."""
    frame = pd.DataFrame({"owner": customers["owner"].astype(str)})
    has_money = "receivable_outstanding" in customers
    frame["receivable_outstanding"] = customers["receivable_outstanding"] if has_money else np.nan
    frame["receivable_overdue"] = customers["receivable_overdue"] if has_money else np.nan
    frame["customers_overdue"] = (customers["receivable_overdue"] > 0).astype("int64") if has_money else 0
    frame["contact_overdue"] = customers["contact_overdue"].fillna(False).astype("int64") \
        if "contact_overdue" in customers else 0
    grouped = frame.groupby("owner", sort=True)
    out = grouped[["customers_overdue", "contact_overdue"]].sum()
    for col in ("receivable_outstanding", "receivable_overdue"):
        out[col] = grouped[col].sum(min_count=1)
    return out[["receivable_outstanding", "receivable_overdue", "customers_overdue", "contact_overdue"]].reset_index()
