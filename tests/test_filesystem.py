"""The file system as a hostile place: pipes among the inputs, a full disk, a read-only output folder,
files a host needs beside the pages (CNAME, .nojekyll), and hand edits of the output."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from sitegen import write
from sitegen.build import build_site
from sitegen.cli import main
from sitegen.config import load_config
from sitegen.errors import ConfigError, OutputError
from sitegen.fingerprint import fingerprint
from sitegen.reporter import Reporter
from sitegen.scaffold import create_site

AS_OF = "2026-06-30"
ORDERS = "customer_id,order_date,amount,owner\n" + "".join(
    f"C{i},2026-0{1 + i % 6}-1{i % 9},{10 * (i + 1)},{['Alice', 'Bob'][i % 2]}\n" for i in range(8))
CUSTOMERS = "customer_id,name\n" + "".join(f"C{i},Customer {i}\n" for i in range(8))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def site(make_site) -> Path:
    return make_site({"orders.csv": ORDERS, "customers.csv": CUSTOMERS})


def build(site: Path, **options):
    return build_site(load_config(cwd=site), **{"as_of": AS_OF, "jobs": 1, "reporter": Reporter(), **options})


def cli(site: Path, monkeypatch: pytest.MonkeyPatch, *args: str):
    monkeypatch.chdir(site)
    return CliRunner().invoke(main, ["build", "--as-of", AS_OF, "--jobs", "1", *args])


def leftovers(site: Path) -> list[str]:
    return sorted(p.name for p in site.glob(".output.*") if p.name not in (".output.lock", ".output.cache"))


# --- inputs that are not regular files --------------------------------------------------------------

@pytest.mark.parametrize("command", ["check", "build"])
def test_a_named_pipe_as_input_is_an_error_not_a_hang(site: Path, command: str) -> None:
    (site / "data" / "customers.csv").unlink()
    os.mkfifo(site / "data" / "customers.csv")  # nothing ever writes to it: reading it would block forever
    proc = subprocess.run([sys.executable, "-m", "sitegen", command, "--as-of", AS_OF],
                          cwd=site, capture_output=True, text=True, timeout=120)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    assert "data/customers.csv: not a regular file (a named pipe)" in output
    assert "Traceback" not in output


# --- a full disk, a read-only folder ----------------------------------------------------------------

def disk_full_after(monkeypatch: pytest.MonkeyPatch, files: int, code: int = errno.ENOSPC) -> None:
    """Make the writer's low-level write fail with ``code`` once ``files`` files have been written."""
    real, count = write._write, [0]

    def failing(fd: int, data) -> int:
        count[0] += 1
        if count[0] > files:
            raise OSError(code, os.strerror(code))
        return real(fd, data)

    monkeypatch.setattr(write, "_write", failing)


