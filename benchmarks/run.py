"""Build benchmark: full build, floor, ratio, no-change rebuild, one-change rebuild, peak memory.

    python benchmarks/run.py --customers 50000 [--jobs N]

Targets (issue 9, 2-core machine): full build of 50k customers < 60 s and < 4x the floor,
peak memory < 2 GiB, no-change rebuild < 20 % of a full build.

Every timed step starts on a quiet disk (``common.settle``): on this machine deleting a large tree
slows file creation for many seconds afterwards, so the previous run's site is moved aside and only
deleted after the last measurement.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import AS_OF, Run, demo_data, settle, timed  # noqa: E402
from floor import floor  # noqa: E402

TIMING = re.compile(r"^time: (.+?) ([0-9.]+) s$", re.M)
STATS = re.compile(r"built (\d+) pages into .*?: (\d+) written, (\d+) unchanged, (\d+) deleted")


def build(site: Path, jobs: int | None) -> tuple[Run, tuple[int, ...], str]:
    """One ``sitegen build -v``: the run, (pages, written, unchanged, deleted) and its step timings."""
    args = [sys.executable, "-m", "sitegen", "build", "--as-of", AS_OF, "--verbose"]
    if jobs:
        args += ["--jobs", str(jobs)]
    settle()
    run = timed(args, site)
    if run.code != 0:
        raise SystemExit(f"build failed ({run.code}):\n{run.output[-3000:]}")
    m = STATS.search(run.output)
    steps = ", ".join(f"{step} {sec} s" for step, sec in TIMING.findall(run.output))
    return run, tuple(int(x) for x in m.groups()) if m else (), steps


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
    trash = site.with_name(site.name + ".old")  # the previous run's site, deleted once everything is measured
    shutil.rmtree(trash, ignore_errors=True)
    if site.exists():
        site.rename(trash)
    shutil.copytree(source / "data", site / "data")

    full, (pages, *_), full_steps = build(site, args.jobs)
    settle()
    base = floor(site / "data", site / "output")
    same, same_stats, _ = build(site, args.jobs)
    change_one_customer(site / "data" / "orders.csv")
    one, one_stats, _ = build(site, args.jobs)
    change_one_customer(site / "data" / "orders.csv")
    again, again_stats, _ = build(site, args.jobs)  # stages into the output the first rebuild retired
    runs = (full, same, one, again)
    shutil.rmtree(trash, ignore_errors=True)

    print(f"customers            {args.customers}")
    print(f"pages                {pages} ({base['files']} files, {base['bytes'] / 2**20:.0f} MiB)")
    print(f"full build           {full.seconds:.1f} s ({full_steps})")
    print(f"floor                {base['floor_s']:.1f} s (parse {base['parse_s']:.1f} s + write {base['write_s']:.1f} s)")
    print(f"ratio                {full.seconds / base['floor_s']:.2f}x floor")
    print(f"no-change rebuild    {same.seconds:.1f} s ({same.seconds / full.seconds:.0%} of full): "
          f"{same_stats[1]} written, {same_stats[2]} unchanged, {same_stats[3]} deleted")
    print(f"one-change rebuild   {one.seconds:.1f} s: {one_stats[1]} written, {one_stats[2]} unchanged, "
          f"{one_stats[3]} deleted (first rebuild after a full build: a new staging folder)")
    print(f"next one-change      {again.seconds:.1f} s: {again_stats[1]} written, {again_stats[2]} unchanged, "
          f"{again_stats[3]} deleted (the retired output recycled as the staging folder)")
    print(f"peak memory          {max(r.peak_mib for r in runs):.0f} MiB PSS of the process tree "
          f"(full build {full.peak_mib:.0f} MiB; summed RSS {max(r.peak_rss_mib for r in runs):.0f} MiB)")

if __name__ == "__main__":
    main()
