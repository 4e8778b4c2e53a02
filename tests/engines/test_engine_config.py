"""``[engine]`` and ``--engine``: parsing, the clear errors (duckdb or pyspark not installed), auto."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

import sitegen.engines as engines
from sitegen.cli import main
from sitegen.config import load_config, parse_config
from sitegen.errors import ConfigError


def _problems(raw: dict) -> list[str]:
    with pytest.raises(ConfigError) as exc:
        parse_config(raw, root=Path("/tmp"))
    return [p.format() for p in exc.value.problems]


def test_default_engine_is_pandas_and_settings_are_read():
    assert parse_config({}, root=Path("/tmp")).engine.name == "pandas"
    config = parse_config({"engine": {"name": "duckdb", "memory_limit": "4GB", "temp_directory": "spill",
                                      "auto_bytes": 10}}, root=Path("/tmp"))
    assert (config.engine.name, config.engine.memory_limit, config.engine.temp_directory,
            config.engine.auto_bytes) == ("duckdb", "4GB", "spill", 10)


def test_spark_settings_are_read():
    config = parse_config({"engine": {"name": "spark", "master": " spark://head:7077 ",
                                      "spark_conf": {"spark.executor.memory": "4g", "spark.sql.shuffle.partitions": 64,
                                                     "spark.speculation": True}}}, root=Path("/tmp"))
    assert (config.engine.name, config.engine.master) == ("spark", "spark://head:7077")
    assert config.engine.spark_conf == (("spark.executor.memory", "4g"), ("spark.speculation", "true"),
                                        ("spark.sql.shuffle.partitions", "64"))
    hash(config.engine)  # settings stay hashable (a frozen dataclass of tuples)


def test_bad_spark_settings_are_reported():
    problems = _problems({"engine": {"master": "", "spark_conf": {"executor.memory": "4g"}}})
    assert any("engine.master" in p for p in problems) and any("engine.spark_conf" in p for p in problems)
    assert _problems({"engine": {"spark_conf": {"spark.x": ["a"]}}})


def test_bad_engine_values_are_reported_together():
    problems = _problems({"engine": {"name": "polars", "memory_limit": "lots", "spill": "x"}})
    assert len(problems) == 3
    assert any("memory_limit" in p and '"4GB"' in p for p in problems)
    assert any("engine.spill" in p and "unknown key" in p for p in problems)


def _site(tmp_path: Path, toml: str = "") -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "orders.csv").write_text("customer_id,order_date,amount\nC1,2026-01-05,10\n", "utf-8")
    (tmp_path / "sitegen.toml").write_text(toml, "utf-8")
    return tmp_path


@pytest.mark.parametrize("command, how", [("build", "option"), ("check", "option"), ("build", "config")])
def test_spark_not_installed_exits_2_with_the_pip_command(tmp_path, command, how, monkeypatch):
    monkeypatch.chdir(_site(tmp_path, '[engine]\nname = "spark"\n' if how == "config" else ""))
    monkeypatch.setattr(engines, "spark_installed", lambda: False)
    result = CliRunner().invoke(main, [command, "--jobs", "1"] if how == "config" and command == "build"
                                else [command] + (["--engine", "spark"] if how == "option" else []))
    assert result.exit_code == 2, result.output
    assert "pip install 'sitegen[spark]'" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "output").exists()


@pytest.mark.parametrize("how", ["option", "config"])
def test_duckdb_not_installed_exits_2_with_the_pip_command(tmp_path, how, monkeypatch):
    monkeypatch.chdir(_site(tmp_path, '[engine]\nname = "duckdb"\n' if how == "config" else ""))
    monkeypatch.setattr(engines, "duckdb_installed", lambda: False)
    args = ["build", "--jobs", "1"] + (["--engine", "duckdb"] if how == "option" else [])
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "pip install 'sitegen[duckdb]'" in result.output
    assert not (tmp_path / "output").exists()


def test_engine_option_overrides_the_config(tmp_path, monkeypatch):
    pytest.importorskip("duckdb")
    monkeypatch.chdir(_site(tmp_path, '[engine]\nname = "duckdb"\n'))
    seen = []
    real = engines.engine_for
    monkeypatch.setattr(engines, "engine_for", lambda config: seen.append(config.engine.name) or real(config))
    result = CliRunner().invoke(main, ["check", "--engine", "pandas"])
    assert result.exit_code == 0, result.output
    assert seen and set(seen) == {"pandas"}


def test_auto_picks_duckdb_above_the_size_only(tmp_path):
    pytest.importorskip("duckdb")
    site = _site(tmp_path, '[engine]\nname = "auto"\nauto_bytes = 40\n')
    config = load_config(None, cwd=site)
    assert engines.line_level_bytes(config) == os.path.getsize(site / "data" / "orders.csv") > 40
    assert engines.resolve_name(config) == "duckdb"
    (site / "sitegen.toml").write_text('[engine]\nname = "auto"\n', "utf-8")
    assert engines.resolve_name(load_config(None, cwd=site)) == "pandas"


def test_duckdb_memory_limit_and_spill_folder_are_applied(tmp_path):
    pytest.importorskip("duckdb")
    from sitegen.engine_config import Engine
    from sitegen.engines.duckdb_engine import DuckDBEngine

    con = DuckDBEngine(Engine("duckdb", memory_limit="300MB", temp_directory="spill"), tmp_path).connect()
    limit = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    folder = con.execute("SELECT current_setting('temp_directory')").fetchone()[0]
    assert limit.replace(" ", "") in ("286.1MiB", "300.0MB", "286.0MiB"), limit
    assert Path(folder) == (tmp_path / "spill").resolve()
