"""The dashboard's goals strip in real Chromium, English and Chinese: visible at the top of the page, one tile
per goal of metrics.json, green only when met, red only when missed, neutral otherwise, always with words."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.browser

WORDS = {"en": {"met": "met", "missed": "not met", "none": "not judged"},
         "zh-CN": {"met": "达标", "missed": "未达标", "none": "无法评判"}}
TILES = """() => [...document.querySelectorAll('#goals .tile.goal')].map(t => {
  const value = t.querySelector('.tile-value'), box = t.getBoundingClientRect();
  return {key: t.dataset.goal, state: t.dataset.state, mark: t.querySelector('.goal-mark').textContent.trim(),
          colour: getComputedStyle(value).color, shown: box.width > 0 && box.height > 0};
})"""
COLOURS = """() => { const probe = document.createElement('span'); document.body.append(probe); const out = {};
  for (const name of ['good', 'bad']) { probe.className = name; out[name] = getComputedStyle(probe).color; }
  probe.className = ''; out.none = getComputedStyle(probe).color; probe.remove(); return out; }"""


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_goals_strip_states_colours_and_words(site_en, site_zh, serve, probe, language: str) -> None:
    out = site_en if language == "en" else site_zh
    goals = json.loads((out / "data" / "metrics.json").read_text(encoding="utf-8"))["goals"]
    view = probe(viewport={"width": 1366, "height": 900}).open(serve(out) + "index.html")
    strip = view.page.locator("#goals")
    assert strip.is_visible() and strip.bounding_box()["y"] < 400  # at a glance, above the month tiles
    tiles = view.page.evaluate(TILES)
    colours = view.page.evaluate(COLOURS)
    assert [t["key"] for t in tiles] == [g["key"] for g in goals]
    states = set()
    for tile, goal in zip(tiles, goals):
        state = {True: "met", False: "missed", None: "none"}[goal["met"]]
        assert tile["state"] == state and tile["shown"], tile
        assert tile["mark"].endswith(WORDS[language][state]), tile
        assert tile["colour"] == colours["good" if state == "met" else "bad" if state == "missed" else "none"], tile
        states.add(state)
    assert {"met", "missed"} <= states  # the demo data has both, so both colours are checked
    assert not view.errors
