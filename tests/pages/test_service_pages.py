"""The service page: open tickets most urgent first with their service-level state, breaches, counts by
month, category, severity and owner, escaped data, both languages, and a page that says when there is no data."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from sitegen.config import load_config
from sitegen.dataset import load_dataset
from sitegen.metrics import compute_metrics
from sitegen.pages import NAV, SECTIONS, Site, service
from sitegen.render import Renderer
from sitegen.resources import default_templates
from tests.metrics.test_service import COMPLAINTS, ORDERS

AS_OF = "2026-06-30"
TEMPLATES = default_templates()
CUSTOMERS = "customer_id,name,owner\nC1,Acme <b>&</b> Co,Wang\nC2,Beta,Li\nC3,Gamma,Li\n"
EVIL = "T10,C2,2026-06-29,,,<script>alert(1)</script>,low,\"<img src=x onerror=alert(1)>\"\n"


def site_for(make_site, files: dict[str, str], config: str = "") -> Site:
    cfg = load_config(cwd=make_site(files, config))
    dataset = load_dataset(cfg)
    assert dataset.error_count == 0, [p.format() for p in dataset.problems]
    return Site(config=cfg, dataset=dataset, metrics=compute_metrics(dataset, cfg, pd.Timestamp(AS_OF)))


@pytest.fixture
def page(make_site):
    site = site_for(make_site, {"orders.csv": ORDERS, "customers.csv": CUSTOMERS, "complaints.csv": COMPLAINTS + EVIL})
    return next(iter(service.pages(site)))


def test_the_section_is_built_and_in_the_navigation() -> None:
    assert "service" in SECTIONS and ("service", "service/index.html", "Service") in NAV


def test_open_tickets_most_urgent_first_and_breaches(page) -> None:
    c = page.context
    assert page.path == "service/index.html" and c["present"]
    assert [t["ticket_id"] for t in c["open_tickets"]] == ["T5", "T4", "T10"]   # overdue, response late, on track
    t5 = c["open_tickets"][0]
    assert (t5["sla_state"], t5["days_late"], t5["customer"], t5["customer_href"], t5["owner_href"]) == (
        "overdue", 24, "Acme <b>&</b> Co", "customers/c1/index.html", "team/wang/index.html")
    # late, open now or closed in the window, most days late first (T5 24, T7 20: closed 2025-07-10, in the window)
    assert [t["ticket_id"] for t in c["breaches"]] == ["T5", "T7", "T3", "T2", "T4"]
    assert c["breach_total"] == 5
    assert [r["period"] for r in c["months"]][-2:] == ["2026-05", "2026-06"] and len(c["months"]) == 12
    assert {r["category"] for r in c["categories"]} == {"billing", "delivery", "quality", "service", "unknown",
                                                        "<script>alert(1)</script>"}
    assert [r["severity"] for r in c["severities"]] == ["high", "medium", "low", "unknown"]
    assert [t["label"] for t in c["tiles"]][:2] == ["Open tickets", "Overdue tickets"]
    assert c["tiles"][0]["value"] == 3


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_renders_escaped_in_both_languages(page, language) -> None:
    r = Renderer(language, "CNY")
    html = r.render(page.template, page.context).decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "Acme &lt;b&gt;&amp;&lt;/b&gt; Co" in html
    assert 'id="open-table"' in html and 'data-download-for="breaches-table"' in html
    assert html.count('class="chart"') == 2 and "assets/plotly.min.js" in html
    specs = [json.loads(s) for s in re.findall(r'<script type="application/json" id="[^"]+">(.*?)</script>', html)]
    assert specs and all(spec["data"] for spec in specs)
    own = set(re.findall(r'_\("([^"]+)"', (TEMPLATES / "service.html").read_text(encoding="utf-8")))
    own |= {t["label"] for t in page.context["tiles"]} | {"Service", "Opened", "Closed", "Tickets"}
    assert not (r.missing & own), sorted(r.missing & own)   # base.html's messages belong to other sections
    if language == "zh-CN":
        assert "售后服务" in html and "解决超时" in html and "质量" in html


def test_without_complaints_the_page_says_so(make_site) -> None:
    site = site_for(make_site, {"orders.csv": ORDERS})
    p = next(iter(service.pages(site)))
    html = Renderer("zh-CN", "CNY").render(p.template, p.context).decode()
    assert not p.context["present"] and "暂无投诉数据" in html and 'class="chart"' not in html


def test_the_demo_build_has_the_service_page_and_metrics(built_en) -> None:
    out = built_en.out
    html = (out / "service" / "index.html").read_text(encoding="utf-8")
    assert 'aria-current="page"' in html and 'id="open-table"' in html
    service_json = json.loads((out / "data" / "metrics.json").read_text(encoding="utf-8"))["service"]
    figures = built_en.metrics.service.figures
    assert service_json["complaints_open"] == figures["complaints_open"] > 0
    assert service_json["complaints_closed_window"] == figures["complaints_closed_window"] > 0
    assert 0 < service_json["within_sla_share"] < 1
    assert '<a href="../service/index.html"' in (out / "funnel" / "index.html").read_text(encoding="utf-8")
