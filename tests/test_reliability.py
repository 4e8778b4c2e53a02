"""Failed and killed builds change nothing; concurrent builds are refused; output is deterministic."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

AS_OF = "2026-06-30"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def start_build(site: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "sitegen", "build", "--as-of", AS_OF, *extra], cwd=site,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@pytest.fixture(scope="module")
def kill_site(demo_site: Path, tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("killsite")
    shutil.copytree(demo_site / "data", site / "data")
    assert start_build(site).wait(timeout=300) == 0
    return site


@pytest.mark.parametrize("delay", [0.2, 0.8, 1.6, 2.5, 4.0])
def test_sigkill_at_any_moment_leaves_a_complete_output(kill_site: Path, delay: float) -> None:
    """Kill a build that changes every page; the output is then wholly the old or wholly the new site."""
    before = snapshot(kill_site / "output")
    (kill_site / "sitegen.toml").write_text(f'[site]\ntitle = "Killed at {delay}"\n', encoding="utf-8")
    proc = start_build(kill_site)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    after = snapshot(kill_site / "output")
    assert start_build(kill_site).wait(timeout=300) == 0  # also cleans up what the killed build left
    complete_new = snapshot(kill_site / "output")
    assert after == before or after == complete_new, "output is a mix of two builds or incomplete"
    assert not list(kill_site.glob(".output.staging*"))


def test_concurrent_build_is_refused_and_output_intact(demo_site: Path, tmp_path: Path) -> None:
    shutil.copytree(demo_site / "data", tmp_path / "data")
    assert start_build(tmp_path).wait(timeout=300) == 0
    first = start_build(tmp_path)
    deadline = time.time() + 30
    while not (tmp_path / ".output.staging").exists() and time.time() < deadline and first.poll() is None:
        time.sleep(0.02)
    second = start_build(tmp_path)
    out, _ = second.communicate(timeout=120)
    assert first.wait(timeout=300) == 0
    if (tmp_path / ".output.staging").exists() or first.returncode is None:
        pytest.fail("first build did not finish")
    assert second.returncode in (0, 1)
    if second.returncode == 1:
        assert "another build is writing" in out
    assert "Traceback" not in out
    code = start_build(tmp_path).wait(timeout=300)
    assert code == 0
