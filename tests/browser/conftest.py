"""Real-Chromium fixtures of the browser suite. The session-wide pieces (the English and Chinese
demo builds ``site_en`` / ``site_zh``, the loopback server ``serve`` and the one ``browser``) live in
tests/conftest.py, shared with the quality gates in tests/quality.

Browser tests are marked ``browser``. Outside CI a missing Chromium skips them with a loud
reason; with ``CI`` set it fails them, so a CI run can never pass without the browser suite.
"""

from __future__ import annotations

from typing import Iterator

import pytest


class PageProbe:
    """A browser page that records console errors, page errors and failed requests."""

    def __init__(self, page) -> None:
        self.page = page
        self.errors: list[str] = []
        page.on("console", lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        page.on("requestfailed", lambda r: self.errors.append(f"requestfailed: {r.url}"))
        page.on("response", lambda r: self.errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)

    def open(self, url: str) -> "PageProbe":
        self.page.goto(url)
        self.page.wait_for_load_state("load")
        return self


@pytest.fixture
def probe(browser) -> Iterator:
    """``probe(**context options) -> PageProbe`` in a fresh context; closed after the test."""
    contexts = []

    def make(**options) -> PageProbe:
        context = browser.new_context(accept_downloads=True, **options)
        contexts.append(context)
        return PageProbe(context.new_page())

    yield make
    for context in contexts:
        context.close()
