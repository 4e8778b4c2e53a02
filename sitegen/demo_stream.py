"""Demo data at any scale in bounded memory: customers are generated a chunk at a time (demo.chunk_tables) and
every table is appended to its file chunk by chunk.

Chunk 0 uses the seed itself, so up to one chunk of customers the files are exactly those of a single
whole-array run; chunk k > 0 uses a seed derived from (seed, k). Each chunk's local ids (C00001, OPP-000001,
SO0000001, TK00001) are moved past the earlier chunks' ids; the deliberate orphans point past every real id
(the unknown customer is C<customers + 1>; a chunk's deleted deals come after all real deals). Deals,
their stage history, activities, orders and snapshot rows are made within one chunk, so every table agrees.
The targets and channel costs, which sum revenue over all customers, are made once at the end from sums
kept per chunk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sitegen.demo import (CHANNELS, _months, _monthly_revenue, channel_costs_from, chunk_tables, deal_count,
                          new_customers, targets_from)
from sitegen.demo_review import junk_count
from sitegen.demo_write import TableWriter

_WIDTH = {"C": 5, "OPP-": 6, "SO": 7, "TK": 5}        # zero-padded widths of the local ids


def chunk_sizes(customers: int, chunk_size: int) -> list[int]:
    """Customers per chunk: as even as possible, none above chunk_size (one chunk up to chunk_size)."""
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    count = -(-customers // chunk_size)
    return [customers // count + (k < customers % count) for k in range(count)]


def chunk_seed(seed: int, k: int) -> int:
    """Chunk 0 keeps the seed (the files of a one-chunk run); later chunks get independent derived streams."""
    return seed if k == 0 else int(np.random.SeedSequence([seed, k]).generate_state(1, np.uint64)[0])


@dataclass
class _Offsets:
    """Ids already given out; the totals of customers and deals place the orphans after every real id."""
    customers: int                                   # total customers
    deals: int                                       # total deals
    c: int = 0
    opp: int = 0
    junk: int = 0
    so: int = 0
    tk: int = 0
    counts: dict[str, int] = field(default_factory=dict)


def write_demo_data(out: Path, customers: int, seed: int, today: int, fmt: str = "csv",
                    chunk_size: int = 50_000) -> dict[str, int]:
    """Generate and write the demo tables chunk by chunk; return {CSV file name: rows}."""
    sizes = chunk_sizes(customers, chunk_size)
    at = _Offsets(customers, sum(deal_count(n) for n in sizes))
    writer, owners, sums = TableWriter(out, fmt), None, None
    try:
        for k, n in enumerate(sizes):
            world, lines, tables, snapshots = chunk_tables(chunk_seed(seed, k), n, customers, today, owners)
            owners = world.owners
            if len(sizes) > 1:   # the chunk's own targets drew from its stream (as a one-chunk run's do): dropped
                sums = _add(sums, _revenue_sums(world, lines))
                del tables["targets.csv"], tables["channel_costs.csv"]
            del lines
            _renumber_chunk(tables, snapshots, n, at)
            for name, table in {**tables, **snapshots}.items():   # snapshots: snapshots/<date>/pipeline.csv
                writer.append(name, table)
                if name in tables:
                    at.counts[name] = at.counts.get(name, 0) + len(table)
            del tables, snapshots, world
        if sums is not None:
            rng = np.random.default_rng([seed, 18])
            start = today - 729
            totals = {"targets.csv": targets_from(rng, owners, start, today, sums[0], sums[1]),
                      "channel_costs.csv": channel_costs_from(rng, customers, start, today, sums[2])}
            for name, table in totals.items():
                writer.append(name, table)
                at.counts[name] = len(table)
    finally:
        writer.close()
    order = ("pipeline.csv", "stage_history.csv", "orders.csv", "customers.csv", "contacts.csv", "activities.csv",
             "targets.csv", "feedback.csv", "channel_costs.csv", "complaints.csv")
    return {name: at.counts[name] for name in order}


def _revenue_sums(world, lines: pd.DataFrame) -> list[np.ndarray]:
    """[revenue per owner x month before as_of's, customers won per owner, revenue per channel x month]."""
    first, now = _months([world.start, world.today])
    return [_monthly_revenue(world, lines, "owner", np.arange(first, now), len(world.owners)), new_customers(world),
            _monthly_revenue(world, lines, "channel", np.arange(first, now + 1), len(CHANNELS))]


def _add(sums: list[np.ndarray] | None, more: list[np.ndarray]) -> list[np.ndarray]:
    return more if sums is None else [a + b for a, b in zip(sums, more)]


def _renumber_chunk(tables: dict[str, pd.DataFrame], snapshots: dict[str, pd.DataFrame], n: int,
                    at: _Offsets) -> None:
    """Move the chunk's local ids to global ones in place and advance the offsets."""
    deals = len(tables["stage_history.csv"]["opportunity_id"].cat.categories)
    orders = len(tables["orders.csv"]["order_id"].cat.categories)
    tickets = len(tables["complaints.csv"])
    junk = junk_count(np.asarray(_stage_codes(tables["pipeline.csv"])))
    if n != at.customers:                            # one chunk: the local ids are the ids
        to = {"C": lambda i: np.where(i <= n, at.c + i, at.customers + 1),
              "OPP-": lambda i: np.where(i <= deals, at.opp + i, at.deals + at.junk + i - deals),
              "SO": lambda i: at.so + i, "TK": lambda i: at.tk + i}
        columns = {"customer_id": "C", "opportunity_id": "OPP-", "order_id": "SO", "ticket_id": "TK"}
        for table in [*tables.values(), *snapshots.values()]:
            for column, prefix in columns.items():
                if column in table.columns:
                    table[column] = _moved(table[column], prefix, to[prefix])
    at.c, at.opp, at.junk, at.so, at.tk = at.c + n, at.opp + deals, at.junk + junk, at.so + orders, at.tk + tickets


def _stage_codes(pipeline: pd.DataFrame) -> np.ndarray:
    return pipeline["stage"].cat.codes.to_numpy()


def _moved(col: pd.Series, prefix: str, to) -> pd.Series:
    """An id column with each id's number mapped by ``to`` (empty cells stay empty)."""
    def ids(numbers: np.ndarray) -> np.ndarray:
        return (prefix + pd.Series(numbers, dtype=np.int64).astype(str).str.zfill(_WIDTH[prefix])).to_numpy(object)

    def numbers(text) -> np.ndarray:
        return pd.Series(text, dtype=object).str.slice(len(prefix)).astype(np.int64).to_numpy()

    if isinstance(col.dtype, pd.CategoricalDtype):
        return col.cat.rename_categories(ids(to(numbers(col.cat.categories.to_numpy(object)))))
    text = col.to_numpy(object).copy()
    full = pd.Series(text).fillna("").astype(str).ne("").to_numpy()
    text[full] = ids(to(numbers(text[full])))
    return pd.Series(text, index=col.index, name=col.name)
