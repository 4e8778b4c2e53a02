"""Tier contact promises (SPEC §7): each customer's last counting contact against their tier's policy.

A contact is an activity whose ``type`` is one of ``[rules] contact_types`` (compared trimmed and
casefolded; default visit and meeting), dated up to as_of. ``[tiers.<tier>] contact_every_days``
is the longest allowed gap; a customer is overdue when their last contact is older than that, or
when they never had one. Tiers without a promise (potential) are never overdue.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from sitegen.dataset import Dataset
from sitegen.metrics.grouped import factorize


def last_contacts(dataset: Dataset, types: tuple[str, ...], as_of: pd.Timestamp) -> pd.Series:
    """customer_id -> latest activity date (up to as_of) of a counting type (activities without a type never count)."""
    acts = dataset.get("activities")
    if acts is None or "customer_id" not in acts or "type" not in acts:
        return pd.Series(dtype="datetime64[ns]")
    type_codes, type_names = factorize(acts["type"])
    wanted = {t.strip().casefold() for t in types}
    counts = np.array([str(t).strip().casefold() in wanted for t in type_names] + [False], dtype=bool)
    keep = counts[type_codes] & (acts["date"].to_numpy(dtype="datetime64[ns]") <= np.datetime64(as_of))
    codes, uniques = factorize(acts["customer_id"].to_numpy()[keep])
    day = acts["date"].to_numpy(dtype="datetime64[D]")[keep].astype(np.int64)
    has = (codes >= 0) & (day != np.iinfo(np.int64).min)
    latest = np.full(len(uniques), np.iinfo(np.int64).min)
    np.maximum.at(latest, codes[has], day[has])
    found = latest != np.iinfo(np.int64).min
    return pd.Series(latest[found].astype("datetime64[D]").astype("datetime64[ns]"),
                     index=pd.Index(np.asarray(uniques, dtype=object)[found].astype(str), dtype=object))


def contact_status(tier: pd.Series, last: pd.Series, policy: Mapping[str, int | None], as_of: pd.Timestamp,
                   has_activities: bool) -> pd.DataFrame:
    """Per customer (the index of ``tier``): last_contact_date, contact_every_days, days_since_contact,
    contact_overdue (missing without an activities file: nothing can be said)."""
    last = last.reindex(tier.index)
    every = tier.map({k: v for k, v in policy.items() if v}).astype("Float64")
    since = (as_of - last).dt.days.astype("Int64")
    overdue = every.notna() & (since.isna() | (since.astype("Float64") > every)).fillna(True)
    return pd.DataFrame({
        "last_contact_date": last, "contact_every_days": every.astype("Int64"), "days_since_contact": since,
        "contact_overdue": overdue.astype("boolean") if has_activities else pd.array([pd.NA] * len(tier),
                                                                                       dtype="boolean"),
    }, index=tier.index)
