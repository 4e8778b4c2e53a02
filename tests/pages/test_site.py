"""The demo build end to end: every page type, lean customer pages, working share links,
plotly only where there are charts, a complete Chinese UI, and permanent period reports."""

from __future__ import annotations

import csv
import json
import re
import shutil
import statistics
from pathlib import Path

import pandas as pd
import pytest

from sitegen.config import load_config
from sitegen.dataset import load_dataset
from sitegen.metrics import compute_metrics
from sitegen.pages import Page, Site, collect
from sitegen.playbook import load_playbook
from sitegen.render import Renderer
from tests.pages.conftest import AS_OF, build

PAGE_TYPES = ("index.html", "funnel/index.html", "pipeline/index.html", "customers/index.html", "team/index.html",
              "reports/index.html", "reports/2026-05/index.html", "reports/2026-Q2/index.html",
              "reports/2025/index.html", "data-quality/index.html")
STATE_LINK = re.compile(r'href="([^"#]*)#([a-z-]+)\.([a-z_]+)=([^"]*)"')


def read(out: Path, path: str) -> str:
    return (out / path).read_text(encoding="utf-8")


def test_every_page_type_is_built(built_en) -> None:
    out = built_en.out
    for path in PAGE_TYPES:
        assert (out / path).is_file(), path
    assert len(list((out / "customers").glob("*/index.html"))) == len(built_en.metrics.customers)
    assert len(list((out / "team").glob("*/index.html"))) == built_en.metrics.scorecard["owner"].nunique()
    for label in built_en.metrics.periods["period"]:
        assert (out / "reports" / label / "index.html").is_file()
        assert json.loads(read(out, f"reports/{label}/report.json"))["period"] == label


def test_customer_pages_are_lean(built_en) -> None:
    sizes = [p.stat().st_size for p in (built_en.out / "customers").glob("*/index.html")]
    assert statistics.median(sizes) < 10_000
    assert sorted(sizes)[int(len(sizes) * 0.9)] < 12_000


def test_plotly_loads_only_on_pages_with_charts(built_en) -> None:
    for page in built_en.out.rglob("index.html"):
        text = page.read_text(encoding="utf-8")
        has_chart = 'class="chart"' in text
        assert has_chart == ("assets/plotly.min.js" in text), page
        assert "cdn" not in text.lower() or "cdn" in text.lower().split("<main", 1)[1], page


def test_share_links_name_a_table_and_a_column_or_filter_it_has(built_en) -> None:
    """KPI tiles and action lists link to filtered or sorted views: the table and key must exist."""
    out = built_en.out
    checked = 0
    for page in [out / "index.html", out / "pipeline/index.html", out / "customers/index.html"]:
        for target, table, key, value in STATE_LINK.findall(page.read_text(encoding="utf-8")):
            html = (page.parent / target).read_text(encoding="utf-8") if target else page.read_text(encoding="utf-8")
            assert f'id="{table}"' in html, (page, table)
            if key == "sort":
                assert f'data-field="{value.lstrip("-")}"' in html, (page, value)
            elif key != "q":
                assert f'data-key="{key}"' in html and f'value="{value}"' in html, (page, key, value)
            checked += 1
    assert checked >= 8


def test_search_index_has_customers_owners_playbook_and_reports(built_en) -> None:
    text = read(built_en.out, "data/search-index.js")
    entries = json.loads(text.split("=", 1)[1].rstrip().rstrip(";"))
    kinds = {e[2] for e in entries}
    assert kinds == {"customer", "owner", "playbook", "report"}
    urls = {e[1] for e in entries}
    for url in urls:
        assert (built_en.out / url).is_file(), url


def test_tables_keep_every_row_of_the_data_file(built_en) -> None:
    text = read(built_en.out, "data/customers-index.js")
    payload = json.loads(text.split("] = ", 1)[1].rstrip().rstrip(";"))
    assert len(payload["rows"]) == len(built_en.metrics.customers)
    html = read(built_en.out, "customers/index.html")
    assert html.count("<tr>") == 1 + 50  # the header and the first page; the rest comes from the data file


def test_chinese_build_translates_every_ui_message(demo_site: Path, tmp_path: Path) -> None:
    shutil.copytree(demo_site / "data", tmp_path / "data")
    (tmp_path / "sitegen.toml").write_text('[site]\nlanguage = "zh-CN"\n', encoding="utf-8")
    config = load_config(cwd=tmp_path)
    dataset = load_dataset(config)
    site = Site(config=config, dataset=dataset, metrics=compute_metrics(dataset, config, pd.Timestamp(AS_OF)),
                playbook=load_playbook(config)[0])
    renderer = Renderer("zh-CN", config.site.currency, config.templates_dir)
    html = ""
    for item in collect(site):
        if isinstance(item, Page):
            html = renderer.render(item.template, item.context).decode()
            assert '<html lang="zh-CN"' in html or not html.startswith("<!DOCTYPE"), item.path
    assert not renderer.missing, sorted(renderer.missing)


def test_closed_reports_do_not_change_when_later_records_arrive(demo_site: Path, tmp_path: Path, built_en) -> None:
    """Add orders, deals and activities dated in July, build as of 31 July: May, June, Q1 and 2025
    keep their URL and their report.json byte for byte; July gets its own report."""
    root = tmp_path / "later"
    shutil.copytree(demo_site / "data", root / "data")
    shutil.copytree(built_en.out.parent / "content", root / "content")  # the same review of May
    data = root / "data"
    with (data / "orders.csv").open(encoding="utf-8") as f:
        header = next(csv.reader(f))
    with (data / "orders.csv").open("a", encoding="utf-8", newline="") as f:
        row = dict.fromkeys(header, "")
        row.update(order_id="SO-LATE-1", customer_id="C00001", order_date="2026-07-10", amount="123456.00",
                   product="Servo Drive S5", quantity="1", unit_price="123456.00", status="completed")
        csv.writer(f).writerow([row[h] for h in header])
    with (data / "pipeline.csv").open(encoding="utf-8") as f:
        header = next(csv.reader(f))
    with (data / "pipeline.csv").open("a", encoding="utf-8", newline="") as f:
        for i, (stage, close) in enumerate((("Won", "2026-07-20"), ("Proposal", "2026-08-30"))):
            row = dict.fromkeys(header, "")
            row.update(opportunity_id=f"OPP-LATE-{i}", customer_id="C00002", stage=stage, amount="50000",
                       created_date="2026-07-02", close_date=close)
            csv.writer(f).writerow([row[h] for h in header])
    later = build(demo_site, root, as_of="2026-07-31")
    for label in ("2026-05", "2026-06", "2026-Q1", "2025"):
        before = (built_en.out / "reports" / label / "report.json").read_bytes()
        after = (later.out / "reports" / label / "report.json").read_bytes()
        assert before == after, label
        assert (later.out / "reports" / label / "index.html").is_file()
    july = json.loads(read(later.out, "reports/2026-07/report.json"))
    assert july["figures"]["revenue"] >= 123456
