"""Frames to template rows, grouped once and sliced per entity."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.pages.rows import grouped_records, grouped_series, records


def test_records_are_plain_python_with_none_and_iso_dates() -> None:
    frame = pd.DataFrame({"a": [1, None], "d": pd.to_datetime(["2026-01-02", None]), "s": ["x", np.nan]})
    rows = records(frame, ("a", "d", "s", "absent"))
    assert rows == [{"a": 1.0, "d": "2026-01-02", "s": "x", "absent": None},
                    {"a": None, "d": None, "s": None, "absent": None}]
    assert type(rows[0]["a"]) is float


def test_grouped_records_sorts_once_and_keeps_the_head_of_each_group() -> None:
    frame = pd.DataFrame({"customer_id": ["b", "a", "b", "a", None, "b"], "date": [1, 2, 3, 4, 5, 6],
                          "x": list("uvwxyz")})
    groups = grouped_records(frame, "customer_id", ("date", "x"), order=("date",), ascending=False, head=2)
    assert groups == {"a": [{"date": 4, "x": "x"}, {"date": 2, "x": "v"}],
                      "b": [{"date": 6, "x": "z"}, {"date": 3, "x": "w"}]}
    assert grouped_records(frame.iloc[0:0], "customer_id", ("x",)) == {}
    assert grouped_records(None, "customer_id", ("x",)) == {}


def test_grouped_series_splits_a_sorted_frame_into_lists() -> None:
    frame = pd.DataFrame({"k": ["a", "a", "b"], "month": ["2026-01", "2026-02", "2026-01"], "v": [1.0, 2.0, 3.0]})
    assert grouped_series(frame, "k", ("month", "v")) == {"a": {"month": ["2026-01", "2026-02"], "v": [1.0, 2.0]},
                                                          "b": {"month": ["2026-01"], "v": [3.0]}}


def _reference(frame, key, columns, order, ascending, head):
    """What grouped_records means, the slow way: pandas sort per group, then the head."""
    frame = frame[frame[key].notna()]
    out = {}
    for value in frame[key].unique():
        group = frame[frame[key] == value]
        if order:
            group = group.sort_values(list(order), ascending=list(ascending), kind="stable", na_position="last")
        if head is not None:
            group = group.head(head)
        out[value] = records(group, columns)
    return out


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_grouped_records_matches_a_sort_per_group(data) -> None:
    n = data.draw(st.integers(0, 40))
    keys = st.sampled_from(["a", "b", "C", "é", None])
    frame = pd.DataFrame({
        "key": data.draw(st.lists(keys, min_size=n, max_size=n)),
        "date": pd.to_datetime(data.draw(st.lists(st.sampled_from(["2026-01-02", "2025-12-31", None, "2026-03-01"]),
                                                  min_size=n, max_size=n))),
        "amount": data.draw(st.lists(st.sampled_from([1.5, -2.0, 0.0, float("nan"), 10.0]), min_size=n, max_size=n)),
        "text": data.draw(st.lists(st.sampled_from(["x", "Y", "z", None, "中"]), min_size=n, max_size=n)),
        "row": list(range(n)),
    }, columns=["key", "date", "amount", "text", "row"])
    frame["text"] = frame["text"].astype(object)
    order = data.draw(st.lists(st.sampled_from(["date", "amount", "text"]), unique=True, max_size=3))
    ascending = data.draw(st.lists(st.booleans(), min_size=len(order), max_size=len(order)))
    head = data.draw(st.one_of(st.none(), st.integers(1, 4)))
    columns = ("row", "date", "amount", "text")
    got = grouped_records(frame, "key", columns, order=order, ascending=ascending, head=head)
    assert got == _reference(frame, "key", columns, order, ascending, head)
