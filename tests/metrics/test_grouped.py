"""The integer group-by and coding helpers give exactly what the plain numpy/pandas operations give."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from sitegen.metrics import grouped
from sitegen.metrics.pipeline import Timeline

text = st.lists(st.one_of(st.none(), st.just(float("nan")), st.sampled_from(["a", "b", "c"])), max_size=40)
codes = st.lists(st.integers(-1, 3), max_size=40)


@given(codes, codes, st.booleans())
def test_groups_match_np_unique(first: list[int], second: list[int], wide: bool) -> None:
    n = min(len(first), len(second))
    a, b = np.array(first[:n], dtype=np.int64), np.array(second[:n], dtype=np.int64)
    if wide:  # far more possible key combinations than rows: the sorting path
        b = np.where(b >= 0, b * 10_000_000, -1)
    g = grouped.Groups({"a": a, "b": b})
    uniques, ids = np.unique(np.stack([a, b], axis=1), axis=0, return_inverse=True)
    assert g.n == len(uniques)
    assert np.array_equal(g.ids, ids.ravel())
    assert np.array_equal(g.keys[["a", "b"]].to_numpy(), uniques.reshape(-1, 2))
    assert np.array_equal(g.count(a >= 0), np.bincount(ids.ravel()[a >= 0], minlength=g.n))


@given(text)
def test_factorize_by_runs_is_factorize(values: list) -> None:
    array = np.array(sorted(values, key=str) + values, dtype=object)  # runs of repeats, then no order
    plain_codes, plain_uniques = pd.factorize(array)
    run_codes, run_uniques = grouped.factorize(array, runs=True)
    assert np.array_equal(run_codes, plain_codes)
    assert list(run_uniques) == list(plain_uniques)
    assert np.array_equal(grouped.locate(pd.Index(["b", "c"]), pd.Series(array)),
                          pd.Index(["b", "c"]).get_indexer(array))


def test_runs_of_values_without_truth_value_fall_back() -> None:
    values = np.array(["a", pd.NA, pd.NA, "a", "a"], dtype=object)
    assert grouped.run_starts(values) is None
    assert np.array_equal(grouped.factorize(values, runs=True)[0], pd.factorize(values)[0])


def test_integer_codes_hash_as_integers() -> None:
    codes_, uniques = grouped.factorize(np.array([7, 7, 3, 7, 9, 9]), runs=True)
    assert codes_.tolist() == [0, 0, 1, 0, 2, 2] and uniques.tolist() == [7, 3, 9]


@given(st.lists(st.sampled_from(["x", "y", None, float("nan")]), max_size=5), st.lists(st.integers(0, 4), max_size=30))
def test_text_column_types_like_pandas(labels: list, picks: list[int]) -> None:
    array = np.array(labels + ["z"], dtype=object)
    rows = np.array([p % len(array) for p in picks], dtype=np.int64)
    expected = pd.Series(array[rows])
    pd.testing.assert_series_equal(grouped.text_column(array, rows), expected)


def test_nan_as_zero_is_nan_to_num() -> None:
    values = np.array([1.5, np.nan, -2.0, np.inf, -np.inf])
    assert np.array_equal(grouped.nan_as_zero(values), np.nan_to_num(values))
    assert np.array_equal(grouped.nan_as_zero(values[:3]), np.nan_to_num(values[:3]))


@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 60), st.integers(0, 2)), max_size=40), st.booleans())
def test_timeline_latest_event_at_each_end(events: list[tuple[int, int, int]], with_time: bool) -> None:
    pos = np.array([e[0] for e in events], dtype=np.int64)
    date = (pd.Timestamp("2026-01-01") + pd.to_timedelta([e[1] for e in events], unit="D")).to_numpy()
    if with_time:  # times of day: the general sort
        date = date + np.array([e[2] for e in events], dtype="timedelta64[h]")
    tie = np.array([e[2] for e in events], dtype=np.int64)
    timeline, order = Timeline.build(pos, date, 5, tiebreak=tie)
    assert np.array_equal(order, np.lexsort((tie, date, pos)))
    ends = [pd.Timestamp("2026-01-10"), pd.Timestamp("2026-02-01"), pd.Timestamp("2026-03-15")]
    counts = timeline.counts_upto(ends)
    for i, end in enumerate(ends):
        latest = timeline.latest(counts[i])
        for deal in range(5):
            mine = np.flatnonzero((timeline.pos == deal) & (timeline.date <= np.datetime64(end)))
            assert latest[deal] == (mine[-1] if len(mine) else -1)
