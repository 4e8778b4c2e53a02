"""Each rep's goals strip on their team page in real Chromium, English and Chinese: visible, one tile per rep goal
with the state of data/team.csv, green only when met, red only when missed, neutral otherwise, always in words;
the team index's goals-by-rep table keeps the name column and links to the strip."""

from __future__ import annotations

import csv
import io

import pytest

from tests.browser.test_goals import COLOURS, TILES, WORDS
from tests.browser.test_team_scorecard import BOXES

pytestmark = pytest.mark.browser
STATE = {"true": "met", "false": "missed", "": "none"}


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_owner_goals_strip_states_colours_and_words(site_en, site_zh, serve, probe, language: str) -> None:
    out = site_en if language == "en" else site_zh
    reps = [r for r in csv.DictReader(io.StringIO((out / "data" / "team.csv").read_text(encoding="utf-8")))
            if r["goal_revenue_attainment_met"] or r["goal_sales_cycle_days_met"]]
    assert len(reps) >= 2
    states = set()
    view = probe(viewport={"width": 390, "height": 900})
    for rep in reps[:3]:
        view.open(serve(out) + rep["url"] + "index.html")
        strip = view.page.locator("#goals")
        strip.scroll_into_view_if_needed()
        assert strip.is_visible()
        tiles = view.page.evaluate(TILES)
        colours = view.page.evaluate(COLOURS)
        expected = {k[len("goal_"):-len("_met")]: STATE[v] for k, v in rep.items()
                    if k.startswith("goal_") and k.endswith("_met") and v is not None}
        assert tiles and {t["key"] for t in tiles} <= set(expected)
        for tile in tiles:
            state = expected[tile["key"]]
            assert tile["state"] == state and tile["shown"], (rep["owner"], tile)
            assert tile["mark"].endswith(WORDS[language][state]), (rep["owner"], tile)
            assert tile["colour"] == colours["good" if state == "met" else "bad" if state == "missed" else "none"]
            states.add(state)
    assert {"met", "missed"} <= states  # the demo reps have both, so both colours are checked
    assert not view.errors, view.errors


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_goals_table_links_to_the_rep_strip(site_en, site_zh, serve, probe, language: str) -> None:
    out = site_en if language == "en" else site_zh
    view = probe(viewport={"width": 390, "height": 900}).open(serve(out) + "team/index.html")
    row = view.page.locator("#goals-table tbody tr").first
    marks = row.locator(".goal-mark").all_inner_texts()
    assert marks and all(any(m.strip().endswith(w) for w in WORDS[language].values()) for m in marks)
    row.locator("th a").click()
    view.page.wait_for_load_state("load")
    assert view.page.url.endswith("#goals") and view.page.locator("#goals .tile.goal").first.is_visible()
    assert not view.errors, view.errors


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_goals_table_name_column_stays_while_it_scrolls_on_a_phone(site_en, site_zh, serve, probe, language) -> None:
    out = site_en if language == "en" else site_zh
    view = probe(viewport={"width": 390, "height": 900}).open(serve(out) + "team/index.html")
    page = view.page
    page.evaluate("() => document.getElementById('goals-table').tBodies[0].rows[0].scrollIntoView({block: 'center'})")
    before = page.evaluate(BOXES, "goals-table")
    assert before["room"] > 100  # four goal columns never fit a phone
    page.evaluate("() => { document.getElementById('goals-table').closest('.table-wrap').scrollLeft = 300; }")
    page.wait_for_timeout(50)
    after = page.evaluate(BOXES, "goals-table")
    assert after["next"] < before["next"] - 100 and abs(after["name"] - before["name"]) <= 1 and after["nameOnTop"]
    assert not view.errors, view.errors
