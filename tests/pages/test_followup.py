"""A rep's team page lists what they have to follow up: flagged deals, receivables, contact promises, tickets."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from sitegen.build import build_site, prepare_site
from sitegen.config import load_config
from sitegen.pages.followup import owner_followup
from sitegen.reporter import Reporter

AS_OF = "2026-06-30"
FILES = {
    "pipeline.csv": "opportunity_id,stage,created_date,customer_id,amount,close_date,owner\n"
                    "O1,Proposal,2026-01-05,C1,1000,2026-05-01,Alice\n"      # close date passed, stale
                    "O2,Lead,2026-06-20,C2,500,2026-09-01,Alice\n"           # stale after 7 days without activity
                    "O3,Proposal,2026-03-01,C2,800,2026-08-01,Bob\n",
    "orders.csv": "customer_id,order_date,amount,owner,paid_amount,due_date\n"
                  "C1,2026-03-01,300,Alice,100,2026-04-01\n"                 # 200 open, 90 days past due
                  "C2,2026-06-25,50,Bob,,\n",                                # 50 open, not due (terms 30 days)
    "customers.csv": "customer_id,name,owner,tier\nC1,Acme,Alice,strategic\nC2,Beta,Bob,general\n",
    "activities.csv": "date,customer_id,opportunity_id,owner,type\n2026-06-29,C2,O3,Bob,visit\n",
    "complaints.csv": "ticket_id,customer_id,opened_date,closed_date,category,severity,owner\n"
                      "T1,C1,2026-06-01,,quality,high,Alice\n",             # open, resolution overdue
}


def test_owner_followup_gathers_each_reps_figures(make_site) -> None:
    site_dir = make_site(FILES)
    result = build_site(load_config(cwd=site_dir), as_of=AS_OF, jobs=1, reporter=Reporter())
    site = prepare_site(load_config(cwd=site_dir), pd.Timestamp(AS_OF))
    figures = owner_followup(site)
    alice = figures["Alice"]
    flags = dict(alice["flags"])
    assert flags["close_date_passed"] == 1 and flags["stale"] == 2
    assert alice["receivables"]["receivable_outstanding"] == 200
    assert alice["receivables"]["receivable_overdue"] == 200
    assert alice["receivables"]["contact_overdue"] == 1           # strategic, never contacted
    assert alice["service"]["open"] == 1 and alice["service"]["overdue"] == 1
    bob = figures["Bob"]
    assert dict(bob["flags"])["stale"] == 0
    assert bob["receivables"]["receivable_overdue"] == 0 and bob["receivables"]["receivable_outstanding"] == 50
    assert bob["service"] is None

    page = next((result.out / "team").glob("alice*/index.html")).read_text(encoding="utf-8")
    section = re.search(r'<section id="followup".*?</section>', page, re.S).group(0)
    assert "Close date passed" in section and "Outstanding" in section and "Open tickets" in section
    assert re.search(r'<dt>Overdue amount</dt><dd class="bad">CN¥200(\.00)?</dd>', section), section
