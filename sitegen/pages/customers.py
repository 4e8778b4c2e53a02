"""The customers index and one page per customer."""

from __future__ import annotations

from typing import Any, Iterator

import pandas as pd

from sitegen import charts
from sitegen.pages import Page, Site, common, unique_slugs

INDEX_COLUMNS = ("name", "tier", "rfm_segment", "owner", "region", "orders", "revenue", "last_order_date",
                 "open_pipeline")


def customer_slugs(customers: pd.DataFrame) -> dict[str, str]:
    return unique_slugs(customers["customer_id"].astype(str).tolist(), "customer")


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain dicts with missing values as None (cheap for templates)."""
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def pages(site: Site) -> Iterator[Page]:
    m = site.metrics
    customers = m.customers
    slugs = customer_slugs(customers)
    rows = _records(customers[["customer_id", *INDEX_COLUMNS]])
    for row in rows:
        row["href"] = f"{slugs[row['customer_id']]}/index.html"
    context = common(site, "customers/index.html", "customers", "Customers")
    context.update(customers=rows)
    yield Page("customers/index.html", "customers.html", context)

    months = m.customer_months.groupby("customer_id", sort=False)
    deals = m.opportunities[m.opportunities["status"] == "open"]
    open_by_customer = deals.dropna(subset=["customer_id"]).groupby("customer_id", sort=False)
    deal_columns = ["opportunity_id", "stage", "amount", "probability", "weighted_amount", "grade", "close_date",
                    "stale", "overdue"]
    month_groups = dict(list(months)) if len(m.customer_months) else {}
    deal_groups = dict(list(open_by_customer)) if len(deals) else {}
    stage_names = {s.key: s.name(site.config.site.language) for s in site.config.stages}
    for row in _records(customers):
        cid = row["customer_id"]
        path = f"customers/{slugs[cid]}/index.html"
        history = month_groups.get(cid)
        chart = charts.bar_trend(history["month"].tolist(), history["revenue"].round(2).tolist(), "Revenue") \
            if history is not None else None
        open_deals = _records(deal_groups[cid][deal_columns]) if cid in deal_groups else []
        for deal in open_deals:
            deal["stage_name"] = stage_names.get(deal["stage"], deal["stage"])
        context = common(site, path, "customers", str(row["name"]), title_is_label=False)
        context.update(customer=row, revenue_chart=chart, open_deals=open_deals)
        yield Page(path, "customer.html", context)
