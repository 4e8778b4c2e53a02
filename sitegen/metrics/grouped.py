"""Group-by over integer key columns with numpy (bincount), for the reductions that run on big or many tables.

pandas' group-by spends most of its time factorising keys; here keys are already small
integers (period indexes, category codes), so grouping is one ``np.bincount`` over the key
combinations (``np.unique`` when there are too many) and every sum, count or distinct count
is a ``np.bincount``.
"""

from __future__ import annotations

import math
from typing import Mapping

import numpy as np
import pandas as pd

UNASSIGNED = "unassigned"  # owner key of orders and deals nobody owns (SPEC §4 attribution)
UNKNOWN = "unknown"        # key of a missing region, product, channel, lead source or lost reason
DENSE_SPAN = 1 << 20       # key combinations up to which grouping counts every combination instead of sorting


class Groups:
    """Rows grouped by integer key columns: dense group ids and each group's keys, sorted.

    Keys are usually codes >= -1, but any integers work (month and period ids are negative before 1970):
    each column is counted from its own minimum."""

    def __init__(self, keys: Mapping[str, np.ndarray]):
        raw = [np.asarray(v, dtype=np.int64) for v in keys.values()]
        lows = [int(a.min()) if len(a) else 0 for a in raw]
        arrays = [a - low for a, low in zip(raw, lows)]
        sizes = [int(a.max()) + 1 if len(a) else 1 for a in arrays]
        combined = np.zeros(len(arrays[0]) if arrays else 0, dtype=np.int64)
        for a, size in zip(arrays, sizes):
            combined = combined * size + a
        span = math.prod(sizes)
        if span <= max(4 * len(combined), DENSE_SPAN):  # few possible keys: mark them, no sort
            present = np.bincount(combined, minlength=span) > 0
            uniques, self.ids = np.flatnonzero(present), (np.cumsum(present) - 1)[combined]
        else:
            uniques, self.ids = np.unique(combined, return_inverse=True)
        self.n = len(uniques)
        decoded = {}
        for name, size, low in zip(reversed(list(keys)), reversed(sizes), reversed(lows)):
            decoded[name] = uniques % size + low
            uniques = uniques // size
        self.keys = pd.DataFrame({name: decoded[name] for name in keys})

    def part(self, start: int, stop: int) -> "Groups":
        """The same groups restricted to rows ``start:stop`` (for tables stacked before grouping)."""
        view = object.__new__(Groups)
        view.ids, view.n, view.keys = self.ids[start:stop], self.n, self.keys
        return view

    def sum(self, values: np.ndarray) -> np.ndarray:
        """Sum per group (NaN values count as 0)."""
        return np.bincount(self.ids, weights=nan_as_zero(values), minlength=self.n)

    def count(self, mask: np.ndarray | None = None) -> np.ndarray:
        """Rows per group (only rows where ``mask`` is true)."""
        if mask is None:
            return np.bincount(self.ids, minlength=self.n)
        # the mask as 0/1 weights: exact, and faster than selecting the rows first
        return np.bincount(self.ids, weights=np.asarray(mask, dtype=bool), minlength=self.n).astype(np.int64)

    def known_sum(self, values: np.ndarray) -> np.ndarray:
        """Sum of the non-missing values per group; NaN where a group has none."""
        values = np.asarray(values, dtype=float)
        known = self.count(~np.isnan(values))
        return np.where(known > 0, self.sum(values), np.nan)

    def mean(self, values: np.ndarray) -> np.ndarray:
        """Mean of the non-missing values per group (NaN when none)."""
        values = np.asarray(values, dtype=float)
        known = self.count(~np.isnan(values))
        return np.where(known > 0, self.sum(values) / np.maximum(known, 1), np.nan)

    def median(self, values: np.ndarray) -> np.ndarray:
        """Median of the non-missing values per group (NaN when none)."""
        values = np.asarray(values, dtype=float)
        keep = ~np.isnan(values)
        medians = pd.Series(values[keep]).groupby(self.ids[keep]).median()
        return medians.reindex(range(self.n)).to_numpy()

    def nunique(self, values: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
        """Distinct non-negative integer values per group (only rows where ``mask`` is true)."""
        ids, values = self.ids, np.asarray(values, dtype=np.int64)
        if mask is not None:
            ids, values = ids[mask], values[mask]
        size = int(values.max()) + 1 if len(values) else 1
        return np.bincount(distinct(ids * size + values) // size, minlength=self.n)


def nan_as_zero(values: np.ndarray) -> np.ndarray:
    """``np.nan_to_num(values)`` (NaN as 0), faster when there are no infinities to clip, the usual case."""
    values = np.asarray(values, dtype=float)
    out = np.where(np.isnan(values), 0.0, values)
    return out if np.isfinite(out).all() else np.nan_to_num(values)


def factorize(values: pd.Series | np.ndarray, runs: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes (-1 for missing) and the distinct values, in order of appearance (integers stay integers).

    ``runs``: the values come in runs of repeats (order lines: the lines of one order follow each
    other), so only the first value of each run is hashed.
    """
    raw = values.to_numpy() if isinstance(values, pd.Series) else np.asarray(values)
    starts = run_starts(raw) if runs else None
    if starts is not None:
        codes, uniques = factorize(raw[starts])
        return _repeat_runs(codes, starts, len(raw)), uniques
    if raw.dtype.kind in "iu":  # integer keys hash as machine integers, not as Python objects
        codes, uniques = pd.factorize(raw)
        return codes.astype(np.int64), uniques
    codes, uniques = pd.factorize(raw if isinstance(values, pd.Series) else raw.astype(object, copy=False))
    return codes.astype(np.int64), np.asarray(uniques, dtype=object)


def locate(index: pd.Index, values: pd.Series) -> np.ndarray:
    """Position of each value in ``index`` (-1 when absent), looking up each run of repeated values once."""
    raw = values.to_numpy()
    starts = run_starts(raw)
    if starts is None:
        return index.get_indexer(raw)
    return _repeat_runs(index.get_indexer(raw[starts]), starts, len(raw))


def _repeat_runs(run_values: np.ndarray, starts: np.ndarray, n: int) -> np.ndarray:
    """Per row, the value of its run (runs start at ``starts``; ``n`` rows)."""
    return np.repeat(run_values, np.diff(np.append(starts, n)))


def run_starts(values: np.ndarray) -> np.ndarray | None:
    """Where each run of equal consecutive values starts; None when the runs are too short to pay (under two
    values a run) or the values cannot be compared so (``pd.NA == pd.NA`` is neither true nor false)."""
    try:
        starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]]) if len(values) else None
    except TypeError:
        return None
    return starts if starts is not None and 2 * len(starts) <= len(values) else None


def occurring(codes: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes (>= 0) renumbered over the values that occur in them, in the same order, and those values."""
    occurs = np.bincount(codes, minlength=len(values)) > 0
    return (np.cumsum(occurs) - 1)[codes], values[occurs]


def inverse_order(order: np.ndarray) -> np.ndarray:
    """Where each item lands in the sorted order ``order`` (an argsort): its rank."""
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank


def text_column(labels: np.ndarray, codes: np.ndarray) -> pd.Series:
    """``labels[codes]`` typed as pandas types such an object array (its string type when it holds text),
    converting each label used once rather than every row."""
    if not len(codes):
        return pd.Series(labels[codes])
    renumbered, used = occurring(codes, labels)
    return pd.Series(pd.Series(used).array.take(renumbered))


def distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values of an integer array (``np.unique`` without options hashes, far slower here)."""
    ordered = np.sort(values)
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]] if len(ordered) else ordered


def codes(values: pd.Series | np.ndarray, labels: Mapping[str, str] | None = None,
          missing: str = "unknown") -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of text values and the label of each code (``labels`` renames; missing -> ``missing``).

    Values that get the same label share a code, so the codes can be grouped directly. A
    categorical column is coded from its categories, without hashing every row.
    """
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
        raw, uniques = values.cat.codes.to_numpy().astype(np.int64), values.cat.categories.to_numpy(dtype=object)
    else:
        raw, uniques = pd.factorize(np.asarray(values, dtype=object))
    names = [str(labels.get(u, u)) if labels else str(u) for u in uniques] + [missing]
    label_codes, label_names = pd.factorize(np.array(names, dtype=object))
    return label_codes[raw], np.asarray(label_names, dtype=object)
