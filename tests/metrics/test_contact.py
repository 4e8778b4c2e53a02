"""Tier contact promises: last counting contact against [tiers.<tier>] contact_every_days."""

from __future__ import annotations

import pandas as pd
import pytest

from sitegen.config import ConfigError, parse_config
from tests.metrics.conftest import Path, csv, row

# as_of 2026-06-30; tiers set in the customers file (manual override)
FILES = {
    "customers.csv": csv("customer_id,tier,owner", "S1,strategic,Ann", "S2,strategic,Ann", "K1,key,Bob",
                         "G1,general,Bob", "P1,potential,Bob", "S3,strategic,Bob"),
    "orders.csv": csv("customer_id,order_date,amount", "S1,2026-01-01,10", "S2,2026-01-01,10", "K1,2026-01-01,10",
                      "G1,2026-01-01,10", "S3,2026-01-01,10"),
    "activities.csv": csv(
        "date,customer_id,type",
        "2026-05-31,S1,Visit",      # 30 days ago: exactly the promise, not overdue
        "2026-06-29,S1,call",       # a call does not count
        "2026-05-30,S2,meeting",    # 31 days: overdue
        "2026-07-02,S2,visit",      # after as_of: ignored
        "2026-05-01,K1, VISIT ",    # 60 days: not overdue (trimmed, casefolded)
        "2026-06-20,S3,email",      # S3: no counting contact at all -> overdue
    ),
}


def test_contact_overdue_by_tier(metrics) -> None:
    c = metrics(FILES).customers
    s1, s2, k1 = row(c, customer_id="S1"), row(c, customer_id="S2"), row(c, customer_id="K1")
    assert s1["last_contact_date"] == pd.Timestamp("2026-05-31") and not s1["contact_overdue"]
    assert s1["days_since_contact"] == 30 and s1["contact_every_days"] == 30
    assert s2["last_contact_date"] == pd.Timestamp("2026-05-30") and s2["contact_overdue"]
    assert k1["days_since_contact"] == 60 and not k1["contact_overdue"]
    g1, s3, p1 = row(c, customer_id="G1"), row(c, customer_id="S3"), row(c, customer_id="P1")
    assert pd.isna(g1["last_contact_date"]) and g1["contact_overdue"]          # none at all
    assert pd.isna(s3["last_contact_date"]) and s3["contact_overdue"]          # only an email
    assert pd.isna(p1["contact_every_days"]) and not p1["contact_overdue"]     # potential: no promise
    owners = metrics(FILES).owner_followup.set_index("owner")["contact_overdue"]
    assert owners.to_dict() == {"Ann": 1, "Bob": 2}


def test_policy_and_types_from_config(metrics) -> None:
    config = '[rules]\ncontact_types = ["visit", "email"]\n[tiers.strategic]\ncontact_every_days = 10\n' \
             '[tiers.general]\ncontact_every_days = 0\n'
    c = metrics(FILES, config).customers
    assert row(c, customer_id="S3")["last_contact_date"] == pd.Timestamp("2026-06-20")
    assert not row(c, customer_id="S3")["contact_overdue"]                     # 10 days, promise 10
    assert row(c, customer_id="S1")["contact_overdue"]                         # meeting no longer counts
    assert not row(c, customer_id="G1")["contact_overdue"]                     # 0: no promise


def test_without_activities_nothing_is_said(metrics) -> None:
    files = {k: v for k, v in FILES.items() if k != "activities.csv"}
    c = metrics(files).customers
    assert c["contact_overdue"].isna().all() and c["last_contact_date"].isna().all()


def test_tier_config_is_validated() -> None:
    with pytest.raises(ConfigError) as err:
        parse_config({"tiers": {"vip": {"contact_every_days": 3}, "key": {"every": 3},
                                "general": {"contact_every_days": -1}}}, root=Path("/tmp"))
    text = str(err.value)
    assert "tiers.vip" in text and "tiers.key.every" in text and "tiers.general.contact_every_days" in text
    defaults = parse_config({}, root=Path("/tmp"))
    assert dict(defaults.contact_every_days) == {"strategic": 30, "key": 60, "general": 180, "potential": None}
    assert defaults.rules.payment_terms_days == 30 and defaults.rules.contact_types == ("visit", "meeting")
