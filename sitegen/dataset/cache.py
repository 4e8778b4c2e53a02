"""Parsed tables kept between builds: a rebuild parses only the input files that changed.

:func:`cached_read` stands between the loader and a table file (CSV or Parquet). The table as
:func:`sitegen.dataset.load.read_table` returns it (the frame before validation, the labels of its id
columns) is stored as an Arrow IPC file in the cache folder beside the output (``.<output>.cache/tables``),
with every problem the reading logged (the calls themselves, replayed in order, so the log ends exactly as
a fresh parse leaves it) and what the loader keeps of the table as read. The entry's name holds a hash of
the file's bytes, sitegen's code, the libraries' versions and the table's settings (column map, encoding,
sheet, rules), so any change there parses again. Text columns are stored dictionary-encoded and rebuilt as
the loader builds them: one Python string per distinct value.

The cache is only a cache: a missing, damaged or foreign entry is parsed again, silently; ``--force`` reads
none (and writes fresh ones). Workbooks and databases are always read (a workbook's sheets are found by
looking at the whole book; a database is not a file).
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import functools
import hashlib
import json
import os
import stat
import sys
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa

from sitegen.config import Config
from sitegen.dataset.problems import ProblemLog
from sitegen.dataset.sources import Source, SourceTable

VERSION = "1"
_FOLDER: contextvars.ContextVar[tuple[Path, bool] | None] = contextvars.ContextVar("table_cache", default=None)


@contextlib.contextmanager
def table_cache(folder: Path | None, reuse: bool = True) -> Iterator[None]:
    """Within this block the loader keeps parsed tables in ``folder`` and, when ``reuse``, reads them back."""
    token = _FOLDER.set(None if folder is None else (folder, reuse))
    try:
        yield
    finally:
        _FOLDER.reset(token)


class _Recorder:
    """A :class:`ProblemLog` stand-in that passes every problem on and remembers the calls."""

    def __init__(self, log: ProblemLog):
        self.log = log
        self.calls: list[list[Any]] = []

    def add(self, *args: Any, **kwargs: Any) -> None:
        self.calls.append(["add", list(args), kwargs])
        self.log.add(*args, **kwargs)

    def add_rows(self, file: str, lines: Any, *args: Any, **kwargs: Any) -> None:
        lines = [int(line) for line in lines]
        if kwargs.get("values") is not None:
            kwargs["values"] = list(kwargs["values"])
        self.calls.append(["add_rows", [file, lines, *args], kwargs])
        self.log.add_rows(file, lines, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.log, name)


Parse = Callable[[Any, list], Any]  # (log, read) -> LoadedTable | None


def cached_read(source: Source, name: str, config: Config, log: ProblemLog, read: list[SourceTable] | None,
                parse: Parse) -> Any:
    """``parse(log, read)``, or what it returned for the same file and settings before."""
    setting = _FOLDER.get()
    if setting is None or source.kind not in ("csv", "parquet") or source.path is None:
        return parse(log, read)
    folder, reuse = setting
    digest = _file_digest(source.path)
    if digest is None:
        return parse(log, read)
    place = hashlib.blake2b(source.display.encode("utf-8", "surrogatepass"), digest_size=6).hexdigest()
    entry = folder / f"{name}-{place}-{_key(source, name, config, digest)}.arrow"  # one entry per file
    if reuse:
        found = _load(entry)
        if found is not None:
            loaded, calls, table = found
            for method, args, kwargs in calls:
                getattr(log, method)(*args, **kwargs)
            if read is not None:
                read.append(table)
            return loaded
    recorder, tables = _Recorder(log), []
    loaded = parse(recorder, tables)
    if read is not None:
        read.extend(tables)
    if loaded is not None and len(tables) == 1 and _file_digest(source.path) == digest:  # not changed meanwhile
        _store(folder, entry, loaded, recorder.calls, tables[0])
    return loaded


@functools.lru_cache(maxsize=None)
def _code() -> str:
    """sitegen's code as this process runs it (hashed once), the libraries' versions and Python's."""
    from sitegen.fingerprint import _files
    from sitegen.resources import PACKAGE

    h = hashlib.blake2b(digest_size=20)
    for path in _files(PACKAGE):
        h.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for library in ("pandas", "numpy", "pyarrow"):
        h.update(f"{library}={metadata.version(library)}\0".encode())
    h.update(sys.version.encode())
    return h.hexdigest()


