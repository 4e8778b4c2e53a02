"""axe-core (pinned in tests/quality/axe/package.json) finds no serious or critical accessibility
violation on one page of every page type, in English and Chinese, in the light and the dark
palette (the site follows ``prefers-color-scheme``; colour contrast is checked in both), on a phone
viewport, and with the site search open.

axe.min.js comes from the npm registry (``npm ci --prefix tests/quality/axe``) and is injected by
Playwright into the page after its charts are drawn; one page load serves both palettes.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

import pytest

from tests.conftest import PAGE_TYPE_NAMES, PARTIAL_TEMPLATES, page_types, require_tool
from tests.quality.conftest import redirect_sample

pytestmark = pytest.mark.browser

AXE_DIR = Path(__file__).parent / "axe"
AXE = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
FAILING_IMPACTS = {"serious", "critical"}
SCHEMES = ("light", "dark")
NODES_SHOWN = 5
PHONE = {"viewport": {"width": 375, "height": 800}, "is_mobile": True, "has_touch": True}
CHARTS_DRAWN = "[...document.querySelectorAll('.chart')].every(c => c.hasAttribute('data-drawn'))"
AXE_RUN = "() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)"


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """axe.min.js from tests/quality/axe/node_modules; skips loudly (fails in CI) when not installed."""
    require_tool(AXE.is_file(),
                 f"SKIPPING AXE: run npm ci --prefix tests/quality/axe (axe-core is not installed: no {AXE})",
                 f"CI is set but axe-core is not installed (no {AXE}): run npm ci --prefix tests/quality/axe")
    return AXE


@pytest.fixture(scope="module")
def tab(browser) -> Iterator:
    """One browser page reused by the tests of this module (a fresh load per test)."""
    context = browser.new_context()
    yield context.new_page()
    context.close()


def audit(page, axe: Path, where: str, schemes: tuple[str, ...] = SCHEMES) -> list[str]:
    """Serious and critical violations on the loaded ``page`` in each palette, one readable line each."""
    if page.locator(".chart").count():
        page.wait_for_function(CHARTS_DRAWN, timeout=15_000)
    page.add_script_tag(path=str(axe))
    found, backgrounds = [], set()
    try:
        for scheme in schemes:
            page.emulate_media(color_scheme=scheme)
            backgrounds.add(page.evaluate("getComputedStyle(document.body).backgroundColor"))
            for v in page.evaluate(AXE_RUN):
                if v["impact"] in FAILING_IMPACTS:
                    targets = [" ".join(map(str, n["target"])) for n in v["nodes"]]
                    more = f" (+{len(targets) - NODES_SHOWN} more)" if len(targets) > NODES_SHOWN else ""
                    detail = (v["nodes"][0].get("failureSummary") or "").replace("\n", " ")[:240]
                    found.append(f"{where} [{scheme}]: {v['id']} ({v['impact']}) {v['help']}\n"
                                 f"    at {'; '.join(targets[:NODES_SHOWN])}{more}\n    {detail}")
    finally:
        page.emulate_media(color_scheme="light")
    if page.locator("link[rel=stylesheet]").count():  # the redirect page has no stylesheet
        assert len(backgrounds) == len(schemes), f"{where}: the dark palette did not apply ({backgrounds})"
    return found


def report(violations: list[str]) -> str:
    return f"{len(violations)} serious/critical axe violations:\n" + "\n".join(violations)


def test_every_page_template_has_a_sample_page(site_en: Path) -> None:
    """A new page template must get a sample here, so the accessibility gate covers it."""
    templates = {p.name for p in TEMPLATES.glob("*.html")} - PARTIAL_TEMPLATES
    sampled = {template for _, template in page_types(site_en).values()}
    assert templates <= sampled, f"page templates without a sample page in tests/conftest.py: {templates - sampled}"
    assert set(page_types(site_en)) == set(PAGE_TYPE_NAMES)


@pytest.mark.parametrize("kind", PAGE_TYPE_NAMES)
@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_no_serious_accessibility_violation(sites, serve, tab, axe_script, language: str, kind: str) -> None:
    out = sites(language)
    path = page_types(out)[kind][0]
    tab.goto(serve(out) + path)
    assert tab.locator("html").get_attribute("lang") == language
    violations = audit(tab, axe_script, f"{language} {path}")
    assert not violations, report(violations)


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_redirect_page_is_accessible(serve, tab, axe_script, sites, language: str, tmp_path: Path) -> None:
    page = redirect_sample(tmp_path, sites(language), language)
    # its meta refresh forwards at once: a 204 for the target keeps the browser on the redirect page
    target = re.compile(r".*/customers/(?!old-slug/)[^/]+/index\.html$")
    tab.route(target, lambda route: route.fulfill(status=204))
    try:
        with tab.expect_request(target):
            tab.goto(serve(tmp_path) + page.relative_to(tmp_path).as_posix())
        assert "old-slug" in tab.url
        violations = audit(tab, axe_script, f"{language} redirect page")
    finally:
        tab.unroute(target)
    assert not violations, report(violations)


def test_phone_viewport_has_no_serious_accessibility_violation(browser, serve, site_en, axe_script) -> None:
    """Every page type at phone width: what the layout changes (a table that now scrolls, wrapping).
    The palette does not depend on the width, so the light one is enough here."""
    context = browser.new_context(**PHONE)
    try:
        page = context.new_page()
        violations = []
        for path, _ in page_types(site_en).values():
            page.goto(serve(site_en) + path)
            violations += audit(page, axe_script, f"phone {path}", schemes=("light",))
    finally:
        context.close()
    assert not violations, report(violations)


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_open_site_search_has_no_serious_accessibility_violation(sites, serve, tab, axe_script, language) -> None:
    out = sites(language)
    tab.goto(serve(out) + "index.html")
    tab.locator("#site-search").fill("a")
    tab.locator("#search-results a").first.wait_for()
    violations = audit(tab, axe_script, f"{language} index.html with search results open")
    assert not violations, report(violations)


@pytest.mark.parametrize("index", range(7))
def test_audience_build_has_no_serious_accessibility_violation(site_audience, serve, tab, axe_script, index) -> None:
    """The pages of an audience's site (tests/conftest.py ``audience_pages``), hidden sections' links made spans."""
    from tests.conftest import audience_pages

    path = audience_pages(site_audience)[index]
    tab.goto(serve(site_audience) + path)
    violations = audit(tab, axe_script, f"audience {path}")
    assert not violations, report(violations)
