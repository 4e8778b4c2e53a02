"""Group-by over integer key columns with numpy (bincount), for the reductions that run on big or many tables.

pandas' group-by spends most of its time factorising keys; here keys are already small
integers (period indexes, category codes), so grouping is one ``np.unique`` and every sum,
count or distinct count is a ``np.bincount``.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

UNASSIGNED = "unassigned"  # owner key of orders and deals nobody owns (SPEC §4 attribution)
UNKNOWN = "unknown"        # key of a missing region, product, channel, lead source or lost reason


class Groups:
    """Rows grouped by integer key columns (codes >= -1): dense group ids and each group's keys, sorted."""

    def __init__(self, keys: Mapping[str, np.ndarray]):
        arrays = [np.asarray(v, dtype=np.int64) + 1 for v in keys.values()]
        sizes = [int(a.max()) + 1 if len(a) else 1 for a in arrays]
        combined = np.zeros(len(arrays[0]) if arrays else 0, dtype=np.int64)
        for a, size in zip(arrays, sizes):
            combined = combined * size + a
        uniques, self.ids = np.unique(combined, return_inverse=True)
        self.n = len(uniques)
        decoded = {}
        for name, size in zip(reversed(list(keys)), reversed(sizes)):
            decoded[name] = uniques % size - 1
            uniques = uniques // size
        self.keys = pd.DataFrame({name: decoded[name] for name in keys})

    def part(self, start: int, stop: int) -> "Groups":
        """The same groups restricted to rows ``start:stop`` (for tables stacked before grouping)."""
        view = object.__new__(Groups)
        view.ids, view.n, view.keys = self.ids[start:stop], self.n, self.keys
        return view

    def sum(self, values: np.ndarray) -> np.ndarray:
        """Sum per group (NaN values count as 0)."""
        return np.bincount(self.ids, weights=np.nan_to_num(np.asarray(values, dtype=float)), minlength=self.n)

    def count(self, mask: np.ndarray | None = None) -> np.ndarray:
        """Rows per group (only rows where ``mask`` is true)."""
        if mask is None:
            return np.bincount(self.ids, minlength=self.n)
        return np.bincount(self.ids[np.asarray(mask, dtype=bool)], minlength=self.n)

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


def factorize(values: pd.Series | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes (-1 for missing) and the distinct values, in order of appearance."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object) if not isinstance(values, pd.Series)
                                  else values.to_numpy())
    return codes.astype(np.int64), np.asarray(uniques, dtype=object)


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
