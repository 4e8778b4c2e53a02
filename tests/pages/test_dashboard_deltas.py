"""Dashboard month tiles compare like with like: a running month against the same days of last month and
of a year ago (the report's comparison), a tiny base as a difference; the year's target is labelled to date."""

from __future__ import annotations

import re

from sitegen.build import build_site
from sitegen.config import load_config
from sitegen.pages.tiles import report_delta
from sitegen.reporter import Reporter

ORDERS = "customer_id,order_date,amount\n" + "".join(
    f"C{i},2026-05-{d:02d},100\n" for i in range(6) for d in (3, 25)) + "".join(
    f"C{i},2026-06-0{d},150\n" for i in range(6) for d in (2, 4))


def test_a_running_month_is_compared_with_the_same_days(make_site) -> None:
    """As of 2026-06-10: June so far 1,800 (12 orders) against 1-10 May 600 (6 orders): +200 %, not the
    -25 % a comparison with the whole of May (2,400) would show."""
    site = make_site({"orders.csv": ORDERS})
    out = build_site(load_config(cwd=site), as_of="2026-06-10", jobs=1, reporter=Reporter()).out
    page = (out / "index.html").read_text(encoding="utf-8")
    revenue = re.search(r'<span class="tile-label">Revenue</span>.*?</a>', page, re.S).group(0)
    assert "+200.0% vs same days last month" in revenue, revenue
    assert "vs last month" not in revenue


def test_a_tiny_base_shows_the_difference_in_the_figures_format() -> None:
    report = {"change": {"previous": {"revenue": 9.0}}, "absolute_change": {"previous": {"revenue": 900.0}},
              "change_basis": {"previous": {"revenue": "absolute"}}}
    line = report_delta(report, "previous", "revenue", "vs last month", "money")
    assert line == {"value": 900.0, "label": "vs last month", "tone": "good", "format": "money"}
    report["change_basis"]["previous"]["revenue"] = "relative"
    assert report_delta(report, "previous", "revenue", "vs last month", "money")["format"] is None
    report["change_basis"]["previous"]["revenue"] = None
    assert report_delta(report, "previous", "revenue", "vs last month", "money") is None
    assert report_delta(None, "previous", "revenue", "vs last month", "money") is None


def test_the_years_revenue_tile_names_its_target_year_to_date(make_site) -> None:
    site = make_site({"orders.csv": ORDERS, "targets.csv": "period,owner,revenue_target\n2026,,12000\n"})
    out = build_site(load_config(cwd=site), as_of="2026-06-10", jobs=1, reporter=Reporter()).out
    page = (out / "index.html").read_text(encoding="utf-8")
    tile = re.search(r'<span class="tile-label">Revenue this year</span>.*?</a>', page, re.S).group(0)
    assert "Target year to date" in tile
