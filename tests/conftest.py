"""Shared fixtures: tiny sites written inline, the demo data set, and the session-wide demo builds,
loopback server and headless browser of the browser and quality gates."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from datetime import date
from pathlib import Path
from typing import Callable, Iterator

import pytest

AS_OF = "2026-06-30"


def write_site(root: Path, files: dict[str, str | bytes], config: str = "") -> Path:
    """A site folder with ``data/<name>`` files and an optional sitegen.toml; returns the folder."""
    (root / "data").mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = root / "data" / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    if config:
        (root / "sitegen.toml").write_text(config, encoding="utf-8")
    return root


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[..., Path]:
    def make(files: dict[str, str | bytes], config: str = "", name: str = "site") -> Path:
        return write_site(tmp_path / name, files, config)
    return make


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the demo data (300 customers) and no config: built with defaults."""
    from sitegen.demo import generate_demo_data

    root = tmp_path_factory.mktemp("demo")
    generate_demo_data(root / "data", customers=300, seed=1, as_of=date(2026, 6, 30))
    return root


# ---------------------------------------------------------------------------------------------
# Session-wide pieces of the real-browser and quality gates (tests/browser, tests/quality):
# one demo build per language, a loopback HTTP server, one headless Chromium, and the rule that a
# missing tool skips loudly outside CI and fails with CI set.

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def require_tool(present: bool, skip: str, fail: str) -> None:
    """Skip with the loud reason ``skip`` (it starts with ``SKIPPING``) when a tool is missing; with ``CI``
    set, fail with ``fail`` instead, so a CI run can never pass without the gate having run."""
    if present:
        return
    if os.environ.get("CI"):
        pytest.fail(fail, pytrace=False)
    pytest.skip(skip)


def require_browser() -> None:
    message = f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)"
    require_tool(CHROMIUM.exists(), f"SKIPPING BROWSER TESTS: {message}", f"CI is set but {message}")


def build_demo(demo_site: Path, root: Path, language: str = "en"):
    """A copy of the demo data and :data:`DEMO_REVIEW` built into ``root/output``; returns the BuildResult."""
    from sitegen.build import build_site
    from sitegen.config import load_config

    shutil.copytree(demo_site / "data", root / "data")
    (root / "sitegen.toml").write_text(f'[site]\nlanguage = "{language}"\n', encoding="utf-8")
    reviews = root / "content" / "reviews"
    reviews.mkdir(parents=True)
    (reviews / "2026-05.md").write_text(DEMO_REVIEW, encoding="utf-8")  # the gates see a review and its actions
    return build_site(load_config(cwd=root), as_of=AS_OF)


# A review of the month the gates' report page shows (reports/2026-05): one action still open (so it is
# overdue and carried over to later reports and the dashboard) and one done.
DEMO_REVIEW = """---
title: "Monthly review 2026-05"
date: 2026-05-31
attendees: ["Sales team"]
actions:
  - id: 2026-05-key-accounts
    what: "Call every key account that has not ordered for 60 days"
    owner: "黄磊"
    due: 2026-06-10
    status: open
  - what: "Close the deals whose close date passed more than 30 days ago"
    owner: "王丽"
    due: 2026-06-05
    status: done
---

## Analysis

Revenue against target; the largest movements against the previous month.

## Decisions

- Key accounts that stopped ordering get a call before the next review.
"""


@pytest.fixture(scope="session")
def demo_en(demo_site: Path, tmp_path_factory: pytest.TempPathFactory):
    """The demo site built in English (BuildResult): the one English demo build of the session, read (never
    changed) by the page tests (``built_en``), the privacy scan and the browser and quality gates (``site_en``)."""
    return build_demo(demo_site, tmp_path_factory.mktemp("browser-en"))


@pytest.fixture(scope="session")
def site_en(demo_en) -> Path:
    """The demo site built in English (output folder); shared by the browser and quality gates."""
    return demo_en.out


