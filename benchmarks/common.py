"""Helpers for the benchmark scripts: cached demo data, timed subprocesses with peak memory."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

CACHE = Path(os.environ.get("SITEGEN_BENCH_DIR", "/tmp/sitegen-bench"))
AS_OF = "2026-06-30"


@dataclass
class Run:
    seconds: float
    peak_mib: float  # peak PSS of the process tree
    output: str
    code: int
    peak_rss_mib: float = 0.0  # peak of the summed RSS (counts shared pages once per process)


def demo_data(customers: int, seed: int = 7) -> Path:
    """The demo data set for a scale, generated once and cached."""
    folder = CACHE / f"c{customers}-s{seed}"
    if not (folder / "data" / "orders.csv").exists():
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "sitegen", "demo-data", "--out", str(folder / "data"),
                        "--customers", str(customers), "--seed", str(seed), "--as-of", AS_OF], check=True)
    return folder


SETTLE = float(os.environ.get("SITEGEN_BENCH_SETTLE", "180"))  # most seconds to wait for a quiet disk


def settle(limit: float = SETTLE) -> float:
    """Wait until the disk is quiet: dirty pages written back and no process stalled on I/O.

    Deleting a large tree keeps this machine's disk busy (and file creation slow) for a while after
    ``rm`` returns; every timed step, builds and floor alike, starts from a quiet disk. Returns the
    seconds waited (Linux only; elsewhere just ``sync``). On a machine other jobs keep busy the disk never
    gets quiet: ``SITEGEN_BENCH_SETTLE=20`` waits at most 20 s per step (the ratios still compare).
    """
    start = time.perf_counter()
    os.sync()
    while time.perf_counter() - start < limit:
        try:
            pressure = Path("/proc/pressure/io").read_text().split()[1]  # "avg10=0.12" of the "some" line
            meminfo = Path("/proc/meminfo").read_text()
        except OSError:
            break
        pending = sum(int(line.split()[1]) for line in meminfo.splitlines()
                      if line.startswith(("Dirty:", "Writeback:")))
        if float(pressure.split("=")[1]) < 0.5 and pending < 16 * 1024:
            break
        time.sleep(1)
        os.sync()
    return time.perf_counter() - start


def _tree_memory_kib(pid: int) -> tuple[int, int]:
    """(PSS, RSS) of a process and all its descendants, in KiB.

    PSS (proportional set size) is the honest total for forked render workers: a page that
    parent and workers still share is counted once, split between them, while the sum of
    RSS counts it once per process. Both are reported; the targets are checked against PSS.
    """
    pss = rss = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1])
                    elif line.startswith("Rss:"):
                        rss += int(line.split()[1])
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    stack += [int(c) for c in f.read().split()]
        except (OSError, ValueError):
            continue
    return pss, rss


def timed(args: list[str], cwd: Path) -> Run:
    """Run a command, measuring wall time and the peak resident memory of its process tree."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = [0, 0]

    def sample() -> None:
        while proc.poll() is None:
            pss, rss = _tree_memory_kib(proc.pid)
            peak[0], peak[1] = max(peak[0], pss), max(peak[1], rss)
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = proc.communicate()
    seconds = time.perf_counter() - start
    sampler.join()
    return Run(seconds, peak[0] / 1024, output, proc.returncode, peak[1] / 1024)
