"""Database sources: SQLite (stdlib) and DuckDB hold the demo tables and build the same site as the CSV files;
problems name the table and the row's key; table names are quoted; config mistakes are config errors."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from sitegen.build import build_site
from sitegen.config import TABLES, load_config, parse_config
from sitegen.dataset import load_dataset
from sitegen.demo import generate_demo_data
from sitegen.errors import ConfigError
from sitegen.fingerprint import fingerprint

AS_OF = "2026-06-30"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo site (CSV files), built once."""
    root = tmp_path_factory.mktemp("sql") / "csv"
    generate_demo_data(root / "data", customers=30, seed=2, as_of=date(2026, 6, 30))
    build_site(load_config(cwd=root), as_of=AS_OF, jobs=1)
    return root


def _tables(demo: Path) -> dict[str, Path]:
    return {name: demo / "data" / f"{name}.csv" for name in TABLES if (demo / "data" / f"{name}.csv").exists()}


def _site(demo: Path, root: Path, database: str, tables: dict[str, str]) -> Path:
    """A site whose data folder holds the database (and the pipeline snapshots, which stay files)."""
    (root / "data").mkdir(parents=True)
    shutil.copytree(demo / "data" / "snapshots", root / "data" / "snapshots")
    lines = ["[data]", f'url = "{database}"']
    for name, how in tables.items():
        lines += [f"[data.{name}]", how]
    (root / "sitegen.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def _compared(folder: Path) -> dict[str, bytes]:
    """data/metrics.json and the customer pages, by path."""
    files = [folder / "data" / "metrics.json", *sorted((folder / "customers").rglob("*.html"))]
    assert len(files) > 10
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in files}


def test_sqlite_holding_the_demo_tables_builds_the_same_site_as_the_csv_files(demo: Path, tmp_path: Path) -> None:
    root = _site(demo, tmp_path / "sqlite", "crm.db",
                 {name: f'table = "{name}"' for name in _tables(demo)})
    with sqlite3.connect(root / "data" / "crm.db") as con:  # typed as pandas reads them: numbers are numbers
        for name, path in _tables(demo).items():
            pd.read_csv(path, keep_default_na=False, na_values=[""]).to_sql(name, con, index=False)
    con.close()
    result = build_site(load_config(cwd=root), as_of=AS_OF, jobs=1)
    assert result.dataset.error_count == 0
    assert _compared(root / "output") == _compared(demo / "output")


def test_duckdb_holding_the_demo_tables_builds_the_same_site_as_the_csv_files(demo: Path, tmp_path: Path) -> None:
    duckdb = pytest.importorskip("duckdb", reason="pip install -e '.[test]' installs duckdb")
    tables = _tables(demo)
    how = {name: f'query = "SELECT * FROM {name}"' if name == "orders" else f'table = "{name}"' for name in tables}
    root = _site(demo, tmp_path / "duckdb", "duckdb:///crm.duckdb", how)
    con = duckdb.connect(str(root / "data" / "crm.duckdb"))  # DuckDB's own types: DATE, DOUBLE, BIGINT
    for name, path in tables.items():
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_csv_auto(?, header = true)", [str(path)])
    assert con.execute("SELECT data_type FROM information_schema.columns WHERE table_name = 'orders' "
                       "AND column_name = 'order_date'").fetchone() == ("DATE",)
    con.close()
    result = build_site(load_config(cwd=root), as_of=AS_OF, jobs=1)
    assert result.dataset.error_count == 0
    assert _compared(root / "output") == _compared(demo / "output")


def _sqlite_site(tmp_path: Path, rows: list[tuple], table: str = "deals") -> Path:
    (tmp_path / "data").mkdir(parents=True)
    quoted = '"' + table.replace('"', '""') + '"'
    with sqlite3.connect(tmp_path / "data" / "crm.db") as con:
        con.execute(f"CREATE TABLE {quoted} (opportunity_id TEXT, stage TEXT, created_date TEXT, amount)")
        con.executemany(f"INSERT INTO {quoted} VALUES (?, ?, ?, ?)", rows)
    con.close()
    return tmp_path


