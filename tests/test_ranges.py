"""Out-of-range settings, dates and config files end with a usage or data error naming what and the allowed
range (exit 2 or 1), never an OverflowError, a traceback or a silently ignored file; ``check`` and ``build``
agree."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitegen.cli import main
from tests.conftest import write_site

RANGE = "dates must be between 1900-01-01 and 2100-12-31"
ORDERS = {"orders.csv": "customer_id,order_date,amount\nC1,2026-06-01,50\n"}


def run(site: Path, *args: str):
    """Invoke the CLI in ``site`` (as users do, from the site folder)."""
    cwd = os.getcwd()
    os.chdir(site)
    try:
        result = CliRunner().invoke(main, list(args))
    finally:
        os.chdir(cwd)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return result


@pytest.mark.parametrize("as_of", ["9999-12-31", "0001-01-01", "1899-12-31", "2101-01-01"])
@pytest.mark.parametrize("command", [["build", "--jobs", "1"], ["check"], ["digest"], ["serve", "--port", "0"],
                                     ["demo-data", "--out", "demo"]])
def test_as_of_out_of_range_is_a_usage_error(tmp_path: Path, command: list[str], as_of: str) -> None:
    site = write_site(tmp_path, ORDERS)
    result = run(site, *command, "--as-of", as_of)
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--as-of'" in result.output
    assert f"date out of range: '{as_of}' ({RANGE})" in result.output


def test_as_of_in_the_config_out_of_range_is_a_config_error(tmp_path: Path) -> None:
    site = write_site(tmp_path, ORDERS, "[site]\nas_of = 9999-12-31\n")
    for command in (["check"], ["build", "--jobs", "1"]):
        result = run(site, *command)
        assert result.exit_code == 2, result.output
        assert f"site.as_of: date out of range: '9999-12-31' ({RANGE})" in result.output


def test_huge_day_counts_are_config_errors_reported_together(tmp_path: Path) -> None:
    config = ("[rules]\nwindow_days = 1000000000000\nstale_after_days = 1000000000000\nchurn_after_days = 36501\n"
              "sales_cycle_goal_days = 36501\n")
    site = write_site(tmp_path, ORDERS, config)
    for command in (["check"], ["build", "--jobs", "1"]):
        result = run(site, *command)
        assert result.exit_code == 2, result.output
        for key in ("window_days", "stale_after_days", "churn_after_days", "sales_cycle_goal_days"):
            assert f"rules.{key}: must be a whole number of days from 1 to 36500" in result.output, key
        assert not (site / "output").exists()


DEAL_2300 = {"pipeline.csv": "opportunity_id,stage,created_date,amount,close_date\n"
                             "D1,proposal,2026-01-05,100,2300-01-01\nD2,lead,2026-02-01,50,2026-09-01\n"}


def test_close_date_out_of_range_is_the_same_data_error_in_check_and_build(tmp_path: Path) -> None:
    """An open deal closing on 2300-01-01 is a FILE:LINE error in check and in build alike."""
    site = write_site(tmp_path, DEAL_2300)
    checked = run(site, "check", "--as-of", "2026-06-30")
    built = run(site, "build", "--as-of", "2026-06-30", "--jobs", "1")
    assert checked.exit_code == built.exit_code == 1, checked.output + built.output
    for output in (checked.output, built.output):
        assert "data/pipeline.csv:2: column close_date:" in output and "'2300-01-01'" in output
        assert "data/pipeline.csv:3" not in output


def test_close_date_out_of_range_says_so_with_the_range(tmp_path: Path) -> None:
    site = write_site(tmp_path, DEAL_2300)
    result = run(site, "check", "--as-of", "2026-06-30")
    assert f"data/pipeline.csv:2: column close_date: date out of range: '2300-01-01' ({RANGE})" in result.output


@pytest.mark.parametrize(("columns", "names"), [
    ('{ amount = "Value", close_date = "Value" }', "'amount' and 'close_date'"),
    ('{ owner = "Customer ID" }', "'owner' and 'customer_id'"),
])
def test_one_header_mapped_to_two_columns_is_a_config_error(tmp_path: Path, columns: str, names: str) -> None:
    site = write_site(tmp_path, ORDERS, f"[data.orders]\ncolumns = {columns}\n")
    result = run(site, "check")
    assert result.exit_code == 2, result.output
    assert f"data.orders.columns: columns {names} read the same header" in result.output


def test_config_that_is_a_directory_is_a_config_error(tmp_path: Path) -> None:
    site = write_site(tmp_path, ORDERS)
    (site / "sitegen.toml").mkdir()
    for command in (["check"], ["build", "--jobs", "1"]):
        result = run(site, *command)
        assert result.exit_code == 2, result.output
        assert "sitegen.toml: (file): is a directory, not a configuration file" in result.output
        assert not (site / "output").exists()


def test_config_not_in_utf8_or_not_a_file_is_a_config_error(tmp_path: Path) -> None:
    site = write_site(tmp_path, ORDERS)
    (site / "sitegen.toml").write_bytes('[site]\ntitle = "销售看板"\n'.encode("gb18030"))
    result = run(site, "check")
    assert result.exit_code == 2 and "not UTF-8 text" in result.output, result.output
    (site / "sitegen.toml").unlink()
    os.mkfifo(site / "sitegen.toml")  # reading it would wait for a writer forever
    result = run(site, "check")
    assert result.exit_code == 2 and "not a regular file" in result.output, result.output
