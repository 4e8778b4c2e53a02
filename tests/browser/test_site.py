"""The demo site in real Chromium, served over HTTP and opened from disk: no errors, charts
drawn, search, sort, filter and CSV download work, views are shareable, a Chinese build shows no
English UI label, phones get no horizontal scroll, and printing hides the navigation."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from tests.conftest import page_types

pytestmark = pytest.mark.browser

PAGE_TYPES = ("index.html", "funnel/index.html", "pipeline/index.html", "customers/index.html", "team/index.html",
              "reports/index.html", "reports/2026-05/index.html", "reports/2026-Q2/index.html",
              "reports/2025/index.html", "data-quality/index.html", "receivables/index.html", "service/index.html")
# words allowed in a Chinese UI: abbreviations and file names the catalog keeps as they are
ALLOWED_LATIN = {"CSV", "RFM", "NPS", "CSAT", "ROI", "sitegen"}
FILE_NAME = re.compile(r"[\w./-]+\.(csv|json|md)\b")  # file names (data/orders.csv, report.json) are not labels
# (a row's header names its data, such as an owner: not a label)
UI_TEXT = ("nav a", "h2", "h3", "th:not([scope='row'])", "label", "button", ".tile-label", ".tile-sub", "dt", ".note",
           ".empty", ".more", ".pager", ".count", ".legendtext", ".footer", "select option:first-child")

# data and playbook content, not UI labels: names in breadcrumbs, deal names, checklist items, documents
CONTENT = ".crumbs, .visit-deal > h3, .task-list, .pb-body, .pb-toc li"
# the text of an element without the options of a select inside it (those are data: owners, regions)
OWN_TEXT = "els => els.filter(e => !e.closest('" + CONTENT + "')).map(e => { const c = e.cloneNode(true); " \
           "c.querySelectorAll('select').forEach(s => s.remove()); return c.textContent; })"


def sample_pages(out: Path) -> list[str]:
    """One page of every page type (tests/conftest.py: a customer with open deals and its visit
    sheet, a team member, the playbook index and a document of each kind)."""
    return [path for path, _ in page_types(out).values()]


def wait_for_charts(page) -> int:
    """Waits until every chart on the page is drawn; returns how many there are."""
    count = page.locator(".chart").count()
    if count:
        page.wait_for_function("[...document.querySelectorAll('.chart')].every(c => c.hasAttribute('data-drawn'))",
                               timeout=15_000)
        assert page.locator(".chart .main-svg").count() >= count
    return count


@pytest.mark.parametrize("mode", ["served", "file"])
def test_every_page_type_loads_without_errors_and_draws_its_charts(site_en, serve, probe, mode) -> None:
    base = serve(site_en) if mode == "served" else site_en.as_uri() + "/"
    view = probe()
    charts = 0
    for path in sample_pages(site_en):
        view.open(base + path)
        charts += wait_for_charts(view.page)
        assert view.page.locator("html").get_attribute("lang") == "en"
        assert not view.errors, (path, view.errors)
    assert charts >= 10


def test_site_search_finds_customers_owners_and_playbook_pages(site_en, serve, probe) -> None:
    view = probe().open(serve(site_en) + "funnel/index.html")
    box = view.page.locator("#site-search")
    box.fill("Northwind")
    first = view.page.locator("#search-results a").first
    first.wait_for()
    assert "Northwind" in first.inner_text()
    box.fill("lead")
    view.page.locator("#search-results a[href*='playbook/']").first.wait_for()
    box.press("ArrowDown")
    assert view.page.evaluate("document.activeElement.closest('#search-results') !== null")
    view.page.keyboard.press("Enter")
    view.page.wait_for_url(re.compile(r"/(playbook|customers|team|reports)/"))
    assert not view.errors


def download_rows(page, button: str) -> list[list[str]]:
    with page.expect_download() as info:
        page.locator(button).click()
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_big_table_search_sort_filter_page_and_download(site_en, serve, probe) -> None:
    view = probe().open(serve(site_en) + "customers/index.html")
    page = view.page
    table = page.locator("#customers")
    assert table.locator("tbody tr").count() == 50
    page.locator("#customers-list select[data-key='tier']").select_option("strategic")
    assert "customers.tier=strategic" in page.url
    rows = table.locator("tbody tr")
    tiers = set(rows.locator("td:nth-child(2)").all_inner_texts())
    assert tiers == {"Strategic"}
    shown = rows.count()
    page.locator("#customers th[data-field='revenue'] button").click()
    assert table.locator("th[data-field='revenue']").get_attribute("aria-sort") == "ascending"
    revenue = [float(v) for v in rows.locator("td:nth-child(7)").evaluate_all("cs => cs.map(c => c.dataset.value)")]
    assert revenue == sorted(revenue)
    data = download_rows(page, "[data-download-for='customers']")
    assert data[0][0] == "Customer" and len(data) == shown + 1
    assert [r[1] for r in data[1:]] == ["Strategic"] * shown
    # the view is in the URL: opening it again shows the same rows
    again = probe().open(page.url)
    again.page.locator("#customers tbody tr").first.wait_for()
    assert again.page.locator("#customers tbody tr").count() == shown
    assert again.page.locator("#customers th[data-field='revenue']").get_attribute("aria-sort") == "ascending"
    # paging through every customer
    page.locator("#customers-list select[data-key='tier']").select_option("")
    page.locator("[data-pager-for='customers'] [data-page='next']").click()
    assert "customers.page=2" in page.url
    assert page.locator("[data-pager-for='customers'] .pager-info").inner_text().startswith("51–100")
    page.locator("#customers-list input[type=search]").fill("Northwind")
    assert all("Northwind" in t for t in rows.locator("td:first-child").all_inner_texts())
    assert not view.errors and not again.errors


def test_server_rendered_table_sort_filter_and_download_neutralise_formulas(site_en, serve, probe) -> None:
    view = probe().open(serve(site_en) + "team/index.html")
    page = view.page
    page.locator("#scorecard-table tbody tr:first-child td:first-child a").evaluate(
        "a => { a.textContent = '=HYPERLINK(\"http://x\")'; }")
    page.locator("#scorecard-table th:nth-child(2) button").click()
    assert "scorecard-table.sort=" in page.url
    data = download_rows(page, "[data-download-for='scorecard-table']")
    assert any(r[0] == "'=HYPERLINK(\"http://x\")" for r in data[1:])
    first_owner = next(r[0] for r in data[1:] if not r[0].startswith("'"))
    page.locator("input[data-filter-for='scorecard-table']").fill(first_owner)
    assert page.locator("#scorecard-table tbody tr:not([hidden])").count() >= 1
    data = download_rows(page, "[data-download-for='scorecard-table']")
    assert all(first_owner in ",".join(r) for r in data[1:])
    assert not view.errors


def test_tiles_link_to_the_rows_behind_them_and_sections_copy_their_link(site_en, serve, probe) -> None:
    view = probe().open(serve(site_en) + "index.html")
    page = view.page
    page.locator("a.tile[href*='deals.flag=stale']").click()
    page.wait_for_url(re.compile(r"pipeline/index.html#deals.flag=stale"))
    page.locator("#deals tbody tr").first.wait_for()
    column = page.locator("#deals thead th").evaluate_all("hs => hs.findIndex(h => h.dataset.field === 'flag')")
    assert column >= 0
    flags = page.locator("#deals tbody tr td[data-f]").evaluate_all(
        f"cs => cs.filter(c => c.cellIndex === {column}).map(c => c.dataset.f)")
    assert flags and all("stale" in f for f in flags)
    assert page.locator("select[data-key='flag']").input_value() == "stale"
    page.locator("#forecast-h a.anchor").click()
    assert page.url.endswith("#forecast")
    assert not view.errors


def test_chinese_build_has_no_english_ui_label(site_zh, serve, probe) -> None:
    view = probe()
    base = serve(site_zh)
    for path in sample_pages(site_zh):
        view.open(base + path)
        wait_for_charts(view.page)
        assert view.page.locator("html").get_attribute("lang") == "zh-CN"
        texts = view.page.locator(", ".join(UI_TEXT)).evaluate_all(OWN_TEXT)
        if path in PAGE_TYPES:  # elsewhere the title and heading are a customer's or an owner's name
            texts += [view.page.title(), view.page.locator("h1").inner_text()]
        else:
            texts.append(view.page.title().split(" · ")[-1])
        words = {w for t in texts for w in re.findall(r"[A-Za-z]{3,}", FILE_NAME.sub("", t))} - ALLOWED_LATIN
        assert not words, (path, sorted(words))
        assert not view.errors, (path, view.errors)


def test_phone_width_has_no_horizontal_scroll_outside_tables(site_en, serve, probe) -> None:
    view = probe(viewport={"width": 375, "height": 800}, is_mobile=True)
    for path in sample_pages(site_en):
        view.open(serve(site_en) + path)
        width = view.page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, (path, width)


def test_print_hides_navigation_and_table_tools(site_en, serve, probe) -> None:
    view = probe().open(serve(site_en) + "reports/2026-05/index.html")
    view.page.emulate_media(media="print")
    assert not view.page.locator(".topbar nav").is_visible()
    assert not view.page.locator(".table-tools").first.is_visible()
    assert view.page.locator("h1").is_visible()


def test_dark_mode_changes_the_palette(site_en, serve, probe) -> None:
    view = probe(color_scheme="dark").open(serve(site_en) + "index.html")
    wait_for_charts(view.page)
    background = view.page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(18, 22, 28)"
    font = view.page.evaluate("getComputedStyle(document.querySelector('.chart .xtick text')).fill")
    assert font == "rgb(230, 233, 238)"


def test_audience_build_pages_load_draw_and_search_without_hidden_sections(site_audience, serve, probe) -> None:
    """An audience's site (tests/conftest.py): its pages load without errors and draw their charts, the
    navigation lists only its sections, and the search finds its customers but no owner (team hidden)."""
    from tests.conftest import audience_pages

    base = serve(site_audience)
    view = probe()
    for path in audience_pages(site_audience):
        view.open(base + path)
        wait_for_charts(view.page)
        assert not view.errors, (path, view.errors)
    view.open(base + "index.html")
    nav = view.page.locator("nav[aria-label] a").all_inner_texts()
    assert nav == ["Dashboard", "Funnel", "Pipeline", "Customers", "Reports"]
    assert view.page.locator("#company .tile").count() == 6