def test_problems_name_the_table_and_the_row_key(tmp_path: Path) -> None:
    root = _sqlite_site(tmp_path, [("O1", "Lead", "2026-03-05", 100.5), ("O17", "Lead", "2026-03-05", "lots"),
                                   (None, "Lead", "yesterday", 5)])
    config = parse_config({"data": {"url": "sqlite:///crm.db", "pipeline": {"table": "deals"}}}, root=root)
    shown = [p.format() for p in load_dataset(config).problems]
    assert "deals (opportunity_id=O17): column amount: not a number: 'lots' " \
           "(write digits like 1234.50; ¥, $ and thousands separators are fine)" in shown
    assert any(s.startswith("deals (row 3): column created_date: not a date") for s in shown)
    assert any(s.startswith("deals (row 3): column opportunity_id: missing value") for s in shown)


def test_a_query_is_named_after_the_sitegen_table_and_its_header_problems_after_the_table(tmp_path: Path) -> None:
    root = _sqlite_site(tmp_path, [("O1", "Lead", "2026-03-05", 1)])
    query = "SELECT opportunity_id, created_date FROM deals"
    config = parse_config({"data": {"url": "crm.db", "pipeline": {"query": query}}}, root=root)
    shown = [p.format() for p in load_dataset(config).problems]
    assert any(s.startswith("pipeline: column stage: required column is missing") for s in shown), shown


def test_table_names_are_quoted_as_identifiers(tmp_path: Path) -> None:
    root = _sqlite_site(tmp_path, [("O1", "Lead", "2026-03-05", 1)], table='my "deals"; DROP TABLE x')
    config = parse_config({"data": {"url": "crm.db", "pipeline": {"table": 'my "deals"; DROP TABLE x'}}}, root=root)
    dataset = load_dataset(config)
    assert dataset.error_count == 0 and len(dataset.tables["pipeline"]) == 1


def test_an_unreadable_database_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    config = parse_config({"data": {"url": "missing.db", "pipeline": {"table": "deals"}}}, root=tmp_path)
    shown = [p.format() for p in load_dataset(config).problems]
    assert any(s.startswith("deals: cannot read the database: no database file") for s in shown), shown
    root = _sqlite_site(tmp_path / "b", [("O1", "Lead", "2026-03-05", 1)])
    config = parse_config({"data": {"url": "crm.db", "pipeline": {"query": "SELEC nonsense"}}}, root=root)
    assert any("cannot read the database: near \"SELEC\"" in p.format() for p in load_dataset(config).problems)


def test_a_changed_database_changes_the_fingerprint(tmp_path: Path) -> None:
    root = _sqlite_site(tmp_path, [("O1", "Lead", "2026-03-05", 1)])
    config = parse_config({"data": {"url": "crm.db", "pipeline": {"table": "deals"}}}, root=root)
    before = fingerprint(config, pd.Timestamp(AS_OF))
    assert fingerprint(config, pd.Timestamp(AS_OF)) == before
    with sqlite3.connect(root / "data" / "crm.db") as con:
        con.execute("UPDATE deals SET amount = 2")
    con.close()
    assert fingerprint(config, pd.Timestamp(AS_OF)) != before


