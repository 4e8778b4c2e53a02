"""The list of an output's files (``.sitegen-manifest``) and the record of the build that wrote it.

The manifest lists every file with its size and SHA-1 (of the bytes the build had in memory); the record
(``.sitegen-build.json``) what the build knew: its fingerprint, pages and warnings. A build reads both to
find an output still up to date (:func:`reusable_output`) and to compare new files without reading the old.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat as stat_
from pathlib import Path
from typing import Any

MANIFEST = ".sitegen-manifest"  # one "path<TAB>size<TAB>sha1" line per file of the output
RECORD = ".sitegen-build.json"  # what the build that wrote the output knew: fingerprint, pages, warnings

Entry = tuple[int, str]  # a manifest line: size and SHA-1 of a file


def _digest(data: bytes) -> str:
    """The content hash of the manifest: SHA-1, the fastest in hashlib (1.5 GB/s), not for security."""
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


def _read(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def read_manifest(out: Path) -> dict[str, int]:
    """Path -> size of every file the last build wrote into ``out`` (empty when there is none)."""
    return {path: size for path, (size, _) in read_manifest_entries(out).items()}


def read_manifest_entries(out: Path) -> dict[str, Entry]:
    """Path -> (size, SHA-1) of every file the last build wrote into ``out``; a line of an older sitegen
    (path and size only) has no hash."""
    try:
        text = (out / MANIFEST).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    files = {}
    for line in text.splitlines():
        path, _, rest = line.partition("\t")
        if path:
            size, _, digest = rest.partition("\t")
            files[path] = (int(size) if size.isdigit() else -1, digest)
    return files


def reusable_output(out: Path, fingerprint: str) -> dict[str, Any] | None:
    """The record of the build in ``out`` when it was made from the same inputs (``fingerprint``) and
    every file it listed is still there as written; None when the output must be built.

    Every file is written before the manifest, so a file modified after it (an edit, even one that keeps
    the size) is newer than the manifest: only such files are read and compared by hash, not the tens
    of thousands nobody touched. (Modification times, unlike inodes, survive a CI cache's tar archive.)"""
    try:
        record = json.loads((out / RECORD).read_text(encoding="utf-8"))
        written = os.stat(out / MANIFEST).st_mtime_ns
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("fingerprint") != fingerprint:
        return None
    files = read_manifest_entries(out)
    if not files:
        return None
    for path, (size, digest) in files.items():
        name = f"{out}/{path}"
        try:
            stat = os.stat(name)
            if stat.st_size != size or not stat_.S_ISREG(stat.st_mode):
                return None
            if stat.st_mtime_ns > written and (not digest or _digest(_read(name)) != digest):
                return None
        except OSError:
            return None
    return record
