"""A customer page takes its rows from one grouping per table and the playbook's guide for each
open deal's stage; records dated after as_of stay out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pytest

from sitegen.config import load_config
from sitegen.dataset import load_dataset
from sitegen.metrics import compute_metrics
from sitegen.pages import Site
from sitegen.pages import customer_pages
from sitegen.render import Renderer

AS_OF = "2026-06-30"
ACTIVITIES = "date,customer_id,opportunity_id,owner,type,summary\n" + "".join(
    f"2026-06-{d:02d},C1,O1,Ann,call,call {d}\n" for d in range(1, 13)) + "2026-07-02,C1,O1,Ann,visit,too late\n"
FILES = {
    "customers.csv": "customer_id,name,owner\nC1,Acme,Ann\nC2,Beta,Bob\n",
    "orders.csv": "customer_id,order_date,amount\nC1,2026-05-01,100\nC1,2026-06-01,200\nC2,2026-06-15,50\n"
                  "C1,2026-07-05,999\n",
    "pipeline.csv": "opportunity_id,customer_id,owner,stage,amount,created_date,close_date\n"
                    "O1,C1,Ann,Proposal,1000,2026-06-01,2026-07-15\nO2,C1,Ann,Won,500,2026-03-01,2026-04-01\n"
                    "O3,C2,Bob,Lead,300,2026-06-20,2026-08-01\n",
    "contacts.csv": "customer_id,name,title,role,influence\nC1,Zed,Buyer,user,2\nC1,Amy,CEO,decision maker,5\n"
                    "C1,Bo,CFO,influencer,4\n",
    "activities.csv": ACTIVITIES,
    "feedback.csv": "customer_id,date,kind,score\nC1,2026-06-10,nps,9\nC1,2026-07-10,nps,1\n",
}


@dataclass
class Doc:
    url: str
    title: str
    summary: str = ""
    meta: dict[str, Any] = field(default_factory=dict)


class FakePlaybook:
    documents = ()

    def stage_guide(self, key: str) -> Doc:
        return Doc(f"playbook/stages/{key}/index.html", f"Guide {key}",
                   meta={"exit_criterion": f"exit {key}", "key_actions": [f"do {key} 1", f"do {key} 2"]})

    def tier_policy(self, tier: str) -> Doc:
        return Doc(f"playbook/policies/{tier}/index.html", f"Policy {tier}", "in short",
                   {"service_model": f"model {tier}"})


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("customer-pages")
    (root / "data").mkdir()
    for name, text in FILES.items():
        (root / "data" / name).write_text(text, encoding="utf-8")
    config = load_config(cwd=root)
    dataset = load_dataset(config)
    site = Site(config=config, dataset=dataset, metrics=compute_metrics(dataset, config, pd.Timestamp(AS_OF)),
                playbook=FakePlaybook())
    return {page.context["customer_id"]: page for page in customer_pages.pages(site)}


def test_open_deals_show_their_stage_guide_and_the_tier_policy(pages) -> None:
    c1 = pages["C1"].context
    assert [d["opportunity_id"] for d in c1["open_deals"]] == ["O1"]
    assert [g["key"] for g in c1["next_actions"]] == ["proposal"]
    assert c1["next_actions"][0]["key_actions"] == ["do proposal 1", "do proposal 2"]
    assert c1["next_actions"][0]["exit_criterion"] == "exit proposal"
    assert c1["policy"]["title"] == f"Policy {c1['tier']}"
    assert [g["key"] for g in pages["C2"].context["next_actions"]] == ["lead"]


def test_contacts_follow_the_decision_chain_and_records_after_as_of_stay_out(pages) -> None:
    c1 = pages["C1"].context
    assert [p["name"] for p in c1["contacts"]] == ["Amy", "Bo", "Zed"]
    assert len(c1["activities"]) == customer_pages.TIMELINE
    assert c1["activities"][0]["date"] == "2026-06-12"
    assert c1["activity_count"] == 12
    assert [f["score"] for f in c1["feedback"]] == [9]
    assert c1["revenue"] == 300
    chart = c1["revenue_chart"]["data"][0]
    assert chart["x"][-1] == "2026-06" and chart["y"][-2:] == [100.0, 200.0]


def test_rendered_page_links_guides_policy_and_visit_sheet_and_stays_lean(pages) -> None:
    page = pages["C1"]
    html = Renderer("en", "CNY").render(page.template, page.context).decode()
    assert page.path == "customers/c1/index.html"
    assert '<a href="../../playbook/stages/proposal/index.html">' in html
    assert "<li>do proposal 1</li>" in html
    assert '<a href="../../playbook/policies/' in html
    assert '<a class="button" href="visit.html">' in html
    assert '<a href="#stage-proposal">' in html and 'id="stage-proposal"' in html
    assert len(html.encode()) < 10_000
    assert "assets/plotly.min.js" in html


def test_contacts_without_role_or_influence_columns_still_list(tmp_path) -> None:
    (tmp_path / "data").mkdir()
    for name in ("customers.csv", "orders.csv"):
        (tmp_path / "data" / name).write_text(FILES[name], encoding="utf-8")
    (tmp_path / "data" / "contacts.csv").write_text("customer_id,name\nC1,Zed\nC1,Amy\n", encoding="utf-8")
    config = load_config(cwd=tmp_path)
    dataset = load_dataset(config)
    site = Site(config=config, dataset=dataset, metrics=compute_metrics(dataset, config, pd.Timestamp(AS_OF)))
    page = next(p for p in customer_pages.pages(site) if p.context["customer_id"] == "C1")
    assert [c["name"] for c in page.context["contacts"]] == ["Zed", "Amy"]
    assert page.context["next_actions"] == [] and page.context["policy"] is None
