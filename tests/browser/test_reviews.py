"""Review meetings in real Chromium, in English and Chinese: the reviewed month's report shows the notes and both
actions, the dashboard the overdue one, the next report carries it over; no console errors, served or from disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reviews.conftest import build, demo_review_site

pytestmark = pytest.mark.browser
OPEN, DONE = "2026-10-key-accounts", "2026-10-crm-cleanup"
HEADINGS = {"en": ("Review meeting", "Carried over from earlier reviews", "Overdue"),
            "zh-CN": ("复盘会议", "往期复盘遗留的行动项", "已逾期")}


@pytest.fixture(scope="module")
def review_sites(tmp_path_factory: pytest.TempPathFactory):
    built: dict[str, Path] = {}

    def get(language: str) -> Path:
        if language not in built:
            root = demo_review_site(tmp_path_factory.mktemp(f"reviews-{language}"), language, customers=60)
            built[language] = build(root, root / "output")
        return built[language]

    return get


@pytest.mark.parametrize("language", ["en", "zh-CN"])
@pytest.mark.parametrize("mode", ["served", "file"])
def test_reviews_on_the_report_dashboard_and_next_report(review_sites, serve, probe, language, mode) -> None:
    out = review_sites(language)
    base = serve(out) if mode == "served" else out.as_uri() + "/"
    review, carried, overdue = HEADINGS[language]
    view = probe(viewport={"width": 1366, "height": 1400})
    view.open(base + "reports/2026-10/index.html")
    page = view.page
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("h2#review-h").inner_text().startswith(review)
    assert page.locator("#review .review-notes h3").count() == 2  # "## Analysis" and "## Decisions"
    rows = page.locator("#meeting-actions tbody tr")
    assert rows.count() == 2 and page.locator(f'#meeting-actions tr[data-action="{OPEN}"]').is_visible()
    assert page.locator(f'#meeting-actions tr[data-action="{DONE}"]').get_attribute("data-status") == "done"
    assert not view.errors, view.errors

    view.open(base + "index.html")
    row = view.page.locator(f'#overdue-actions-table tr[data-action="{OPEN}"]')
    assert row.is_visible() and overdue in row.inner_text()
    assert view.page.locator(f'#overdue-actions-table tr[data-action="{DONE}"]').count() == 0
    owner_link = row.locator("a[href*='team/']")
    owner_link.click()
    view.page.wait_for_load_state("load")
    assert view.page.locator(f'#open-actions tr[data-action="{OPEN}"]').is_visible()
    assert not view.errors, view.errors

    view.open(base + "reports/2026-11/index.html")
    assert view.page.locator("h2#carried-over-h").inner_text().startswith(carried)
    assert view.page.locator(f'#carried-actions tr[data-action="{OPEN}"]').is_visible()
    assert not view.errors, view.errors
