"""Build benchmark: full build, floor, ratio, no-change and incremental rebuilds, peak memory.

    python benchmarks/run.py --customers 50000 [--jobs N]

Targets (issue 9, 2-core machine): full build of 50k customers < 60 s and < 4x the floor,
peak memory < 2 GiB, no-change rebuild < 20 % of a full build. Issue 23: one order line's amount or
one deal's stage changed rebuilds in <= 30 % of the full build of the same run, 1 % of the order
lines changed in <= 50 %.

Every timed step starts on a quiet disk (``common.settle``): on this machine deleting a large tree
slows file creation for many seconds afterwards, so the previous run's site is moved aside and only
deleted after the last measurement.
"""

from __future__ import annotations

import argparse
import csv
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


def edit_rows(path: Path, edit) -> None:
    """Rewrite a demo CSV through ``edit(header, rows)`` (csv module: quoted cells stay intact)."""
    with path.open(encoding="utf-8", newline="") as f:
        header, *rows = list(csv.reader(f))
    edit(header, rows)
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows([header, *rows])


def change_amounts(orders: Path, every: int = 0) -> int:
    """Add 1 to the amount of the last order line, or (``every``) of every ``every``-th line; the lines changed."""
    changed = [0]

    def edit(header: list[str], rows: list[list[str]]) -> None:
        col = header.index("amount")
        for cells in rows[every - 1::every] if every else rows[-1:]:
            cells[col] = f"{float(cells[col] or 0) + 1:.2f}"
            changed[0] += 1
    edit_rows(orders, edit)
    return changed[0]


def change_stage(data: Path) -> None:
    """Move the last deal in Proposal on to Negotiation, as a CRM export shows it: the pipeline's stage
    and a new row of stage history entered on the as-of date."""
    deal = []

    def edit(header: list[str], rows: list[list[str]]) -> None:
        col = header.index("stage")
        cells = next(cells for cells in reversed(rows) if cells[col] == "Proposal")
        cells[col] = "Negotiation"
        deal.append(cells[header.index("opportunity_id")])
    edit_rows(data / "pipeline.csv", edit)
    edit_rows(data / "stage_history.csv", lambda header, rows: rows.append(
        [{"opportunity_id": deal[0], "stage": "Negotiation", "entered_date": AS_OF}.get(h, "") for h in header]))


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
    change_amounts(site / "data" / "orders.csv")
    one = build(site, args.jobs)
    change_amounts(site / "data" / "orders.csv")
    again = build(site, args.jobs)  # stages into the output the first rebuild retired
    change_stage(site / "data")
    stage = build(site, args.jobs)
    lines = change_amounts(site / "data" / "orders.csv", every=100)
    percent = build(site, args.jobs)
    runs = (full, same, one[0], again[0], stage[0], percent[0])
    shutil.rmtree(trash, ignore_errors=True)

    def rebuilt(run: tuple[Run, tuple[int, ...], str], note: str = "") -> str:
        seconds, stats, steps = run[0].seconds, run[1], run[2]
        return (f"{seconds:.1f} s ({seconds / full.seconds:.0%} of full): {stats[1]} written, {stats[2]} unchanged, "
                f"{stats[3]} deleted; {steps}{note}")

    print(f"customers            {args.customers}")
    print(f"pages                {pages} ({base['files']} files, {base['bytes'] / 2**20:.0f} MiB)")
    print(f"full build           {full.seconds:.1f} s ({full_steps})")
    print(f"floor                {base['floor_s']:.1f} s (parse {base['parse_s']:.1f} s + write {base['write_s']:.1f} s)")
    print(f"ratio                {full.seconds / base['floor_s']:.2f}x floor")
    print(f"no-change rebuild    {same.seconds:.1f} s ({same.seconds / full.seconds:.0%} of full): "
          f"{same_stats[1]} written, {same_stats[2]} unchanged, {same_stats[3]} deleted")
    print(f"one order line       {rebuilt(one, ' (first rebuild after a full build: a new staging folder)')}")
    print(f"next order line      {rebuilt(again, ' (the retired output recycled as the staging folder)')}")
    print(f"one deal's stage     {rebuilt(stage)}")
    print(f"1 % of order lines   {rebuilt(percent, f' ({lines:,} lines)')}")
    print(f"peak memory          {max(r.peak_mib for r in runs):.0f} MiB PSS of the process tree "
          f"(full build {full.peak_mib:.0f} MiB; summed RSS {max(r.peak_rss_mib for r in runs):.0f} MiB)")


if __name__ == "__main__":
    main()
