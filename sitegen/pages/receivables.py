"""Receivables (回款): the aging of open amounts and every customer with an overdue amount, sortable,
filterable and downloadable; the page says so when orders have no paid_amount column."""

from __future__ import annotations

from typing import Any, Iterator

import pandas as pd

from sitegen import charts
from sitegen.metrics.reduce import UNASSIGNED
from sitegen.metrics.receivables import BUCKETS
from sitegen.pages import Page, Site, common
from sitegen.pages.datatables import Column, data_file, filter_options, table_context
from sitegen.pages.tiles import tile

TABLE = "overdue"
DATA_NAME = "receivables-overdue"
PATH = "receivables/index.html"
BUCKET_LABELS = {"not_due": "Not yet due", "1-30": "1–30 days overdue", "31-60": "31–60 days overdue",
                 "61-90": "61–90 days overdue", "90+": "Over 90 days overdue"}
BUCKET_COLORS = ("#3a9d6a", "#e0b339", "#e07b39", "#c44e52", "#8c2f39")
COLUMNS = (
    Column("name", "Customer", "link", "href"), Column("tier", "Tier", "label", badge=True),
    Column("owner", "Owner", "link", "owner_href"), Column("receivable_overdue", "Overdue amount", "money"),
    Column("oldest_overdue_date", "Oldest due date", "date"), Column("days_past_due", "Days past due", "number"),
    Column("receivable_outstanding", "Outstanding", "money"),
)
FIELDS = ("name", "href", "customer_id", "tier", "owner", "owner_href", "receivable_overdue", "oldest_overdue_date",
          "days_past_due", "receivable_outstanding")


def overdue_frame(site: Site) -> pd.DataFrame:
    """Customers with an overdue amount, largest first (ties by customer id)."""
    c = site.metrics.customers
    if "receivable_overdue" not in c:
        return pd.DataFrame(columns=list(FIELDS))
    c = c[c["receivable_overdue"] > 0]
    out = pd.DataFrame({
        "name": c["name"], "href": c["customer_id"].map(site.customer_href), "customer_id": c["customer_id"],
        "tier": c["tier"], "owner": c["owner"], "owner_href": c["owner"].map(site.owner_href),
        "receivable_overdue": c["receivable_overdue"].round(2), "oldest_overdue_date": c["oldest_overdue_date"],
        "days_past_due": c["days_past_due"], "receivable_outstanding": c["receivable_outstanding"].round(2)})
    return out.sort_values(["receivable_overdue", "customer_id"], ascending=[False, True])


def aging_chart(receivables: dict[str, Any] | None) -> dict[str, Any] | None:
    """Open amount per aging bucket, green (not due) to dark red (over 90 days)."""
    if not receivables:
        return None
    amounts = [round(receivables["aging"][b], 2) for b in BUCKETS]
    return charts.money(charts.bars([BUCKET_LABELS[b] for b in BUCKETS], amounts, "Open amount", BUCKET_COLORS,
                                    translate_labels=True))


def receivable_tiles(site: Site, href: str = PATH) -> list[dict[str, Any]]:
    """Outstanding, overdue, DSO and customers overdue (empty without receivables data)."""
    r = site.metrics.receivables
    if not r:
        return []
    return [tile("Outstanding receivables", r["outstanding"], "money", f"{href}#aging"),
            tile("Overdue receivables", r["overdue"], "money", f"{href}#overdue-list"),
            tile("Days sales outstanding", r["dso_days"], "days", f"{href}#aging"),
            tile("Customers with overdue payments", r["customers_overdue"], "number", f"{href}#overdue-list")]


def pages(site: Site) -> Iterator[Page]:
    frame = overdue_frame(site)
    labels = {"tier": dict.fromkeys(("strategic", "key", "general", "potential")), "owner": {UNASSIGNED: None}}
    context = common(site, PATH, "receivables", "Receivables")
    context.update(table_context(DATA_NAME, COLUMNS, frame, FIELDS, labels))
    r = site.metrics.receivables
    context.update(
        table_id=TABLE, has_receivables=r is not None, has_orders=site.metrics.inputs.get("orders", False),
        tiles=receivable_tiles(site), aging_chart=aging_chart(r),
        aging=[{"key": b, "label": BUCKET_LABELS[b], "amount": r["aging"][b]} for b in BUCKETS] if r else [],
        terms_days=site.config.rules.payment_terms_days,
        filters=[{"key": "owner", "label": "Owner", "options": filter_options(frame["owner"])},
                 {"key": "tier", "label": "Tier", "options": filter_options(frame["tier"], labels["tier"],
                                                                           tuple(labels["tier"]))}],
    )
    yield Page(PATH, "receivables.html", context)
    yield data_file(DATA_NAME, frame, FIELDS, labels)