def _key(source: Source, name: str, config: Config, digest: str) -> str:
    """The entry's name: the file's bytes, the code, the table's source and settings and the rules."""
    where = dataclasses.replace(source, book=None)
    text = "\0".join((VERSION, _code(), name, repr(where), repr(config.tables[name]), repr(config.rules), digest))
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()


def _file_digest(path: Path) -> str | None:
    """The hash of a regular file's bytes; None for anything else (the reader reports it)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
        h = hashlib.blake2b(digest_size=20)
        with open(os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC), "rb") as f:
            while chunk := f.read(1 << 20):
                h.update(chunk)
        return h.hexdigest()
    except OSError:
        return None


def _store(folder: Path, entry: Path, loaded: Any, calls: list, table: SourceTable) -> None:
    """Write the entry (and drop this table's older ones); anything that does not fit is not cached."""
    frame, ids = loaded
    if not isinstance(frame.index, pd.RangeIndex) or frame.index.start != 0 or frame.index.step != 1 \
            or not np.array_equal(np.asarray(table.lines), frame["_line"].to_numpy()) or table.keyed:
        return
    arrays, dtypes = [], {}
    for column, series in frame.items():
        dtypes[column] = str(series.dtype)
        if series.dtype == object:
            values = series.to_numpy(dtype=object)
            codes, uniques = pd.factorize(values)
            if any(type(u) is not str for u in uniques) or any(v is not None for v in values[codes < 0]):
                return
            arrays.append(pa.DictionaryArray.from_arrays(pa.array(codes, mask=codes < 0, type=pa.int32()),
                                                         pa.array(uniques, type=pa.large_string())))
        else:
            arrays.append(pa.array(series.to_numpy()))
    meta = {"version": VERSION, "dtypes": dtypes, "ids": sorted(ids), "calls": calls,
            "table": {"headers": table.headers, "display": table.display, "header_line": table.header_line,
                      "serial_dates": table.serial_dates}}
    try:
        text = json.dumps(meta, ensure_ascii=False)
    except (TypeError, ValueError):
        return
    result = pa.table(arrays, names=list(dtypes)).replace_schema_metadata({"sitegen": text})
    temporary = folder / f".{entry.name}.{os.getpid()}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with pa.OSFile(str(temporary), "wb") as sink, pa.ipc.new_file(sink, result.schema) as writer:
            writer.write_table(result)
        os.replace(temporary, entry)
        for old in folder.glob(f"{entry.name.rsplit('-', 1)[0]}-*.arrow"):  # the file's older entries
            if old != entry:
                old.unlink()
    except (OSError, pa.ArrowException):
        with contextlib.suppress(OSError):
            temporary.unlink()


def _load(entry: Path) -> tuple[Any, list, SourceTable] | None:
    """The entry's (LoadedTable, logged calls, table as read); None when absent or not as written."""
    from sitegen.dataset.load import LINE, Labels, LoadedTable

    try:
        with pa.memory_map(str(entry)) as source:
            stored = pa.ipc.open_file(source).read_all()
        meta = json.loads(stored.schema.metadata[b"sitegen"])
        if meta["version"] != VERSION or list(meta["dtypes"]) != stored.column_names:
            return None
        columns, ids = {}, {}
        for column, dtype in meta["dtypes"].items():
            cells = stored.column(column).combine_chunks()
            if pa.types.is_dictionary(cells.type):
                words = np.append(cells.dictionary.to_numpy(zero_copy_only=False), None)
                codes = cells.indices.fill_null(len(words) - 1).to_numpy().astype(np.intp)
                series = pd.Series(words.take(codes), dtype=object, copy=False)
                if column in meta["ids"]:
                    ids[column] = Labels(codes, words)
            else:
                series = pd.Series(cells.to_numpy(zero_copy_only=False), copy=False)
            if str(series.dtype) != dtype:
                return None
            columns[column] = series
        frame = pd.DataFrame(columns, copy=False)
        info = meta["table"]
        table = SourceTable(info["headers"], [], frame[LINE].to_numpy(), info["display"], info["header_line"],
                            serial_dates=info["serial_dates"])
        return LoadedTable(frame, ids), meta["calls"], table
    except Exception:  # noqa: BLE001 - a damaged or foreign entry is parsed again
        return None
