"""A build's fingerprint: one hash of everything its output depends on.

When the fingerprint of a new build equals the one recorded with the output, and the
output still holds every file it listed, the build has nothing to do: same input and
as-of date give byte-identical output (DESIGN: deterministic). That makes a rebuild after
a data commit that did not change the data, or a second CI run, take about a second.

What goes in: the resolved configuration and as-of date, the bytes of every input table (a workbook's file;
for a database the SQLite or DuckDB file with its journal, or the rows a server returns: see ``_add_table``),
of the site's templates, playbook and ``static/`` files (copied to the output root), of
sitegen's own code, default templates and playbook, and the versions of the libraries
that shape the output. Hashing reads the files (BLAKE2b, about 1 GB/s), so a touched
but unchanged file still matches; a named pipe is never opened (it would block).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import stat
from importlib import metadata
from pathlib import Path
from typing import Iterable

import pandas as pd

from sitegen.config import TABLES, Config
from sitegen.resources import PACKAGE, default_content, default_templates

# Libraries whose version can change the bytes of a page or a data file.
LIBRARIES = ("sitegen", "jinja2", "markdown", "nh3", "pandas", "numpy", "pyarrow", "plotly", "orjson", "python-calamine",
             "duckdb")
CHUNK = 1 << 20


def fingerprint(config: Config, as_of: pd.Timestamp) -> str:
    """The hex digest of every input of a build of ``config`` at ``as_of``."""
    from sitegen.build import ROOT_FILES  # (build imports this module)

    h = hashlib.blake2b(digest_size=20)

    def add(label: str, value: str) -> None:
        h.update(f"{label}\0{value}\0".encode("utf-8", "surrogatepass"))

    # Where the site lives and where it is written do not change a byte of the output.
    settings = repr(dataclasses.replace(config, output_dir=Path("output")))
    add("config", settings.replace(str(config.root), "<root>"))
    add("as_of", as_of.isoformat())
    for name in LIBRARIES:
        add("version", f"{name}={_version(name)}")
    for name in TABLES:
        _add_table(h, name, config)
    for label, folder in (("code", PACKAGE), ("default-templates", default_templates()),
                          ("default-content", default_content()), ("snapshots", config.data_dir / "snapshots"),
                          ("templates", config.templates_dir),
                          ("content", config.content_dir), ("root-files", config.root / ROOT_FILES)):
        for path in _files(folder):
            _add_file(h, f"{label}:{path.relative_to(folder).as_posix()}", path)
    return h.hexdigest()


def _add_table(h: "hashlib._Hash", name: str, config: Config) -> None:
    """A table's input: its file, its workbook, or its database: the file of SQLite and DuckDB (and the
    journal beside it, which may hold changes not yet written back), the rows themselves for a server."""
    t = config.tables[name]
    if t.query or t.table:
        from sitegen.dataset.sources.sql import database, result_digest
        db = database(t.url or "", config.data_dir)
        if db.path is None:
            h.update(b"table:" + name.encode() + b"\0rows\0" + result_digest(db, t.table, t.query))
            return
        for suffix in ("", "-wal", ".wal"):
            _add_file(h, f"table:{name}:database{suffix}", db.path.with_name(db.path.name + suffix))
        return
    if t.workbook:
        _add_file(h, f"table:{name}:workbook", config.data_dir / t.workbook)
    _add_file(h, f"table:{name}", config.table_path(name))


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


def _files(folder: Path) -> Iterable[Path]:
    """Every file under ``folder`` in a fixed order, without caches."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                  and p.suffix not in (".pyc", ".pyo"))


def _add_file(h: "hashlib._Hash", label: str, path: Path) -> None:
    """Hash a file's bytes; a named pipe, device or folder is not opened (a pipe would block the build
    forever): the build reports it."""
    h.update(f"{label}\0".encode("utf-8", "surrogatepass"))
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise OSError(f"not a regular file: {path}")
        with open(os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC), "rb") as f:
            while chunk := f.read(CHUNK):
                h.update(chunk)
        h.update(b"\0present\0")
    except OSError:  # absent (an optional table), unreadable or not a file: the build reports it
        h.update(b"\0absent\0")
