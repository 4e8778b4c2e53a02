"""The goals on the pages: the dashboard's goals strip in English and Chinese (state, words, responses),
metrics.json goals equal to the kpis, a goal without its input shown as not judged, and report colours that
follow the goal (a new-customer attainment of 12.5 % is red, not green)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from sitegen.build import build_site
from sitegen.config import load_config
from tests.conftest import write_site
from tests.metrics.test_goals import ORDERS

GOAL_TILE = re.compile(r'<a class="tile goal" href="[^"]*" data-goal="([^"]+)" data-state="(\w+)">(.*?)</a>', re.S)
WORDS = {"en": {"met": "✓ met", "missed": "✗ not met", "none": "not judged"},
         "zh-CN": {"met": "✓ 达标", "missed": "✗ 未达标", "none": "无法评判"}}


def strip(out: Path) -> dict[str, tuple[str, str]]:
    """Goal key -> (state, text) of the dashboard's goals strip."""
    page = (out / "index.html").read_text(encoding="utf-8")
    section = page[page.index('<section id="goals"'):]
    section = section[:section.index("</section>")]
    return {key: (state, html.unescape(re.sub(r"<[^>]+>", " ", body))) for key, state, body in GOAL_TILE.findall(section)}


def metrics_json(out: Path) -> dict:
    return json.loads((out / "data" / "metrics.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_goals_strip_shows_every_goal_with_its_state_in_words(site_en, site_zh, language: str) -> None:
    out = site_en if language == "en" else site_zh
    goals = metrics_json(out)["goals"]
    shown = strip(out)
    assert list(shown) == [g["key"] for g in goals]
    assert {"revenue_attainment", "retention_rate", "repeat_purchase_rate", "sales_cycle_days", "csat",
            "aov_growth"} <= set(shown)
    for goal in goals:
        state, text = shown[goal["key"]]
        assert state == {True: "met", False: "missed", None: "none"}[goal["met"]], goal["key"]
        assert WORDS[language][state] in text, (goal["key"], text)  # colour is never the only signal
    csat = next(g for g in goals if g["key"] == "csat")
    responses = f"{csat['responses']:,} responses" if language == "en" else f"{csat['responses']:,} 份答复"
    assert responses in shown["csat"][1]
    if language == "zh-CN":
        assert "Goal" not in "".join(t for _, t in shown.values())


def test_metrics_json_goals_carry_the_kpi_figures(site_en) -> None:
    data = metrics_json(site_en)
    assert data["goals"]
    for goal in data["goals"]:
        assert {"key", "target", "actual", "met", "direction", "kpi"} <= set(goal)
        assert goal["actual"] == data["kpis"][goal["kpi"]], goal["key"]


def test_nps_and_csat_with_their_responses_on_the_dashboard(site_en) -> None:
    page = html.unescape(re.sub(r"<[^>]+>", " ", (site_en / "index.html").read_text(encoding="utf-8")))
    kpis = metrics_json(site_en)["kpis"]
    section = page[page.index("Last 12 months"):page.index("Needs action today")]
    assert re.search(rf"NPS\s+{round(kpis['nps'])}\s+{kpis['nps_responses']:,} responses", section)
    assert re.search(rf"CSAT\s+[\d.]+%\s+{kpis['csat_responses']:,} responses", section)


def test_a_goal_without_its_input_is_not_judged_and_says_why(tmp_path: Path) -> None:
    root = write_site(tmp_path / "site", {"orders.csv": ORDERS})
    out = build_site(load_config(cwd=root), as_of="2026-06-20").out
    shown = strip(out)
    assert shown["csat"][0] == "none" and "No feedback data (feedback.csv)" in shown["csat"][1]
    assert shown["revenue_attainment"][0] == "none" and "No targets file" in shown["revenue_attainment"][1]
    assert shown["retention_rate"][0] == "missed"
    page = (out / "index.html").read_text(encoding="utf-8")
    csat = page[page.index('data-goal="csat"'):]
    assert '<span class="tile-value">' in csat[:csat.index("</a>")]  # no colour when it cannot be judged


def test_report_colours_follow_the_goal(site_en) -> None:
    """Every closed month's new-customer tile is green only when the month met its target."""
    checked = 0
    for report in sorted((site_en / "reports").glob("20??-??/report.json")):
        data = json.loads(report.read_text(encoding="utf-8"))
        figures = data["figures"]
        target = figures.get("new_customers_target")
        if not data["complete"] or not target or figures.get("new_customers") is None:
            continue
        page = (report.parent / "index.html").read_text(encoding="utf-8")
        tile = page[page.index('<span class="tile-label">New customers</span>'):]
        colour = re.search(r'<b class="(\w*)">', tile[:tile.index("</a>")]).group(1)
        assert colour == ("good" if figures["new_customers"] >= target else "bad"), report.parent.name
        checked += 1
    assert checked >= 6
