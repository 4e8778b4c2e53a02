"""Receivables and contact promises on the pages: the receivables page, customer pages, visit sheets,
the dashboard and the customers index; and what the pages say without paid_amount."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from sitegen.config import load_config
from sitegen.dataset import load_dataset
from sitegen.metrics import compute_metrics
from sitegen.pages import Site, customer_pages, customers, dashboard, receivables, visit
from sitegen.render import Renderer
from tests.pages.test_customer_pages import FakePlaybook

AS_OF = "2026-06-30"
FILES = {
    "customers.csv": "customer_id,name,owner,tier\nC1,Acme <b>,Ann,strategic\nC2,Beta,Bob,key\nC3,Gone,Bob,general\n",
    "orders.csv": "order_id,customer_id,order_date,amount,paid_amount,due_date,product\n"
                  "S1,C1,2026-05-01,200,50,2026-06-20,Pump\nS2,C1,2026-06-01,100,,,Valve\n"
                  "S3,C2,2026-03-01,400,0,2026-04-10,Pump\nS4,C2,2026-06-10,60,60,,Pump\n"
                  "S5,C3,2023-01-01,80,80,,Pump\n",
    "pipeline.csv": "opportunity_id,customer_id,owner,stage,amount,created_date,close_date\n"
                    "O1,C1,Ann,Proposal,1000,2026-06-01,2026-07-15\n",
    "contacts.csv": "customer_id,name,email,phone\nC1,Amy,amy@example.com,+86 (21) 5555-0101\nC1,Bo,,n/a\n",
    "activities.csv": "date,customer_id,owner,type\n2026-06-25,C1,Ann,visit\n2026-01-10,C2,Bob,meeting\n",
}


def _site(tmp_path_factory, files: dict[str, str], language: str = "en") -> Site:
    root = tmp_path_factory.mktemp("receivables-pages")
    (root / "data").mkdir()
    for name, text in files.items():
        (root / "data" / name).write_text(text, encoding="utf-8")
    (root / "sitegen.toml").write_text(f'[site]\nlanguage = "{language}"\n', encoding="utf-8")
    config = load_config(cwd=root)
    dataset = load_dataset(config)
    return Site(config=config, dataset=dataset, metrics=compute_metrics(dataset, config, pd.Timestamp(AS_OF)),
                playbook=FakePlaybook())


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Site:
    return _site(tmp_path_factory, FILES)


@pytest.fixture(scope="module")
def plain(tmp_path_factory) -> Site:
    files = dict(FILES, **{"orders.csv": "customer_id,order_date,amount\nC1,2026-05-01,200\n"})
    return _site(tmp_path_factory, files)


def render(page, language: str = "en") -> str:
    return Renderer(language, "CNY").render(page.template, page.context).decode()


def by_path(items) -> dict[str, Any]:
    return {item.path: item for item in items}


def test_receivables_page_lists_overdue_customers_largest_first(site) -> None:
    items = by_path(receivables.pages(site))
    page = items["receivables/index.html"]
    rows = page.context["first_rows"]
    # C2: S3 open 400, 81 days; C1: S1 open 150, 10 days (S2 not due until 07-01)
    assert [(r["customer_id"], r["receivable_overdue"], r["days_past_due"]) for r in rows] == [
        ("C2", 400.0, 81), ("C1", 150.0, 10)]
    assert rows[1]["oldest_overdue_date"] == "2026-06-20" and rows[1]["owner"] == "Ann"
    html = render(page)
    assert 'data-download-for="overdue"' in html and "aging-chart" in html
    assert "Acme &lt;b&gt;" in html and "Acme <b>" not in html
    assert "data/receivables-overdue.js" in items


def test_without_paid_amount_pages_say_the_data_is_not_provided(plain) -> None:
    assert plain.metrics.receivables is None
    html = render(by_path(receivables.pages(plain))["receivables/index.html"])
    assert "Receivables data is not provided" in html and "aging-chart" not in html
    page = next(p for p in customer_pages.pages(plain) if p.context["customer_id"] == "C1")
    assert "Receivables data is not provided" in render(page)
    assert "Overdue receivables" not in str([t["label"] for t in dashboard.pipeline_tiles(plain)])


def test_customer_page_receivables_contact_products_and_links(site) -> None:
    page = next(p for p in customer_pages.pages(site) if p.context["customer_id"] == "C1")
    ctx = page.context
    assert [i["order_key"] for i in ctx["open_items"]] == ["S1", "S2"]
    assert ctx["receivable_overdue"] == 150.0 and ctx["contact_overdue"] is False
    assert [(p["product"], p["revenue"]) for p in ctx["products"]] == [("Pump", 200.0), ("Valve", 100.0)]
    assert ctx["revenue_24"] == 300.0 and ctx["orders_24"] == 2
    html = render(page)
    assert '<a href="tel:+862155550101">+86 (21) 5555-0101</a>' in html
    assert 'href="tel:n/a"' not in html and '<a href="mailto:amy@example.com">' in html
    assert 'class="good">Contact on time' in html
    assert '{% block' not in html


def test_churned_customer_chart_says_so_instead_of_an_empty_axis(site) -> None:
    page = next(p for p in customer_pages.pages(site) if p.context["customer_id"] == "C3")
    assert page.context["revenue_chart"] is None
    html = render(page)
    assert "No orders in the last 24 months (last order 2023-01-01)" in html


def test_overdue_contact_is_red_on_customer_page_visit_sheet_and_dashboard(site) -> None:
    c2 = next(p for p in customer_pages.pages(site) if p.context["customer_id"] == "C2")
    assert c2.context["contact_overdue"] is True and c2.context["days_since_contact"] == 171
    assert 'class="bad">Contact overdue' in render(c2)
    sheets = by_path(visit.pages(site))
    sheet = render(sheets["customers/c1/visit.html"])
    assert "Receivables" in sheet and 'class="good">Contact on time' in sheet and 'href="tel:+862155550101"' in sheet
    ctx = next(iter(dashboard.pages(site))).context
    assert [c["customer_id"] for c in ctx["action_contacts"]] == ["C2"]          # key, 171 days > 60
    assert [c["customer_id"] for c in ctx["action_receivables"]] == ["C2", "C1"]


def test_customers_index_has_last_contact_and_the_overdue_contact_flag(site) -> None:
    frame = customers.index_frame(site).set_index("customer_id")
    assert frame.loc["C1", "last_contact_date"] == pd.Timestamp("2026-06-25")
    assert frame.loc["C2", "risk"].split() == ["contact_overdue"]
    assert "contact_overdue" in frame.loc["C3", "risk"]   # general: no visit ever recorded


def test_chinese_pages_translate_the_new_text(tmp_path_factory) -> None:
    zh = _site(tmp_path_factory, FILES, "zh-CN")
    renderer = Renderer("zh-CN", "CNY")
    for page in [*by_path(receivables.pages(zh)).values(), *customer_pages.pages(zh), *visit.pages(zh),
                 *dashboard.pages(zh)]:
        if page.path.endswith(".html"):
            renderer.render(page.template, page.context)
    assert renderer.missing == set()
