"""Per-entity digests of input rows, for keying pages by their inputs (``Page.inputs``, issue 23).

A per-entity page (a customer's, a deal's) is made from that entity's rows of a few tables and a few
site-wide figures. :func:`group_digests` gives every entity a digest of its rows in one vectorised pass
over a table, so a section can key each page by (its entity's digests, the site-wide figures) and a
rebuild can keep the pages whose rows did not change without making their contexts.
"""

from __future__ import annotations

import hashlib
from typing import Any, Hashable

import numpy as np
import pandas as pd


def group_digests(frame: pd.DataFrame, by: str) -> dict[Hashable, tuple[str, int, int]]:
    """Value of ``by`` -> a digest of that group's rows (every column, values and order) in ``frame``:
    (the columns' names and types, an order-weighted sum of the rows' 64-bit hashes, the row count).
    Rows whose ``by`` is missing belong to no group. Equal rows in equal order give equal digests in every
    process (pandas' fixed-key row hash); any changed, added, removed or reordered row changes its group's."""
    if frame.empty:
        return {}
    shape = "\0".join(f"{name}:{dtype}" for name, dtype in frame.dtypes.items())
    salt = hashlib.blake2b(shape.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
    rows = pd.util.hash_pandas_object(frame, index=False).to_numpy(dtype=np.uint64)
    codes, uniques = pd.factorize(frame[by], sort=False)
    keep = codes >= 0
    codes, rows = codes[keep], rows[keep]
    rank = pd.Series(codes).groupby(codes).cumcount().to_numpy(dtype=np.uint64)
    weighted = rows * (rank * np.uint64(2) + np.uint64(1))  # (wraps modulo 2**64: order counts, sums commute)
    sums = np.zeros(len(uniques), dtype=np.uint64)
    np.add.at(sums, codes, weighted)
    counts = np.bincount(codes, minlength=len(uniques))
    return {_plain(key): (salt, int(total), int(count)) for key, total, count in zip(uniques, sums, counts)}


def _plain(value: Any) -> Hashable:
    """A numpy scalar as the Python value a section's lookups use."""
    return value.item() if isinstance(value, np.generic) else value


__all__ = ["group_digests"]
