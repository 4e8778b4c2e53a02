"""The writer: staging and atomic swap, skipping unchanged files, locks, safe paths."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sitegen.errors import BuildLocked, ForeignOutput
from sitegen.recycle import start_clone
from sitegen import write
from sitegen.write import MANIFEST, SiteWriter, WriteStats, read_manifest, safe_relpath


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
    assert {k: v for k, v in snapshot(out).items() if k != MANIFEST} == {"index.html": b"v2"}
    assert read_manifest(out) == {"index.html": 2}


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


def inodes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


def test_the_retired_output_is_recycled_by_the_next_build(tmp_path: Path) -> None:
    out, previous = tmp_path / "output", tmp_path / ".output.previous"
    v1 = {"index.html": b"1", "a/index.html": b"a", "b/index.html": b"b", "c/d/index.html": b"d"}
    build(out, v1)
    assert not previous.exists()  # nothing was retired: there was no output before
    v2 = {**v1, "a/index.html": b"a2"}
    build(out, v2)
    assert snapshot(previous) == {**v1, MANIFEST: snapshot(previous)[MANIFEST]}  # the retired first build
    kept = inodes(out)
    v3 = {"index.html": b"1", "a/index.html": b"a2", "b/index.html": b"b3", "e/index.html": b"e"}
    stats = build(out, v3)
    assert (stats.written, stats.skipped, stats.deleted) == (2, 2, 1)
    assert {k: v for k, v in snapshot(out).items() if k != MANIFEST} == v3
    assert inodes(out)["index.html"] == kept["index.html"] and inodes(out)["a/index.html"] == kept["a/index.html"]
    assert not (out / "c").exists()  # the folder of a page that is gone is removed too
    assert {k: v for k, v in snapshot(previous).items() if k != MANIFEST} == v2  # the retired output is intact
    assert not (tmp_path / ".output.staging").exists()


def test_nothing_in_a_recycled_tree_is_trusted(tmp_path: Path) -> None:
    out, previous = tmp_path / "output", tmp_path / ".output.previous"
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "index.html").write_bytes(b"not ours")
    build(out, {"index.html": b"1", "x/index.html": b"x", "y.html": b"y"})
    build(out, {"index.html": b"2", "x/index.html": b"x", "y.html": b"y"})
    # tamper with the retired tree: a file edited, a symbolic link out of the folder, things in the way
    (previous / "x" / "index.html").unlink()
    (previous / "x" / "index.html").write_bytes(b"tampered")
    (previous / "link").symlink_to(outside, target_is_directory=True)
    (previous / "z").write_bytes(b"a file where a folder is needed")
    (previous / "w.html").mkdir()
    (previous / "junk.txt").write_bytes(b"junk")
    site = {"index.html": b"2", "x/index.html": b"x", "y.html": b"y", "link/index.html": b"new",
            "z/index.html": b"z", "w.html": b"w"}
    build(out, site)
    assert {k: v for k, v in snapshot(out).items() if k != MANIFEST} == site
    assert not (out / "link").is_symlink()
    assert (outside / "index.html").read_bytes() == b"not ours"


def test_a_file_of_the_output_is_never_written_in_place(tmp_path: Path) -> None:
    out = tmp_path / "output"
    build(out, {"index.html": b"same", "a.html": b"1"})
    build(out, {"index.html": b"same", "a.html": b"2"})  # the retired tree now shares index.html with the output
    before = snapshot(out)
    with pytest.raises(RuntimeError):
        with SiteWriter(out) as w:
            w.write("index.html", b"changed")  # recycled file is the output's: must not be overwritten
            raise RuntimeError("render failed")
    assert snapshot(out) == before
    assert not (tmp_path / ".output.staging").exists()
    build(out, {"index.html": b"changed", "a.html": b"2"})
    assert snapshot(out)["index.html"] == b"changed"


def no_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make reading a file of the previous output fail the test."""
    def refuse(path: str) -> bytes:
        raise AssertionError(f"read {path}")

    monkeypatch.setattr(write, "_read", refuse)


