"""Write the site into a staging folder, then swap it with the output folder atomically.

Unchanged files are hard-linked from the previous output instead of rewritten, so a
rebuild writes only what changed, and the old output stays complete until the swap.
The retired output is kept beside it and recycled as the next staging folder, so a
rebuild neither recreates nor deletes the tens of thousands of files that did not change.
A lock file keeps two builds from writing the same output at once.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import fcntl
import json
import os
import shutil
import stat as stat_
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Collection, Mapping

from sitegen.errors import ConfigError, ConfigProblem, OutputError
from sitegen.manifest import (MANIFEST, RECORD, Entry, _digest, _read, read_manifest,  # noqa: F401 (re-exported)
                              read_manifest_entries, reusable_output)



@dataclass
class WriteStats:
    written: int = 0
    skipped: int = 0
    deleted: int = 0


AUDIENCE_ROOT = ".sitegen-audiences"  # marks an output folder that holds one site per audience (--all-audiences)
BESIDE = ("staging", "previous", "lock", "cache")  # what a build keeps beside its output: .<output>.<kind>


def beside(out: Path) -> tuple[Path, Path, Path, Path]:
    """What a build keeps beside the output folder: (the staging folder, the retired output kept for
    recycling, the lock file, the cache folder of parsed tables and page keys). An audience's site in an
    ``--all-audiences`` folder keeps them beside that folder, not in it: what is served to the audiences
    holds their sites only (the cache has every row of every table, the retired output an earlier site)."""
    if (out.parent / AUDIENCE_ROOT).is_file():
        base, prefix = out.parent.parent, f".{out.parent.name}.{out.name}"
    else:
        base, prefix = out.parent, f".{out.name}"
    return tuple(base / f"{prefix}.{kind}" for kind in BESIDE)  # type: ignore


def safe_relpath(path: str) -> str:
    """``path`` when it is a safe relative path: no empty, ``.`` or ``..`` part (so not absolute either),
    no backslash, NUL or line break; else ValueError."""
    if any(part in ("..", ".", "") for part in path.split("/")) or any(c in path for c in "\\\0\t\n\r"):
        raise ValueError(f"unsafe output path: {path!r}")
    return path


def refuse_clashes(root_files: Mapping[str, str], paths: Collection[str]) -> None:
    """Raise :class:`ConfigError` when one of the site's root files (output path -> name shown) would
    replace a file sitegen writes (one of ``paths``, the manifest, the build record) or stand where a
    folder of them is."""
    folders = {path[:i] for path in paths for i, c in enumerate(path) if c == "/"}
    for key, shown in sorted(root_files.items()):
        parents = [key[:i] for i, c in enumerate(key) if c == "/"]
        clash = next((p for p in (key, *parents) if p in paths or p in (MANIFEST, RECORD)), None)
        if clash is None and key in folders:
            clash = f"{key}/"
        if clash is not None:
            raise ConfigError([ConfigProblem(shown, "(file)", f"would replace {clash}, which sitegen writes",
                                             "rename or remove it")])


class SiteWriter:
    """Collects files into ``.<out>.staging``; :meth:`commit` swaps it in, :meth:`abort` drops it.

    The tree a swap retires (the previous output) is kept as ``.<out>.previous`` and becomes the
    next build's staging folder: a page whose bytes did not change is then usually already there,
    as a hard link to the same file of the output, and costs one ``stat``; changed pages replace
    their file, and files no page wrote any more are removed before the swap. Nothing in the
    recycled tree is trusted: a file counts as unchanged only when it *is* the output's file (same
    inode) and the output's bytes equal the new bytes. A staging file is never written in place
    (it may be the output's file): it is unlinked and created anew.

    A file-system failure (a full disk, a read-only folder) is an :class:`OutputError` naming the path
    and the reason; the staging folder is then deleted, and the output stays as it was.
    """

    def __init__(self, out: Path, trust: bool = True, clone: Any = None):
        self.out = out.resolve()
        self._clone = clone  # a recycle.Clone: the output's tree linked in the background, when nothing is retired
        self.staging, self.previous, self._lock_path, self.cache = beside(self.out)
        self.stats = WriteStats()
        self.paths: dict[str, Entry] = {}  # path -> manifest entry of every file staged so far
        self.keys: dict[str, str] = {}     # path -> page key of every page staged so far (fingerprint.page_key)
        self._trust = trust  # False (--force): compare every file's bytes, keep no page unrendered
        self._old: dict[str, Entry] = {}  # the output's manifest
        self._old_keys: dict[str, str] = {}  # the key each page of the output was rendered from
        self._listed_ns = 0  # when the output's manifest was written: a file changed later is not trusted
        self._root_files: dict[str, tuple[Path, str]] = {}  # path -> (source, its name in messages)
        self._lock_fd: int | None = None
        self._folders: set[str] = set()  # staging folders known to exist
        self._existing: dict[str, int] = {}  # path -> inode of the files of a recycled staging tree
        self._compare = False  # whether there is a previous output to compare with

    def __enter__(self) -> "SiteWriter":
        try:
            self.out.parent.mkdir(parents=True, exist_ok=True)
            self._refuse_foreign_output()
            self._lock()
            self._prepare_staging()
            self._compare = self.out.is_dir()
            if self._compare and self._trust:
                self._read_previous()
        except OSError as exc:
            if self._lock_fd is not None:  # the staging folders are ours to delete
                _remove(self.staging)
                self._unlock()
            raise _failure("prepare the output folder", self.out, exc) from None
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.abort(discard=isinstance(exc, OutputError))
        self._unlock()

    def _prepare_staging(self) -> None:
        """Recycle the previous tree (or a killed build's staging folder) as the staging folder, else the
        clone of the output made in the background, else start an empty one; list what the tree holds."""
        recycle = self.previous if _plain_dir(self.previous) else self.staging if _plain_dir(self.staging) else None
        for leftover in (self.staging, self.previous):
            if leftover != recycle:
                _remove(leftover)
        tree = self._clone.finish() if recycle is None and self._clone is not None else None
        if tree is not None:
            os.replace(tree, self.staging)
        elif recycle is None:
            self.staging.mkdir()
        elif recycle != self.staging:
            os.replace(recycle, self.staging)
        self._folders, self._existing = _scan(str(self.staging))

    def _read_previous(self) -> None:
        """The output's manifest and page keys: a file listed with its hash need not be read to be compared,
        and a page whose key did not change need not be rendered, unless modified after the manifest."""
        from sitegen.fingerprint import read_page_keys
        try:
            manifest = (self.out / MANIFEST).read_bytes()
            self._listed_ns = os.stat(self.out / MANIFEST).st_mtime_ns
        except OSError:
            return
        self._old = read_manifest_entries(self.out)
        self._old_keys = read_page_keys(self.cache, manifest)

    def _intact(self, key: str) -> tuple[Entry, os.stat_result] | None:
        """The output's file ``key`` as its manifest lists it (and its ``stat``) when it is a regular file
        of that size not modified since the manifest was written; else None."""
        entry = self._old.get(key)
        if entry is None or not entry[1]:
            return None
        try:
            stat = os.stat(f"{self.out}/{key}")
        except OSError:
            return None
        if stat.st_size != entry[0] or stat.st_mtime_ns > self._listed_ns or not stat_.S_ISREG(stat.st_mode):
            return None
        return entry, stat

    def keep(self, path: str, key: str) -> bool:
        """Stage the output's page ``path`` as it is, without rendering it, when it was rendered from the
        same ``key`` (fingerprint.page_key) and is intact; False when it must be rendered."""
        if self._old_keys.get(path) != key:
            return False
        found = self._intact(path)
        if found is None or path in self.paths:
            return False
        target = f"{self.staging}/{safe_relpath(path)}"
        try:
            self._link(path, target, found[1].st_ino)
        except OSError as exc:
            raise _failure("write", target, exc) from None
        self.paths[path] = found[0]
        self.keys[path] = key
        self.stats.skipped += 1
        return True

    def _link(self, key: str, target: str, inode: int) -> None:
        """Make ``target`` the output's file ``key`` (inode ``inode``) unless it already is."""
        folder = target.rpartition("/")[0]
        if folder not in self._folders:
            _make_folder(folder)
            self._folders.add(folder)
        present = self._existing.get(key)
        if present != inode:
            if present is not None:
                _unlink(target)
            os.link(f"{self.out}/{key}", target)

    def _refuse_foreign_output(self) -> None:
        """Never swap away a non-empty folder that sitegen did not write (it would be deleted)."""
        from sitegen.errors import ForeignOutput
        if self.out.is_dir() and any(self.out.iterdir()) and not (self.out / MANIFEST).is_file():
            raise ForeignOutput(f"{self.out} is not empty and was not written by sitegen; "
                                "choose another --out or empty it first")
        if self.out.exists() and not self.out.is_dir():
            raise ForeignOutput(f"{self.out} is a file, not a folder")

    def _lock(self) -> None:
        from sitegen.errors import BuildLocked
        fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o644)  # an OSError here: no access
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise BuildLocked(f"another build is writing to {self.out}; wait for it to finish") from None
        self._lock_fd = fd

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def write(self, path: str, data: bytes, page_key: str | None = None) -> None:
        """Stage one file; when the previous output has the same bytes, link to it instead. ``page_key``:
        what the page was rendered from, kept for the next build (:meth:`keep`).

        Called tens of thousands of times per build: plain ``os`` calls on strings, and each
        staging folder is created once."""
        key = safe_relpath(path)
        if key in self.paths:
            raise ValueError(f"two pages want the same path: {key}")
        target = f"{self.staging}/{key}"
        try:
            self.paths[key] = self._stage(key, target, data)
        except OSError as exc:
            raise _failure("write", target, exc) from None
        if page_key is not None:
            self.keys[key] = page_key

    def _stage(self, key: str, target: str, data: bytes) -> Entry:
        """Put ``data`` at ``target`` (a link to the output's file when that has the same bytes); the
        file's manifest entry. A file the manifest lists with its hash is compared without reading it."""
        entry = len(data), _digest(data)
        if self._compare:
            try:
                found = self._intact(key)
                if found is not None:
                    same, stat = found[0] == entry, found[1]
                else:
                    old = f"{self.out}/{key}"
                    stat = os.stat(old)
                    same = stat.st_size == len(data) and _read(old) == data
                if same:
                    self._link(key, target, stat.st_ino)
                    self.stats.skipped += 1
                    return entry
            except OSError:
                pass
        folder = target.rpartition("/")[0]
        if folder not in self._folders:
            _make_folder(folder)
            self._folders.add(folder)
        if self._existing.get(key) is not None:
            _unlink(target)  # never write into it: it may be the output's file
        _create(target, data)
        self.stats.written += 1
        return entry

    def copy(self, path: str, source: Path) -> None:
        self.write(path, source.read_bytes())

    def add_root_file(self, path: str, source: Path, shown: str) -> None:
        """Copy ``source`` (a file the site provides, such as ``CNAME``) to ``path`` when the build is
        committed, after every page: a file that would replace a page, or stand where a folder of pages
        is, is a :class:`ConfigError` naming ``shown``."""
        self._root_files[safe_relpath(path)] = (source, shown)

    def commit(self, record: dict[str, Any] | None = None) -> WriteStats:
        """Copy the site's root files, remove what no page wrote, write the manifest (and the build
        ``record``), then swap staging with the output in one step; the retired output is kept for
        the next build."""
        self._write_root_files()
        try:
            self._remove_stale()
            manifest = "".join(f"{path}\t{size}\t{digest}\n"
                               for path, (size, digest) in sorted(self.paths.items())).encode("utf-8")
            _replace_file(self.staging / MANIFEST, manifest)
            if record is not None:
                _replace_file(self.staging / RECORD,
                              json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8"))
            self.stats.deleted = len(set(read_manifest(self.out)) - set(self.paths))
            fresh = not self.out.exists()
            if fresh:
                os.replace(self.staging, self.out)
            else:
                _exchange(self.staging, self.out)
        except OSError as exc:
            raise _failure("write", self.staging, exc) from None
        from sitegen.fingerprint import write_page_keys
        write_page_keys(self.cache, manifest, {p: k for p, k in self.keys.items() if p in self.paths})
        if not fresh:
            try:  # the new output is in place: keep the old one for recycling if it can be moved
                os.replace(self.staging, self.previous)
            except OSError:
                _remove(self.staging)
        return self.stats

    def _write_root_files(self) -> None:
        """Stage the site's root files, refusing any that would replace what sitegen writes."""
        if not self._root_files:
            return
        refuse_clashes({key: shown for key, (_, shown) in self._root_files.items()}, self.paths)
        for key, (source, shown) in sorted(self._root_files.items()):
            try:
                data = source.read_bytes()
            except OSError as exc:
                raise _failure("read", source, exc) from None
            self.write(key, data)

    def abort(self, discard: bool = False) -> None:
        """Drop the staging folder; what it holds is kept for the next build to recycle, unless
        ``discard`` (after a failed write: the disk may be full), when it is deleted."""
        _remove(self.previous)
        if discard:
            _remove(self.staging)
            return
        try:
            os.replace(self.staging, self.previous)
        except OSError:
            _remove(self.staging)

    def _remove_stale(self) -> None:
        """Delete the recycled files no page wrote this time, then the folders left empty."""
        stale = [key for key in self._existing if key not in self.paths and key not in (MANIFEST, RECORD)]
        folders = set()
        for key in stale:
            path = f"{self.staging}/{key}"
            if os.path.isfile(path) and not os.path.islink(path):  # else a page's folder replaced it
                os.unlink(path)
            folders.add(key.rpartition("/")[0])
        for folder in sorted(folders, key=lambda f: -f.count("/")):
            while folder:
                try:
                    os.rmdir(f"{self.staging}/{folder}")
                except OSError:  # not empty
                    break
                folder = folder.rpartition("/")[0]


def _plain_dir(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink()


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:  # removed with a recycled folder that stood where a file is now
        pass


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path, ignore_errors=True)


def _scan(root: str) -> tuple[set[str], dict[str, int]]:
    """Folders and files (path -> inode) under ``root``; anything else (symbolic links, devices)
    is removed so that no write can follow it out of the folder."""
    folders, files = {root}, {}
    stack = [(root, "")]
    while stack:
        folder, prefix = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                rel = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    folders.add(entry.path)
                    stack.append((entry.path, rel + "/"))
                elif entry.is_file(follow_symlinks=False):
                    files[rel] = entry.inode()
                else:
                    os.unlink(entry.path)
    return folders, files


def _make_folder(folder: str) -> None:
    """Create a staging folder; a recycled file in the way of it (an old page where a folder is now
    needed) is removed."""
    try:
        os.makedirs(folder, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        parts = folder.split("/")
        for i in range(2, len(parts) + 1):
            prefix = "/".join(parts[:i])
            if os.path.lexists(prefix) and not os.path.isdir(prefix):
                _unlink(prefix)  # (another worker may have removed it already)
                break
        os.makedirs(folder, exist_ok=True)


def _create(target: str, data: bytes) -> None:
    """Write a new file (never an existing one: ``O_EXCL``); a recycled folder in its place is removed."""
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except (FileExistsError, IsADirectoryError):
        _remove(Path(target))
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[_write(fd, view):]
    finally:
        os.close(fd)


_write = os.write  # the one call that puts bytes on disk (tests replace it to simulate a full disk)


def _replace_file(path: Path, data: bytes) -> None:
    _remove(path)
    _create(str(path), data)


_HINTS = {
    errno.ENOSPC: "the disk is full: free some space",
    errno.EDQUOT: "the disk quota is used up: free some space",
    errno.EROFS: "the file system is read-only: choose another --out",
    errno.EACCES: "no permission: choose another --out or fix the folder's permissions",
    errno.EPERM: "no permission: choose another --out or fix the folder's permissions",
}


def _failure(action: str, path: str | Path, exc: OSError) -> OutputError:
    """One line for a failed file-system call: what failed, on which path, the system's reason."""
    where = exc.filename if exc.filename else path
    hint = _HINTS.get(exc.errno or 0, "check the output folder")
    return OutputError(f"cannot {action} {where}: {exc.strerror or exc} ({hint}; the previous output is unchanged)")


def _exchange(a: Path, b: Path) -> None:
    """Swap two directories atomically (Linux renameat2 RENAME_EXCHANGE), else as fast as possible."""
    libc_name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(libc_name, use_errno=True) if libc_name else None
    fn = getattr(libc, "renameat2", None) if libc else None
    if fn is not None:
        at_fdcwd, rename_exchange = -100, 2
        if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
            return
        if ctypes.get_errno() not in (errno.EINVAL, errno.ENOSYS, errno.EXDEV):
            raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()), str(b))
    backup = b.with_name(b.name + ".previous")
    shutil.rmtree(backup, ignore_errors=True)
    os.replace(b, backup)
    try:
        os.replace(a, b)
    except OSError:
        os.replace(backup, b)  # put the output back
        raise
    os.replace(backup, a)
