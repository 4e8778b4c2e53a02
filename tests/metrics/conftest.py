"""Helpers for metric tests: tiny CSV sites loaded with sitegen's own loader, and metrics computed on them.

Computing metrics costs a fraction of a second even on tiny data, so results are cached per
(files, config, as_of) for the whole session: tests that share a fixture text share one computation.
Metrics frames must not be modified by tests.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Callable

import pandas as pd
import pytest

from sitegen.config import Config, load_config
from sitegen.dataset import Dataset, load_dataset
from sitegen.metrics import Metrics, compute_metrics
from tests.conftest import write_site

AS_OF = pd.Timestamp("2026-06-30")


def csv(*rows: str) -> str:
    """CSV text from lines (header first)."""
    return "\n".join(rows) + "\n"


@pytest.fixture(scope="session")
def load(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., tuple[Dataset, Config]]:
    """``load(files, config="")`` -> (dataset, config) of a tiny site; fails on data errors."""
    cache: dict[tuple, tuple[Dataset, Config]] = {}
    counter = itertools.count()

    def run(files: dict[str, str], config: str = "", allow_errors: bool = False) -> tuple[Dataset, Config]:
        key = (tuple(sorted(files.items())), config)
        if key not in cache:
            site = write_site(tmp_path_factory.mktemp(f"site{next(counter)}"), files, config)
            cfg = load_config(cwd=site)
            cache[key] = (load_dataset(cfg), cfg)
        dataset = cache[key][0]
        if not allow_errors:
            assert dataset.error_count == 0, [p.format() for p in dataset.problems]
        return cache[key]
    return run


@pytest.fixture(scope="session")
def metrics(load) -> Callable[..., Metrics]:
    """``metrics(files, config="", as_of=AS_OF)`` -> Metrics of a tiny site (cached)."""
    cache: dict[tuple, Metrics] = {}

    def run(files: dict[str, str], config: str = "", as_of: str | pd.Timestamp = AS_OF) -> Metrics:
        key = (tuple(sorted(files.items())), config, str(pd.Timestamp(as_of)))
        if key not in cache:
            dataset, cfg = load(files, config)
            cache[key] = compute_metrics(dataset, cfg, pd.Timestamp(as_of))
        return cache[key]
    return run


def row(frame: pd.DataFrame, **where) -> pd.Series:
    """The single row of ``frame`` matching every column=value."""
    mask = pd.Series(True, index=frame.index)
    for column, value in where.items():
        mask &= frame[column] == value
    found = frame[mask]
    assert len(found) == 1, f"{len(found)} rows match {where}"
    return found.iloc[0]


__all__ = ["AS_OF", "csv", "row", "Path"]