def test_files_listed_in_the_manifest_are_compared_without_reading_them(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "output"
    build(out, {"index.html": b"same", "a.html": b"1"})
    no_reading(monkeypatch)
    stats = build(out, {"index.html": b"same", "a.html": b"2"})
    assert (stats.written, stats.skipped) == (1, 1)
    assert snapshot(out)["a.html"] == b"2"


@pytest.mark.parametrize("trust", [True, False])
def test_a_file_changed_after_the_manifest_is_compared_by_its_bytes(tmp_path: Path, trust: bool) -> None:
    out = tmp_path / "output"
    build(out, {"index.html": b"same"})
    (out / "index.html").unlink()
    (out / "index.html").write_bytes(b"edit")  # same size, newer than the manifest
    with SiteWriter(out, trust=trust) as w:
        w.write("index.html", b"same")
        stats = w.commit()
    assert (stats.written, stats.skipped) == (1, 0)
    assert snapshot(out)["index.html"] == b"same"


def keyed_build(out: Path, pages: dict[str, tuple[bytes, str]], trust: bool = True) -> tuple[set[str], WriteStats]:
    """Stage each page unrendered when the writer keeps it, else write it; returns the pages kept."""
    kept = set()
    with SiteWriter(out, trust=trust) as w:
        for path, (data, key) in pages.items():
            if w.keep(path, key):
                kept.add(path)
            else:
                w.write(path, data, key)
        return kept, w.commit()


def test_a_page_whose_key_did_not_change_is_kept_without_rendering(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "output"
    k1, k2, k3 = "1" * 40, "2" * 40, "3" * 40
    keyed_build(out, {"index.html": (b"home", k1), "a/index.html": (b"a", k2)})
    no_reading(monkeypatch)
    kept, stats = keyed_build(out, {"index.html": (b"home", k1), "a/index.html": (b"a2", k3)})
    assert kept == {"index.html"} and (stats.written, stats.skipped) == (1, 1)
    monkeypatch.undo()
    assert {k: v for k, v in snapshot(out).items() if k != MANIFEST} == {"index.html": b"home", "a/index.html": b"a2"}
    assert keyed_build(out, {"index.html": (b"home", k1), "a/index.html": (b"a2", k3)})[0] == {"index.html",
                                                                                              "a/index.html"}
    # --force, a page edited by hand (same size), a damaged or missing store of keys: rendered again
    assert keyed_build(out, {"index.html": (b"home", k1)}, trust=False)[0] == set()
    keyed_build(out, {"index.html": (b"home", k1)})
    (out / "index.html").unlink()
    (out / "index.html").write_bytes(b"HOME")
    assert keyed_build(out, {"index.html": (b"home", k1)})[0] == set()
    assert snapshot(out)["index.html"] == b"home"
    cache = tmp_path / ".output.cache" / "pages"
    for damage in (lambda: cache.write_text(cache.read_text().replace("1" * 40, "4" * 40)),
                   lambda: cache.write_text(cache.read_text()[:-1]), cache.unlink):
        keyed_build(out, {"index.html": (b"home", k1)})
        damage()
        assert keyed_build(out, {"index.html": (b"home", k1)})[0] == set()
        assert snapshot(out)["index.html"] == b"home"


def test_the_first_rebuild_stages_into_a_clone_of_the_output(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "output"
    site = {"index.html": b"1", "a/index.html": b"a", "b/c/index.html": b"c"}
    build(out, site)  # a full build into an empty folder: nothing retired to recycle
    staging, previous, _, cache = write.beside(out)
    clone = start_clone(out, staging, previous, cache)
    assert clone is not None

    def refuse(folder: str) -> None:
        raise AssertionError(f"created {folder}")

    monkeypatch.setattr(write, "_make_folder", refuse)  # every folder is in the clone already
    with SiteWriter(out, clone=clone) as w:
        for path, data in {**site, "b/c/index.html": b"c2"}.items():
            w.write(path, data)
        stats = w.commit()
    assert (stats.written, stats.skipped) == (1, 2)
    assert {k: v for k, v in snapshot(out).items() if k != MANIFEST} == {**site, "b/c/index.html": b"c2"}
    assert {k: v for k, v in snapshot(previous).items() if k != MANIFEST} == site  # the retired output
    assert not list(cache.glob("clone-*"))
    assert start_clone(out, staging, previous, cache) is None  # a retired output is there to recycle


def test_a_clone_not_taken_is_deleted(tmp_path: Path) -> None:
    out = tmp_path / "output"
    build(out, {"index.html": b"1", "a/index.html": b"a"})
    staging, previous, _, cache = write.beside(out)
    (cache / "clone-999999999").mkdir(parents=True)  # left by a killed build
    clone = start_clone(out, staging, previous, cache)
    assert clone is not None and not (cache / "clone-999999999").exists()
    pid = clone.pid
    clone.discard()
    assert not list(cache.glob("clone-*"))
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # the child was reaped
