"""Frames to template rows, grouped once and sliced per entity."""

from __future__ import annotations

import numpy as np
import pandas as pd

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
