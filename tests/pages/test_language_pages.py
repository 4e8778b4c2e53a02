"""Issue 19 §1 on rendered pages: a next action is not the pager's "next page", and contact roles and
activity types (canonical or spelt another way) are translated on customer pages and visit sheets."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from sitegen.config import load_config
from sitegen.dataset import load_dataset
from sitegen.metrics import compute_metrics
from sitegen.pages import Site, customer_pages, visit
from sitegen.render import Renderer

AS_OF = "2026-06-30"
FILES = {
    "customers.csv": "customer_id,name,owner\nC1,Acme,Ann\n",
    "orders.csv": "customer_id,order_date,amount\nC1,2026-05-01,100\n",
    "pipeline.csv": "opportunity_id,customer_id,owner,stage,amount,created_date,close_date\n"
                    "O1,C1,Ann,Proposal,1000,2026-06-01,2026-07-15\n",
    "contacts.csv": "customer_id,name,title,role,influence\nC1,Amy,CEO,Decision_Maker,5\nC1,Bo,CFO,influencer,4\n"
                    "C1,Cy,Clerk,gatekeeper,1\n",
    "activities.csv": "date,customer_id,opportunity_id,owner,type,summary,next_action,next_action_date\n"
                      "2026-06-01,C1,O1,Ann,Phone call,talked,book the next visit,2026-07-01\n"
                      "2026-06-02,C1,O1,Ann,meeting,met,,\n2026-06-03,C1,O1,Ann,demo,showed,,\n",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Site:
    root = tmp_path_factory.mktemp("language-pages")
    (root / "data").mkdir()
    for name, text in FILES.items():
        (root / "data" / name).write_text(text, encoding="utf-8")
    config = load_config(cwd=root)
    dataset = load_dataset(config)
    return Site(config=config, dataset=dataset, metrics=compute_metrics(dataset, config, pd.Timestamp(AS_OF)))


def render(page: Any, language: str) -> str:
    return Renderer(language, "CNY").render(page.template, page.context).decode()


@pytest.mark.parametrize("language, action, pager", [("zh-CN", "下一步行动: book the next visit", "下一页"),
                                                     ("en", "Next action: book the next visit", "Next page")])
def test_a_next_action_is_not_the_pagers_next_page(site, language, action, pager) -> None:
    page = next(customer_pages.pages(site))
    html = render(page, language)
    assert action in html
    timeline = html.split('<ol class="timeline">')[1].split("</ol>")[0]
    assert pager not in timeline


@pytest.mark.parametrize("module", [customer_pages, visit])
def test_roles_and_activity_types_are_translated_on_chinese_pages(site, module) -> None:
    page = next(p for p in module.pages(site) if p.template in ("customer.html", "visit.html"))
    html = render(page, "zh-CN")
    for word in ("决策者", "影响者", "把关者", "电话", "会议", "演示"):
        assert word in html, (page.template, word)
    for word in ("Decision_Maker", "influencer", "gatekeeper", "Phone call", ">meeting<", ">demo<"):
        assert word not in html, (page.template, word)
    english = render(page, "en")
    assert "Decision maker" in english and "Call" in english and "Meeting" in english
