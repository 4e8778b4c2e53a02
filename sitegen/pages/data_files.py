"""Machine-readable outputs of SPEC §6: data/metrics.json, data/customers.csv, data/opportunities.csv, and
data/team.csv (SPEC §7, written by :func:`sitegen.pages.team.team_csv`)."""

from __future__ import annotations

import math
from functools import partial
from typing import Any, Iterator

import numpy as np
import orjson
import pandas as pd

from sitegen.metrics.reports import records
from sitegen.pages import File, Site, reviews, team

CUSTOMER_COLUMNS = ("customer_id", "name", "tier", "rfm_segment", "r_score", "f_score", "m_score", "orders",
                    "revenue", "first_order_date", "last_order_date", "recency_days", "open_pipeline", "owner", "url",
                    "last_contact_date", "contact_overdue")
OPPORTUNITY_COLUMNS = ("opportunity_id", "customer_id", "owner", "stage", "status", "amount", "probability",
                       "weighted_amount", "grade", "stale", "overdue", "age_days", "url")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Text cells a spreadsheet would run as a formula get a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV with formula-like text neutralised, ISO dates, no index, UTF-8 (machine-readable: no BOM)."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
        elif pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
    return out.to_csv(index=False, lineterminator="\n", float_format="%.2f").encode("utf-8")


def opportunity_rows(deals: pd.DataFrame) -> pd.DataFrame:
    """The opportunities export checks by hand: probability as text with 4 decimals, weighted_amount = amount x
    that probability to the cent (so a won deal's is its amount, a lost deal's 0), whole-day age_days."""
    probability = deals["probability"].astype(float).round(4)
    weighted = (deals["amount"].astype(float) * probability).round(2)
    return deals.assign(probability=probability.map(lambda p: "" if pd.isna(p) else f"{p:.4f}"),
                        weighted_amount=weighted, age_days=deals["age_days"].round().astype("Int64"))


def jsonable(value: Any) -> Any:
    """Python value for JSON: NaN and NaT become null, numpy scalars plain numbers, timestamps ISO dates."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return value


def funnel_entries(funnel: pd.DataFrame) -> list[dict[str, Any]]:
    """SPEC §6 funnel entries: stage, reached, conversion_from_previous, conversion_from_first."""
    return [{"stage": r["stage"], "reached": int(r["reached"]),
             "conversion_from_previous": jsonable(r["conversion_from_previous"]),
             "conversion_from_first": jsonable(r["conversion_from_first"])}
            for r in funnel.to_dict("records")] if len(funnel) else []


def period_entries(periods: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """``periods`` of metrics.json: period label -> every figure of that period (see docs/metrics.md)."""
    if periods.empty:
        return {}
    return {row.pop("period"): row for row in records(periods)}


def metrics_json(site: Site) -> bytes:
    """data/metrics.json (SPEC §6): as_of, currency, kpis (null when the input is absent), funnel, periods,
    goals (SPEC §7), and receivables (SPEC §7) when orders have paid_amount."""
    m = site.metrics
    metrics = {"as_of": m.as_of.strftime("%Y-%m-%d"), "currency": site.config.site.currency,
               "kpis": {k: jsonable(v) for k, v in m.kpis.items()}, "funnel": funnel_entries(m.funnel),
               "periods": period_entries(m.periods),
               "goals": [{k: jsonable(v) for k, v in goal.items()} for goal in m.goals]}
    if m.receivables is not None:  # absent without a paid_amount column (SPEC §7)
        metrics["receivables"] = {k: jsonable(v) if not isinstance(v, dict) else {b: jsonable(x) for b, x in v.items()}
                                  for k, v in m.receivables.items()}
    if m.service.present:  # absent without complaints.csv (SPEC §7)
        metrics["service"] = m.service.as_json()
    return orjson.dumps(metrics, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def pages(site: Site) -> Iterator[File]:
    """The machine-readable files of SPEC §6 and data/team.csv (SPEC §7)."""
    m = site.metrics
    yield File("data/metrics.json", partial(metrics_json, site))

    def customers_csv() -> bytes:
        hrefs = {cid: f"customers/{slug}/" for cid, slug in site.customer_slugs.items()}
        customers = m.customers.assign(url=m.customers["customer_id"].map(hrefs))
        return csv_bytes(customers.reindex(columns=list(CUSTOMER_COLUMNS)))

    def opportunities_csv() -> bytes:  # url: the deal's own page (open deals and deals closed in the window)
        hrefs = {oid: href.removesuffix("index.html") for oid, href in site.deal_hrefs.items()}
        ids = m.opportunities["opportunity_id"].astype(str)
        deals = m.opportunities.assign(url=[hrefs.get(oid, "") for oid in ids])
        return csv_bytes(opportunity_rows(deals.reindex(columns=list(OPPORTUNITY_COLUMNS))))

    if site.shows("customers"):  # an audience's site has no download of a section it does not show
        yield File("data/customers.csv", customers_csv)
    if site.shows("pipeline"):
        yield File("data/opportunities.csv", opportunities_csv)
    if site.shows("team"):
        yield File("data/team.csv", partial(team.team_csv, site))  # the rep appraisal scorecard (SPEC §7)
    yield File("data/actions.csv", partial(reviews.actions_csv, site))  # review actions as of the build date
