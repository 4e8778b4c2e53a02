"""The weekly review: every change type against a snapshot, exact counts, the base choice and the fallback."""

from __future__ import annotations

import pandas as pd
import pytest

from sitegen.config import load_config
from sitegen.dataset import load_dataset
from sitegen.metrics import compute_metrics
from sitegen.metrics.changes import CHANGES, base_snapshot
from tests.metrics.conftest import AS_OF, csv

HEADER = "opportunity_id,stage,created_date,amount,close_date,owner"
# as of 2026-06-30; the snapshot of 2026-06-23 is the base (7 days before)
SNAPSHOT = csv(HEADER,
               "KEEP,Proposal,2026-05-01,100,2026-07-31,Ann",         # nothing changes
               "GONE,Lead,2026-05-01,50,2026-07-31,Ann",               # removed
               "WIN,Negotiation,2026-05-01,200,2026-06-28,Ann",        # won
               "LOSE,Proposal,2026-05-01,300,2026-07-31,Bob",          # lost
               "UP,Lead,2026-05-01,10,2026-07-31,Bob",                 # advanced
               "DOWN,Proposal,2026-05-01,10,2026-07-31,Bob",           # moved back
               "SLIP,Lead,2026-05-01,10,2026-07-01,Bob",               # slipped
               "PULL,Lead,2026-05-01,10,2026-08-31,Bob",               # pulled in
               "MORE,Lead,2026-05-01,10,2026-07-31,Bob",               # amount up
               "LESS,Lead,2026-05-01,40,2026-07-31,Bob",               # amount down
               "MANY,Lead,2026-05-01,10,2026-07-01,Cy",                # advanced, slipped, amount up
               "OLDWIN,Won,2026-01-01,70,2026-02-01,Cy")               # closed before and after: no change
NOW = csv(HEADER,
          "KEEP,Proposal,2026-05-01,100,2026-07-31,Ann",
          "WIN,Won,2026-05-01,200,2026-06-28,Ann",
          "LOSE,Lost,2026-05-01,300,2026-06-29,Bob",
          "UP,Needs analysis,2026-05-01,10,2026-07-31,Bob",
          "DOWN,Initial contact,2026-05-01,10,2026-07-31,Bob",
          "SLIP,Lead,2026-05-01,10,2026-07-20,Bob",
          "PULL,Lead,2026-05-01,10,2026-08-01,Bob",
          "MORE,Lead,2026-05-01,25,2026-07-31,Bob",
          "LESS,Lead,2026-05-01,15,2026-07-31,Bob",
          "MANY,Proposal,2026-05-01,90,2026-09-01,Cy",
          "OLDWIN,Won,2026-01-01,70,2026-02-01,Cy",
          "FRESH,Lead,2026-06-27,500,2026-08-31,Ann")                  # new
FILES = {"pipeline.csv": NOW, "snapshots/2026-06-23/pipeline.csv": SNAPSHOT}


@pytest.fixture(scope="module")
def metrics(tmp_path_factory):
    """``metrics(files, config="")``: a tiny site whose files may sit in folders (snapshots/<date>/)."""
    def run(files: dict[str, str], config: str = ""):
        root = tmp_path_factory.mktemp("review")
        for name, text in files.items():
            (root / "data" / name).parent.mkdir(parents=True, exist_ok=True)
            (root / "data" / name).write_text(text, encoding="utf-8")
        (root / "sitegen.toml").write_text(config, encoding="utf-8")
        cfg = load_config(cwd=root)
        dataset = load_dataset(cfg)
        assert dataset.error_count == 0, [p.format() for p in dataset.problems]
        return compute_metrics(dataset, cfg, AS_OF)
    return run


@pytest.fixture(scope="module")
def review(metrics):
    return metrics(FILES).changes


def test_every_change_type_is_found_on_exactly_the_deals_that_changed(review) -> None:
    assert review.source == "snapshot" and review.since == pd.Timestamp("2026-06-23")
    changes = dict(zip(review.deals["opportunity_id"], review.deals["changes"]))
    assert changes == {"DOWN": ("moved_back",), "FRESH": ("new",), "GONE": ("removed",), "LESS": ("amount_down",),
                       "LOSE": ("lost",), "MANY": ("advanced", "slipped", "amount_up"), "MORE": ("amount_up",),
                       "PULL": ("pulled_in",), "SLIP": ("slipped",), "UP": ("advanced",), "WIN": ("won",)}


