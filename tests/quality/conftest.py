"""Quality gates on the demo build: Nu HTML Checker validity and axe-core accessibility.

The demo builds, the loopback server and the browser are the session fixtures of
tests/conftest.py (shared with tests/browser). A missing tool (java, axe-core's node_modules,
Chromium) skips these tests with a reason starting ``SKIPPING`` outside CI and fails them with
``CI`` set.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import page_types


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "html_validator: needs java for the Nu HTML Checker (runs always in CI; skipped loudly "
                   "elsewhere when missing)")


def redirect_sample(folder: Path, out: Path, language: str) -> Path:
    """The page the build writes where a slug changed (sitegen/pages/redirects.py), for a customer of
    ``out``, written to ``folder/customers/old-slug/index.html``; returns that file."""
    from sitegen.pages.redirects import redirect_page

    customer = Path(page_types(out)["customer"][0]).parent.name
    page = folder / "customers" / "old-slug" / "index.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_bytes(redirect_page(f"../{customer}/index.html", language))
    return page


@pytest.fixture(scope="session")
def sites(request: pytest.FixtureRequest):
    """``sites(language) -> output folder`` of the session's demo build in that language."""
    return lambda language: request.getfixturevalue("site_zh" if language == "zh-CN" else "site_en")
