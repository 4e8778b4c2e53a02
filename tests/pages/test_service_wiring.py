"""Complaints and feedback comments wired into the customer page, the visit sheet and the period reports:
open tickets with their service-level state, comments lowest scores first, the period's ticket counts, escaped
data, both languages, and nothing of it without complaints.csv."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import pytest

from sitegen.config import load_config
from sitegen.dataset import load_dataset
from sitegen.metrics import compute_metrics
from sitegen.pages import Site, customer_pages, receivables, reports, service, visit
from sitegen.pages.tickets import low_score
from sitegen.render import Renderer

AS_OF = "2026-06-30"
HOSTILE_SUMMARY = "<script>alert('k1')</script> part broke"
HOSTILE_COMMENT = '"><img src=x onerror=alert(2)> too slow'
# defaults: high 4 h / 2 d, medium 8 h / 5 d, low 24 h / 10 d; "now" is the midnight of as_of
COMPLAINTS = "\n".join((
    "ticket_id,customer_id,opened_date,first_response_date,closed_date,category,severity,owner,summary",
    'K1,C1,2026-06-01,2026-06-01,,quality,high,Wang,"' + HOSTILE_SUMMARY.replace('"', '""') + '"',  # due 06-03
    "K2,C1,2026-06-29,,,delivery,low,Wang,truck late",        # unanswered 24 h <= 24 h: on track
    "K3,C2,2026-06-28,,,billing,medium,Li,invoice wrong",     # unanswered 48 h > 8 h, due 07-03: response late
    "K4,C3,2026-06-05,2026-06-05,2026-06-06,service,medium,Li,",  # closed in a day: met
    "K5,C3,2026-05-02,2026-05-02,2026-05-20,quality,medium,Li,",  # due 05-07, late from 05-08, closed in May
)) + "\n"
FEEDBACK = "\n".join((
    "customer_id,date,kind,score,comment",
    'C1,2026-06-10,nps,3,"' + HOSTILE_COMMENT.replace('"', '""') + '"',
    "C1,2026-06-12,csat,5,great service",
    "C2,2026-06-15,nps,9,fine",
    "C1,2026-07-05,nps,0,after as_of",
    "C3,2026-05-10,csat,2,bad delivery",
    "C2,2026-06-16,nps,7,",
)) + "\n"
FILES = {
    "customers.csv": "customer_id,name,owner\nC1,Acme,Wang\nC2,Beta,Li\nC3,Gamma,Li\n",
    "orders.csv": "customer_id,order_date,amount\nC1,2026-05-01,100\nC2,2026-06-01,200\nC3,2026-06-02,50\n",
    "pipeline.csv": "opportunity_id,customer_id,owner,stage,amount,created_date,close_date\n"
                    "O1,C1,Wang,Proposal,1000,2026-06-01,2026-07-15\nO2,C2,Li,Lead,300,2026-06-20,2026-08-01\n",
    "feedback.csv": FEEDBACK,
}


def make(make_site, files: dict[str, str], name: str) -> Site:
    config = load_config(cwd=make_site(files, name=name))
    dataset = load_dataset(config)
    assert dataset.error_count == 0, [p.format() for p in dataset.problems]
    return Site(config=config, dataset=dataset, metrics=compute_metrics(dataset, config, pd.Timestamp(AS_OF)))


def rendered(pages, language: str = "en") -> dict[str, str]:
    renderer = Renderer(language, "CNY")
    out = {p.path: renderer.render(p.template, p.context).decode() for p in pages if hasattr(p, "template")}
    assert not renderer.missing, sorted(renderer.missing)
    return out


@pytest.fixture
def site(make_site) -> Site:
    return make(make_site, {**FILES, "complaints.csv": COMPLAINTS}, "with-complaints")


@pytest.fixture
def html(site: Site) -> dict[str, str]:
    return rendered([*customer_pages.pages(site), *visit.pages(site), *reports.pages(site)])


def states(page: str) -> list[str]:
    return re.findall(r'<tr data-sla="([a-z_]+)">', page)


def test_customer_page_lists_open_tickets_with_their_service_level_state(site: Site, html: dict[str, str]) -> None:
    c1 = next(p for p in customer_pages.pages(site) if p.context["customer_id"] == "C1").context
    assert [(t["ticket_id"], t["sla_state"], t["days_late"]) for t in c1["tickets"]] == [
        ("K1", "overdue", 27), ("K2", "on_track", None)]
    page = html["customers/c1/index.html"]
    section = page.split('<section id="tickets"')[1].split("</section>")[0]
    assert states(section) == ["overdue", "on_track"]
    assert "Resolution overdue" in section and "27 days over" in section and "On track" in section
    assert "<td>Quality</td>" in section and '<span class="badge bad">High</span>' in section
    assert states(html["customers/c2/index.html"]) == ["response_late"]
    assert "No timely response" in html["customers/c2/index.html"]


def test_customer_without_open_tickets_says_how_many_are_closed(html: dict[str, str]) -> None:
    page = html["customers/c3/index.html"]
    assert 'id="tickets"' in page and "No open tickets (closed: 2)." in page and "data-sla" not in page


def test_feedback_comments_lowest_scores_first_low_ones_in_red(html: dict[str, str]) -> None:
    section = html["customers/c1/index.html"].split('<section id="comments"')[1].split("</section>")[0]
    scores = re.findall(r"<b( class=\"bad\")?>(NPS|CSAT) (\d+)</b>", section)
    assert scores == [(' class="bad"', "NPS", "3"), ("", "CSAT", "5")]      # the 0 of 07-05 is after as_of
    assert "great service" in section and "after as_of" not in section


def test_visit_sheet_shows_the_tickets_and_comments(html: dict[str, str]) -> None:
    sheet = html["customers/c1/visit.html"]
    assert states(sheet) == ["overdue", "on_track"] and "Feedback comments" in sheet
    assert states(html["customers/c2/visit.html"]) == ["response_late"]


def test_period_report_shows_the_periods_ticket_counts_and_comments(html: dict[str, str]) -> None:
    def facts(page: str) -> dict[str, str]:
        block = page.split('<section id="service"')[1].split("</section>")[0]
        return dict(re.findall(r"<dt>([^<]+)</dt><dd[^>]*>([^<]+)</dd>", block))

    june = facts(html["reports/2026-06/index.html"])
    assert (june["Opened"], june["Closed"], june["Became late"], june["Open at period end"]) == ("4", "1", "1", "3")
    assert june["Within service level"] == "100.0%" and june["Median resolution"] == "1 d"
    may = facts(html["reports/2026-05/index.html"])
    assert (may["Opened"], may["Closed"], may["Became late"], may["Open at period end"]) == ("1", "1", "1", "0")
    q2 = facts(html["reports/2026-Q2/index.html"])
    assert (q2["Opened"], q2["Closed"], q2["Became late"]) == ("5", "2", "2")
    comments = html["reports/2026-06/index.html"].split('<section id="comments"')[1].split("</section>")[0]
    customers = re.findall(r'<a href="../../customers/(c\d)/index.html">', comments)
    assert customers == ["c1", "c2", "c1"]                                   # NPS 3, NPS 9, CSAT 5
    assert "bad delivery" not in comments and "bad delivery" in html["reports/2026-05/index.html"]


def test_hostile_ticket_summary_and_comment_are_text(html: dict[str, str]) -> None:
    for path in ("customers/c1/index.html", "customers/c1/visit.html", "reports/2026-06/index.html"):
        page = html[path]
        assert "<script>alert" not in page and "<img src=x" not in page, path
        assert "&lt;img src=x onerror=alert(2)&gt; too slow" in page, path
    assert "&lt;script&gt;alert(&#39;k1&#39;)&lt;/script&gt; part broke" in html["customers/c1/index.html"]


def test_chinese_pages_translate_every_new_message(site: Site) -> None:
    pages = rendered([*customer_pages.pages(site), *visit.pages(site), *reports.pages(site)], "zh-CN")
    assert "客户反馈意见" in pages["customers/c1/index.html"] and "解决超时" in pages["customers/c1/index.html"]
    assert "没有未关闭的工单（已关闭 2 个）。" in pages["customers/c3/index.html"]
    assert "期末未关闭" in pages["reports/2026-06/index.html"] and "<td>质量</td>" in pages["customers/c1/visit.html"]


def test_without_complaints_there_is_no_tickets_block(make_site) -> None:
    site = make(make_site, FILES, "without-complaints")
    assert not site.metrics.service.present
    html = rendered([*customer_pages.pages(site), *visit.pages(site), *reports.pages(site)])
    for path in ("customers/c1/index.html", "customers/c3/index.html", "customers/c1/visit.html"):
        assert 'id="tickets' not in html[path] and "Open tickets" not in html[path], path
    assert 'id="service"' not in html["reports/2026-06/index.html"]
    assert 'id="comments"' in html["reports/2026-06/index.html"]            # feedback does not need complaints


def test_chinese_notes_of_the_receivables_and_service_pages_name_no_column(make_site) -> None:
    """The browser gate reads every .note of a Chinese page for English words: column names included."""
    orders = "customer_id,order_date,amount,paid_amount\nC1,2026-05-01,100,40\nC2,2026-06-01,200,\n"
    site = make(make_site, {**FILES, "orders.csv": orders, "complaints.csv": COMPLAINTS}, "notes")
    pages = rendered([*receivables.pages(site), *service.pages(site)], "zh-CN")
    notes = [n for path in ("receivables/index.html", "service/index.html")
             for n in re.findall(r'<p class="note">(.*?)</p>', pages[path], re.S)]
    assert len(notes) >= 3
    words = {w for n in notes for w in re.findall(r"[A-Za-z]{3,}", re.sub(r"<[^>]+>|[\w./-]+\.csv", "", n))}
    assert not words, notes


def test_customer_page_stays_lean(make_site) -> None:
    """The timeline names an activity's owner only when it is not the account owner; whole chart amounts have
    no ".0" (every customer page carries its chart; the median page must stay under 10 kB)."""
    activities = "date,customer_id,owner,type,summary\n2026-06-01,C1,Wang,call,first\n2026-06-02,C1,Li,visit,second\n"
    site = make(make_site, {**FILES, "activities.csv": activities}, "lean")
    page = rendered(customer_pages.pages(site))["customers/c1/index.html"]
    timeline = page.split('<ol class="timeline">')[1].split("</ol>")[0]
    assert "· Li</span>" in timeline and "· Wang" not in timeline
    assert '"y":[0,0,' in page and ",100," in page and "100.0" not in page


@pytest.mark.parametrize(("kind", "score", "low"), [("nps", 6, True), ("nps", 7, False), ("csat", 2, True),
                                                    ("csat", 3, False), ("nps", None, False)])
def test_low_scores(kind: str, score: Any, low: bool) -> None:
    assert low_score(kind, score) is low
