"""One lean page per customer: profile, contacts and decision chain, lifetime and window KPIs,
revenue by month, orders and products of the last 24 months, receivables, RFM segment and tier
with the tier's service policy and contact promise, open deals with the playbook's next actions
and scripts for their stage, open complaint tickets with their service-level state, the lowest-scored feedback
comments, activity timeline and feedback.

Built for 50,000 customers: every table is grouped once (sort, then slices per customer),
playbook lookups are made once per stage and tier, and the context is a flat dict.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Iterator

import re

import pandas as pd

from sitegen import charts
from sitegen.metrics import periods
from sitegen.pages import Page, Site, common
from sitegen.pages import tickets
from sitegen.pages.rows import grouped_records, grouped_series, records
from sitegen.privacy import is_masked, withhold_amounts

CHART_MONTHS = 24
TIMELINE = 10        # latest activities shown
FEEDBACK_SHOWN = 5
COMMENTS_SHOWN = 5   # feedback comments, lowest scores first
ROLE_ORDER = {"decision maker": 0, "influencer": 1, "user": 2, "gatekeeper": 3}
CONTACT_COLUMNS = ("name", "title", "role", "influence", "email", "phone", "notes")
ACTIVITY_COLUMNS = ("date", "type", "owner", "summary", "next_action", "next_action_date")
FEEDBACK_COLUMNS = ("date", "kind", "score", "comment")
CUSTOMER_FIELDS = ("customer_id", "name", "industry", "region", "size", "owner", "tier", "potential_value",
                   "created_date", "orders", "revenue", "margin", "revenue_window", "first_order_date",
                   "last_order_date", "recency_days", "open_pipeline", "weighted_pipeline", "rfm_segment",
                   "r_score", "f_score", "m_score", "at_risk", "receivable_outstanding", "receivable_overdue",
                   "oldest_overdue_date", "days_past_due", "last_contact_date", "contact_every_days",
                   "days_since_contact", "contact_overdue")
OPEN_ITEMS = 5       # open receivables shown, oldest due first
PRODUCTS_SHOWN = 4   # products with the most revenue in the last 24 months (the total counts them all)
OPEN_ITEM_COLUMNS = ("order_key", "order_date", "due_date", "amount", "paid_amount", "open_amount", "days_past_due")
PRODUCT_COLUMNS = ("product", "revenue", "quantity", "orders", "last_order_date")

DEAL_COLUMNS = ("opportunity_id", "opportunity_name", "stage", "amount", "probability", "weighted_amount", "grade",
                "close_date", "next_step", "next_step_date", "stale", "overdue", "no_next_action",
                "next_action_overdue", "big_deal")


def up_to(frame: pd.DataFrame | None, as_of: pd.Timestamp, column: str = "date") -> pd.DataFrame | None:
    """Records dated after as_of are ignored (SPEC §4); undated rows stay."""
    if frame is None or column not in frame:
        return frame
    return frame[~(frame[column] > as_of)]


def stage_guides(site: Site) -> dict[str, dict[str, Any]]:
    """Stage key -> what a customer page shows from its playbook guide (looked up once per stage)."""
    out = {}
    scripts = [d for d in site.playbook.documents if d.kind == "script"] if site.playbook is not None else []
    for stage in site.config.stages:
        guide = site.playbook.stage_guide(stage.key) if site.playbook is not None else None
        out[stage.key] = {
            "key": stage.key, "name": site.stage_names[stage.key],
            "href": guide.url if guide else None, "title": guide.title if guide else None,
            "exit_criterion": guide.meta.get("exit_criterion") if guide else None,
            "key_actions": list(guide.meta.get("key_actions") or ()) if guide else [],
            "scripts": [{"title": d.title, "href": d.url} for d in scripts if d.stage == stage.key],
        }
    return out


def tier_policies(site: Site) -> dict[str, dict[str, Any]]:
    """Tier -> its service policy from the playbook (title, link, summary, service model)."""
    out = {}
    for tier in ("strategic", "key", "general", "potential"):
        doc = site.playbook.tier_policy(tier) if site.playbook is not None else None
        if doc is not None:
            out[tier] = {"title": doc.title, "href": doc.url, "summary": doc.summary,
                         "service_model": doc.meta.get("service_model")}
    return out


def contact_table(site: Site) -> pd.DataFrame | None:
    """Contacts ordered along the decision chain: decision makers first, then by influence."""
    contacts = site.dataset.get("contacts")
    if contacts is None:
        return None
    missing = pd.Series(None, index=contacts.index, dtype=object)
    role = contacts["role"] if "role" in contacts else missing
    influence = pd.to_numeric(contacts["influence"] if "influence" in contacts else missing, errors="coerce")
    rank = role.astype("string").str.strip().str.casefold().map(ROLE_ORDER).fillna(len(ROLE_ORDER))
    return contacts.assign(role_rank=rank, influence_rank=-influence.fillna(0))


def month_axis(as_of: pd.Timestamp) -> list[str]:
    """The last CHART_MONTHS month labels up to as_of, shared by every customer chart."""
    return [periods.month(as_of - pd.DateOffset(months=k)).label for k in range(CHART_MONTHS - 1, -1, -1)]


def revenue_chart(axis: list[str], positions: dict[str, int], series: dict[str, list] | None) -> dict[str, Any] | None:
    """Revenue per month over the shared axis (months without orders are 0); None without revenue in
    those months (the page then says so instead of drawing an empty axis). Whole amounts are written without
    a ".0" (the spec is in every customer page: 50,000 of them)."""
    if not series:
        return None
    values: list[float] = [0] * len(axis)
    for month, revenue in zip(series["month"], series["revenue"]):
        i = positions.get(month)
        if i is not None:
            values[i] = int(revenue) if float(revenue).is_integer() else revenue
    return charts.money(charts.bar_trend(axis, values, "Revenue")) if any(values) else None


def phone_link(phone: Any) -> str | None:
    """A ``tel:`` target from a phone number as written (digits and a leading +), None without digits or when
    ``[privacy]`` masked it."""
    digits = re.sub(r"[^0-9+]", "", str(phone)) if phone and not is_masked(phone) else ""
    return digits if re.search(r"[0-9]", digits) else None


def email_link(email: Any) -> str | None:
    """A ``mailto:`` target: the address as written, None when it has no ``@`` or ``[privacy]`` masked it."""
    return email.strip() if isinstance(email, str) and "@" in email and not is_masked(email) else None


def recent_orders(m: Any) -> pd.DataFrame:
    """Orders of the last 24 months (the chart's months): customer_id, revenue, counted (returns are no order)."""
    o = m.orders[m.orders["order_date"] > m.as_of - pd.DateOffset(months=CHART_MONTHS)]
    return pd.DataFrame({"customer_id": o["customer_id"].astype(object), "revenue": o["revenue"],
                         "counted": (~o["is_return"].astype(bool)).astype("int64")})


def pages(site: Site) -> Iterator[Page]:
    m = site.metrics
    as_of = m.as_of
    contacts = grouped_records(contact_table(site), "customer_id", CONTACT_COLUMNS,
                               order=("role_rank", "influence_rank"))
    activities_table = up_to(site.dataset.get("activities"), as_of)
    activities = grouped_records(activities_table, "customer_id", ACTIVITY_COLUMNS, order=("date",),
                                 ascending=False, head=TIMELINE)
    activity_counts = activities_table["customer_id"].value_counts().to_dict() if activities_table is not None else {}
    feedback = grouped_records(up_to(site.dataset.get("feedback"), as_of), "customer_id", FEEDBACK_COLUMNS,
                               order=("date",), ascending=False, head=FEEDBACK_SHOWN)
    deals = m.opportunities[m.opportunities["status"] == "open"]
    open_deals = grouped_records(deals, "customer_id", DEAL_COLUMNS, order=("close_date", "opportunity_id"))
    months = grouped_series(m.customer_months.assign(revenue=m.customer_months["revenue"].round(2)), "customer_id",
                            ("month", "revenue"))
    axis = month_axis(as_of)
    positions = {label: i for i, label in enumerate(axis)}
    guides, policies = stage_guides(site), tier_policies(site)
    has = {name: site.dataset.has(name) for name in ("contacts", "activities", "feedback", "pipeline", "orders")}
    has["receivables"] = m.receivables is not None
    open_items = grouped_records(m.receivable_lines if has["receivables"] else None, "customer_id", OPEN_ITEM_COLUMNS,
                                 order=("due_date",), head=OPEN_ITEMS)
    products = grouped_records(m.customer_products, "customer_id", PRODUCT_COLUMNS, head=PRODUCTS_SHOWN)
    orders_24 = recent_orders(m)
    order_totals = orders_24.groupby("customer_id").agg(sum=("revenue", "sum"), size=("counted", "sum"))
    open_counts = m.receivable_lines["customer_id"].value_counts() if has["receivables"] else pd.Series(dtype=int)
    has["complaints"] = m.service.present
    open_tickets, closed_tickets = tickets.open_tickets(m.service.tickets), tickets.closed_counts(m.service.customers)
    comments = tickets.comments(m.feedback_comments, "customer_id", COMMENTS_SHOWN)
    privacy = site.config.privacy

    def context(row: dict[str, Any], path: str) -> dict[str, Any]:
        cid = row["customer_id"]
        customer_deals = open_deals.get(cid, [])
        for deal in customer_deals:
            deal["stage_name"] = site.stage_names.get(deal["stage"], deal["stage"])
            deal["href"] = site.deal_hrefs.get(str(deal["opportunity_id"]))
        people = [{**p, "tel": phone_link(p["phone"]), "mailto": email_link(p["email"])}
                  for p in contacts.get(cid, [])]
        total = order_totals.loc[cid] if cid in order_totals.index else None
        stages = list(dict.fromkeys(d["stage"] for d in customer_deals))
        ctx = common(site, path, "customers", str(row["name"]), title_is_label=False)
        ctx.update(row)  # the customer's fields, flat (CUSTOMER_FIELDS; None where the input lacks them)
        ctx.update(
            owner_href=site.owner_href(row["owner"]),
            aov=row["revenue"] / row["orders"] if row["orders"] else None,
            revenue_chart=revenue_chart(axis, positions, months.get(cid)),
            open_deals=customer_deals, next_actions=[guides[s] for s in stages if s in guides],
            policy=policies.get(row["tier"]), contacts=people,
            open_items=open_items.get(cid, []), open_item_count=int(open_counts.get(cid, 0)),
            products=products.get(cid, []),
            orders_24=int(total["size"]) if total is not None else 0,
            revenue_24=float(total["sum"]) if total is not None else 0.0,
            activities=activities.get(cid, []), activity_count=activity_counts.get(cid, 0),
            feedback=feedback.get(cid, []), has=has,
            tickets=open_tickets.get(cid, []), closed_tickets=closed_tickets.get(cid, 0),
            comments=comments.get(cid, []), contact_details_hidden=privacy.contacts == "hide",
            amounts_withheld=False,
        )
        return ctx if privacy.amounts_on_customer_pages else withhold_amounts(ctx)

    for row in records(m.customers, CUSTOMER_FIELDS):
        path = site.customer_href(row["customer_id"])
        yield Page(path, "customer.html", partial(context, row, path))
