"""Shared helpers of the engine tests: build a site with one engine, compare reductions and output folders."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("duckdb", reason="the duckdb engine tests need duckdb (pip install 'sitegen[duckdb]')")


def assert_same_reduced(a, b) -> None:
    """Two :class:`Reduced` are equal table by table, value by value (floats bit for bit)."""
    for f in dataclasses.fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        assert_same(x, y, f.name)


def assert_same(x, y, name: str) -> None:
    if isinstance(x, pd.DataFrame):
        pd.testing.assert_frame_equal(x, y, check_exact=True, obj=name)
    elif isinstance(x, pd.Series):
        pd.testing.assert_series_equal(x, y, check_exact=True, obj=name)
    elif isinstance(x, pd.Index):
        pd.testing.assert_index_equal(x, y, exact=True, obj=name)
    elif dataclasses.is_dataclass(x):
        assert dataclasses.is_dataclass(y), name
        for g in dataclasses.fields(x):
            assert_same(getattr(x, g.name), getattr(y, g.name), f"{name}.{g.name}")
    else:
        assert repr(x) == repr(y), name


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file of a built site but the build record (its fingerprint includes the engine) and the manifest
    (it lists the record's hash)."""
    skip = {".sitegen-build.json", ".sitegen-manifest"}
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name not in skip}
