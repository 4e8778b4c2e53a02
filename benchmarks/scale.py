"""Build time and memory against data size: one full build per scale, a table and a curve.

    python benchmarks/scale.py --customers 1000 10000 50000 200000 [--svg docs/performance-curve.svg]

Each scale is the demo data set (``sitegen demo-data --customers N --seed 7 --as-of 2026-06-30``,
generated once and cached under $SITEGEN_BENCH_DIR), built from scratch into an empty folder.
Prints customers, order lines, pages, output size, build time, seconds per 1,000 customers and
peak memory (PSS of the build's process tree). ``--svg`` also draws time against order lines.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import demo_data  # noqa: E402
from run import build  # noqa: E402

from sitegen.write import read_manifest  # noqa: E402


def lines(path: Path) -> int:
    with open(path, "rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b"")) - 1


def folder_bytes(folder: Path) -> int:
    """Bytes of the files the build's manifest lists (walking a quarter of a million files is slow)."""
    return sum(read_manifest(folder).values())


def measure(customers: int, jobs: int | None) -> dict[str, float]:
    source = demo_data(customers)
    site = source.parent / f"scale-{customers}"
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(source / "data", site / "data")
    run, stats, steps = build(site, jobs)
    figures = {"customers": customers, "order_lines": lines(site / "data" / "orders.csv"),
               "pages": stats[0] if stats else 0, "mib": folder_bytes(site / "output") / 2**20,
               "seconds": run.seconds, "peak_mib": run.peak_mib, "steps": steps}
    shutil.rmtree(site, ignore_errors=True)
    return figures


def svg(points: list[dict[str, float]]) -> str:
    """A small line chart of build seconds against order lines (no plotting library needed): the
    measured points, the straight line through the origin and the largest point (linear scaling),
    axis ticks, and the figures listed in the top left corner."""
    width, height, pad = 600, 340, 64
    max_x = max(p["order_lines"] for p in points) or 1
    max_y = max(p["seconds"] for p in points) or 1

    def x(v: float) -> float:
        return pad + (width - 2 * pad) * v / max_x

    def y(v: float) -> float:
        return height - pad - (height - 2 * pad) * v / max_y

    path = " ".join(f"{'M' if i == 0 else 'L'}{x(p['order_lines']):.1f},{y(p['seconds']):.1f}"
                    for i, p in enumerate(points))
    dots = "".join(f'<circle cx="{x(p["order_lines"]):.1f}" cy="{y(p["seconds"]):.1f}" r="4"/>' for p in points)
    ticks = "".join(
        f'<text x="{x(max_x * f):.1f}" y="{height - pad + 18}" text-anchor="middle">{max_x * f / 1e6:.1f}M</text>'
        f'<text x="{pad - 8}" y="{y(max_y * f) + 4:.1f}" text-anchor="end">{max_y * f:.0f}</text>'
        for f in (0, 0.25, 0.5, 0.75, 1))
    legend = "".join(
        f'<text x="{pad + 12}" y="{pad - 24 + 16 * i}">{p["customers"]:,} customers, {p["order_lines"]:,} lines: '
        f'{p["seconds"]:.0f} s</text>' for i, p in enumerate(points))
    last = points[-1]
    linear = (f'<path d="M{x(0):.1f},{y(0):.1f} L{x(max_x):.1f},{y(last["seconds"] * max_x / last["order_lines"]):.1f}" '
              'stroke="#999" stroke-dasharray="4 4" fill="none"/>') if last["order_lines"] else ""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" '
            f'font-size="12"><rect width="100%" height="100%" fill="#fff"/>'
            f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="#333"/>'
            f'<line x1="{pad}" y1="{pad - 40}" x2="{pad}" y2="{height - pad}" stroke="#333"/>{ticks}'
            f'<text x="{width / 2}" y="{height - 18}" text-anchor="middle">order lines (dashed: linear through '
            f'the largest point)</text>'
            f'<text x="16" y="{height / 2}" transform="rotate(-90 16 {height / 2})" text-anchor="middle">'
            f'full build, seconds</text>{linear}'
            f'<path d="{path}" stroke="#1f6feb" stroke-width="2" fill="none"/><g fill="#1f6feb">{dots}</g>'
            f'<g fill="#333">{legend}</g></svg>\n')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, nargs="+", default=[1000, 10000, 50000, 200000])
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--svg", type=Path, help="write the curve of time against order lines here")
    args = parser.parse_args()
    print(f"{'customers':>10} {'order lines':>12} {'pages':>8} {'output MiB':>11} {'time s':>8} "
          f"{'s per 1k cust.':>15} {'peak MiB':>9}  steps")
    points = []
    for customers in sorted(args.customers):
        p = measure(customers, args.jobs)
        points.append(p)
        print(f"{p['customers']:>10,} {p['order_lines']:>12,} {p['pages']:>8,} {p['mib']:>11,.0f} "
              f"{p['seconds']:>8.1f} {p['seconds'] / customers * 1000:>15.2f} {p['peak_mib']:>9,.0f}  {p['steps']}",
              flush=True)
    if args.svg:
        args.svg.write_text(svg(points), encoding="utf-8")
        print(f"curve written to {args.svg}")


if __name__ == "__main__":
    main()
