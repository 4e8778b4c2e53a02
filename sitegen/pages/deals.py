"""One page per deal (``pipeline/deals/<slug>/``) for every open deal and every deal closed in the window:
stage path with days in each stage, amount and close-date history from the snapshots, activities, next action
and its flags, the stage's exit criterion, checklist and scripts, the customer and contacts, and the grade with
its reason.

Built like the customer pages: every table is grouped once (sort, then slices per deal) and a page's context
is made only by the render worker that renders it.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Iterator

import numpy as np
import pandas as pd

from sitegen.pages import Page, Site, common, unique_slugs
from sitegen.pages.customer_pages import contact_table, stage_guides, up_to
from sitegen.pages.rows import grouped_records, records

ACTIVITIES_SHOWN = 10
CONTACTS_SHOWN = 5
SEPARATORS = " -–—:|/·,，：、"
DEAL_FIELDS = ("opportunity_id", "opportunity_name", "customer_id", "owner", "stage", "status", "amount", "probability",
               "crm_probability", "weighted_amount", "created_date", "close_date", "closed_on", "age_days",
               "days_since_activity", "days_in_stage", "last_activity", "next_step", "next_step_date",
               "next_action_date", "stale", "overdue", "no_next_action", "next_action_overdue", "big_deal", "grade",
               "grade_source", "grade_score", "grade_high_at", "grade_medium_at", "grade_lowered", "forecast_category",
               "forecast_source", "need_fit", "budget_confirmed", "decision_maker_engaged", "competition",
               "lost_reason", "product")
FACTORS = ("need_fit", "budget_confirmed", "decision_maker_engaged", "competition")
FACTOR_LABELS = {"need_fit": "Need fit", "budget_confirmed": "Budget confirmed",
                 "decision_maker_engaged": "Decision maker engaged", "competition": "Competition"}
FLAG_COLUMNS = (("stale", "stale"), ("overdue", "close_date_passed"), ("no_next_action", "no_next_action"),
                ("next_action_overdue", "next_action_overdue"), ("big_deal", "big_deal"))


def with_pages(m: Any) -> pd.Series:
    """Which deals get a page: open ones and those closed in the analysis window."""
    deals = m.opportunities
    closed = deals["closed_on"]
    return (deals["status"] == "open") | ((closed >= m.window_start) & (closed <= m.as_of))


def deal_hrefs(site: Site) -> dict[str, str]:
    """Deal id -> root-relative link to its page; slugs come from every deal id, so they stay put as deals close."""
    deals = site.metrics.opportunities
    ids = deals["opportunity_id"].astype(str)
    slugs = unique_slugs(ids.tolist(), "deal")
    return {i: f"pipeline/deals/{slugs[i]}/index.html" for i in ids[with_pages(site.metrics).to_numpy()]}


def short_names(names: pd.Series, customers: pd.Series) -> pd.Series:
    """Deal names without the customer's name in front ("Acme Ltd - Servo" -> "Servo" beside Acme Ltd);
    a name that is only the customer's name, or has no name, stays as it is (missing stays missing)."""
    out = []
    for name, customer in zip(names.tolist(), customers.tolist()):
        if isinstance(name, str) and isinstance(customer, str) and customer and name.startswith(customer):
            rest = name[len(customer):]
            short = rest.lstrip(SEPARATORS) if rest[:1] in SEPARATORS else ""
            out.append(short or name)
        else:
            out.append(name)
    return pd.Series(out, index=names.index, dtype=object)


def display_names(site: Site, deals: pd.DataFrame) -> pd.Series:
    """What tables call each deal: its short name, else its id."""
    names = deals["opportunity_name"] if "opportunity_name" in deals else pd.Series(None, index=deals.index)
    customers = deals["customer_id"].map(site.customer_names)
    short = short_names(names, customers)
    return short.where(short.notna(), deals["opportunity_id"])


def stage_paths(site: Site) -> dict[Any, list[dict[str, Any]]]:
    """Deal id -> its stage-history entries with the days spent until the next entry (to as_of when current)."""
    history = up_to(site.dataset.get("stage_history"), site.metrics.as_of, "entered_date")
    if history is None or history.empty:
        return {}
    h = history[["opportunity_id", "stage", "entered_date"]].dropna()
    h = h.sort_values(["opportunity_id", "entered_date"], kind="stable").reset_index(drop=True)
    same = h["opportunity_id"].eq(h["opportunity_id"].shift(-1))
    nxt = h["entered_date"].shift(-1).where(same)
    terminal = h["stage"].isin(("won", "lost"))
    until = nxt.where(same, pd.Series(site.metrics.as_of, index=h.index)).where(~terminal)
    h["days"] = (until - h["entered_date"]).dt.days
    h["name"] = h["stage"].map(site.stage_names)
    return grouped_records(h, "opportunity_id", ("stage", "name", "entered_date", "days"))


def pages(site: Site) -> Iterator[Page]:
    m = site.metrics
    deals = m.opportunities[with_pages(m).to_numpy()]
    if not len(deals):
        return
    hrefs = site.deal_hrefs
    guides = stage_guides(site)
    paths = stage_paths(site)
    history = grouped_records(m.changes.history if len(m.changes.history) else None, "opportunity_id",
                              ("date", "stage", "status", "amount", "close_date"))
    acts = up_to(site.dataset.get("activities"), m.as_of)
    activities = grouped_records(acts, "opportunity_id", ("date", "type", "owner", "summary", "next_action",
                                                          "next_action_date"),
                                 order=("date",), ascending=False, head=ACTIVITIES_SHOWN)
    contacts = grouped_records(contact_table(site), "customer_id", ("name", "title", "role", "influence"),
                               order=("role_rank", "influence_rank"), head=CONTACTS_SHOWN)
    changed = m.changes.deals
    week = dict(zip(changed["opportunity_id"], changed["changes"])) if len(changed) else {}
    names = display_names(site, deals)
    rows = records(deals.assign(display_name=names), (*DEAL_FIELDS, "display_name"))
    review = {"since": m.changes.since, "source": m.changes.source}

    def context(row: dict[str, Any], path: str) -> dict[str, Any]:
        oid, cid = row["opportunity_id"], row["customer_id"]
        ctx = common(site, path, "pipeline", str(row["display_name"]), title_is_label=False)
        ctx.update(row)
        ctx.update(
            customer_name=site.customer_names.get(cid, cid), customer_href=site.customer_href(cid),
            owner_href=site.owner_href(row["owner"]), stage_name=site.stage_names.get(row["stage"], row["stage"]),
            flags=[key for column, key in FLAG_COLUMNS if row[column]],
            factors=[{"label": FACTOR_LABELS[f], "value": row[f]} for f in FACTORS if row[f] is not None],
            path=paths.get(oid, []), history=history.get(oid, []), activities=activities.get(oid, []),
            contacts=contacts.get(cid, []) if cid is not None else [],
            guide=guides.get(row["stage"]) if row["status"] == "open" else None,
            changes=list(week.get(oid, ())), review=review,
        )
        return ctx

    for row in rows:
        path = hrefs[str(row["opportunity_id"])]
        yield Page(path, "deal.html", partial(context, row, path))