@pytest.mark.parametrize("files", [0, 5])
def test_a_full_disk_keeps_the_previous_output_and_leaves_no_staging_folder(site: Path, files: int,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    build(site)
    (site / "data" / "orders.csv").write_text(ORDERS + "C1,2026-06-01,5,Alice\n", encoding="utf-8")
    build(site)  # a second build: the first output is retired to .output.previous
    assert leftovers(site) == [".output.previous"]
    before = snapshot(site / "output")
    (site / "data" / "orders.csv").write_text(ORDERS + "C1,2026-06-02,7,Bob\n", encoding="utf-8")
    disk_full_after(monkeypatch, files)
    with pytest.raises(OutputError, match="No space left on device") as failure:
        build(site)
    assert str(site / ".output.staging") in str(failure.value) and "the disk is full" in str(failure.value)
    assert snapshot(site / "output") == before
    assert leftovers(site) == []  # neither the staging folder nor the recycled tree keeps the disk full
    monkeypatch.undo()
    build(site)  # and the next build works
    assert snapshot(site / "output") != before


def test_a_full_disk_is_one_line_and_exit_1(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(site)
    before = snapshot(site / "output")
    (site / "data" / "orders.csv").write_text(ORDERS + "C1,2026-06-02,7,Bob\n", encoding="utf-8")
    disk_full_after(monkeypatch, 3)
    result = cli(site, monkeypatch)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: cannot write ") and "No space left on device" in lines[0]
    assert snapshot(site / "output") == before
    assert leftovers(site) == []


@pytest.mark.parametrize("code, reason", [(errno.EROFS, "Read-only file system"), (errno.EACCES, "Permission denied")])
def test_a_read_only_output_folder_is_one_line_and_exit_1(site: Path, monkeypatch: pytest.MonkeyPatch,
                                                          code: int, reason: str) -> None:
    """As root (CI), chmod stops no write: the refusal is simulated where the writer writes."""
    build(site)
    before = snapshot(site / "output")
    disk_full_after(monkeypatch, 0, code)
    result = cli(site, monkeypatch, "--force")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1 and reason in result.output
    assert snapshot(site / "output") == before and leftovers(site) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders; see the test above")
def test_a_read_only_parent_folder_is_one_line_and_exit_1(site: Path, monkeypatch: pytest.MonkeyPatch,
                                                          tmp_path: Path) -> None:
    parent = tmp_path / "locked"
    parent.mkdir()
    parent.chmod(0o555)
    try:
        result = cli(site, monkeypatch, "--out", str(parent / "out"))
    finally:
        parent.chmod(0o755)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "Permission denied" in result.output and len(result.output.strip().splitlines()) == 1


def test_an_output_folder_that_cannot_exist_is_one_line_and_exit_1(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (site / "afile").write_text("x")
    result = cli(site, monkeypatch, "--out", str(site / "afile" / "out"))  # its parent is a file
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.startswith(f"error: cannot prepare the output folder {site / 'afile'}: ")
    assert len(result.output.strip().splitlines()) == 1


# --- files a host needs: static/ -> output root -----------------------------------------------------

def test_static_files_are_copied_to_the_output_root_on_every_build(site: Path) -> None:
    static = site / "static"
    (static / ".well-known").mkdir(parents=True)
    (static / "CNAME").write_text("sales.example.com\n")
    (static / ".nojekyll").write_bytes(b"")
    (static / "robots.txt").write_text("User-agent: *\nDisallow: /\n")
    (static / ".well-known" / "security.txt").write_text("Contact: mailto:it@example.com\n")
    for _ in range(2):
        build(site, force=True)
        out = site / "output"
        assert (out / "CNAME").read_text() == "sales.example.com\n"
        assert (out / ".nojekyll").read_bytes() == b""
        assert (out / "robots.txt").read_text().startswith("User-agent")
        assert (out / ".well-known" / "security.txt").is_file()
        assert (out / "index.html").is_file()
    (static / "robots.txt").unlink()
    build(site)  # a change in static/ rebuilds: the file is gone, sitegen's own robots.txt is back (not [site] public)
    assert (site / "output" / "robots.txt").read_text().startswith("# sitegen") and (site / "output" / "CNAME").is_file()


def test_static_files_are_part_of_the_fingerprint(site: Path) -> None:
    as_of = pd.Timestamp(AS_OF)
    before = fingerprint(load_config(cwd=site), as_of)
    (site / "static").mkdir()
    (site / "static" / "CNAME").write_text("a.example.com\n")
    with_cname = fingerprint(load_config(cwd=site), as_of)
    (site / "static" / "CNAME").write_text("b.example.com\n")
    assert len({before, with_cname, fingerprint(load_config(cwd=site), as_of)}) == 3


@pytest.mark.parametrize("name", ["index.html", "customers", "assets/site.css", ".sitegen-manifest",
                                  "index.html/x.txt"])
def test_a_static_file_never_replaces_what_sitegen_writes(site: Path, name: str,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    build(site)
    before = snapshot(site / "output")
    path = site / "static" / name
    path.parent.mkdir(parents=True)
    path.write_text("mine")
    result = cli(site, monkeypatch)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"static/{name}" in result.output and "which sitegen writes" in result.output
    assert snapshot(site / "output") == before


@pytest.mark.parametrize("name", ["index.html", "customers", "assets/site.css", "assets/plotly.min.js"])
def test_check_finds_a_static_file_that_would_replace_what_sitegen_writes(site: Path, name: str,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """check plans the pages and assets, so it refuses the same clash as the build (exit 2)."""
    path = site / "static" / name
    path.parent.mkdir(parents=True)
    path.write_text("mine")
    monkeypatch.chdir(site)
    result = CliRunner().invoke(main, ["check", "--as-of", AS_OF])
    assert result.exit_code == 2, result.output
    assert f"static/{name}" in result.output and "which sitegen writes" in result.output
    assert not (site / "output").exists()


def test_a_named_pipe_in_static_is_an_error(site: Path) -> None:
    (site / "static").mkdir()
    os.mkfifo(site / "static" / "CNAME")
    with pytest.raises(ConfigError, match="not a regular file"):
        build(site)


def test_init_does_not_write_static_files(tmp_path: Path) -> None:
    """The GitHub workflow deploys with actions/deploy-pages, which runs no Jekyll: no .nojekyll needed;
    and GitLab's job builds into public/, so no site folder may be called that."""
    create_site(tmp_path / "new", customers=5)
    assert not (tmp_path / "new" / "static").exists() and not (tmp_path / "new" / "public").exists()
    workflow = (tmp_path / "new" / ".github" / "workflows" / "sitegen.yml").read_text()
    assert "actions/deploy-pages" in workflow and "--out public" in (tmp_path / "new" / ".gitlab-ci.yml").read_text()


# --- hand edits of the output -----------------------------------------------------------------------

def test_a_same_size_edit_of_a_page_is_repaired(site: Path) -> None:
    build(site)
    page = site / "output" / "index.html"
    original = page.read_bytes()
    edited = original.replace(b"<html", b"<HTML", 1)
    assert len(edited) == len(original) and edited != original
    page.write_bytes(edited)
    result = build(site)
    assert not result.reused
    assert page.read_bytes() == original


def test_a_touched_but_unchanged_output_is_still_reused(site: Path) -> None:
    build(site)
    page = site / "output" / "index.html"
    os.utime(page)  # newer than the manifest: read and compared by hash, found unchanged
    assert build(site).reused
