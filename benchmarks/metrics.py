"""Metrics benchmark: time and peak memory to compute every metric on the demo data.

    python benchmarks/metrics.py [--data /tmp/demo50k] [--customers 50000] [--seed 7] [--as-of 2026-06-30]
                                 [--repeat 3] [--trace]

The data folder is generated with ``sitegen demo-data`` when it does not exist. Loading the CSVs is
timed separately (it belongs to the dataset stage); "metrics" is ``compute_metrics`` alone, the best
of ``--repeat`` runs, wall clock and CPU. Peak memory: the process's maximum resident set (load and
metrics together), and with ``--trace`` the tracemalloc peak of one extra metrics run (slower).
Where the time goes: ``python -m cProfile -s tottime benchmarks/metrics.py --repeat 1``.
Targets (2-core machine, 50,000 customers): metrics < 10 s and < 2 GiB (issue 3), < 4 s (issue 9).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pandas as pd

from sitegen.config import parse_config
from sitegen.dataset import load_dataset
from sitegen.metrics import compute_metrics

MIB = 1024 * 1024


def ensure_data(folder: Path, customers: int, seed: int, as_of: str) -> None:
    """Generate the demo data into ``folder`` unless it is there."""
    if not (folder / "orders.csv").exists():
        subprocess.run([sys.executable, "-m", "sitegen", "demo-data", "--out", str(folder), "--customers",
                        str(customers), "--seed", str(seed), "--as-of", as_of], check=True)


def main() -> None:
    """Load once, time the metrics, print the figures recorded in docs/performance.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("/tmp/demo50k"))
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--as-of", default="2026-06-30")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--trace", action="store_true", help="also measure the tracemalloc peak of the metrics")
    args = parser.parse_args()
    ensure_data(args.data, args.customers, args.seed, args.as_of)
    config = parse_config({"data": {"dir": str(args.data.resolve())}}, root=args.data.resolve())
    as_of = pd.Timestamp(args.as_of)

    start = time.perf_counter()
    dataset = load_dataset(config)
    load_seconds = time.perf_counter() - start
    load_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    rows = {name: len(frame) for name, frame in dataset.tables.items()}

    runs = []
    for _ in range(args.repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        metrics = compute_metrics(dataset, config, as_of)
        runs.append((time.perf_counter() - wall, time.process_time() - cpu))
    wall, cpu = min(runs)
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

    print(f"data: {args.data} ({', '.join(f'{k} {v:,}' for k, v in rows.items())})")
    print(f"load:    {load_seconds:6.2f} s")
    print(f"metrics: {wall:6.2f} s wall, {cpu:6.2f} s CPU (best of {args.repeat}: "
          f"{', '.join(f'{w:.2f}' for w, _ in runs)} s)")
    print(f"periods: {len(metrics.periods)}, customers: {len(metrics.customers):,}, "
          f"deals: {len(metrics.opportunities):,}, orders: {len(metrics.orders):,}")
    print(f"peak RSS: {load_rss:,.0f} MiB after loading, {peak_rss:,.0f} MiB after the metrics")
    if args.trace:
        tracemalloc.start()
        compute_metrics(dataset, config, as_of)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"metrics tracemalloc peak: {peak / MIB:,.0f} MiB")


if __name__ == "__main__":
    main()
