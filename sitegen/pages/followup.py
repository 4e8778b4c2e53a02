"""What each rep has to follow up, for their team page: deals that need attention (by flag), the quarter's
commit and best case, receivables and broken contact promises of their customers, and their complaints.

Every figure comes from the metrics (one groupby each); this module only gathers them per owner.
"""

from __future__ import annotations

from typing import Any

from sitegen.pages import Site
from sitegen.pages import pipeline as pipeline_section
from sitegen.pages.rows import records

# flag column of the opportunities -> its label key in the catalogs (shown with | label)
DEAL_FLAGS = (("stale", "stale"), ("overdue", "close_date_passed"), ("no_next_action", "no_next_action"),
              ("next_action_overdue", "next_action_overdue"), ("big_deal", "big_deal"))
RECEIVABLES = ("receivable_outstanding", "receivable_overdue", "customers_overdue", "contact_overdue")
SERVICE = ("open", "overdue", "late_window", "within_sla_share")


def owner_followup(site: Site) -> dict[str, dict[str, Any]]:
    """Owner -> {"flags": [(label key, open deals with the flag)], "commit", "best_case",
    "receivables": {...} or None, "service": {...} or None}; owners with nothing to follow up are absent."""
    m = site.metrics
    out: dict[str, dict[str, Any]] = {}

    def entry(owner: Any) -> dict[str, Any]:
        return out.setdefault(str(owner), {"flags": [], "commit": None, "best_case": None, "receivables": None,
                                           "service": None})

    deals = m.opportunities
    present = [(column, key) for column, key in DEAL_FLAGS if column in deals]
    if len(deals) and present:
        open_deals = deals[deals["status"] == "open"]
        counts = open_deals.groupby("owner", observed=True)[[c for c, _ in present]].sum()
        for owner, row in counts.iterrows():
            entry(owner)["flags"] = [(key, int(row[column])) for column, key in present]
    for row in pipeline_section.category_rows(site):
        target = entry(row["owner"])
        target["commit"], target["best_case"] = row.get("commit"), row.get("best_case")
    if len(m.owner_followup):
        has_money = m.receivables is not None
        for row in records(m.owner_followup):
            figures = {k: row.get(k) for k in RECEIVABLES if has_money or k == "contact_overdue"}
            entry(row["owner"])["receivables"] = figures
    if m.service.present and len(m.service.owners):
        for row in records(m.service.owners):
            entry(row["owner"])["service"] = {k: row.get(k) for k in SERVICE}
    return out

