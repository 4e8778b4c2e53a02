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
    peak_mib: float
    output: str
    code: int


def demo_data(customers: int, seed: int = 7) -> Path:
    """The demo data set for a scale, generated once and cached."""
    folder = CACHE / f"c{customers}-s{seed}"
    if not (folder / "data" / "orders.csv").exists():
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "sitegen", "demo-data", "--out", str(folder / "data"),
                        "--customers", str(customers), "--seed", str(seed), "--as-of", AS_OF], check=True)
    return folder


def _tree_rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants, in KiB."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                total += next((int(line.split()[1]) for line in f if line.startswith("VmRSS:")), 0)
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    stack += [int(c) for c in f.read().split()]
        except (OSError, ValueError):
            continue
    return total


def timed(args: list[str], cwd: Path) -> Run:
    """Run a command, measuring wall time and the peak resident memory of its process tree."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = [0]

    def sample() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], _tree_rss_kib(proc.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = proc.communicate()
    seconds = time.perf_counter() - start
    sampler.join()
    return Run(seconds, peak[0] / 1024, output, proc.returncode)
