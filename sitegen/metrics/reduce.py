"""The few reductions that touch line-level tables (order lines, activities, stage history).

Everything else in ``metrics`` works on what these return: one row per order, per
customer x month, per product x month, per deal x activity date. Scaling past one
machine replaces only the line source (:mod:`sitegen.engines`: :func:`order_lines` here for
pandas, SQL for DuckDB). Ids are factorised to integer codes once, so the
group-bys below run on integers, not on millions of strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from sitegen.config import Config
from sitegen.dataset import Dataset
from sitegen.metrics.activity import activity_days, deal_activity
from sitegen.metrics.contact import last_contacts
from sitegen.metrics.grouped import UNASSIGNED, UNKNOWN, distinct, factorize, inverse_order, nan_as_zero, occurring
from sitegen.metrics.periods import month_ids
from sitegen.metrics.receivables import Receivables, reduce_lines

NAT_INT = np.iinfo(np.int64).min  # NaT as datetime64[ns] integers


@dataclass(frozen=True)
class Reduced:
    """Compact tables built once per build from the line-level inputs (all dated up to as_of)."""

    customer_ids: pd.Index          # every customer id known from any table, sorted
    orders: pd.DataFrame            # one row per order (see :func:`orders_from_lines`)
    customer_months: pd.DataFrame   # customer_id, month, month_id, revenue, margin, orders
    product_months: pd.DataFrame    # product, month_id, revenue, margin, quantity, lines
    deal_activity: pd.DataFrame     # opportunity_id (categorical), date: distinct activity days per deal, sorted
    deal_next_action: pd.Series     # opportunity_id -> latest next_action_date planned in activities
    activities: pd.DataFrame        # owner, type, date, activities (count per owner x type x day)
    customer_activity: pd.Series    # customer_id -> latest activity date
    customer_contact: pd.Series     # customer_id -> latest contact (an activity of a [rules] contact_types type)
    receivables: Receivables | None  # None without a paid_amount column in orders
    customer_products: pd.DataFrame  # customer_id, product, revenue, quantity, orders, last_order_date (24 months)
    product_orders: pd.DataFrame | None = None  # one row per (product, order): product, month_id, cust, counted


def customer_universe(dataset: Dataset, order_customers: np.ndarray) -> pd.Index:
    """Sorted ids of every customer in customers, orders (``order_customers``: distinct ids) or pipeline."""
    ids = [np.asarray(order_customers, dtype=object)]
    for name in ("customers", "pipeline"):
        frame = dataset.get(name)
        if frame is not None and "customer_id" in frame:
            ids.append(pd.unique(frame["customer_id"].dropna().to_numpy()))
    distinct = pd.unique(np.concatenate(ids))  # before converting to text: few values are left to convert
    return pd.Index(np.sort(pd.unique(distinct.astype(str))).astype(object), dtype=object, name="customer_id")


def reduce_dataset(dataset: Dataset, config: Config, as_of: pd.Timestamp) -> Reduced:
    """Run every reduction for ``as_of`` with the configured engine (``[engine]``, :mod:`sitegen.engines`)."""
    from sitegen.engines import engine_for  # (the engines import this module)
    return engine_for(config).reduce(dataset, config, as_of)


LineSource = Callable[[Dataset, Config, pd.Timestamp], tuple["pd.DataFrame | None", np.ndarray]]


def reduce_with(dataset: Dataset, config: Config, as_of: pd.Timestamp, lines_of: LineSource) -> Reduced:
    """Every reduction for ``as_of``, the order lines from ``lines_of`` (an engine's :func:`order_lines`)."""
    lines, order_customers = lines_of(dataset, config, as_of)
    ids = customer_universe(dataset, order_customers)
    if lines is not None:
        lines["cust"] = ids.get_indexer(order_customers.astype(str))[lines["cust"].to_numpy()]
    orders = orders_from_lines(lines, ids, _customer_owner(dataset, ids)) if lines is not None else empty_orders()
    owner_days, customer_last = activity_days(dataset, as_of)
    visits, planned = deal_activity(dataset, as_of)
    receivable = None
    if lines is not None and "paid_amount" in lines:
        receivable = reduce_lines(lines, ids, as_of, config.rules.payment_terms_days)
    return Reduced(
        customer_ids=ids, orders=orders, customer_months=customer_months(orders),
        product_months=product_months(lines) if lines is not None else _empty_product_months(),
        deal_activity=visits, deal_next_action=planned, activities=owner_days, customer_activity=customer_last,
        customer_contact=last_contacts(dataset, config.rules.contact_types, as_of), receivables=receivable,
        customer_products=customer_products(lines, ids, as_of),
        product_orders=product_orders(lines) if lines is not None else None,
    )


def excluded_status(status: pd.Series, excluded: tuple[str, ...]) -> np.ndarray:
    """Mask of cancelled/returned lines: the configured statuses, compared trimmed and casefolded."""
    codes, uniques = factorize(status, runs=True)
    wanted = {s.strip().casefold() for s in excluded}
    bad = np.array([str(u).strip().casefold() in wanted for u in uniques] + [False], dtype=bool)
    return bad[codes]  # code -1 (missing) picks the trailing False


def order_lines(dataset: Dataset, config: Config, as_of: pd.Timestamp) -> tuple[pd.DataFrame | None, np.ndarray]:
    """Revenue-bearing order lines dated up to ``as_of`` with integer ``order``, ``cust`` and ``order_id_code``
    codes (-1: no order id), and the distinct customer ids that ``cust`` indexes.

    Excluded statuses are dropped; a missing amount is quantity x unit_price. Without an
    ``order_id`` (column or value) one customer's lines on one date are one order. Text columns
    stay numpy object arrays (no conversion to pandas strings: this table has millions of rows).
    """
    raw = dataset.get("orders")
    if raw is None:
        return None, np.array([], dtype=object)
    customer, customers = factorize(raw["customer_id"], runs=True)  # -1: no customer, a line to drop
    keep = (raw["order_date"].to_numpy(dtype="datetime64[ns]") <= np.datetime64(as_of)) & (customer >= 0)
    if "status" in raw:
        keep &= ~excluded_status(raw["status"], config.rules.excluded_order_statuses)

    def column(name: str, dtype=None) -> np.ndarray:
        return raw[name].to_numpy(dtype=dtype)[keep]

    amount = column("amount", float) if "amount" in raw else np.full(int(keep.sum()), np.nan)
    if "quantity" in raw and "unit_price" in raw:
        amount = np.where(np.isnan(amount), column("quantity", float) * column("unit_price", float), amount)
    cust, customers = occurring(customer[keep], customers)
    dates = column("order_date", "datetime64[ns]")
    by_id = factorize(column("order_id"), runs=True)[0] if "order_id" in raw else np.full(len(cust), -1)
    if len(cust) and (by_id >= 0).all():  # an id is one order per customer (reused by another: another order)
        order, _ = factorize(by_id * (int(cust.max()) + 1) + cust, runs=True)
    else:
        order, _ = factorize(cust * 1_000_000 + dates.astype("datetime64[D]").astype(np.int64), runs=True)
        if len(cust) and (by_id >= 0).any():
            with_id, _ = factorize(by_id * (int(cust.max()) + 1) + cust, runs=True)
            order = np.where(by_id >= 0, with_id, int(with_id.max()) + 1 + order)
    out = pd.DataFrame({
        "order": order, "cust": cust, "order_id_code": by_id, "order_date": dates, "amount": amount,
        "cost": column("cost", float) if "cost" in raw else np.nan,
        "quantity": column("quantity", float) if "quantity" in raw else np.nan,
    })
    for name in ("order_id", "channel", "owner", "product"):
        if name in raw:
            out[name] = pd.Series(column(name), dtype=object)
    if "paid_amount" in raw:  # receivables (only when the column exists: no column, no receivables)
        out["paid_amount"] = column("paid_amount", float)
        if "due_date" in raw:
            out["due_date"] = column("due_date", "datetime64[ns]")
    return out, customers


def orders_from_lines(lines: pd.DataFrame, ids: pd.Index, customer_owner: np.ndarray) -> pd.DataFrame:
    """One row per order: key, customer, date, revenue, known cost, margin, owner, channel, flags.

    ``owner`` is attributed (SPEC §4): the order's owner, else the customer's owner, else
    "unassigned". An order whose net amount is negative is a return (``is_return``): its amount
    counts in revenue, but it is not an order for counts, AOV, frequency or first-order dates.
    ``first_order`` marks each customer's first counted order (the order that makes a new customer).
    Sorted by date, then by first appearance in the file. Order-level values (customer, owner, channel,
    id) come from its first line.
    """
    if lines.empty:
        return empty_orders()
    order = lines["order"].to_numpy()
    sort = np.argsort(order, kind="stable")
    starts = np.flatnonzero(np.r_[True, order[sort][1:] != order[sort][:-1]])
    first = sort[starts]

    def total(values: np.ndarray) -> np.ndarray:
        return np.add.reduceat(values[sort], starts) if len(sort) else np.zeros(0)

    amount, cost = lines["amount"].to_numpy(), lines["cost"].to_numpy()
    known = ~np.isnan(cost)
    cost_known = total(known.astype(np.int64)) > 0
    margin_known = known & ~np.isnan(amount)
    day = lines["order_date"].to_numpy(dtype="datetime64[ns]")
    cust = lines["cust"].to_numpy()[first]
    orders = pd.DataFrame({
        "order_date": np.minimum.reduceat(day[sort], starts) if len(sort) else day[:0],
        "revenue": total(nan_as_zero(amount)),
        "cost": np.where(cost_known, total(np.where(known, cost, 0.0)), np.nan),
        "margin": np.where(total(margin_known.astype(np.int64)) > 0,
                           total(np.where(margin_known, amount - nan_as_zero(cost), 0.0)), np.nan),
    })
    key = lines["order_id"].to_numpy()[first] if "order_id" in lines else np.full(len(first), None, dtype=object)
    id_code = lines["order_id_code"].to_numpy()[first]
    reused = (id_code >= 0) & (np.bincount(id_code[id_code >= 0], minlength=len(key))[id_code] > 1)
    if reused.any():  # an order id used by several customers: "id|customer"
        key[reused] = key[reused].astype(str) + "|" + ids.to_numpy()[cust[reused]]
    no_id = pd.isna(key)
    if no_id.any():  # "~customer|date": the order of lines without an order id
        dates = orders["order_date"].to_numpy(dtype="datetime64[D]")[no_id].astype(str).astype(object)
        key[no_id] = "~" + ids.to_numpy()[cust[no_id]] + "|" + dates
    orders.insert(0, "order_key", pd.Series(key, dtype=object))
    orders.insert(1, "customer_id", pd.Categorical.from_codes(cust, categories=ids))
    owner = lines["owner"].to_numpy()[first] if "owner" in lines else np.full(len(first), None, dtype=object)
    owner = np.where(pd.notna(owner), owner, customer_owner[cust])
    orders["owner"] = _categorical(np.where(pd.notna(owner), owner, UNASSIGNED))
    if "channel" in lines:
        orders["channel"] = _categorical(lines["channel"].to_numpy()[first])
    orders["is_return"] = orders["revenue"].to_numpy() < 0
    orders["month_id"] = month_ids(orders["order_date"])
    orders["_cust"] = cust
    orders = orders.sort_values("order_date", kind="stable").reset_index(drop=True)
    counted = np.flatnonzero(~orders["is_return"].to_numpy())
    _, first_order = np.unique(orders["_cust"].to_numpy()[counted], return_index=True)
    orders["first_order"] = np.zeros(len(orders), dtype=bool)
    orders.loc[counted[first_order], "first_order"] = True
    return orders.drop(columns="_cust")


PRODUCT_MONTHS = 24  # customer pages list what each customer bought in this many months up to as_of


def customer_products(lines: pd.DataFrame | None, ids: pd.Index, as_of: pd.Timestamp) -> pd.DataFrame:
    """Per customer x product over the PRODUCT_MONTHS up to as_of: revenue, quantity, orders, last order date
    (sorted by customer, then revenue, largest first; lines without a product are "unknown")."""
    columns = ("customer_id", "product", "revenue", "quantity", "orders", "last_order_date")
    if lines is None or not len(lines):
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    since = np.datetime64(as_of - pd.DateOffset(months=PRODUCT_MONTHS), "ns")
    recent = lines[lines["order_date"].to_numpy(dtype="datetime64[ns]") > since]
    product = recent["product"].where(recent["product"].notna(), UNKNOWN) if "product" in recent \
        else pd.Series(UNKNOWN, index=recent.index, dtype=object)
    frame = pd.DataFrame({"cust": recent["cust"].to_numpy(), "product": product.astype(str).to_numpy(),
                          "revenue": nan_as_zero(recent["amount"].to_numpy()),
                          "quantity": recent["quantity"].to_numpy(), "order": recent["order"].to_numpy(),
                          "date": recent["order_date"].to_numpy(dtype="datetime64[ns]")})
    grouped = frame.groupby(["cust", "product"], sort=True)
    out = pd.DataFrame({"revenue": grouped["revenue"].sum(), "quantity": grouped["quantity"].sum(min_count=1),
                        "orders": grouped["order"].nunique(), "last_order_date": grouped["date"].max()}).reset_index()
    out.insert(0, "customer_id", ids.to_numpy()[out.pop("cust").to_numpy()])
    out = out.sort_values(["customer_id", "revenue", "product"], ascending=[True, False, True], kind="stable")
    return out.reset_index(drop=True)


def _categorical(values: np.ndarray) -> pd.Categorical:
    """A categorical with sorted categories, hashing each value once."""
    codes, uniques = factorize(values)
    if len(uniques) == 0:
        return pd.Categorical(np.full(len(values), np.nan), categories=pd.Index([], dtype=object))
    order = np.argsort(uniques.astype(str), kind="stable")
    rank = inverse_order(order)
    return pd.Categorical.from_codes(np.where(codes >= 0, rank[np.maximum(codes, 0)], -1),
                                     categories=pd.Index(uniques[order], dtype=object))


def _customer_owner(dataset: Dataset, ids: pd.Index) -> np.ndarray:
    """Owner from the customers file per customer code (None when unknown)."""
    master = dataset.get("customers")
    out = np.full(len(ids), None, dtype=object)
    if master is not None and "owner" in master:
        owners = master.drop_duplicates("customer_id").set_index("customer_id")["owner"]
        out[:] = owners.reindex(ids).astype(object).where(lambda s: s.notna(), None).to_numpy()
    return out


def empty_orders() -> pd.DataFrame:
    """The columns of :func:`orders_from_lines` without rows (no orders file, or no order up to as_of)."""
    return pd.DataFrame({
        "order_key": pd.Series(dtype=object), "customer_id": pd.Categorical([]),
        "order_date": pd.Series(dtype="datetime64[ns]"), "revenue": pd.Series(dtype=float),
        "cost": pd.Series(dtype=float), "margin": pd.Series(dtype=float), "owner": pd.Categorical([]),
        "is_return": pd.Series(dtype=bool), "month_id": pd.Series(dtype=np.int64),
        "first_order": pd.Series(dtype=bool)})


def customer_totals(orders: pd.DataFrame) -> pd.DataFrame:
    """Lifetime figures per customer (every category of ``customer_id``, in order; to as_of): orders, revenue,
    margin, first and last order date.

    Returns (negative orders) count in revenue and margin only; margin is missing without any cost.
    """
    customer = orders["customer_id"].cat
    n, codes = len(customer.categories), customer.codes.to_numpy()
    grouped = orders[["revenue", "margin"]].groupby(codes)
    counted = ~orders["is_return"].to_numpy(dtype=bool)
    day = orders["order_date"].to_numpy(dtype="datetime64[ns]").view(np.int64)[counted]
    first, last = np.full(n, np.iinfo(np.int64).max), np.full(n, NAT_INT)
    np.minimum.at(first, codes[counted], day)
    np.maximum.at(last, codes[counted], day)
    count = np.bincount(codes[counted], minlength=n)
    return pd.DataFrame({
        "orders": count.astype("int64"),
        "revenue": grouped["revenue"].sum().reindex(range(n), fill_value=0.0).to_numpy(),
        "margin": grouped["margin"].sum(min_count=1).reindex(range(n)).to_numpy(),
        "first_order_date": np.where(count > 0, first, NAT_INT).view("datetime64[ns]"),
        "last_order_date": last.view("datetime64[ns]")}, index=customer.categories.astype(object))


def customer_months(orders: pd.DataFrame) -> pd.DataFrame:
    """Revenue, margin and orders per customer x month (``month`` = ``YYYY-MM``), sorted; orders exclude returns."""
    customer = orders["customer_id"].cat
    key, decode = _code_month_key(customer.codes.to_numpy(), orders["month_id"].to_numpy())
    frame = pd.DataFrame({"revenue": orders["revenue"].to_numpy(), "margin": orders["margin"].to_numpy(),
                          "counted": ~orders["is_return"].to_numpy(dtype=bool)})
    grouped = frame.groupby(key, sort=True)
    revenue = grouped["revenue"].sum()
    codes, month = decode(revenue.index.to_numpy())
    return pd.DataFrame({
        "customer_id": pd.Series(customer.categories.to_numpy(dtype=object)[codes], dtype=object),
        "month": pd.Series(_month_labels(month), dtype=object), "month_id": month, "revenue": revenue.to_numpy(),
        "margin": grouped["margin"].sum(min_count=1).to_numpy(),
        "orders": grouped["counted"].sum().to_numpy().astype("int64")})


def _code_month_key(codes: np.ndarray, month: np.ndarray) -> tuple[np.ndarray, Callable]:
    """One integer per (code, month id), ordered by code then month, and the function that splits keys back
    into (codes, month ids): a group-by on it is much faster than on the two columns."""
    low = int(month.min()) if len(month) else 0
    span = int(month.max()) - low + 1 if len(month) else 1
    return (codes.astype(np.int64) * span + (month - low),
            lambda keys: (keys // span, (keys % span + low).astype(np.int64)))


def _month_labels(ids: np.ndarray) -> np.ndarray:
    """``YYYY-MM`` for month ids, formatting each distinct month once."""
    uniq, inverse = np.unique(ids, return_inverse=True)
    labels = np.array([f"{1970 + m // 12}-{m % 12 + 1:02d}" for m in uniq.tolist()], dtype=object)
    return labels[inverse]


def product_months(lines: pd.DataFrame) -> pd.DataFrame:
    """Revenue, margin, quantity and line count per product x month of the order (missing product: "unknown")."""
    if "product" not in lines:
        return _empty_product_months()
    codes, uniques = factorize(lines["product"])
    names = np.append(uniques.astype(str).astype(object), UNKNOWN)
    order, day = lines["order"].to_numpy(), lines["order_date"].to_numpy(dtype="datetime64[ns]").view(np.int64)
    first_day = np.full(int(order.max()) + 1 if len(order) else 0, np.iinfo(np.int64).max)
    np.minimum.at(first_day, order, day)
    month = month_ids(pd.Series(first_day[order].view("datetime64[ns]")))  # the order's month, like revenue
    amount, cost = lines["amount"].to_numpy(), lines["cost"].to_numpy()
    key, decode = _code_month_key(np.where(codes >= 0, codes, len(uniques)), month)
    frame = pd.DataFrame({"revenue": nan_as_zero(amount), "margin": np.where(np.isnan(cost), np.nan, amount - cost),
                          "quantity": lines["quantity"].to_numpy()})
    grouped = frame.groupby(key, sort=False)  # groups in order of appearance
    revenue = grouped["revenue"].sum()
    product, month = decode(revenue.index.to_numpy())
    out = pd.DataFrame({"product": product, "month_id": month, "revenue": revenue.to_numpy(),
                        "margin": grouped["margin"].sum(min_count=1).to_numpy(),
                        "quantity": grouped["quantity"].sum().to_numpy(), "lines": grouped.size().to_numpy()})
    out["product"] = names[out["product"].to_numpy()]
    return out.sort_values(["product", "month_id"], kind="stable").reset_index(drop=True)


def product_orders(lines: pd.DataFrame) -> pd.DataFrame | None:
    """One row per distinct (product, order): product (categorical; missing: "unknown"), the order's month_id,
    its customer code ``cust`` and ``counted`` (not a return): product breakdowns count the orders and
    customers that contain the product, not its lines (coded once here, not on every breakdown). None without
    a product column."""
    if "product" not in lines or not len(lines):
        return None
    codes, uniques = factorize(lines["product"])
    names = np.append(uniques.astype(str).astype(object), UNKNOWN)
    order = lines["order"].to_numpy().astype(np.int64)
    n = int(order.max()) + 1
    total = np.bincount(order, weights=nan_as_zero(lines["amount"].to_numpy()), minlength=n)
    day = lines["order_date"].to_numpy(dtype="datetime64[ns]").view(np.int64)
    first_day, cust = np.full(n, np.iinfo(np.int64).max), np.zeros(n, dtype=np.int64)
    np.minimum.at(first_day, order, day)
    cust[order] = lines["cust"].to_numpy()
    pairs = distinct(np.where(codes >= 0, codes, len(uniques)).astype(np.int64) * n + order)
    product, order = pairs // n, pairs % n
    label_codes, labels = pd.factorize(names)  # "unknown" may also be a product's name: one category
    column = pd.Categorical.from_codes(label_codes[product], categories=pd.Index(labels, dtype=object))
    return pd.DataFrame({"product": column, "month_id": month_ids(pd.Series(first_day[order].view(
        "datetime64[ns]"))), "cust": cust[order], "counted": total[order] >= 0})


def _empty_product_months() -> pd.DataFrame:
    return pd.DataFrame({"product": pd.Series(dtype=object), "month_id": pd.Series(dtype=np.int64),
                         "revenue": pd.Series(dtype=float), "margin": pd.Series(dtype=float),
                         "quantity": pd.Series(dtype=float), "lines": pd.Series(dtype=np.int64)})
