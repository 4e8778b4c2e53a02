"""Engine benchmark: the same full build with each engine, its time, peak memory and whether outputs agree.

    python benchmarks/engines.py --customers 50000 [--jobs N] [--engines pandas,duckdb]

Prints one line per engine (seconds, peak PSS and summed RSS of the process tree, step timings) and whether
data/metrics.json and data/customers.csv are identical across engines (docs/scale.md records the figures).
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import AS_OF, demo_data, settle, timed  # noqa: E402

TIMING = re.compile(r"^time: (.+?) ([0-9.]+) s$", re.M)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--engines", default="pandas,duckdb")
    args = parser.parse_args()
    site = demo_data(args.customers)
    outputs: dict[str, Path] = {}
    for engine in args.engines.split(","):
        out = site.parent / f"{site.name}-out-{engine}"
        shutil.rmtree(out, ignore_errors=True)
        command = [sys.executable, "-m", "sitegen", "build", "--as-of", AS_OF, "--verbose", "--force",
                   "--engine", engine, "--out", str(out)] + (["--jobs", str(args.jobs)] if args.jobs else [])
        settle()
        run = timed(command, site)
        if run.code != 0:
            raise SystemExit(f"{engine}: build failed ({run.code}):\n{run.output[-3000:]}")
        steps = ", ".join(f"{step} {sec} s" for step, sec in TIMING.findall(run.output))
        print(f"{engine}: {run.seconds:.1f} s, peak {run.peak_mib:.0f} MiB PSS ({run.peak_rss_mib:.0f} MiB RSS); "
              f"{steps}", flush=True)
        outputs[engine] = out
    names = ("data/metrics.json", "data/customers.csv")
    first, *others = outputs.values()
    same = all((first / n).read_bytes() == (o / n).read_bytes() for o in others for n in names)
    print(f"metrics.json and customers.csv identical across engines: {same}")
    for out in outputs.values():
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
