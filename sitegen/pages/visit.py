"""Visit-preparation sheets: one printable page per customer with open deals.

A sheet puts together what an account manager takes to a meeting: the customer's facts and
contacts, each open deal with its stage's exit criterion, key-action checklist and scripts (from
the playbook), the last activities, open receivables, open complaint tickets and the lowest-scored feedback
comments, and the service policy and contact promise of the customer's tier.
"""

from __future__ import annotations

from functools import partial
from typing import Iterator

import pandas as pd

from sitegen.pages import Page, Site, common, tickets
from sitegen.pages.customer_pages import COMMENTS_SHOWN, OPEN_ITEM_COLUMNS, email_link, phone_link
from sitegen.pages.playbook import playbook_of, relative
from sitegen.pages.rows import grouped_records, records
from sitegen.privacy import withhold_amounts

LAST_ACTIVITIES = 8
OPEN_ITEMS = 5
CONTACT_COLUMNS = ("name", "title", "role", "influence", "email", "phone", "notes")
ACTIVITY_COLUMNS = ("date", "type", "owner", "summary", "next_action", "next_action_date")
DEAL_COLUMNS = ("opportunity_id", "opportunity_name", "stage", "amount", "close_date", "grade", "next_step",
                "next_step_date", "last_activity", "stale", "overdue")


def visit_path(slug: str) -> str:
    return f"customers/{slug}/visit.html"  # beside the customer page: no folder of its own


def pages(site: Site) -> Iterator[Page]:
    m = site.metrics
    deals = m.opportunities[(m.opportunities["status"] == "open") & m.opportunities["customer_id"].isin(
        site.customer_slugs)]
    if deals.empty:
        return
    playbook = playbook_of(site)
    ids = set(deals["customer_id"])
    deal_rows = grouped_records(deals, "customer_id", DEAL_COLUMNS, order=["close_date", "opportunity_id"])
    contacts = grouped_records(_of(site.dataset.get("contacts"), ids), "customer_id", CONTACT_COLUMNS,
                               order=["influence"] if _has(site.dataset.get("contacts"), "influence") else [],
                               ascending=False)
    activities = grouped_records(_of(_up_to(site.dataset.get("activities"), m.as_of), ids), "customer_id",
                                 ACTIVITY_COLUMNS, order=["date"], ascending=False, head=LAST_ACTIVITIES)
    has_receivables = m.receivables is not None
    open_items = grouped_records(_of(m.receivable_lines, ids) if has_receivables else None, "customer_id",
                                 OPEN_ITEM_COLUMNS, order=["due_date"], head=OPEN_ITEMS)
    scripts = [d for d in playbook.documents if d.kind == "script"]
    open_tickets = tickets.open_tickets(m.service.tickets, ids)
    comments = tickets.comments(_of(m.feedback_comments, ids), "customer_id", COMMENTS_SHOWN)

    def context(customer: dict, path: str) -> dict:
        cid = customer["customer_id"]
        link = partial(relative, path)
        policy = playbook.tier_policy(customer["tier"]) if customer["tier"] else None
        open_deals = []
        for deal in deal_rows.get(cid, []):
            guide = playbook.stage_guide(deal["stage"])
            open_deals.append({**deal, "stage_name": site.stage_names.get(deal["stage"], deal["stage"]),
                               "exit_criterion": guide.meta.get("exit_criterion") if guide else None,
                               "key_actions": list(guide.meta.get("key_actions", ())) if guide else [],
                               "guide_href": link(guide.url) if guide else None,
                               "scripts": [{"title": d.title, "href": link(d.url)} for d in scripts
                                           if d.stage == deal["stage"]]})
        ctx = common(site, path, "customers", str(customer["name"]), title_is_label=False)
        ctx.update(
            customer=customer, open_deals=open_deals,
            contacts=[{**c, "tel": phone_link(c["phone"]), "mailto": email_link(c["email"])}
                      for c in contacts.get(cid, [])],
            contact_details_hidden=site.config.privacy.contacts == "hide",
            open_items=open_items.get(cid, []), has_receivables=has_receivables,
            activities=activities.get(cid, []),
            has_complaints=m.service.present, tickets=open_tickets.get(cid, []), comments=comments.get(cid, []),
            has_contacts=site.dataset.has("contacts"), has_activities=site.dataset.has("activities"),
            policy={"title": policy.title, "summary": policy.summary, "href": link(policy.url),
                    "service_model": policy.meta.get("service_model")} if policy else None,
            customer_href="index.html", customers_href=link("customers/index.html"),
        )
        return ctx if site.config.privacy.amounts_on_customer_pages else withhold_amounts(ctx)

    for customer in records(m.customers[m.customers["customer_id"].isin(ids)]):
        path = visit_path(site.customer_slugs[customer["customer_id"]])
        yield Page(path, "visit.html", partial(context, customer, path))


def _has(frame: pd.DataFrame | None, column: str) -> bool:
    return frame is not None and column in frame


def _of(frame: pd.DataFrame | None, ids: set[str]) -> pd.DataFrame:
    """The rows of the customers with a sheet (activities can be millions of rows; sheets are few)."""
    if frame is None or "customer_id" not in frame:
        return pd.DataFrame()
    return frame[frame["customer_id"].isin(ids)]


def _up_to(frame: pd.DataFrame | None, as_of: pd.Timestamp) -> pd.DataFrame | None:
    """Records dated after as_of are ignored (SPEC §4)."""
    if frame is None or "date" not in frame:
        return frame
    return frame[~(frame["date"] > as_of)]
