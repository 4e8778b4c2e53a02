"""The weekly review in real Chromium: the changes page (its waterfall drawn) and a deal page load without console
errors, served over HTTP and from disk, in English and Chinese."""

from __future__ import annotations

import pytest

from tests.browser.test_site import wait_for_charts
from tests.conftest import page_types

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["en", "zh-CN"])
@pytest.mark.parametrize("mode", ["served", "file"])
def test_changes_and_deal_pages_load_without_errors(site_en, site_zh, serve, probe, language, mode) -> None:
    out = site_en if language == "en" else site_zh
    base = serve(out) if mode == "served" else out.as_uri() + "/"
    types = page_types(out)
    view = probe()
    view.open(base + types["changes"][0])
    assert wait_for_charts(view.page) == 1                     # the waterfall
    assert view.page.locator("html").get_attribute("lang") == language
    assert view.page.locator("#reps-table tbody tr").count() > 0
    deal_link = view.page.locator("section#new a[href*='pipeline/deals/']").first
    assert deal_link.count() == 1
    assert not view.errors, view.errors
    view.open(base + types["deal"][0])
    assert view.page.locator("h1").inner_text().strip()
    assert view.page.locator("#grade p").inner_text().strip()  # the grade's reason
    assert not view.errors, view.errors
    heading = view.page.locator("h2#path-h").inner_text()
    assert ("Stage path" in heading) == (language == "en")
