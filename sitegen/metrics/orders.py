"""Order and customer-activity figures: revenue, margin, orders, AOV, active/new/returning customers,
repeat purchase rate, retention and the monthly cohort matrix (SPEC §4).

All take the reduced ``orders`` table (one row per order) or ``customer_months``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sitegen.metrics.grouped import distinct
from sitegen.metrics.periods import NO_MONTH, month_ids

PERIOD_COLUMNS = ("revenue", "margin", "orders", "aov", "active_customers", "new_customers", "returning_customers",
                  "retained_customers", "retention", "customers_to_date", "repeat_customers_to_date",
                  "repeat_purchase_rate")
ORDER_KPIS = ("revenue_window", "margin_window", "orders_window", "aov_window", "new_customers_window",
              "active_customers_window", "returning_customers_window", "repeat_purchase_rate", "retention_rate")


def counted(orders: pd.DataFrame) -> pd.DataFrame:
    """Orders that count as purchases (returns, i.e. negative net orders, do not)."""
    return orders[~orders["is_return"].to_numpy(dtype=bool)]


def sum_or_none(values: pd.Series) -> float | None:
    """Sum of the known values, None when none is known (e.g. margin without any cost)."""
    return float(values.sum()) if values.notna().any() else None


def repeat_purchase_rate(orders: pd.DataFrame) -> float | None:
    """Customers with >= 2 orders / customers with >= 1 order (all orders to as_of)."""
    per_customer = _per_customer(orders, ~orders["is_return"].to_numpy(dtype=bool))
    buyers = int((per_customer >= 1).sum())
    return float((per_customer >= 2).sum() / buyers) if buyers else None


def _per_customer(orders: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    """How many of the orders where ``rows`` is true each customer has (by customer code)."""
    customer = orders["customer_id"].cat
    return np.bincount(customer.codes.to_numpy()[rows], minlength=len(customer.categories))


def _first_orders(orders: pd.DataFrame) -> np.ndarray:
    """Each customer's first counted order date (datetime64[ns], NaT without one), by customer code."""
    counted_rows = ~orders["is_return"].to_numpy(dtype=bool)
    customer = orders["customer_id"].cat
    none = np.iinfo(np.int64).max
    first = np.full(len(customer.categories), none)
    day = orders["order_date"].to_numpy(dtype="datetime64[ns]").view(np.int64)
    np.minimum.at(first, customer.codes.to_numpy()[counted_rows], day[counted_rows])
    return np.where(first < none, first, np.datetime64("NaT", "ns").view(np.int64)).view("datetime64[ns]")


def retention(orders: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp, prev_start: pd.Timestamp) -> float | None:
    """Share of customers active in [prev_start, start) who are active again in [start, end]."""
    buying = counted(orders)
    dates = buying["order_date"]
    customer = buying["customer_id"].cat.codes.to_numpy()
    n = len(buying["customer_id"].cat.categories)
    before = np.bincount(customer[((dates >= prev_start) & (dates < start)).to_numpy()], minlength=n) > 0
    if not before.any():
        return None
    now = np.bincount(customer[((dates >= start) & (dates <= end)).to_numpy()], minlength=n) > 0
    return float((before & now).sum() / before.sum())


def order_kpis(orders: pd.DataFrame, window_start: pd.Timestamp, as_of: pd.Timestamp,
               window_days: int) -> dict[str, Any]:
    """Order and customer KPIs over the window (SPEC §4, §6); None when there are no orders."""
    if orders.empty:
        return dict.fromkeys(ORDER_KPIS)
    inside = orders["order_date"].between(window_start, as_of).to_numpy()
    buying = inside & ~orders["is_return"].to_numpy(dtype=bool)
    first = _first_orders(orders)
    revenue, count = float(orders["revenue"][inside].sum()), int(buying.sum())
    active = int((_per_customer(orders, buying) > 0).sum())
    new = int(((first >= np.datetime64(window_start)) & (first <= np.datetime64(as_of))).sum())
    return {
        "revenue_window": revenue,
        "margin_window": sum_or_none(orders["margin"][inside]),
        "orders_window": count,
        "aov_window": revenue / count if count else None,
        "new_customers_window": new,
        "active_customers_window": active,
        "returning_customers_window": active - new,
        "repeat_purchase_rate": repeat_purchase_rate(orders),
        "retention_rate": retention(orders, window_start, as_of, window_start - pd.Timedelta(days=window_days)),
    }