@pytest.mark.parametrize("data, key, message", [
    ({"url": "crm.db", "pipeline": {"file": "p.csv", "table": "deals"}}, "data.pipeline",
     "file and query/table together"),
    ({"url": "crm.db", "pipeline": {"query": "SELECT 1", "table": "deals"}}, "data.pipeline",
     "query and table together"),
    ({"pipeline": {"table": "deals"}}, "data.pipeline.table", "needs the database: [data] url is not set"),
    ({"url": "crm.db", "pipeline": {"table": "deals", "sheet": "x"}}, "data.pipeline.sheet", "only for workbooks"),
    ({"url": "crm.db", "pipeline": {"tabel": "deals"}}, "data.pipeline.tabel", "unknown key"),
    ({"pipeline": {"file": "p.csv", "header_row": 2}}, "data.pipeline.header_row", "only for workbooks"),
    ({"pipeline": {"file": "p.xlsx", "header_row": 0}}, "data.pipeline.header_row", "must be a whole number above 0"),
])
def test_config_mistakes_about_sources_are_config_errors(tmp_path: Path, data: dict, key: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config({"data": data}, root=tmp_path)
    assert any(p.key == key and p.message.startswith(message) for p in caught.value.problems), caught.value


def test_check_and_build_report_the_same_problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from sitegen.cli import main

    root = _sqlite_site(tmp_path, [("O1", "Lead", "2026-03-05", 1), ("O17", "Lead", "2026-03-05", "lots")])
    (root / "sitegen.toml").write_text('[data]\nurl = "crm.db"\n[data.pipeline]\ntable = "deals"\n', encoding="utf-8")
    monkeypatch.chdir(root)
    check = CliRunner().invoke(main, ["check", "--as-of", AS_OF])
    build = CliRunner().invoke(main, ["build", "--as-of", AS_OF, "--jobs", "1", "--out", str(tmp_path / "out")])
    assert check.exit_code == build.exit_code == 1
    line = "deals (opportunity_id=O17): column amount: not a number: 'lots'"
    assert line in check.output and line in build.output
    (root / "data" / "pipeline.csv").write_text("opportunity_id,stage,created_date\n", encoding="utf-8")
    (root / "data" / "pipeline.parquet").write_bytes(b"")
    (root / "sitegen.toml").unlink()  # the pipeline is a file again: which one?
    check = CliRunner().invoke(main, ["check"])
    build = CliRunner().invoke(main, ["build", "--jobs", "1", "--out", str(tmp_path / "out")])
    assert check.exit_code == build.exit_code == 2
    assert "both pipeline.csv and pipeline.parquet" in check.output and check.output == build.output


def test_a_stage_history_from_the_database_counts_for_lost_deals(tmp_path: Path) -> None:
    """Lost deals without lost_at_stage are only a warning when there is no stage history at all: one read
    from the database counts as much as a stage_history.csv file."""
    (tmp_path / "data").mkdir()
    with sqlite3.connect(tmp_path / "data" / "crm.db") as db:
        db.execute("CREATE TABLE deals (opportunity_id TEXT, stage TEXT, created_date TEXT, amount REAL)")
        db.execute("INSERT INTO deals VALUES ('O1', 'Lost', '2026-03-05', 100)")
        db.execute("CREATE TABLE history (opportunity_id TEXT, stage TEXT, entered_date TEXT)")
        db.execute("INSERT INTO history VALUES ('O1', 'proposal', '2026-03-20')")
    tables = {"pipeline": {"table": "deals"}, "stage_history": {"table": "history"}}
    with_history = parse_config({"data": {"url": "crm.db", **tables}}, root=tmp_path)
    assert not [p for p in load_dataset(with_history).problems if "lost_at_stage" in p.message]
    without = parse_config({"data": {"url": "crm.db", "pipeline": tables["pipeline"]}}, root=tmp_path)
    assert [p for p in load_dataset(without).problems if "without lost_at_stage" in p.message]


def test_the_data_quality_page_lists_database_rows_under_their_table(tmp_path: Path) -> None:
    from sitegen.pages.data_quality import of_table

    assert of_table("deals (opportunity_id=O17)", "deals") and of_table("deals", "deals")
    assert not of_table("deals_old (row 2)", "deals") and not of_table("data/deals.csv", "deals")


def test_sqlalchemy_with_the_standard_sqlite_driver_builds_the_same_site_as_the_csv_files(demo: Path,
                                                                                        tmp_path: Path) -> None:
    """The generic SQLAlchemy path (PostgreSQL, MySQL, SQL Server go the same way) run for real: a
    ``sqlite+pysqlite:///`` URL is not the built-in SQLite reader; its relative path is in the data folder."""
    pytest.importorskip("sqlalchemy", reason="pip install -e '.[test]' installs sqlalchemy")
    from sitegen.dataset.sources.sql import database

    assert database("sqlite+pysqlite:///crm.db", tmp_path).kind == "sqlalchemy"
    assert database("sqlite+pysqlite:///crm.db?timeout=5", tmp_path).url == \
        f"sqlite+pysqlite:///{(tmp_path / 'crm.db').as_posix()}?timeout=5"
    assert database("postgresql+psycopg://u@h/crm", tmp_path).url == "postgresql+psycopg://u@h/crm"
    how = {name: f'query = "SELECT * FROM {name}"' if name == "orders" else f'table = "{name}"'
           for name in _tables(demo)}
    root = _site(demo, tmp_path / "sqlalchemy", "sqlite+pysqlite:///crm.db", how)
    with sqlite3.connect(root / "data" / "crm.db") as con:
        for name, path in _tables(demo).items():
            pd.read_csv(path, keep_default_na=False, na_values=[""]).to_sql(name, con, index=False)
    con.close()
    result = build_site(load_config(cwd=root), as_of=AS_OF, jobs=1)
    assert result.dataset.error_count == 0
    assert _compared(root / "output") == _compared(demo / "output")


def test_sqlalchemy_problems_name_the_table_and_the_row_key(tmp_path: Path) -> None:
    pytest.importorskip("sqlalchemy", reason="pip install -e '.[test]' installs sqlalchemy")
    root = _sqlite_site(tmp_path, [("O1", "Lead", "2026-03-05", 1), ("O7", "Lead", "2026-03-05", "lots")])
    config = parse_config({"data": {"url": "sqlite+pysqlite:///crm.db", "pipeline": {"table": "deals"}}}, root=root)
    shown = [p.format() for p in load_dataset(config).problems]
    assert any(s.startswith("deals (opportunity_id=O7): column amount: not a number: 'lots'") for s in shown), shown


def test_a_duplicate_database_id_names_no_row_number(tmp_path: Path) -> None:
    """A database row is named by its key; the duplicate's hint names the table, never an internal line."""
    root = _sqlite_site(tmp_path, [("O1", "Lead", "2026-03-05", 1), ("O2", "Lead", "2026-03-05", 2),
                                   ("O1", "Lead", "2026-03-06", 3)])
    config = parse_config({"data": {"url": "crm.db", "pipeline": {"table": "deals"}}}, root=root)
    shown = [p.format() for p in load_dataset(config).problems if "duplicate" in p.message]
    assert shown == ["deals (opportunity_id=O1): column opportunity_id: duplicate id 'O1' "
                     "(another row of deals has this opportunity_id too; each id once)"], shown
    (root / "data" / "pipeline.csv").write_text(
        "opportunity_id,stage,created_date\nO1,Lead,2026-03-05\nO1,Lead,2026-03-05\n", encoding="utf-8")
    shown = [p.format() for p in load_dataset(parse_config({}, root=root)).problems if "duplicate" in p.message]
    assert shown == ["data/pipeline.csv:3: column opportunity_id: duplicate id 'O1' (first used on line 2)"]


def test_a_row_without_a_key_is_named_by_its_place_in_the_result(tmp_path: Path) -> None:
    """Rows whose cells are all empty are left out but still counted: the row number is the result's."""
    root = _sqlite_site(tmp_path, [("O1", "Lead", "2026-03-05", 1), (None, None, None, None),
                                   (None, "Lead", "yesterday", 5)])
    config = parse_config({"data": {"url": "crm.db", "pipeline": {"table": "deals"}}}, root=root)
    shown = [p.format() for p in load_dataset(config).problems]
    assert any(s.startswith("deals (row 3): column created_date: not a date") for s in shown), shown
