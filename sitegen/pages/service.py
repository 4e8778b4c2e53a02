"""The after-sales service page: open complaint tickets with their age and service-level state, the
service-level breaches of the window, and tickets by category, severity, owner and month."""

from __future__ import annotations

from typing import Any, Iterator

import pandas as pd

from sitegen import charts
from sitegen.pages import Page, Site, common
from sitegen.pages.rows import records
from sitegen.pages.tiles import tile

PATH = "service/index.html"
OPEN_COLUMNS = ("ticket_id", "customer_id", "owner", "category", "severity", "opened_date", "age_days",
                "first_response_date", "resolution_due", "sla_state", "days_late", "summary")
BREACH_COLUMNS = ("ticket_id", "customer_id", "owner", "category", "severity", "opened_date", "closed_date",
                  "response_hours", "resolution_days", "response_late", "resolution_late", "days_late", "status")
GROUP_COLUMNS = ("opened_window", "closed_window", "open", "overdue", "late_window", "median_resolution_days",
                 "within_sla_share")
MONTH_COLUMNS = ("period", "opened", "closed", "late", "open_at_end", "median_resolution_days", "within_sla_share")
MONTHS = 12
BREACH_ROWS = 500  # the longest breach lists are cut (the count says how many there are)


def ticket_rows(site: Site, frame: pd.DataFrame, columns: tuple[str, ...]) -> list[dict[str, Any]]:
    """Ticket rows with the customer's name and the links to the customer's and the owner's pages."""
    rows = records(frame, columns)
    for row in rows:
        cid = row["customer_id"]
        row.update(customer=site.customer_names.get(cid, cid) if cid is not None else None,
                   customer_href=site.customer_href(cid), owner_href=site.owner_href(row["owner"]))
    return rows


def open_tickets(tickets: pd.DataFrame) -> pd.DataFrame:
    """Open tickets, most urgent first: overdue by days late, then unanswered past the response time, then
    the oldest; ties by ticket id."""
    rank = {"overdue": 0, "response_late": 1, "on_track": 2}
    frame = tickets[tickets["status"] == "open"]
    return frame.assign(_rank=frame["sla_state"].map(rank), _late=frame["days_late"].fillna(0)).sort_values(
        ["_rank", "_late", "age_days", "ticket_id"], ascending=[True, False, False, True], kind="stable")


def breaches(tickets: pd.DataFrame, window_start: pd.Timestamp, as_of: pd.Timestamp) -> pd.DataFrame:
    """Tickets that missed their response or resolution time: open now, or closed in the window; the most
    days late first."""
    late = tickets["response_late"] | tickets["resolution_late"]
    current = (tickets["status"] == "open") | tickets["closed_date"].between(window_start, as_of)
    frame = tickets[late & current]
    return frame.assign(_late=frame["days_late"].fillna(0)).sort_values(
        ["_late", "opened_date", "ticket_id"], ascending=[False, True, True], kind="stable")


def group_rows(frame: pd.DataFrame, key: str) -> list[dict[str, Any]]:
    return records(frame, (key, *GROUP_COLUMNS))


def month_rows(periods: pd.DataFrame) -> list[dict[str, Any]]:
    """The last twelve months up to as_of."""
    months = periods[periods["kind"] == "month"].tail(MONTHS)
    return records(months, MONTH_COLUMNS)


def month_chart(rows: list[dict[str, Any]]) -> dict | None:
    """Tickets opened per month (bars) and closed (line)."""
    if not any(r["opened"] or r["closed"] for r in rows):
        return None
    return charts.bar_trend([r["period"] for r in rows], [r["opened"] for r in rows], "Opened",
                            charts.PALETTE[3], line=[r["closed"] for r in rows], line_name="Closed")


def category_chart(rows: list[dict[str, Any]]) -> dict | None:
    """Tickets opened in the window per category."""
    shown = [r for r in rows if r["opened_window"]]
    if not shown:
        return None
    shown.sort(key=lambda r: (-r["opened_window"], r["category"]))
    return charts.bars([r["category"] for r in shown], [r["opened_window"] for r in shown], "Tickets",
                       charts.PALETTE[0], horizontal=True, translate_labels=True)


def tiles(figures: dict[str, Any]) -> list[dict[str, Any]]:
    f = figures
    return [tile("Open tickets", f.get("complaints_open"), "number", PATH + "#open"),
            tile("Overdue tickets", f.get("complaints_overdue"), "number", PATH + "#open"),
            tile("Tickets opened (last 12 months)", f.get("complaints_opened_window"), "number", PATH + "#months"),
            tile("Tickets closed (last 12 months)", f.get("complaints_closed_window"), "number", PATH + "#months"),
            tile("Median resolution (days)", f.get("median_resolution_days"), "days", PATH + "#categories"),
            tile("Closed within service level", f.get("within_sla_share"), "pct", PATH + "#breaches")]


def pages(site: Site) -> Iterator[Page]:
    m, svc = site.metrics, site.metrics.service
    context = common(site, PATH, "service", "Service")
    context.update(present=svc.present, tiles=[], open_tickets=[], breaches=[], breach_total=0, categories=[],
                   severities=[], owners=[], months=[], month_chart=None, category_chart=None, levels=[])
    if svc.present:
        late = breaches(svc.tickets, m.window_start, m.as_of)
        categories = group_rows(svc.categories, "category")
        months = month_rows(svc.periods)
        owners = group_rows(svc.owners, "owner")
        for row in owners:
            row["href"] = site.owner_href(row["owner"])
        context.update(
            tiles=tiles(dict(svc.figures)), open_tickets=ticket_rows(site, open_tickets(svc.tickets), OPEN_COLUMNS),
            breaches=ticket_rows(site, late.head(BREACH_ROWS), BREACH_COLUMNS), breach_total=len(late),
            categories=categories, severities=group_rows(svc.severities, "severity"), owners=owners,
            months=months, month_chart=month_chart(months), category_chart=category_chart(categories),
            levels=[{"severity": k, "response_hours": v.response_hours, "resolution_days": v.resolution_days}
                    for k, v in site.config.service.items()])
    yield Page(PATH, "service.html", context)
