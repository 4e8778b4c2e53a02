"""Real-Chromium fixtures: one demo build per session (English and Chinese), a loopback HTTP
server started and stopped here, and one browser for the whole session.

Browser tests are marked ``browser``. Outside CI a missing Chromium skips them with a loud
reason; with ``CI`` set it fails them, so a CI run can never pass without the browser suite.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path
from typing import Iterator

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
AS_OF = "2026-06-30"


def _require_browser() -> None:
    if CHROMIUM.exists():
        return
    message = f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but {message}", pytrace=False)
    pytest.skip(f"SKIPPING BROWSER TESTS: {message}")


def build_demo(demo_site: Path, root: Path, language: str = "en") -> Path:
    """A copy of the demo data built into ``root/output``; returns the output folder."""
    from sitegen.build import build_site
    from sitegen.config import load_config

    shutil.copytree(demo_site / "data", root / "data")
    (root / "sitegen.toml").write_text(f'[site]\nlanguage = "{language}"\n', encoding="utf-8")
    return build_site(load_config(cwd=root), as_of=AS_OF).out


@pytest.fixture(scope="session")
def site_en(demo_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo(demo_site, tmp_path_factory.mktemp("browser-en"))


@pytest.fixture(scope="session")
def site_zh(demo_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo(demo_site, tmp_path_factory.mktemp("browser-zh"), "zh-CN")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        pass


@pytest.fixture(scope="session")
def serve() -> Iterator:
    """``serve(folder) -> base URL``: a loopback server on a free port per folder, stopped at the end."""
    servers: dict[Path, tuple[http.server.ThreadingHTTPServer, str]] = {}

    def start(folder: Path) -> str:
        if folder not in servers:
            server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
            threading.Thread(target=server.serve_forever, daemon=True).start()
            servers[folder] = (server, f"http://127.0.0.1:{server.server_address[1]}/")
        return servers[folder][1]

    yield start
    for server, _ in servers.values():
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator:
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


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
