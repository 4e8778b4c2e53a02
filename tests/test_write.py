"""The writer: staging and atomic swap, skipping unchanged files, locks, safe paths."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sitegen.errors import BuildLocked, ForeignOutput
from sitegen.write import MANIFEST, SiteWriter, safe_relpath


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def build(out: Path, files: dict[str, bytes]):
    with SiteWriter(out) as w:
        for path, data in files.items():
            w.write(path, data)
        return w.commit()


def test_first_build_then_unchanged_files_are_linked(tmp_path: Path) -> None:
    out = tmp_path / "output"
    stats = build(out, {"index.html": b"a", "x/index.html": b"b"})
    assert (stats.written, stats.skipped, stats.deleted) == (2, 0, 0)
    inode = (out / "index.html").stat().st_ino
    stats = build(out, {"index.html": b"a", "x/index.html": b"changed"})
    assert (stats.written, stats.skipped, stats.deleted) == (1, 1, 0)
    assert (out / "index.html").stat().st_ino == inode
    assert (out / "x/index.html").read_bytes() == b"changed"
    stats = build(out, {"index.html": b"a"})
    assert stats.deleted == 1 and not (out / "x").exists()
    assert not list(tmp_path.glob(".output.staging*"))


def test_failed_build_leaves_previous_output_byte_for_byte(tmp_path: Path) -> None:
    out = tmp_path / "output"
    build(out, {"index.html": b"old", "a/index.html": b"old a"})
    before = snapshot(out)
    with pytest.raises(RuntimeError):
        with SiteWriter(out) as w:
            w.write("index.html", b"new")
            raise RuntimeError("render failed")
    assert snapshot(out) == before
    assert not (tmp_path / ".output.staging").exists()


def test_leftover_staging_from_a_killed_build_is_ignored(tmp_path: Path) -> None:
    out = tmp_path / "output"
    build(out, {"index.html": b"v1"})
    (tmp_path / ".output.staging").mkdir()
    (tmp_path / ".output.staging" / "junk").write_text("x")
    build(out, {"index.html": b"v2"})
    assert snapshot(out) == {"index.html": b"v2", MANIFEST: b"index.html\t2\n"}


def test_concurrent_build_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "output"
    with SiteWriter(out):
        with pytest.raises(BuildLocked):
            SiteWriter(out).__enter__()


def test_foreign_output_folder_is_never_replaced(tmp_path: Path) -> None:
    out = tmp_path / "home"
    out.mkdir()
    (out / "precious.txt").write_text("keep")
    with pytest.raises(ForeignOutput):
        build(out, {"index.html": b"x"})
    assert (out / "precious.txt").read_text() == "keep"


@pytest.mark.parametrize("bad", ["../x.html", "/etc/passwd", "a/../../b", "a//b", "a\\b", ""])
def test_paths_cannot_leave_the_output(bad: str) -> None:
    with pytest.raises(ValueError):
        safe_relpath(bad)


def test_duplicate_path_is_an_error(tmp_path: Path) -> None:
    with SiteWriter(tmp_path / "o") as w:
        w.write("a.html", b"1")
        with pytest.raises(ValueError, match="same path"):
            w.write("a.html", b"2")
        w.abort()
    assert os.path.exists(tmp_path / "o") is False
