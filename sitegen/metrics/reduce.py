"""The few reductions that touch line-level tables (order lines, activities).

Everything else in ``metrics`` works on what these return: one row per order,
per customer, per customer x month. Scaling past one machine replaces only this module.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sitegen.config import Config
from sitegen.dataset import Dataset


def order_lines(dataset: Dataset, config: Config, as_of: pd.Timestamp) -> pd.DataFrame | None:
    """Revenue-bearing order lines dated up to ``as_of``: excluded statuses dropped, amount filled."""
    lines = dataset.get("orders")
    if lines is None:
        return None
    keep = lines["order_date"].notna() & (lines["order_date"] <= as_of) & lines["customer_id"].notna()
    if "status" in lines:
        excluded = {s.casefold() for s in config.rules.excluded_order_statuses}
        keep &= ~lines["status"].astype("string").str.strip().str.casefold().isin(excluded).fillna(False)
    lines = lines.loc[keep]
    amount = lines["amount"] if "amount" in lines else pd.Series(np.nan, index=lines.index)
    if "quantity" in lines and "unit_price" in lines:
        amount = amount.fillna(lines["quantity"] * lines["unit_price"])
    order_key = lines["customer_id"].astype(str) + "|" + lines["order_date"].dt.strftime("%Y-%m-%d")
    if "order_id" in lines:
        order_key = lines["order_id"].where(lines["order_id"].notna(), "~" + order_key)
    out = pd.DataFrame({
        "order_key": order_key.astype(str),
        "customer_id": lines["customer_id"].astype(str),
        "order_date": lines["order_date"],
        "amount": amount.astype(float),
        "cost": lines["cost"].astype(float) if "cost" in lines else np.nan,
    })
    for col in ("product", "channel", "owner", "paid_amount", "due_date"):
        if col in lines:
            out[col] = lines[col]
    return out.reset_index(drop=True)


def orders_from_lines(lines: pd.DataFrame) -> pd.DataFrame:
    """One row per order: its customer, date, revenue, known cost and margin, owner and channel."""
    lines = lines.assign(
        margin_part=(lines["amount"] - lines["cost"]).where(lines["cost"].notna()),
        amount0=lines["amount"].fillna(0.0),
    )
    agg = {
        "customer_id": ("customer_id", "first"), "order_date": ("order_date", "min"),
        "revenue": ("amount0", "sum"), "cost": ("cost", "sum"), "margin": ("margin_part", "sum"),
        "cost_known": ("cost", "count"),
    }
    for col in ("owner", "channel"):
        if col in lines:
            agg[col] = (col, "first")
    orders = lines.groupby("order_key", sort=True).agg(**agg).reset_index()
    orders.loc[orders["cost_known"] == 0, ["cost", "margin"]] = np.nan
    return orders.drop(columns="cost_known")


def customer_totals(orders: pd.DataFrame) -> pd.DataFrame:
    """Lifetime figures per customer (to as_of): orders, revenue, margin, first and last order date."""
    return orders.groupby("customer_id", sort=True).agg(
        orders=("order_key", "size"), revenue=("revenue", "sum"), margin=("margin", "sum"),
        first_order_date=("order_date", "min"), last_order_date=("order_date", "max"),
    )


def customer_months(orders: pd.DataFrame) -> pd.DataFrame:
    """Revenue and orders per customer x month (``YYYY-MM``), long format, sorted."""
    month = orders["order_date"].dt.to_period("M").astype(str)
    return (orders.assign(month=month)
            .groupby(["customer_id", "month"], sort=True)
            .agg(revenue=("revenue", "sum"), orders=("order_key", "size"))
            .reset_index())
