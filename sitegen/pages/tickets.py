"""Open complaint tickets and feedback comments as template rows for the customer page, the visit sheet and
the period reports: one grouping per table (rows per customer or per period), the same columns and the same
"low score" rule everywhere (a detractor's NPS, a dissatisfied CSAT)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Hashable, Iterable

import pandas as pd

from sitegen.pages.rows import grouped_records, records

if TYPE_CHECKING:
    from sitegen.pages import Site

TICKET_COLUMNS = ("ticket_id", "opened_date", "category", "severity", "age_days", "sla_state", "days_late",
                  "summary")
COMMENT_COLUMNS = ("customer_id", "date", "kind", "score", "comment")
PERIOD_COLUMNS = ("period", "opened", "closed", "late", "open_at_end", "median_resolution_days", "within_sla_share")
PERIOD_COMMENTS = 20  # a period report lists its lowest-scored comments (and says how many there are)
NPS_LOW, CSAT_LOW = 6, 2  # an NPS detractor (0-6), a dissatisfied CSAT (1-2 of 5): shown in red


def low_score(kind: Any, score: Any) -> bool:
    """True for a score a rep must answer: an NPS detractor or a dissatisfied CSAT."""
    if score is None:
        return False
    return (kind == "nps" and score <= NPS_LOW) or (kind == "csat" and score <= CSAT_LOW)


def open_tickets(tickets: pd.DataFrame, ids: Iterable[Hashable] | None = None) -> dict[Hashable, list[dict[str, Any]]]:
    """Customer id -> its open tickets at as_of, oldest first (all of them: an open ticket is work to do)."""
    if tickets.empty:
        return {}
    frame = tickets[tickets["status"] == "open"]
    if ids is not None:
        frame = frame[frame["customer_id"].isin(set(ids))]
    return grouped_records(frame, "customer_id", TICKET_COLUMNS, order=("opened_date", "ticket_id"))


def closed_counts(customers: pd.DataFrame) -> dict[Hashable, int]:
    """Customer id -> tickets opened up to as_of and closed by then (a customer without open tickets but with a
    history of complaints says so)."""
    if customers.empty:
        return {}
    closed = (customers["tickets"] - customers["open_tickets"]).astype("int64")
    return dict(zip(customers["customer_id"], closed.tolist()))


def comments(frame: pd.DataFrame, key: str, head: int | None) -> dict[Hashable, list[dict[str, Any]]]:
    """``key`` value (customer id or period) -> its comments, lowest scores first (the table's order), at most
    ``head`` each, each with ``low`` set for a score shown in red."""
    groups = grouped_records(frame, key, COMMENT_COLUMNS, head=head)
    for rows in groups.values():
        for row in rows:
            row["low"] = low_score(row["kind"], row["score"])
    return groups


def period_service(site: Site) -> Callable[[str], dict[str, Any]]:
    """Period label -> the report's ``service`` (tickets opened, closed, became late, open at the period's end;
    None without complaints data), ``comments`` (lowest scores first, linked to their customers) and
    ``comment_total``: one grouping for every period."""
    svc = site.metrics.service
    figures = {row["period"]: row for row in records(svc.periods, PERIOD_COLUMNS)} if svc.present else {}
    frame = site.metrics.feedback_period_comments
    groups = comments(frame, "period", PERIOD_COMMENTS)
    totals = frame["period"].value_counts().to_dict() if len(frame) else {}
    for rows in groups.values():
        for row in rows:
            cid = row["customer_id"]
            row.update(customer=site.customer_names.get(cid, cid), href=site.customer_href(cid))
    return lambda label: {"service": figures.get(label), "comments": groups.get(label, []),
                          "comment_total": int(totals.get(label, 0))}
