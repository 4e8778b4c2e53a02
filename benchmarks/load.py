"""Loading benchmark: time and peak memory of ``load_dataset`` on the demo data (issue 9).

    python benchmarks/load.py [--customers 50000] [--seed 7] [--repeat 1]
    python -m cProfile -s cumulative benchmarks/load.py | head -60      # where the time goes

The demo data set is generated once per scale and cached (``benchmarks/common.py``). Each run loads
every table with the default config, as ``sitegen build`` does. Printed: wall-clock and CPU seconds of
the best of ``--repeat`` runs (CPU time is the steadier figure on a shared machine) and the process's
peak resident memory (``ru_maxrss``; it includes the interpreter and libraries, about 100 MiB).
Targets (2-core machine, 50,000 customers): under 4 s and well under 1 GiB.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import demo_data  # noqa: E402

from sitegen.config import parse_config  # noqa: E402
from sitegen.dataset import load_dataset  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    data = (demo_data(args.customers, args.seed) / "data").resolve()
    config = parse_config({"data": {"dir": str(data)}}, root=data.parent)

    runs = []
    for _ in range(args.repeat):
        start, cpu = time.perf_counter(), time.process_time()
        dataset = load_dataset(config)
        runs.append((time.perf_counter() - start, time.process_time() - cpu))
        rows = {name: len(frame) for name, frame in dataset.tables.items()}
        del dataset
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"data: {data} ({', '.join(f'{k} {v:,}' for k, v in rows.items())})")
    wall, cpu = min(runs)
    print(f"load: {wall:.2f} s wall, {cpu:.2f} s CPU (runs: {', '.join(f'{w:.2f}' for w, _ in runs)} s); "
          f"peak RSS {peak_mib:,.0f} MiB")


if __name__ == "__main__":
    main()
