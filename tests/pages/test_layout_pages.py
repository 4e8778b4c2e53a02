"""Layout on the server side (issue 19 §2): the open deals' column priorities and card places, the sticky name
column of wide tables, and empty states: no chart without a value to show, a section without data in one line,
no funnel footnote without a starred row. The browser checks of the same are in tests/browser/test_layout.py."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sitegen import charts
from sitegen.pages import pipeline
from sitegen.pages.datatables import CARD_PLACES, Column, sort_options

SPEC = re.compile(r'<script type="application/json" id="([^"]+)-spec">(.*?)</script>', re.S)


def read(out: Path, path: str) -> str:
    return (out / path).read_text(encoding="utf-8")


def test_open_deals_show_the_working_columns_first_and_keep_every_column() -> None:
    first = [c.field for c in pipeline.COLUMNS if c.priority == 1]
    assert first == ["deal", "customer", "stage", "amount", "flag", "next_step", "next_step_date", "close_date"]
    assert {c.field for c in pipeline.COLUMNS if c.priority == 2} == {"owner", "weighted"}
    assert {c.card for c in pipeline.COLUMNS if c.card} == set(CARD_PLACES)  # a phone's card has every place
    assert [f for f, _ in sort_options(pipeline.COLUMNS)] == ["deal", "customer", "stage", "amount", "close_date"]
    assert {c.field for c in pipeline.COLUMNS} <= set(pipeline.FIELDS)  # hidden columns stay in the data file


def test_a_column_refuses_an_unknown_priority_or_card_place() -> None:
    with pytest.raises(ValueError):
        Column("x", "X", priority=4)
    with pytest.raises(ValueError):
        Column("x", "X", card="footer")


def test_the_deal_table_marks_priorities_cards_and_a_sticky_name(built_en) -> None:
    html = read(built_en.out, "pipeline/index.html")
    table = html[html.index('<table id="deals"'):html.index("</table>", html.index('<table id="deals"'))]
    assert 'class="data sticky-first cards"' in table
    assert re.search(r'<th scope="col" data-field="grade"[^>]* class="p3"', table)
    assert re.search(r'<th scope="col" data-field="weighted"[^>]* class="num p2"', table)
    assert re.search(r'<th scope="col" data-field="close_date" data-type="date" data-card="date"', table)
    row = table[table.index("<tbody>"):].split("</tr>")[0]
    assert re.search(r'<td class="wrap" data-card="title"><a class="clamp" href="[^"]+">', row)
    assert re.search(r'<td class="nowrap" data-card="date" data-label="Expected close">\d{4}-\d\d-\d\d</td>', row)
    assert '<td class="num p3"' in row and '<td class="nowrap p3" data-f=' in row
    assert 'data-sort-for="deals"' in html and '<option value="-amount">Amount, descending</option>' in html


def test_wide_tables_keep_their_name_column(built_en) -> None:
    report = read(built_en.out, "reports/2026-05/index.html")
    assert 'id="figures-table" class="data sortable sticky-first"' in report
    assert 'id="breakdown-owner" class="data sortable sticky-first"' in report
    funnel = read(built_en.out, "funnel/index.html")
    assert 'id="stages-table" class="data sortable sticky-first"' in funnel
    assert 'class="data sortable sticky-first" id="breakdown-owner"' in funnel
    owner = sorted((built_en.out / "team").glob("*/index.html"))[0].read_text(encoding="utf-8")
    assert re.search(r'<table id="deals" class="data sticky-first cards"', owner)
    assert 'data-sort-for="deals"' in owner


def test_charts_without_a_value_are_left_out() -> None:
    assert charts.bar_trend(["2026-05", "2026-06"], [0.0, 0.0], "Revenue") is None
    assert charts.stacked_bars(["2026-06"], [("Won", [0], "#000"), ("Open", [None], "#111")]) is None
    assert charts.bars(["Price"], [0], "Lost deals", horizontal=True) is None
    assert charts.funnel(["lead", "won"], [0, 0], "Deals") is None
    assert charts.heatmap(["0"], ["2026-01"], [[None]], "Retention") is None
    assert charts.money(charts.bar_trend(["2026-06"], [float("nan")], "Revenue")) is None
    # a target alone, a 0 % retention and one value are something to show
    assert charts.bar_trend(["2026-06"], [0.0], "Revenue", line=[100.0], line_name="Target") is not None
    assert charts.heatmap(["0", "1"], ["2026-01"], [[1.0, 0.0]], "Retention") is not None
    assert charts.bars(["a", "b"], [0, 3], "Tickets") is not None


@pytest.mark.parametrize("name", ["no-orders", "old-orders"])
def test_no_page_of_a_tiny_site_has_a_chart_of_zeros(tiny_sites, name: str) -> None:
    """On the session's tiny sites (tests/conftest.py ``TINY``), which the browser suite draws too."""
    out = tiny_sites[name]
    empty = []
    for page in sorted(out.rglob("*.html")):
        for chart_id, text in SPEC.findall(page.read_text(encoding="utf-8")):
            if charts.drawable(json.loads(text)) is None:
                empty.append(f"{page.relative_to(out)}#{chart_id}")
    assert not empty, empty[:10]


def test_a_site_without_pipeline_says_so_in_one_line_per_section(tiny_sites) -> None:
    out = tiny_sites["no-pipeline"]  # customers and two recent orders
    html = read(out, "pipeline/index.html")
    sections = {m.group(1): m.group(2) for m in re.finditer(r'<section id="([\w-]+)".*?>(.*?)</section>', html, re.S)}
    for key in ("open-deals", "categories", "forecast", "velocity"):
        assert "<table" not in sections[key] and "chart" not in sections[key], key
        assert len(re.findall(r'<p class="empty">', sections[key])) == 1, (key, sections[key])
    assert 'id="deals"' not in html and "data/deals.js" not in html
    funnel = read(out, "funnel/index.html")
    lost = funnel[funnel.index('id="lost"'):funnel.index('id="breakdowns"')]
    assert "<table" not in lost and "No data for this chart." not in lost
    assert "No lost deals in the last 12 months." in lost


def test_the_funnel_footnote_needs_a_starred_row(tiny_sites, built_en) -> None:
    demo = read(built_en.out, "funnel/index.html")   # every stage has enough closed deals for its own probability
    assert ">*</small>" not in demo.split('id="stages-table"')[1].split("</table>")[0]
    assert "* Too few closed deals" not in demo
    tiny = read(tiny_sites["no-orders"], "funnel/index.html")  # two deals, one closed
    stages = tiny.split('id="stages-table"')[1].split("</table>")[0]
    assert ">*</small>" in stages and "* Too few closed deals: the configured probability is used." in tiny
