"""Review meetings on the pages: a period report's review and carried-over actions, the dashboard's overdue
actions, a rep's open actions, the week's notes on the weekly review page, and ``data/actions.csv``.

Helpers for the sections (reports, dashboard, team, changes, data files); not a section of its own. The
states come from :mod:`sitegen.metrics.actions` (``Site.actions``: every action as of the build date).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
from markupsafe import Markup

from sitegen.metrics.actions import ActionState, carried_over, fold
from sitegen.pages import Site
from sitegen.reviews import Review, parse_review_period, week_of

STATUS_LABELS = {"open": "Open", "done": "Done", "dropped": "Dropped"}
CSV_COLUMNS = ("id", "period", "what", "owner", "due", "status", "overdue", "closed_in")
CHANGES_PATH = "pipeline/changes/index.html"


def _as_of(site: Site) -> date:
    return site.metrics.as_of.date()


def review_href(site: Site, label: str) -> str | None:
    """Root-relative link to where a review is shown: its period report, or the weekly review page for the
    current week's (and last week's) notes; None when the site has no such page."""
    if label in site.metrics.reports:
        return f"reports/{label}/index.html#review"
    weeks = {week_of(_as_of(site)).label, week_of(_as_of(site) - pd.Timedelta(days=7)).label}
    return f"{CHANGES_PATH}#weekly-notes" if label in weeks else None


def action_row(site: Site, state: ActionState, until: date | None = None) -> dict[str, Any]:
    """One action for a table: text, owner (linked to their team page), due, status, where it was agreed;
    ``overdue`` against ``until`` (default: the build date)."""
    until = until or _as_of(site)
    return {"id": state.id, "what": state.what, "owner": state.owner, "owner_href": site.owner_href(state.owner),
            "due": state.due, "status": state.status, "status_label": STATUS_LABELS[state.status],
            "overdue": state.status == "open" and state.due is not None and state.due < until,
            "period": state.period, "period_href": review_href(site, state.period),
            "closed_in": state.closed_in, "days_open": state.days_open(until), "later": None}


def review_context(site: Site, review: Review) -> dict[str, Any]:
    """The review for a page: title, date, attendees, notes and its action list (each as that file wrote it,
    with the action's later status when a later review changed it)."""
    as_written = fold([r for r in site.reviews if r.period.order <= review.period.order])
    now = {s.id: s for s in site.actions}
    actions = []
    for entry in review.actions:
        row = action_row(site, as_written[entry.id], min(review.period.end, _as_of(site)))
        row.update(status=entry.status, status_label=STATUS_LABELS[entry.status],
                   overdue=row["overdue"] and entry.status == "open")
        later = now.get(entry.id)
        if later is not None and later.status != entry.status and later.history[-1][0] != review.period.label:
            row["later"] = {"label": STATUS_LABELS[later.status], "period": later.history[-1][0]}
        actions.append(row)
    return {"period": review.period.label, "title": review.title, "date": review.date,
            "attendees": list(review.attendees),
            "html": Markup(review.html),  # sanitised by sitegen.reviews (the playbook's nh3 rules)
            "toc": [t.__dict__ for t in review.toc],
            "file": review.file, "actions": actions}


def report_reviews(site: Site, label: str) -> dict[str, Any]:
    """What a period report shows of the reviews: its own review (or None) and the actions carried over."""
    if site.reviews is None:
        return {"meeting": None, "carried_actions": []}
    period = parse_review_period(label, site.config.site.fiscal_year_start)
    review = site.reviews.get(label)
    carried = []
    if period is not None:
        until = min(period.end, _as_of(site))
        for state, days in carried_over(site.reviews, period, _as_of(site)):
            carried.append({**action_row(site, state, until), "days_open": days})
        carried.sort(key=lambda r: (r["due"] or date.max, r["id"]))
    return {"meeting": review_context(site, review) if review is not None and review.period.start <= _as_of(site)
            else None, "carried_actions": carried}


def review_json(site: Site, label: str) -> dict[str, Any] | None:
    """The ``review`` key of a period's report.json: only what its own file says (title, date, attendees,
    notes, actions with what, owner, due and status as agreed there), so the key does not change with the
    build date or with later reviews."""
    review = site.reviews.get(label) if site.reviews is not None else None
    if review is None or review.period.start > _as_of(site):
        return None
    as_written = fold([r for r in site.reviews if r.period.order <= review.period.order])
    actions = []
    for entry in review.actions:
        s = as_written[entry.id]
        actions.append({"id": entry.id, "what": s.what, "owner": s.owner,
                        "due": s.due.isoformat() if s.due else None, "status": entry.status})
    return {"title": review.title, "date": review.date.isoformat() if review.date else None,
            "attendees": list(review.attendees), "notes_html": review.html, "actions": actions}


def report_json_with_review(site: Site, label: str, report: dict[str, Any]) -> bytes:
    """A period's report.json (pages/reports.py ``report_json``) with its ``review`` key when it has a review."""
    from sitegen.pages.reports import report_json  # (that module imports this one)

    review = review_json(site, label)
    return report_json(report if review is None else {**report, "review": review})


def overdue_actions(site: Site) -> list[dict[str, Any]]:
    """Open actions past their due date, the longest overdue first (the dashboard's "needs action")."""
    rows = [action_row(site, s) for s in site.actions if s.overdue]
    return sorted(rows, key=lambda r: (r["due"], r["id"]))


def owner_actions(site: Site, owner: str) -> list[dict[str, Any]]:
    """A rep's open actions (overdue ones first, then by due date)."""
    rows = [action_row(site, s) for s in site.actions if s.status == "open" and s.owner == owner]
    return sorted(rows, key=lambda r: (not r["overdue"], r["due"] or date.max, r["id"]))


def weekly_review(site: Site) -> dict[str, Any] | None:
    """The notes of the weekly pipeline meeting: this week's review, else last week's; None without either."""
    if site.reviews is None:
        return None
    for day in (_as_of(site), _as_of(site) - pd.Timedelta(days=7)):
        review = site.reviews.week(day)
        if review is not None:
            return review_context(site, review)
    return None


def actions_csv(site: Site) -> bytes:
    """data/actions.csv: every action as of the build date, in the order agreed; text neutralised."""
    from sitegen.pages.data_files import csv_bytes  # data_files imports the sections

    frame = pd.DataFrame([s.as_row() for s in site.actions], columns=list(CSV_COLUMNS))
    return csv_bytes(frame.astype({"overdue": bool}))


__all__ = ["action_row", "review_context", "report_reviews", "review_json", "overdue_actions", "owner_actions",
           "weekly_review", "actions_csv", "report_json_with_review", "STATUS_LABELS", "CSV_COLUMNS"]
