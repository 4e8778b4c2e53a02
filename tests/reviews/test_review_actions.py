"""Actions joined with the build date (metrics/actions.py): a later file updates an action by its id (the latest
file by period wins, the history is kept), overdue means open and due before as_of, carried over."""

from __future__ import annotations

from datetime import date

from sitegen.config import load_config
from sitegen.metrics.actions import carried_over, current_actions, fold
from sitegen.reviews import load_reviews, parse_review_period
from tests.reviews.conftest import review_file

OCTOBER = review_file("date: 2026-10-31\nactions:\n"
                      "  - {id: calls, what: Call the key accounts, owner: Wang, due: 2026-11-01}\n"
                      "  - {id: crm, what: Clean the CRM, owner: Li, due: 2026-10-20, status: done}\n"
                      "  - {id: late, what: Visit the plant, owner: Li, due: 2026-11-30, status: open}\n")
NOVEMBER = review_file("actions:\n  - {id: calls, status: done}\n  - {id: late, due: 2026-12-15, owner: Zhao}\n")
DECEMBER = review_file("actions:\n  - {id: late, status: dropped}\n")
QUARTER = review_file("actions:\n  - {id: late, status: open}\n")


def reviews_of(review_site, files: dict[str, str]):
    reviews, problems = load_reviews(load_config(cwd=review_site(files)))
    assert [p for p in problems if p.severity == "error"] == []
    return reviews


def by_id(states) -> dict:
    return {s.id: s for s in states}


def test_a_later_review_updates_an_action_by_its_id_and_keeps_the_history(review_site) -> None:
    reviews = reviews_of(review_site, {"2026-10.md": OCTOBER, "2026-11.md": NOVEMBER})
    states = by_id(current_actions(reviews, date(2026, 12, 10)))
    calls, late, crm = states["calls"], states["late"], states["crm"]
    assert (calls.status, calls.closed_in, calls.period, calls.what) == ("done", "2026-11", "2026-10",
                                                                         "Call the key accounts")
    assert calls.history == [("2026-10", "open"), ("2026-11", "done")]
    assert (late.owner, late.due, late.status, late.closed_in) == ("Zhao", date(2026, 12, 15), "open", None)
    assert (crm.status, crm.closed_in) == ("done", "2026-10")
    assert list(states) == ["calls", "crm", "late"]  # in the order agreed


def test_the_latest_file_by_period_end_wins_and_a_year_review_comes_after_its_last_quarter(review_site) -> None:
    reviews = reviews_of(review_site, {"2026-10.md": OCTOBER, "2026-Q4.md": QUARTER, "2026-12.md": DECEMBER})
    late = by_id(current_actions(reviews, date(2027, 1, 5)))["late"]
    assert late.history == [("2026-10", "open"), ("2026-12", "dropped"), ("2026-Q4", "open")]
    assert (late.status, late.closed_in) == ("open", None)  # the quarter's review (same end, longer) reopened it


def test_overdue_is_open_and_due_before_as_of(review_site) -> None:
    reviews = reviews_of(review_site, {"2026-10.md": OCTOBER})
    on_due_day = by_id(current_actions(reviews, date(2026, 11, 1)))
    assert not on_due_day["calls"].overdue  # due today is not overdue yet
    day_after = by_id(current_actions(reviews, date(2026, 11, 2)))
    assert day_after["calls"].overdue and not day_after["crm"].overdue and not day_after["late"].overdue
    assert day_after["calls"].as_row() == {"id": "calls", "period": "2026-10", "what": "Call the key accounts",
                                           "owner": "Wang", "due": "2026-11-01", "status": "open", "overdue": True,
                                           "closed_in": ""}


def test_reviews_of_periods_starting_after_as_of_are_not_read(review_site) -> None:
    reviews = reviews_of(review_site, {"2026-10.md": OCTOBER, "2026-11.md": NOVEMBER})
    states = by_id(current_actions(reviews, date(2026, 10, 31)))
    assert states["calls"].status == "open" and states["calls"].history == [("2026-10", "open")]


def test_open_actions_of_earlier_reviews_are_carried_over_with_the_days_open(review_site) -> None:
    reviews = reviews_of(review_site, {"2026-10.md": OCTOBER, "2026-11.md": NOVEMBER})
    november = parse_review_period("2026-11")
    carried = {s.id: days for s, days in carried_over(reviews, november, date(2026, 11, 20))}
    assert carried == {"late": 20}  # agreed 2026-10-31, open on the build date; "calls" was done in November
    december = parse_review_period("2026-12")
    assert {s.id: d for s, d in carried_over(reviews, december, date(2027, 2, 1))} == {"late": 61}
    october = parse_review_period("2026-10")
    assert carried_over(reviews, october, date(2026, 11, 20)) == []  # its own actions are not carried over


def test_fold_up_to_a_period_ignores_later_files(review_site) -> None:
    reviews = reviews_of(review_site, {"2026-10.md": OCTOBER, "2026-11.md": NOVEMBER})
    assert fold(reviews, parse_review_period("2026-10").order)["calls"].status == "open"
