"""Where a table's file is: a local path, or a URI (``hdfs://``, ``s3a://``, ``file:///``) that only the Spark
engine reads (it copies the file to the driver through Spark's Hadoop filesystems: docs/scale.md).

Kept apart from :mod:`sitegen.config` (``Config.table_path`` calls :func:`table_path`) so that module stays small.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen.errors import ConfigError, ConfigProblem

if TYPE_CHECKING:
    from sitegen.config import Config

URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")  # scheme://… (a Windows path like C:\data is not one)
DATA_EXTENSIONS = (".csv", ".xlsx", ".xlsm", ".xls", ".ods", ".parquet")  # the files a table may be
SHOWN: dict[Path, str] = {}  # a local copy of a URI table -> the URI (what problems should name)


def is_uri(text: str) -> bool:
    """Whether ``text`` is a URI like ``hdfs://namenode/sales`` or ``file:///srv/sales`` rather than a path."""
    return bool(URI.match(text))


def data_folder(root: Path, text: str) -> tuple[Path, str | None]:
    """``[data] dir`` (or ``--data``): (the local folder, None), or for a URI (the config's folder, the URI)."""
    if is_uri(text):
        return root, text.rstrip("/")
    return (root / text).resolve(), None


def table_uri(config: Config, table: str) -> tuple[str, str] | None:
    """The URI ``table`` is read from and the config key that made it one, or None for a local file."""
    t = config.tables[table]
    if t.file_set and is_uri(t.file):
        return t.file, f"data.{table}.file"
    if config.data_uri and not (t.file_set and Path(t.file).is_absolute()):
        return f"{config.data_uri}/{t.file}", "data.dir"
    return None


def uri_needs_spark(config: Config, uri: str, key: str) -> ConfigError:
    """The exit-2 error for a URI input under an engine that reads only local files."""
    what = f"the data folder {config.data_uri} (--data or [data] dir)" if key == "data.dir" else f"the file {uri}"
    return ConfigError([ConfigProblem(config.source, key,
                                      f"{what} is a URI: only the spark engine reads URIs "
                                      f"(this run uses the {config.engine.name} engine)",
                                      'build and check with --engine spark, or set [engine] name = "spark"')])


def table_path(config: Config, table: str) -> Path:
    """The table's local file: a URI's copy (Spark engine only, else a ConfigError naming the key); the
    configured file; else the one ``<table>.<extension>`` (DATA_EXTENSIONS) in the data folder, ``<table>.csv``
    when there is none. Two of them is a ConfigError naming both."""
    t = config.tables[table]
    if found := table_uri(config, table):
        uri, key = found
        if config.engine.name != "spark":
            raise uri_needs_spark(config, uri, key)
        from sitegen.engines.spark_engine import fetch  # pyspark is imported only for URIs

        local = fetch(config.engine, uri, config.source, key)
        SHOWN[local] = uri
        return local
    if t.file_set:
        return config.data_dir / t.file
    found_files = [path for ext in DATA_EXTENSIONS if (path := config.data_dir / f"{table}{ext}").exists()]
    if len(found_files) > 1:
        raise ConfigError([ConfigProblem(config.source, f"data.{table}.file",
                                         f"both {found_files[0].name} and {found_files[1].name} are in "
                                         f"{config.data_dir}", f"set data.{table}.file to the one to use, "
                                         "or remove the other")])
    return found_files[0] if found_files else config.data_dir / t.file


def shown(path: Path) -> str | None:
    """The URI a local copy was fetched from (problems name the URI, not the copy), or None."""
    return SHOWN.get(path)
