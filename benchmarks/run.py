"""Build benchmark: full build, floor, ratio, no-change rebuild, one-change rebuild, peak memory.

    python benchmarks/run.py --customers 50000 [--jobs N]

Targets (issue 9, 2-core machine): full build of 50k customers < 60 s and < 4x the floor,
peak memory < 2 GiB, no-change rebuild < 20 % of a full build.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import AS_OF, demo_data, timed  # noqa: E402
from floor import floor  # noqa: E402

STATS = re.compile(r"built (\d+) pages into .*?: (\d+) written, (\d+) unchanged, (\d+) deleted")


def build(site: Path, jobs: int | None) -> tuple[float, float, tuple[int, ...]]:
    args = [sys.executable, "-m", "sitegen", "build", "--as-of", AS_OF]
    if jobs:
        args += ["--jobs", str(jobs)]
    run = timed(args, site)
    if run.code != 0:
        raise SystemExit(f"build failed ({run.code}):\n{run.output[-3000:]}")
    m = STATS.search(run.output)
    return run.seconds, run.peak_mib, tuple(int(x) for x in m.groups()) if m else ()


def change_one_customer(orders: Path) -> None:
    """Bump the amount of the last order line: one customer's figures (and the totals) change."""
    lines = orders.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    col = header.index("amount")
    cells = lines[-1].split(",")
    cells[col] = f"{float(cells[col]) + 1:.2f}"
    lines[-1] = ",".join(cells)
    orders.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=50000)
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    source = demo_data(args.customers)
    site = source.parent / f"site-{args.customers}"
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(source / "data", site / "data")

    full_s, full_mib, (pages, written, _, _) = build(site, args.jobs)
    base = floor(site / "data", site / "output")
    same_s, same_mib, same = build(site, args.jobs)
    change_one_customer(site / "data" / "orders.csv")
    one_s, one_mib, one = build(site, args.jobs)

    print(f"customers            {args.customers}")
    print(f"pages                {pages} ({base['files']} files, {base['bytes'] / 2**20:.0f} MiB)")
    print(f"full build           {full_s:.1f} s, peak {full_mib:.0f} MiB")
    print(f"floor                {base['floor_s']:.1f} s (parse {base['parse_s']:.1f} s + write {base['write_s']:.1f} s)")
    print(f"ratio                {full_s / base['floor_s']:.2f}x floor")
    print(f"no-change rebuild    {same_s:.1f} s ({same_s / full_s:.0%} of full): "
          f"{same[1]} written, {same[2]} unchanged, {same[3]} deleted")
    print(f"one-change rebuild   {one_s:.1f} s: {one[1]} written, {one[2]} unchanged, {one[3]} deleted")
    print(f"peak memory          {max(full_mib, same_mib, one_mib):.0f} MiB")


if __name__ == "__main__":
    main()
