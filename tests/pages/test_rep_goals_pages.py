"""Rep goals on the team pages (pages/team.py): each owner page's goals strip (the dashboard's goal tiles) with
the right states and words in English and Chinese, the team index's goals-by-rep table, and data/team.csv's
goal_<key>_met columns (true / false / empty)."""

from __future__ import annotations

import csv
import html
import io
import re
from pathlib import Path

import pytest

from sitegen.build import build_site
from sitegen.config import load_config
from tests.conftest import write_site
from tests.metrics.test_rep_goals import AS_OF, CONFIG, FILES
from tests.pages.test_goals_strip import GOAL_TILE, WORDS

STATES = {  # owner -> goal key -> state (tests/metrics/test_rep_goals.py computes each by hand)
    "Ann": {"revenue_attainment": "met", "new_customers": "met", "sales_cycle_days": "met", "csat": "missed",
            "nps": "met", "stage_conversion:lead": "missed", "stage_conversion:proposal": "none"},
    "Bob": {"revenue_attainment": "missed", "new_customers": "missed", "sales_cycle_days": "missed", "csat": "none",
            "nps": "none", "stage_conversion:lead": "none", "stage_conversion:proposal": "none"},
    "Cid": {"revenue_attainment": "none", "new_customers": "none", "sales_cycle_days": "none", "csat": "none",
            "nps": "none", "stage_conversion:lead": "none", "stage_conversion:proposal": "none"},
}
NOTES = {"en": ("Too few responses to judge (fewer than 5).", "No revenue target of their own (targets.csv)"),
         "zh-CN": ("答复太少（不足 5 份），不作评判。", "本人没有收入目标（targets.csv）")}


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {}
    for language in ("en", "zh-CN"):
        root = write_site(tmp_path_factory.mktemp(f"rep-goals-{language}"), FILES,
                          f'[site]\nlanguage = "{language}"\n' + CONFIG)
        out[language] = build_site(load_config(cwd=root), as_of=AS_OF, jobs=1).out
    return out


def owner_page(out: Path, owner: str) -> str:
    for page in (out / "team").glob("*/index.html"):
        text = page.read_text(encoding="utf-8")
        if f"<h1>{owner}</h1>" in text:
            return text
    raise AssertionError(f"no page for {owner}")


def strip(page: str) -> dict[str, tuple[str, str]]:
    section = page[page.index('<section id="goals"'):]
    section = section[:section.index("</section>")]
    return {key: (state, html.unescape(re.sub(r"<[^>]+>", " ", body))) for key, state, body in GOAL_TILE.findall(section)}


@pytest.mark.parametrize("language", ["en", "zh-CN"])
@pytest.mark.parametrize("owner", ["Ann", "Bob", "Cid"])
def test_owner_page_shows_the_goals_strip_with_states_in_words(sites, language: str, owner: str) -> None:
    shown = strip(owner_page(sites[language], owner))
    assert {key: state for key, (state, _) in shown.items()} == STATES[owner]
    for key, (state, text) in shown.items():
        assert WORDS[language][state] in text, (owner, key, text)
    few, no_target = NOTES[language]
    if owner == "Bob":
        assert few in shown["csat"][1]  # 100 % from 2 answers: the figure without a colour, and why
        assert "100.0%" in shown["csat"][1]
    if owner == "Cid":
        assert no_target in shown["revenue_attainment"][1]
    if language == "zh-CN":
        assert not re.search(r"Goal|responses|Too few|cannot be judged", "".join(t for _, t in shown.values()))


def test_team_index_has_a_goals_by_rep_table(sites) -> None:
    page = (sites["en"] / "team" / "index.html").read_text(encoding="utf-8")
    table = page[page.index('<table id="goals-table"'):]
    table = table[:table.index("</table>")]
    rows = re.findall(r"<tr>\s*<th scope=\"row\"><a [^>]*>(\w+)</a></th>(.*?)</tr>", table, re.S)
    assert [owner for owner, _ in rows] == ["Ann", "Bob", "Cid"]  # "unassigned" is not a rep
    for owner, cells in rows:
        assert re.findall(r'data-state="(\w+)"', cells) == list(STATES[owner].values()), owner
    assert "(≥ 90.0%)" in table[:table.index("</thead>")]  # a target every rep shares sits in the header


def test_team_csv_has_the_goal_states(sites) -> None:
    text = (sites["en"] / "data" / "team.csv").read_text(encoding="utf-8")
    rows = {r["owner"]: r for r in csv.DictReader(io.StringIO(text))}
    words = {"met": "true", "missed": "false", "none": ""}
    for owner, states in STATES.items():
        for key, state in states.items():
            assert rows[owner][f"goal_{key}_met"] == words[state], (owner, key)
    assert text.splitlines()[0].split(",")[-1] == "url"
