"""Write the site into a staging folder, then swap it with the output folder atomically.

Unchanged files are hard-linked from the previous output instead of rewritten, so a
rebuild writes only what changed, and the old output stays complete until the swap.
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
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

MANIFEST = ".sitegen-manifest"  # one "path<TAB>size" line per file of the output
RECORD = ".sitegen-build.json"  # what the build that wrote the output knew: fingerprint, pages, warnings


@dataclass
class WriteStats:
    written: int = 0
    skipped: int = 0
    deleted: int = 0


def safe_relpath(path: str) -> PurePosixPath:
    """A page path that cannot leave the output folder (no absolute paths, no ``..``)."""
    rel = PurePosixPath(path)
    parts = path.split("/")
    if rel.is_absolute() or any(part in ("..", ".", "") for part in parts) \
            or any(c in path for c in "\\\0\t\n\r"):
        raise ValueError(f"unsafe output path: {path!r}")
    return rel


class SiteWriter:
    """Collects files into ``<out>.staging``; :meth:`commit` swaps it in, :meth:`abort` removes it."""

    def __init__(self, out: Path):
        self.out = out.resolve()
        self.staging = self.out.with_name(f".{self.out.name}.staging")
        self.stats = WriteStats()
        self.paths: dict[str, int] = {}  # path -> size of every file staged so far
        self._lock_fd: int | None = None

    def __enter__(self) -> "SiteWriter":
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self._refuse_foreign_output()
        self._lock()
        shutil.rmtree(self.staging, ignore_errors=True)  # leftovers of a killed build
        self.staging.mkdir()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.abort()
        self._unlock()

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
        fd = os.open(self.out.with_name(f".{self.out.name}.lock"), os.O_RDWR | os.O_CREAT, 0o644)
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

    def write(self, path: str, data: bytes) -> None:
        """Stage one file; when the previous output has the same bytes, link to it instead."""
        rel = safe_relpath(path)
        key = rel.as_posix()
        if key in self.paths:
            raise ValueError(f"two pages want the same path: {key}")
        self.paths[key] = len(data)
        target = self.staging / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        old = self.out / rel
        try:
            if old.stat().st_size == len(data) and old.read_bytes() == data:
                os.link(old, target)
                self.stats.skipped += 1
                return
        except OSError:
            pass
        target.write_bytes(data)
        self.stats.written += 1

    def copy(self, path: str, source: Path) -> None:
        self.write(path, source.read_bytes())

    def commit(self, record: dict[str, Any] | None = None) -> WriteStats:
        """Write the manifest (and the build ``record``), then swap staging with the output in one step."""
        manifest = "".join(f"{path}\t{self.paths[path]}\n" for path in sorted(self.paths))
        (self.staging / MANIFEST).write_text(manifest, encoding="utf-8")
        if record is not None:
            (self.staging / RECORD).write_text(json.dumps(record, ensure_ascii=False, sort_keys=True),
                                               encoding="utf-8")
        self.stats.deleted = len(set(read_manifest(self.out)) - set(self.paths))
        if self.out.exists():
            _exchange(self.staging, self.out)
            shutil.rmtree(self.staging, ignore_errors=True)
        else:
            os.replace(self.staging, self.out)
        return self.stats

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


def read_manifest(out: Path) -> dict[str, int]:
    """Path -> size of every file the last build wrote into ``out`` (empty when there is none)."""
    try:
        text = (out / MANIFEST).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    files = {}
    for line in text.splitlines():
        path, _, size = line.partition("\t")
        if path:
            files[path] = int(size) if size.isdigit() else -1
    return files


def reusable_output(out: Path, fingerprint: str) -> dict[str, Any] | None:
    """The record of the build in ``out`` when it was made from the same inputs (``fingerprint``) and
    every file it listed is still there with its size; None when the output must be built."""
    try:
        record = json.loads((out / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("fingerprint") != fingerprint:
        return None
    files = read_manifest(out)
    if not files:
        return None
    for path, size in files.items():
        try:
            if os.stat(out / path).st_size != size:
                return None
        except OSError:
            return None
    return record


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
    os.replace(a, b)
    os.replace(backup, a)
