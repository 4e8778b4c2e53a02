"""The Done-when of issue 21 on a demo build as of 2026-11-30 with the sample review of 2026-10 (one open action
due 2026-11-01, one done): both on the 2026-10 report, the open one overdue on the dashboard, on its owner's team
page and carried over on the 2026-11 report; data/actions.csv; the weekly notes; report.json gains only its review."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from tests.reviews.conftest import build, copy_site

OPEN, DONE = "2026-10-key-accounts", "2026-10-crm-cleanup"


def rows(html: str, table: str) -> dict[str, str]:
    """Action id -> the row's HTML in the table with id ``table``."""
    match = re.search(rf'<table id="{table}".*?</table>', html, re.S)
    assert match, f"no table {table}"
    return {m.group(1): m.group(0) for m in re.finditer(r'<tr data-action="([^"]+)".*?</tr>', match.group(0), re.S)}


def read(out: Path, path: str) -> str:
    return (out / path).read_text(encoding="utf-8")


def test_the_report_of_the_reviewed_month_shows_the_review_and_both_actions(demo_reviews) -> None:
    _, out = demo_reviews
    html = read(out, "reports/2026-10/index.html")
    assert '<section id="review"' in html and "Monthly review 2026-10" in html
    assert '<h3 id="review-analysis">Analysis</h3>' in html  # the notes, sanitised, under the section heading
    actions = rows(html, "meeting-actions")
    assert set(actions) == {OPEN, DONE}
    assert 'data-status="open"' in actions[OPEN] and 'data-status="done"' in actions[DONE]
    assert "2026-11-01" in actions[OPEN] and 'href="../../team/' in actions[OPEN]  # due date, owner linked
    assert 'id="carried-over"' not in html  # nothing earlier to carry over


def test_the_open_action_is_overdue_on_the_dashboard_and_the_done_one_is_not_listed(demo_reviews) -> None:
    _, out = demo_reviews
    listed = rows(read(out, "index.html"), "overdue-actions-table")
    assert list(listed) == [OPEN]
    assert 'data-overdue="true"' in listed[OPEN] and '<b class="bad">Overdue</b>' in listed[OPEN]


def test_the_owner_page_lists_their_open_action(demo_reviews) -> None:
    root, out = demo_reviews
    owner = re.search(r'owner: "([^"]+)"', (root / "content/reviews/2026-10.md").read_text("utf-8")).group(1)
    pages = [p for p in (out / "team").glob("*/index.html") if f"<h1>{owner}</h1>" in p.read_text("utf-8")]
    assert len(pages) == 1
    assert list(rows(pages[0].read_text("utf-8"), "open-actions")) == [OPEN]
    others = [p for p in (out / "team").glob("*/index.html") if p != pages[0] and OPEN in p.read_text("utf-8")]
    assert others == []


def test_the_next_report_carries_the_open_action_over_with_the_days_open(demo_reviews) -> None:
    _, out = demo_reviews
    html = read(out, "reports/2026-11/index.html")
    carried = rows(html, "carried-actions")
    assert len(carried) == 2 and OPEN in carried  # and the weekly meeting's action of 2026-W48
    assert 'data-value="30"' in carried[OPEN]  # agreed 2026-10-31, still open on 2026-11-30
    weekly = next(v for k, v in carried.items() if k.startswith("2026-W48-"))
    assert 'data-value="3"' in weekly and 'data-overdue="false"' in weekly  # agreed 2026-11-27, due 2026-12-04
    assert 'href="../../reports/2026-10/index.html#review"' in carried[OPEN]
    assert '<section id="review"' not in html  # no review file for November


def test_actions_csv_lists_both_with_the_right_overdue_values(demo_reviews) -> None:
    _, out = demo_reviews
    with (out / "data/actions.csv").open(encoding="utf-8", newline="") as f:
        table = {r["id"]: r for r in csv.DictReader(f)}
    assert list(next(iter(table.values()))) == ["id", "period", "what", "owner", "due", "status", "overdue",
                                                "closed_in"]
    assert (table[OPEN]["overdue"], table[OPEN]["status"], table[OPEN]["closed_in"]) == ("True", "open", "")
    assert (table[DONE]["overdue"], table[DONE]["status"], table[DONE]["closed_in"]) == ("False", "done", "2026-10")
    weekly = [r for r in table.values() if r["period"] == "2026-W48"]
    assert len(weekly) == 1 and weekly[0]["overdue"] == "False"


def test_the_weekly_review_page_shows_last_weeks_notes_sanitised(demo_reviews) -> None:
    _, out = demo_reviews
    html = read(out, "pipeline/changes/index.html")
    section = re.search(r'<section id="weekly-notes".*?</section>', html, re.S).group(0)
    assert "Pipeline meeting" in section and "Week 48 of 2026" in section and "Two deals slipped" in section
    assert "<script" not in section and 'alert("weekly")' not in section
    assert len(rows(section, "weekly-meeting-actions")) == 1


def test_the_data_quality_page_and_build_have_no_review_problems(demo_reviews) -> None:
    _, out = demo_reviews
    assert 'id="review-problems"' not in read(out, "data-quality/index.html")


@pytest.fixture(scope="module")
def without_reviews(demo_reviews, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root, _ = demo_reviews
    plain = copy_site(root, tmp_path_factory.mktemp("no-reviews"))
    return build(plain, plain / "output")


def test_report_json_differs_only_by_the_review_key_when_the_review_file_is_added(demo_reviews,
                                                                                   without_reviews) -> None:
    _, out = demo_reviews
    files = sorted(p.relative_to(out) for p in (out / "reports").glob("*/report.json"))
    assert files == sorted(p.relative_to(without_reviews) for p in (without_reviews / "reports").glob("*/report.json"))
    changed = [f for f in files if (out / f).read_bytes() != (without_reviews / f).read_bytes()]
    assert [f.as_posix() for f in changed] == ["reports/2026-10/report.json"]
    with_review = json.loads((out / changed[0]).read_text("utf-8"))
    review = with_review.pop("review")
    assert with_review == json.loads((without_reviews / changed[0]).read_text("utf-8"))
    assert [a["id"] for a in review["actions"]] == [OPEN, DONE]
    assert review["actions"][0] == {"id": OPEN, "what": "Call every key account that has not ordered for 60 days",
                                    "owner": review["attendees"][0], "due": "2026-11-01", "status": "open"}
    assert "overdue" not in json.dumps(review)  # nothing that depends on the build date