@pytest.fixture(scope="session")
def site_zh(demo_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo site built in Simplified Chinese (output folder)."""
    return build_demo(demo_site, tmp_path_factory.mktemp("browser-zh"), "zh-CN").out


# An audience of the demo data (docs/configuration.md, "Audiences"): one region, some sections hidden.
AUDIENCE_CONFIG = """
[[audiences]]
name = "east"
region = ["East China"]
sections = ["funnel", "pipeline", "customers", "reports"]
contacts = false
company_totals = true

[[audiences]]
name = "south"
region = ["South China"]
"""


class AudienceBuilds:
    """The audiences of :data:`AUDIENCE_CONFIG`, each built (jobs=1) on first use from one copy of the demo data in
    ``root``, into ``root/out/<name>``; the audience tests and the gates read the same builds."""

    def __init__(self, demo_site: Path, root: Path) -> None:
        self.root = root
        self._built: dict[str, Path] = {}
        shutil.copytree(demo_site / "data", root / "data")
        (root / "sitegen.toml").write_text(AUDIENCE_CONFIG, encoding="utf-8")

    def __getitem__(self, name: str) -> Path:
        """The output folder of audience ``name``, built the first time it is asked for."""
        from sitegen.audience import select_audience
        from sitegen.build import build_site
        from sitegen.config import load_config

        if name not in self._built:
            config = select_audience(load_config(cwd=self.root), name)
            self._built[name] = build_site(config, out=self.root / "out" / name, as_of=AS_OF, jobs=1).out
        return self._built[name]


@pytest.fixture(scope="session")
def audience_builds(demo_site: Path, tmp_path_factory: pytest.TempPathFactory) -> AudienceBuilds:
    """The session's audience builds of the demo data (see :class:`AudienceBuilds`)."""
    return AudienceBuilds(demo_site, tmp_path_factory.mktemp("audiences"))


@pytest.fixture(scope="session")
def site_audience(audience_builds: AudienceBuilds) -> Path:
    """The demo site built for the audience ``east`` of :data:`AUDIENCE_CONFIG` (output folder)."""
    return audience_builds["east"]


def audience_pages(out: Path) -> list[str]:
    """A handful of pages of the audience build: the dashboard, each shown section's index, a customer, a deal."""
    customer = sorted((out / "customers").glob("*/index.html"))[0].parent.name
    deal = sorted((out / "pipeline" / "deals").glob("*/index.html"))[-1].parent.name
    return ["index.html", "funnel/index.html", "pipeline/index.html", "customers/index.html",
            f"customers/{customer}/index.html", f"pipeline/deals/{deal}/index.html", "reports/index.html"]


# Tiny data sets where charts used to draw an empty 0-1 axis: no orders (revenue charts of reports and owners), no
# pipeline (forecast, stage where deals were lost), and orders older than the charts' months (every revenue chart).
# The empty-state checks of tests/pages and the real-browser ones of tests/browser read the same builds.
TINY_CUSTOMERS = "customer_id,name,owner\nC1,Acme Ltd,Ann\nC2,Beta Co,Bob\n"
TINY_PIPELINE = ("opportunity_id,customer_id,opportunity_name,stage,amount,created_date,close_date,owner\n"
                 "O1,C1,Acme Ltd - Pump,proposal,50000,2026-05-02,2026-07-30,Ann\n"
                 "O2,C2,Valve,won,20000,2026-03-01,2026-05-20,Bob\n")
TINY = {"no-orders": {"customers.csv": TINY_CUSTOMERS, "pipeline.csv": TINY_PIPELINE},
        "no-pipeline": {"customers.csv": TINY_CUSTOMERS,
                        "orders.csv": "customer_id,order_date,amount\nC1,2026-05-01,100\nC2,2026-06-15,50\n"},
        "old-orders": {"customers.csv": TINY_CUSTOMERS,
                       "orders.csv": "customer_id,order_date,amount\nC1,2022-03-01,100\nC2,2022-04-01,50\n"}}


class _BuiltOnDemand(dict):
    """A dict that builds a missing entry with ``build(key)`` the first time it is read, then keeps it."""

    def __init__(self, build: Callable[[str], Path]) -> None:
        super().__init__()
        self._build = build

    def __missing__(self, key: str) -> Path:
        self[key] = value = self._build(key)
        return value


@pytest.fixture(scope="session")
def tiny_sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """``tiny_sites[name]``: the output folder of the :data:`TINY` site ``name``, built (jobs=1) once per session."""
    from sitegen.build import build_site
    from sitegen.config import load_config

    def build(name: str) -> Path:
        root = write_site(tmp_path_factory.mktemp(f"tiny-{name}"), TINY[name])
        return build_site(load_config(cwd=root), as_of=AS_OF, jobs=1).out

    return _BuiltOnDemand(build)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        pass


@pytest.fixture(scope="session")
def serve() -> Iterator[Callable[[Path], str]]:
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
    """One headless Debian Chromium for the whole session, driven by Playwright."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# Templates that are pieces of pages, not page types of their own.
PARTIAL_TEMPLATES = {"base.html", "nav.html", "macros.html", "goals.html"}
PLAYBOOK_KINDS = ("stages", "scripts", "templates", "checklists", "policies", "roles")


def page_types(out: Path) -> dict[str, tuple[str, str]]:
    """One page of every page type of a demo build: name -> (path under ``out``, template).

    The customer is one with open deals (so it has a visit sheet), with an open complaint ticket when
    one has (so the gates see the ticket table), the owner the first team member, and the playbook gets
    one page of each kind of document.
    """
    sheets = sorted((out / "customers").glob("*/visit.html"))
    customer = next((s for s in sheets if "data-sla=" in s.read_text(encoding="utf-8")), sheets[0]).parent.name
    owner = sorted((out / "team").glob("*/index.html"))[0].parent.name
    deal = sorted((out / "pipeline" / "deals").glob("*/index.html"))[-1].parent.name  # the newest: an open one
    types = {
        "dashboard": ("index.html", "dashboard.html"),
        "funnel": ("funnel/index.html", "funnel.html"),
        "pipeline": ("pipeline/index.html", "pipeline.html"),
        "changes": ("pipeline/changes/index.html", "changes.html"),
        "deal": (f"pipeline/deals/{deal}/index.html", "deal.html"),
        "customers": ("customers/index.html", "customers.html"),
        "customer": (f"customers/{customer}/index.html", "customer.html"),
        "receivables": ("receivables/index.html", "receivables.html"),
        "service": ("service/index.html", "service.html"),
        "visit-sheet": (f"customers/{customer}/visit.html", "visit.html"),
        "team": ("team/index.html", "team.html"),
        "owner": (f"team/{owner}/index.html", "owner.html"),
        "reports": ("reports/index.html", "reports.html"),
        "report-month": ("reports/2026-05/index.html", "report.html"),
        "report-quarter": ("reports/2026-Q2/index.html", "report.html"),
        "report-year": ("reports/2025/index.html", "report.html"),
        "data-quality": ("data-quality/index.html", "data_quality.html"),
        "playbook": ("playbook/index.html", "playbook_index.html"),
        "process": ("playbook/process/index.html", "process.html"),
    }
    for kind in PLAYBOOK_KINDS:
        first = sorted((out / "playbook" / kind).glob("*/index.html"))[0]
        types[f"playbook-{kind}"] = (first.relative_to(out).as_posix(), "playbook_page.html")
    return types


PAGE_TYPE_NAMES = ("dashboard", "funnel", "pipeline", "changes", "deal", "customers", "customer", "visit-sheet", "team", "owner",
                   "receivables", "service",
                   "reports", "report-month", "report-quarter", "report-year", "data-quality", "playbook", "process",
                   *(f"playbook-{kind}" for kind in PLAYBOOK_KINDS))


# ---------------------------------------------------------------------------------------------
# A line in the terminal summary (and so in the CI log) saying how many tests of each gate ran.

GATE_MARKERS = ("browser", "html_validator", "spark")
_gate_outcomes: dict[str, dict[str, int]] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" or (report.when == "setup" and not report.passed):
        for marker in GATE_MARKERS:
            if marker in report.keywords:
                counts = _gate_outcomes.setdefault(marker, {})
                counts[report.outcome] = counts.get(report.outcome, 0) + 1


def pytest_terminal_summary(terminalreporter) -> None:
    if _gate_outcomes:
        terminalreporter.write_sep("-", "quality gates")
        for marker, counts in sorted(_gate_outcomes.items()):
            summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items()))
            terminalreporter.write_line(f"{marker} tests: {summary}")
