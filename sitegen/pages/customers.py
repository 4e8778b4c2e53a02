"""The customers index: tier and segment counts, then every customer in a searchable, sortable,
filterable table whose full list is the shared ``data/customers-index.js`` (see datatables)."""

from __future__ import annotations

from typing import Iterator

import numpy as np
import pandas as pd

from sitegen import charts
from sitegen.dataset.schema import TIERS
from sitegen.metrics.customers import RFM_SEGMENTS
from sitegen.metrics.reduce import UNASSIGNED
from sitegen.pages import Page, Site, common
from sitegen.pages.datatables import Column, data_file, filter_options, table_context

TABLE = "customers"
DATA_NAME = "customers-index"
SEGMENTS = tuple(name for name, _, _ in RFM_SEGMENTS)
RISK = "churn_risk"
CONTACT = "contact_overdue"  # a flag beside churn risk: the tier's contact promise is broken
COHORTS = 12  # cohorts (and months since the first order) in the retention chart
COLUMNS = (
    Column("name", "Customer", "link", "href"), Column("tier", "Tier", "label", badge=True),
    Column("segment", "Segment", "label"), Column("owner", "Owner", "link", "owner_href"),
    Column("region", "Region"), Column("orders", "Orders", "number"), Column("revenue", "Revenue (lifetime)", "money"),
    Column("revenue_window", "Revenue (last 12 months)", "money"),
    Column("first_order_date", "First order", "date"), Column("last_order_date", "Last order", "date"),
    Column("open_pipeline", "Open pipeline", "money"), Column("last_contact_date", "Last contact", "date"),
    Column("risk", "Risk", "flags"),
)
FIELDS = ("name", "href", "customer_id", "tier", "segment", "owner", "owner_href", "region", "orders", "revenue",
          "revenue_window", "first_order_date", "last_order_date", "open_pipeline", "last_contact_date", "risk")


def index_frame(site: Site) -> pd.DataFrame:
    """One row per customer with display columns, highest lifetime revenue first."""
    c = site.metrics.customers
    at_risk = c["at_risk"].to_numpy(dtype=bool) if "at_risk" in c else np.zeros(len(c), dtype=bool)
    late = c["contact_overdue"].fillna(False).to_numpy(dtype=bool) if "contact_overdue" in c else np.zeros(len(c), bool)
    risk = np.char.strip(np.char.add(np.where(at_risk, RISK + " ", ""), np.where(late, CONTACT, "")))
    out = pd.DataFrame({
        "name": c["name"], "customer_id": c["customer_id"],
        "href": c["customer_id"].map(site.customer_href),
        "tier": c["tier"], "segment": c["rfm_segment"] if "rfm_segment" in c else None,
        "owner": c["owner"], "owner_href": c["owner"].map(site.owner_href),
        "region": c["region"], "orders": c["orders"], "revenue": c["revenue"].round(2),
        "revenue_window": c["revenue_window"].round(2) if "revenue_window" in c else np.nan,
        "first_order_date": c.get("first_order_date"), "last_order_date": c.get("last_order_date"),
        "open_pipeline": c["open_pipeline"].round(2), "last_contact_date": c.get("last_contact_date"),
        "risk": risk.astype(object),
    })
    return out.sort_values(["revenue", "customer_id"], ascending=[False, True])


def counts(values: pd.Series, order: tuple[str, ...]) -> list[dict[str, object]]:
    """Customers per key (tier or segment) in a fixed order, for the link chips above the table."""
    tally = values.value_counts()
    return [{"key": k, "count": int(tally.get(k, 0))} for k in order if tally.get(k, 0)]


def index_labels(language: str = "en") -> dict[str, dict[str, str | None]]:
    """Keyed fields of the index; their text comes from the catalog when rendering (the English
    display catalog has no ``contact_overdue`` label: English text is given here)."""
    contact = "Contact overdue" if language == "en" else None
    return {"tier": dict.fromkeys(TIERS), "segment": dict.fromkeys(SEGMENTS), "risk": {RISK: None, CONTACT: contact},
            "owner": {UNASSIGNED: None}}


def cohort_chart(site: Site) -> dict[str, object] | None:
    """Share of each of the last COHORTS monthly cohorts still buying k months after its first order."""
    cohorts = site.metrics.cohorts
    if not len(cohorts):
        return None
    recent = sorted(cohorts["cohort"].unique())[-COHORTS:]
    shown = cohorts[cohorts["cohort"].isin(recent) & (cohorts["months_since"] <= COHORTS)]
    matrix = shown.pivot(index="cohort", columns="months_since", values="retention")
    z = [[None if pd.isna(v) else round(float(v), 4) for v in row] for row in matrix.to_numpy()]
    return charts.heatmap([str(c) for c in matrix.columns], list(matrix.index), z, "Retention")


def pages(site: Site) -> Iterator[Page]:
    frame = index_frame(site)
    labels = index_labels(site.language)
    context = common(site, "customers/index.html", "customers", "Customers")
    context.update(table_context(DATA_NAME, COLUMNS, frame, FIELDS, labels))
    context.update(
        table_id=TABLE, cohort_chart=cohort_chart(site),
        tier_counts=counts(frame["tier"], TIERS), segment_counts=counts(frame["segment"], SEGMENTS),
        filters=[{"key": "tier", "label": "Tier", "options": filter_options(frame["tier"], labels["tier"], TIERS)},
                 {"key": "segment", "label": "Segment",
                  "options": filter_options(frame["segment"], labels["segment"], SEGMENTS)},
                 {"key": "owner", "label": "Owner", "options": filter_options(frame["owner"])},
                 {"key": "region", "label": "Region", "options": filter_options(frame["region"])},
                 {"key": "risk", "label": "Risk", "options": [(RISK, RISK), (CONTACT, "Contact overdue")]}],
    )
    yield Page("customers/index.html", "customers.html", context)
    yield data_file(DATA_NAME, frame, FIELDS, labels)
