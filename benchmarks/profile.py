"""Where a build's time goes: every step in one process, each section's pages timed apart.

    python benchmarks/profile.py --customers 50000

Runs on one core (no render workers), so the figures add up: load, playbook, metrics, then per
section the time to build the page contexts and to render them, the number of pages and their
size. Writing is not included (see ``floor.py`` for what the disk costs).
"""

from __future__ import annotations

import argparse
import importlib
import resource
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import AS_OF, demo_data  # noqa: E402

from sitegen import pages as site_pages  # noqa: E402
from sitegen.config import load_config  # noqa: E402
from sitegen.dataset import load_dataset  # noqa: E402
from sitegen.metrics import as_of_date, compute_metrics  # noqa: E402
from sitegen.playbook import load_playbook  # noqa: E402
from sitegen.render import Renderer  # noqa: E402


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=50000)
    args = parser.parse_args()
    folder = demo_data(args.customers)
    root = folder.parent / f"profile-{args.customers}"
    if not (root / "data").is_dir():
        shutil.copytree(folder / "data", root / "data")
    config = load_config(cwd=root)

    start = time.perf_counter()
    dataset = load_dataset(config)
    print(f"load        {time.perf_counter() - start:6.2f} s   peak RSS {peak_mib():,.0f} MiB")
    start = time.perf_counter()
    playbook, _ = load_playbook(config)
    print(f"playbook    {time.perf_counter() - start:6.2f} s")
    start = time.perf_counter()
    metrics = compute_metrics(dataset, config, as_of_date(config, AS_OF))
    print(f"metrics     {time.perf_counter() - start:6.2f} s   peak RSS {peak_mib():,.0f} MiB")

    site = site_pages.Site(config=config, dataset=dataset, metrics=metrics, playbook=playbook)
    renderer = Renderer(config.site.language, config.site.currency, config.templates_dir)
    print(f"\n{'section':16}{'items':>8}{'prepare s':>11}{'context s':>11}{'render s':>10}{'KiB/item':>10}{'MiB':>8}")
    totals = [0, 0.0, 0.0, 0.0, 0]
    for name in site_pages.SECTIONS:
        module = importlib.import_module(f"sitegen.pages.{name}")
        start = time.perf_counter()
        items = list(module.pages(site))  # the section's shared work, and the item list
        prepare = time.perf_counter() - start
        context = render = 0.0
        size = 0
        for item in items:
            start = time.perf_counter()
            if isinstance(item, site_pages.Page):
                ctx = item.context
                made = time.perf_counter()
                data = renderer.render(item.template, ctx)
                context += made - start
                render += time.perf_counter() - made
            else:
                data = item.data
                context += time.perf_counter() - start
            size += len(data)
        kib = size / max(len(items), 1) / 1024
        print(f"{name:16}{len(items):8d}{prepare:11.2f}{context:11.2f}{render:10.2f}{kib:10.1f}{size / 2**20:8.1f}")
        for i, value in enumerate((len(items), prepare, context, render, size)):
            totals[i] += value
    print(f"{'total':16}{totals[0]:8d}{totals[1]:11.2f}{totals[2]:11.2f}{totals[3]:10.2f}{'':10}"
          f"{totals[4] / 2**20:8.1f}")
    print(f"\npeak RSS {peak_mib():,.0f} MiB")


if __name__ == "__main__":
    main()