def monthly(orders: pd.DataFrame) -> pd.DataFrame:
    """Company figures per calendar month, gaps filled with zeros.

    Columns: month (``YYYY-MM``), revenue, orders, active_customers, new_customers, aov,
    margin (None without costs), returning_customers.
    """
    cols = ["month", "revenue", "orders", "active_customers", "new_customers", "aov", "margin", "returning_customers"]
    if orders.empty:
        return pd.DataFrame({c: pd.Series(dtype=object if c == "month" else float) for c in cols})
    month = orders["month_id"].to_numpy()
    buying = ~orders["is_return"].to_numpy(dtype=bool)
    frame = pd.DataFrame({"month": month, "revenue": orders["revenue"].to_numpy(),
                          "margin": orders["margin"].to_numpy(), "counted": buying})
    grouped = frame.groupby("month")
    full = pd.RangeIndex(int(month.min()), int(month.max()) + 1)
    out = pd.DataFrame({"revenue": grouped["revenue"].sum(), "orders": grouped["counted"].sum()}).reindex(
        full, fill_value=0)
    out["orders"] = out["orders"].astype("int64")
    customer = orders["customer_id"].cat.codes.to_numpy().astype(np.int64)
    active = distinct((month[buying] - full[0]) * (int(customer.max()) + 1) + customer[buying])
    out["active_customers"] = np.bincount(active // (int(customer.max()) + 1), minlength=len(full))
    first = month_ids(pd.Series(_first_orders(orders)))
    out["new_customers"] = np.bincount(first[first != NO_MONTH] - full[0], minlength=len(full))
    out["aov"] = (out["revenue"] / out["orders"]).where(out["orders"] > 0)
    out["margin"] = grouped["margin"].sum(min_count=1).reindex(full)
    out["returning_customers"] = out["active_customers"] - out["new_customers"]
    out.index = pd.Index([f"{1970 + m // 12}-{m % 12 + 1:02d}" for m in full])
    return out.rename_axis("month").reset_index()[cols]


def cohorts(customer_months: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Monthly cohort retention matrix in long form.

    cohort = month of a customer's first order; one row per (cohort, months_since) up to as_of's month:
    cohort, months_since (0, 1, ...), customers (cohort size), active, retention = active / customers.
    """
    cols = ["cohort", "months_since", "customers", "active", "retention"]
    active = customer_months.loc[customer_months["orders"] > 0, ["customer_id", "month_id"]]
    if active.empty:
        return pd.DataFrame({c: pd.Series(dtype=object if c == "cohort" else float) for c in cols})
    first = active.groupby("customer_id", sort=False)["month_id"].transform("min")
    k = active["month_id"] - first
    cells = pd.DataFrame({"cohort_id": first, "months_since": k}).value_counts().rename("active")
    size = first.groupby(active["customer_id"]).first().value_counts().rename("customers")
    last = (as_of.year - 1970) * 12 + as_of.month - 1
    grid = [(c, m) for c in sorted(size.index) for m in range(last - c + 1)]
    out = pd.DataFrame(grid, columns=["cohort_id", "months_since"])
    out["customers"] = out["cohort_id"].map(size).astype("int64")
    out["active"] = cells.reindex(pd.MultiIndex.from_frame(out[["cohort_id", "months_since"]])).fillna(0) \
        .astype("int64").to_numpy()
    out["retention"] = out["active"] / out["customers"]
    out.insert(0, "cohort", [f"{1970 + c // 12}-{c % 12 + 1:02d}" for c in out.pop("cohort_id").tolist()])
    return out[cols]


def period_orders(orders: pd.DataFrame, pids: np.ndarray, index: pd.Index) -> pd.DataFrame:
    """Order figures per period index (``index``: every period wanted, in order).

    ``pids`` holds the period index of each order (:func:`periods.period_ids`). Columns: revenue,
    margin, orders, active/new/returning customers, AOV, retained_customers and retention (vs the
    period before), customers_to_date, repeat_customers_to_date and repeat_purchase_rate (at the
    period's end). New customers are those whose first counted order falls in the period.
    """
    buying = ~orders["is_return"].to_numpy(dtype=bool)
    frame = pd.DataFrame({"pid": pids, "revenue": orders["revenue"].to_numpy(), "margin": orders["margin"].to_numpy(),
                          "counted": buying})
    grouped = frame.groupby("pid")
    out = pd.DataFrame({"revenue": grouped["revenue"].sum(), "margin": grouped["margin"].sum(min_count=1),
                        "orders": grouped["counted"].sum()}).reindex(index)
    out["revenue"] = out["revenue"].fillna(0.0)
    out["orders"] = out["orders"].fillna(0).astype("int64")
    active, first, retained, second = _customer_periods(orders["customer_id"].cat.codes.to_numpy()[buying],
                                                        np.asarray(pids, dtype=np.int64)[buying])
    out["active_customers"] = _count(active, index)
    out["new_customers"] = _count(first, index)
    out["returning_customers"] = out["active_customers"] - out["new_customers"]
    out["aov"] = (out["revenue"] / out["orders"]).where(out["orders"] > 0)
    out["retained_customers"] = _count(retained, index)
    previous_active = out["active_customers"].reindex(index - 1).to_numpy(dtype=float)
    out["retention"] = out["retained_customers"] / np.where(previous_active > 0, previous_active, np.nan)
    out["customers_to_date"] = _count(first, index, cumulative=True)
    out["repeat_customers_to_date"] = _count(second, index, cumulative=True)
    out["repeat_purchase_rate"] = out["repeat_customers_to_date"] / out["customers_to_date"].where(
        out["customers_to_date"] > 0)
    return out


def _customer_periods(customer: np.ndarray, pid: np.ndarray) -> tuple[np.ndarray, ...]:
    """From the customer code and period index of each counted order, the period of: each (customer, period)
    with an order; each customer's first order; each customer active in the period and in the one before;
    each customer's second order (customers with one order are absent)."""
    if not len(pid):
        return (pid,) * 4
    low = int(pid.min())
    span = int(pid.max()) - low + 2  # one spare period per customer: key + 1 never reaches the next customer
    keys = np.sort(customer.astype(np.int64) * span + (pid - low))  # by customer, then period
    starts = np.flatnonzero(np.r_[True, keys[1:] // span != keys[:-1] // span])
    ends = np.r_[starts[1:], len(keys)]
    second = starts[starts + 1 < ends] + 1
    pairs = distinct(keys)
    retained = pairs[np.isin(pairs - 1, pairs)]
    return (pairs % span + low, keys[starts] % span + low, retained % span + low, keys[second] % span + low)


def _count(pids: np.ndarray, index: pd.Index, cumulative: bool = False) -> pd.Series:
    """How many entries fall in each period of ``index`` (or, cumulative, in it or any earlier period)."""
    ordered, wanted = np.sort(pids), index.to_numpy()
    counts = np.searchsorted(ordered, wanted, side="right")
    if not cumulative:
        counts = counts - np.searchsorted(ordered, wanted, side="left")
    return pd.Series(counts, index=index).astype("int64")
