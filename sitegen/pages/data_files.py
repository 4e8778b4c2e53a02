"""Machine-readable outputs of SPEC §6: data/metrics.json, data/customers.csv, data/opportunities.csv."""

from __future__ import annotations

import math
from typing import Any, Iterator

import numpy as np
import orjson
import pandas as pd

from sitegen.pages import File, Site
from sitegen.pages.customers import customer_slugs

CUSTOMER_COLUMNS = ("customer_id", "name", "tier", "rfm_segment", "r_score", "f_score", "m_score", "orders",
                    "revenue", "first_order_date", "last_order_date", "recency_days", "open_pipeline", "owner", "url")
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


def pages(site: Site) -> Iterator[File]:
    m = site.metrics
    funnel = [{"stage": r["stage"], "reached": int(r["reached"]),
               "conversion_from_previous": jsonable(r["conversion_from_previous"]),
               "conversion_from_first": jsonable(r["conversion_from_first"])}
              for r in m.funnel.to_dict("records")] if len(m.funnel) else []
    metrics = {"as_of": m.as_of.strftime("%Y-%m-%d"), "currency": site.config.site.currency,
               "kpis": {k: jsonable(v) for k, v in m.kpis.items()}, "funnel": funnel, "periods": {}}
    yield File("data/metrics.json", orjson.dumps(metrics, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n")

    customers = m.customers.copy()
    slugs = customer_slugs(customers)
    customers["url"] = customers["customer_id"].map(lambda c: f"customers/{slugs[c]}/")
    yield File("data/customers.csv", csv_bytes(customers.reindex(columns=list(CUSTOMER_COLUMNS))))

    deals = m.opportunities.copy()
    deals["url"] = deals["customer_id"].map(lambda c: f"customers/{slugs[c]}/" if c in slugs else "")
    yield File("data/opportunities.csv", csv_bytes(deals.reindex(columns=list(OPPORTUNITY_COLUMNS))))
