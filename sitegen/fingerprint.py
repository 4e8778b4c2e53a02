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
import io
import os
import pickle
import stat
import sys
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

    add("config", _settings(config))
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


def _settings(config: Config) -> str:
    """The resolved config as text; where the site lives and where it is written do not change a byte."""
    return repr(dataclasses.replace(config, output_dir=Path("output"))).replace(str(config.root), "<root>")


def render_fingerprint(config: Config) -> bytes:
    """What every page's bytes depend on besides its own context: the config, sitegen's code (with its
    message catalogs), the default and the site's templates, Python's and the libraries' versions. A page
    whose context pickles to the same bytes under the same render fingerprint renders to the same bytes
    (:func:`page_key`); data, playbook and as-of date reach a page only through its context."""
    h = hashlib.blake2b(digest_size=20)
    h.update(f"config\0{_settings(config)}\0python\0{sys.version}\0".encode("utf-8", "surrogatepass"))
    for name in LIBRARIES:
        h.update(f"version\0{name}={_version(name)}\0".encode())
    for label, folder in (("code", PACKAGE), ("default-templates", default_templates()),
                          ("templates", config.templates_dir)):
        for path in _files(folder):
            _add_file(h, f"{label}:{path.relative_to(folder).as_posix()}", path)
    return h.digest()


def page_key(base: bytes, template: str, context: object) -> str | None:
    """A page's fingerprint: ``base`` (:func:`render_fingerprint`), its template's name and its context as
    pickled without a memo (equal values give equal bytes whichever objects are shared). None when the
    context does not pickle (a function, a generator, a cycle): such a page is always rendered."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True  # no memo: the bytes depend on the values only, not on which objects are shared
    try:
        pickler.dump(context)
    except Exception:  # noqa: BLE001 - anything that will not pickle is simply not skipped
        return None
    h = hashlib.blake2b(base, digest_size=20)
    h.update(template.encode("utf-8", "surrogatepass") + b"\0")
    h.update(buffer.getbuffer())
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


PAGE_KEYS = "pages"  # in the cache folder: the key each page of the output was rendered from
_KEYS_HEADER = "sitegen-page-keys 1"


def read_page_keys(cache: Path, manifest: bytes) -> dict[str, str]:
    """Path -> :func:`page_key` of each page of the output whose manifest is ``manifest`` (its bytes);
    empty when the store is missing, damaged or was written for another output (another manifest)."""
    try:
        text = (cache / PAGE_KEYS).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    head, _, body = text.partition("\n")
    if head != f"{_KEYS_HEADER}\t{hashlib.sha1(manifest).hexdigest()}" or not text.endswith("\n"):
        return {}
    keys = {}
    for line in body.splitlines():
        path, _, key = line.partition("\t")
        if len(key) != 40:
            return {}
        keys[path] = key
    return keys


def write_page_keys(cache: Path, manifest: bytes, keys: dict[str, str]) -> None:
    """Store ``keys`` for the output whose manifest is ``manifest``. A cache: a failure is ignored."""
    text = "".join(f"{path}\t{key}\n" for path, key in sorted(keys.items()))
    temporary = cache / f".{PAGE_KEYS}.{os.getpid()}"
    try:
        cache.mkdir(exist_ok=True)
        temporary.write_text(f"{_KEYS_HEADER}\t{hashlib.sha1(manifest).hexdigest()}\n{text}", encoding="utf-8")
        os.replace(temporary, cache / PAGE_KEYS)
    except OSError:
        try:
            temporary.unlink()
        except OSError:
            pass