def test_counts_name_every_change_with_zero_included(review) -> None:
    assert review.counts == {"new": 1, "removed": 1, "won": 1, "lost": 1, "advanced": 2, "moved_back": 1,
                             "slipped": 2, "pulled_in": 1, "amount_up": 2, "amount_down": 1}
    out = review.as_json()
    assert list(out["counts"]) == list(CHANGES) and out["since"] == "2026-06-23" and out["until"] == "2026-06-30"
    gone = next(d for d in out["deals"] if d["opportunity_id"] == "GONE")
    assert gone["to"] is None and gone["from"]["stage"] == "lead" and gone["from"]["amount"] == 50.0
    fresh = next(d for d in out["deals"] if d["opportunity_id"] == "FRESH")
    assert fresh["from"] is None and fresh["to"]["amount"] == 500.0


def test_the_waterfall_adds_up_from_the_base_to_now(review) -> None:
    w = review.waterfall
    assert w["open_base"] == 100 + 50 + 200 + 300 + 10 * 6 + 40
    assert (w["new"], w["increases"], w["decreases"], w["won"], w["lost"], w["removed"]) == (500, 15 + 80, 25, 200,
                                                                                            300, 50)
    assert w["open_now"] == w["open_base"] + w["new"] + w["increases"] - w["decreases"] - w["won"] - w["lost"] \
        - w["removed"]
    owners = review.owners.set_index("owner")
    assert owners.loc["Bob", "lost"] == 1 and owners.loc["Ann", "new"] == 1 and owners.loc["Cy", "advanced"] == 1


def test_a_week_without_changes_counts_zero_everywhere(metrics) -> None:
    review = metrics({"pipeline.csv": NOW, "snapshots/2026-06-23/pipeline.csv": NOW}).changes
    assert review.counts == dict.fromkeys(CHANGES, 0) and len(review.deals) == 0


def test_the_base_is_the_latest_snapshot_at_least_review_days_old() -> None:
    snaps = dict.fromkeys(["2026-06-09", "2026-06-16", "2026-06-24", "2026-06-29"])
    assert base_snapshot(snaps, pd.Timestamp("2026-06-30"), 7) == "2026-06-16"   # 06-24 is only 6 days old
    assert base_snapshot(snaps, pd.Timestamp("2026-07-01"), 7) == "2026-06-24"
    assert base_snapshot(snaps, pd.Timestamp("2026-06-15"), 7) is None
    assert base_snapshot(snaps, pd.Timestamp("2026-06-30"), 14) == "2026-06-16"


def test_review_days_and_later_snapshots(metrics) -> None:
    files = {**FILES, "snapshots/2026-06-29/pipeline.csv": NOW}   # too recent to be the base
    assert metrics(files).changes.since == pd.Timestamp("2026-06-23")
    assert metrics(files, "[rules]\nreview_days = 1\n").changes.counts == dict.fromkeys(CHANGES, 0)


def test_without_a_snapshot_stage_history_shows_moves_and_says_what_it_cannot_see(metrics) -> None:
    history = csv("opportunity_id,stage,entered_date", "UP,Lead,2026-05-01", "UP,Needs analysis,2026-06-26",
                  "WIN,Negotiation,2026-05-01", "WIN,Won,2026-06-28", "KEEP,Proposal,2026-05-01",
                  "LOSE,Proposal,2026-05-01", "LOSE,Lost,2026-06-29")
    review = metrics({"pipeline.csv": NOW, "stage_history.csv": history}).changes
    assert review.source == "stage_history" and review.since == pd.Timestamp("2026-06-23")
    assert set(review.cannot_see) == {"removed", "slipped", "pulled_in", "amount_up", "amount_down"}
    changes = dict(zip(review.deals["opportunity_id"], review.deals["changes"]))
    assert changes["UP"] == ("advanced",) and changes["WIN"] == ("won",) and changes["LOSE"] == ("lost",)
    assert changes["FRESH"] == ("new",) and "KEEP" not in changes
    assert review.counts["amount_up"] == 0 and review.as_json()["source"] == "stage_history"


def test_without_snapshot_or_history_stage_moves_are_unseen_too(metrics) -> None:
    review = metrics({"pipeline.csv": NOW}).changes
    assert {"advanced", "moved_back"} <= set(review.cannot_see)
    assert review.counts["new"] == 1   # FRESH was created after the base date


def test_closed_period_reports_do_not_depend_on_a_later_snapshot(metrics) -> None:
    without = metrics({"pipeline.csv": NOW}).reports["2026-05"]
    with_snapshot = metrics(FILES).reports["2026-05"]
    assert with_snapshot == without
