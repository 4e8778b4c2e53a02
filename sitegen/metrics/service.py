"""After-sales service: complaint tickets measured against the ``[service]`` promises of their severity, overall
(the window), per period, customer, owner, category and severity. docs/metrics.md, "Service", defines each figure.

Dates carry no time of day: a ticket opens at midnight, so a same-day response takes 0 hours and a next-day one
24. "Now" is the midnight of as_of; anything dated after it has not happened yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd

from sitegen.config import Config
from sitegen.metrics import periods as cal
from sitegen.metrics.reports import records

HOUR, DAY = pd.Timedelta(hours=1), pd.Timedelta(days=1)
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
TEXT = ("ticket_id", "customer_id", "owner", "category", "severity", "summary", "resolution")
GROUP_COLUMNS = ("opened_window", "closed_window", "open", "overdue", "late_window", "median_resolution_days",
                 "within_sla_share")
PERIOD_COLUMNS = ("period", "kind", "start", "end", "opened", "closed", "late", "open_at_end",
                  "median_resolution_days", "within_sla_share")


def _empty() -> Any:
    return field(default_factory=pd.DataFrame)


@dataclass(frozen=True)
class ServiceMetrics:
    """The ``service`` field of ``Metrics``; ``present`` is False without a complaints file (frames empty)."""

    present: bool = False
    figures: Mapping[str, Any] = field(default_factory=dict)
    tickets: pd.DataFrame = _empty()     # one row per ticket opened up to as_of (see ticket_table)
    periods: pd.DataFrame = _empty()     # PERIOD_COLUMNS, one row per report period
    customers: pd.DataFrame = _empty()   # customer_id, tickets, open_tickets, overdue_tickets, tickets_window, ...
    owners: pd.DataFrame = _empty()      # owner, GROUP_COLUMNS
    categories: pd.DataFrame = _empty()  # category, GROUP_COLUMNS
    severities: pd.DataFrame = _empty()  # severity, GROUP_COLUMNS

    def as_json(self) -> dict[str, Any]:
        """metrics.json "service": the figures, by_category, by_severity, by_owner and periods by label."""
        periods = {row.pop("period"): row for row in records(self.periods.drop(columns=["start", "end"]))}
        return {**self.figures, "by_category": records(self.categories), "by_severity": records(self.severities),
                "by_owner": records(self.owners), "periods": periods}


def ticket_table(complaints: pd.DataFrame, config: Config, as_of: pd.Timestamp) -> pd.DataFrame:
    """Tickets opened up to as_of with their state at as_of, sorted by opening date then ticket id.

    Columns: TEXT columns, opened_date, first_response_date and closed_date (NaT when after as_of), status
    (open / closed), sla_severity (severity, medium when unknown), response_due, resolution_due, response_hours
    (to the first response, else to the closing), resolution_days, age_days, response_late, resolution_late,
    late_on (the first day the resolution was late), days_late, within_sla (closed tickets; NaN when the
    resolution time is not measurable), sla_state (met / late for closed, on_track / response_late / overdue
    for open tickets).
    """
    t = complaints[complaints["opened_date"] <= as_of]
    out = pd.DataFrame({c: (t[c] if c in t else pd.Series(None, index=t.index, dtype=object)) for c in TEXT})
    opened = t["opened_date"]
    out["opened_date"] = opened
    for column in ("first_response_date", "closed_date"):
        dates = t[column] if column in t else pd.Series(pd.NaT, index=t.index, dtype="datetime64[ns]")
        out[column] = dates.where(dates <= as_of)
    closed = out["closed_date"]
    is_open = closed.isna()
    out["status"] = np.where(is_open, "open", "closed")
    level = out["severity"].where(out["severity"].isin(list(config.service)), "medium")
    out["sla_severity"] = level
    hours = level.map({k: v.response_hours for k, v in config.service.items()}).astype(float)
    days = level.map({k: v.resolution_days for k, v in config.service.items()}).astype(float)
    out["response_due"] = opened + pd.to_timedelta(hours, unit="h")
    out["resolution_due"] = opened + pd.to_timedelta(days, unit="D")
    first = out["first_response_date"].where(out["first_response_date"] >= opened)
    responded = first.fillna(closed.where(out["first_response_date"].isna()))
    out["response_hours"] = (responded - opened) / HOUR
    out["response_hours"] = out["response_hours"].where(out["response_hours"] >= 0)
    resolution = (closed - opened) / DAY
    out["resolution_days"] = resolution.where(resolution >= 0)
    out["age_days"] = ((closed.fillna(as_of) - opened) / DAY).astype(float)
    waited = out["response_hours"].fillna(((as_of - opened) / HOUR).where(is_open & out["first_response_date"].isna()))
    out["response_late"] = (waited > hours).to_numpy()
    end = closed.where(out["resolution_days"].notna() | is_open)  # NaT: closed before opened, not measured
    out["resolution_late"] = (end.fillna(as_of).where(end.notna() | is_open) > out["resolution_due"]).to_numpy()
    out["late_on"] = (out["resolution_due"].dt.floor("D") + DAY).where(out["resolution_late"])
    out["days_late"] = ((end.fillna(as_of) - out["resolution_due"]) / DAY).where(out["resolution_late"]).clip(lower=0)
    within = ~(out["response_late"] | out["resolution_late"])
    out["within_sla"] = within.astype(float).where(~is_open & out["resolution_days"].notna())
    out["sla_state"] = np.select([~is_open & within, ~is_open, out["resolution_late"], out["response_late"]],
                                 ["met", "late", "overdue", "response_late"], "on_track")
    return out.sort_values(["opened_date", "ticket_id"], kind="stable", ignore_index=True)


def _between(dates: pd.Series, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    return (dates >= start) & (dates <= end)


def group_table(tickets: pd.DataFrame, key: pd.Series, name: str, window_start: pd.Timestamp,
                as_of: pd.Timestamp) -> pd.DataFrame:
    """GROUP_COLUMNS per value of ``key`` (rows with a missing key are left out), sorted by key."""
    closed_window = _between(tickets["closed_date"], window_start, as_of)
    is_open = tickets["status"] == "open"
    frame = pd.DataFrame({
        "key": key.to_numpy(), "opened_window": _between(tickets["opened_date"], window_start, as_of).to_numpy(),
        "closed_window": closed_window.to_numpy(), "open": is_open.to_numpy(),
        "overdue": (is_open & tickets["resolution_late"]).to_numpy(),
        "late_window": _between(tickets["late_on"], window_start, as_of).to_numpy(),
        "resolution": tickets["resolution_days"].where(closed_window).to_numpy(),
        "sla": tickets["within_sla"].where(closed_window).to_numpy()})
    g = frame.groupby("key", sort=True)
    counts = g[["opened_window", "closed_window", "open", "overdue", "late_window"]].sum().astype("int64")
    out = counts.assign(median_resolution_days=g["resolution"].median(), within_sla_share=g["sla"].mean())
    return out.rename_axis(name).reset_index()


def period_table(tickets: pd.DataFrame, periods: pd.DataFrame, as_of: pd.Timestamp, fy_start: int) -> pd.DataFrame:
    """Per report period (up to as_of): opened, closed, late (became late in it), open_at_end, and the median
    resolution days and within-SLA share of the tickets closed in it."""
    if periods.empty:
        return pd.DataFrame(columns=list(PERIOD_COLUMNS))
    base = periods[["period", "kind", "start", "end"]].reset_index(drop=True)
    end = base["end"].where(base["end"] <= as_of, as_of)
    out = []
    for kind, rows in base.groupby("kind", sort=False):
        pid = pd.Series(cal.period_ids(cal.month_ids(rows["start"]), kind, fy_start), index=rows.index)

        def per_period(dates: pd.Series, values: pd.Series | None = None, how: str = "size") -> pd.Series:
            known = dates.notna()
            ids = cal.period_ids(cal.month_ids(dates[known]), kind, fy_start)
            grouped = (values[known] if values is not None else dates[known]).groupby(ids)
            return getattr(grouped, how)().reindex(pid.to_numpy()).set_axis(rows.index)

        closed = tickets["closed_date"]
        out.append(pd.DataFrame({
            "opened": per_period(tickets["opened_date"]).fillna(0).astype("int64"),
            "closed": per_period(closed).fillna(0).astype("int64"),
            "late": per_period(tickets["late_on"].where(tickets["late_on"] <= as_of)).fillna(0).astype("int64"),
            "median_resolution_days": per_period(closed, tickets["resolution_days"], "median"),
            "within_sla_share": per_period(closed, tickets["within_sla"], "mean")}, index=rows.index))
    counts = pd.concat(out).sort_index()
    opened_sorted = np.sort(tickets["opened_date"].to_numpy())
    closed = tickets["closed_date"]
    closed = closed.where(closed.isna() | (closed >= tickets["opened_date"]), tickets["opened_date"])
    closed_sorted = np.sort(closed.dropna().to_numpy())  # a closing dated before the opening counts at the opening
    ends = end.to_numpy()
    open_at_end = np.searchsorted(opened_sorted, ends, "right") - np.searchsorted(closed_sorted, ends, "right")
    return base.join(counts).assign(open_at_end=open_at_end)[list(PERIOD_COLUMNS)]


def customer_table(tickets: pd.DataFrame, window_start: pd.Timestamp, as_of: pd.Timestamp) -> pd.DataFrame:
    """Per customer with tickets: tickets, open_tickets, overdue_tickets, tickets_window, last_opened_date."""
    known = tickets[tickets["customer_id"].notna()]
    is_open = known["status"] == "open"
    frame = pd.DataFrame({"customer_id": known["customer_id"], "tickets": 1, "open_tickets": is_open,
                          "overdue_tickets": is_open & known["resolution_late"],
                          "tickets_window": _between(known["opened_date"], window_start, as_of)})
    g = frame.groupby("customer_id", sort=True)
    out = g[["tickets", "open_tickets", "overdue_tickets", "tickets_window"]].sum().astype("int64")
    return out.assign(last_opened_date=known.groupby("customer_id")["opened_date"].max()).reset_index()


def service_metrics(complaints: pd.DataFrame | None, config: Config, as_of: pd.Timestamp,
                    window_start: pd.Timestamp, periods: pd.DataFrame) -> ServiceMetrics:
    """Every service figure and table for ``as_of`` (``periods``: the report periods, period/kind/start/end)."""
    if complaints is None:
        return ServiceMetrics()
    t = ticket_table(complaints, config, as_of)
    closed_window = _between(t["closed_date"], window_start, as_of)
    opened_window = _between(t["opened_date"], window_start, as_of)
    is_open = t["status"] == "open"
    measured = t["response_hours"].where(opened_window)

    def median(values: pd.Series) -> float | None:
        values = values.dropna()
        return float(values.median()) if len(values) else None

    sla = t["within_sla"].where(closed_window).dropna()
    figures = {
        "complaints": int(len(t)), "complaints_open": int(is_open.sum()),
        "complaints_overdue": int((is_open & t["resolution_late"]).sum()),
        "complaints_opened_window": int(opened_window.sum()), "complaints_closed_window": int(closed_window.sum()),
        "complaints_late_window": int(_between(t["late_on"], window_start, as_of).sum()),
        "median_resolution_days": median(t["resolution_days"].where(closed_window)),
        "median_response_hours": median(measured), "within_sla_share": float(sla.mean()) if len(sla) else None,
        "service_levels": {k: {"response_hours": v.response_hours, "resolution_days": v.resolution_days}
                           for k, v in config.service.items()},
    }
    return ServiceMetrics(
        present=True, figures=figures, tickets=t,
        periods=period_table(t, periods, as_of, config.site.fiscal_year_start),
        customers=customer_table(t, window_start, as_of),
        owners=group_table(t, t["owner"], "owner", window_start, as_of),
        categories=group_table(t, t["category"].fillna("unknown"), "category", window_start, as_of),
        severities=group_table(t, t["severity"].fillna("unknown"), "severity", window_start, as_of)
        .sort_values("severity", key=lambda s: s.map(SEVERITY_ORDER).fillna(len(SEVERITY_ORDER)), kind="stable",
                     ignore_index=True))
