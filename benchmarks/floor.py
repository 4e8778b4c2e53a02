"""The machine's floor for a build: parse the same CSVs with pandas, then write the same number of
files with the same byte sizes. A build cannot be much faster than this.

    python benchmarks/floor.py DATA_DIR OUTPUT_DIR     # OUTPUT_DIR: a finished build to mirror
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd


def parse_seconds(data: Path) -> float:
    start = time.perf_counter()
    for path in sorted(data.glob("*.csv")):
        pd.read_csv(path, dtype=str, keep_default_na=False, engine="c")
    return time.perf_counter() - start


def write_seconds(output: Path) -> tuple[float, int, int]:
    """Write files of the same sizes into the same folder shapes; returns (seconds, files, bytes)."""
    sizes = [(p.relative_to(output), p.stat().st_size) for p in sorted(output.rglob("*")) if p.is_file()]
    with tempfile.TemporaryDirectory(dir=output.parent) as tmp:
        root = Path(tmp)
        start = time.perf_counter()
        for rel, size in sizes:
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(b"x" * size)
        seconds = time.perf_counter() - start
        shutil.rmtree(root / "customers", ignore_errors=True)
    return seconds, len(sizes), sum(s for _, s in sizes)


def floor(data: Path, output: Path) -> dict[str, float]:
    parse = parse_seconds(data)
    write, files, total = write_seconds(output)
    return {"parse_s": parse, "write_s": write, "floor_s": parse + write, "files": files, "bytes": total}


def main() -> None:
    figures = floor(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"floor: parse {figures['parse_s']:.2f} s + write {figures['write_s']:.2f} s "
          f"({figures['files']} files, {figures['bytes'] / 2**20:.0f} MiB) = {figures['floor_s']:.2f} s")


if __name__ == "__main__":
    main()
