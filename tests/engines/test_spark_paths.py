"""Inputs given as URIs (issue 20): ``[data] dir`` and ``[data.<table>] file`` may be ``hdfs://``, ``s3a://`` or
``file:///`` URIs, which only the Spark engine reads; the other engines stop ``build`` and ``check`` alike with
exit code 2, naming the key and ``--engine spark``. Needs neither pyspark nor Java (test_spark.py reads URIs
with Spark).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitegen.cli import main
from sitegen.config import load_config, parse_config
from sitegen.config_paths import is_uri, table_uri

ORDERS = "customer_id,order_date,amount\nC1,2026-01-02,10\n"


@pytest.mark.parametrize("text", ["hdfs://namenode:8020/sales/orders.csv", "s3a://bucket/exports", "file:///srv/x.csv",
                                  "abfss://c@account.dfs.core.windows.net/x"])
def test_uris_are_told_from_paths(text: str) -> None:
    assert is_uri(text)


@pytest.mark.parametrize("text", ["data", "/srv/data", "C:\\data", "C:/data", "orders.csv", "file:relative.csv",
                                  "crm.db", "./hdfs://x"])
def test_paths_are_not_uris(text: str) -> None:
    assert not is_uri(text)


def test_a_uri_data_folder_names_every_table_file_inside_it(tmp_path: Path) -> None:
    config = parse_config({"data": {"dir": "hdfs://namenode:8020/sales/", "customers": {"file": "/srv/c.csv"},
                                    "pipeline": {"file": "deals.parquet"},
                                    "targets": {"file": "s3a://bucket/targets.csv"}}}, root=tmp_path)
    assert config.data_uri == "hdfs://namenode:8020/sales"
    assert config.data_dir == tmp_path  # the config's folder: nothing local is read "inside" a URI
    assert table_uri(config, "orders") == ("hdfs://namenode:8020/sales/orders.csv", "data.dir")
    assert table_uri(config, "pipeline") == ("hdfs://namenode:8020/sales/deals.parquet", "data.dir")
    assert table_uri(config, "targets") == ("s3a://bucket/targets.csv", "data.targets.file")
    assert table_uri(config, "customers") is None  # an absolute local file stays local
    assert config.table_path("customers") == Path("/srv/c.csv")


def test_local_folders_are_unchanged(tmp_path: Path) -> None:
    config = parse_config({"data": {"dir": "exports"}}, root=tmp_path)
    assert config.data_uri is None and config.data_dir == tmp_path / "exports"
    assert config.table_path("orders") == tmp_path / "exports" / "orders.csv"
    assert table_uri(config, "orders") is None


def run(site: Path, *args: str) -> tuple[int, str]:
    """``sitegen ARGS`` in the folder ``site``: exit code and output."""
    previous = Path.cwd()
    os.chdir(site)
    try:
        result = CliRunner().invoke(main, list(args), catch_exceptions=True)
    finally:
        os.chdir(previous)
    return result.exit_code, result.output


@pytest.mark.parametrize("engine", ["pandas", "duckdb", "auto"])
def test_a_uri_file_stops_build_and_check_with_exit_2_unless_spark(tmp_path: Path, engine: str) -> None:
    remote = tmp_path / "remote" / "orders.csv"
    remote.parent.mkdir()
    remote.write_text(ORDERS, encoding="utf-8")
    (tmp_path / "data").mkdir()
    (tmp_path / "sitegen.toml").write_text(f'[data.orders]\nfile = "{remote.as_uri()}"\n[engine]\nname = "{engine}"\n',
                                           encoding="utf-8")
    build = run(tmp_path, "build", "--jobs", "1", "--out", str(tmp_path / "out"))
    check = run(tmp_path, "check")
    for code, output in (build, check):
        assert code == 2, output
        assert f"sitegen.toml: data.orders.file: the file {remote.as_uri()} is a URI: only the spark engine reads " \
               f"URIs (this run uses the {engine} engine) (build and check with --engine spark" in output
        assert "Traceback" not in output
    assert build[1] == check[1]  # check says what build says
    assert not (tmp_path / "out").exists()


def test_a_uri_data_folder_with_engine_pandas_names_data_dir(tmp_path: Path) -> None:
    (tmp_path / "sitegen.toml").write_text('[data]\ndir = "s3a://bucket/crm"\n', encoding="utf-8")
    for command in ("build", "check"):
        code, output = run(tmp_path, command, "--engine", "pandas")
        assert code == 2, output
        assert ("data.dir: the data folder s3a://bucket/crm (--data or [data] dir) is a URI: only the spark engine "
                "reads URIs (this run uses the pandas engine)") in output
    assert load_config(None, cwd=tmp_path).data_uri == "s3a://bucket/crm"


def test_data_option_takes_a_uri_too(tmp_path: Path) -> None:
    """``--data`` may be a URI like ``[data] dir``; under pandas it stops naming data.dir, and a local
    ``--data`` clears a URI from the config."""
    (tmp_path / "sitegen.toml").write_text('[data]\ndir = "s3a://bucket/crm"\n', encoding="utf-8")
    (tmp_path / "local").mkdir()
    (tmp_path / "local" / "orders.csv").write_text(ORDERS, encoding="utf-8")
    code, output = run(tmp_path, "check", "--data", "hdfs://namenode/sales/", "--engine", "pandas")
    assert code == 2, output
    assert "data.dir: the data folder hdfs://namenode/sales (--data or [data] dir) is a URI" in output
    code, output = run(tmp_path, "check", "--data", "local", "--engine", "pandas")
    assert code in (0, 1) and "URI" not in output, output
