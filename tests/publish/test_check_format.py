"""``sitegen check --format text|github``: problem lines, GitHub annotations, escaping, exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sitegen.annotations import escape_data, escape_property, problem_annotation, workflow_command
from sitegen.cli import main
from sitegen.dataset.problems import Problem

BAD_PIPELINE = ("opportunity_id,stage,created_date,amount\n"
                "O1,Negotiaton,2026-01-01,5\n"
                "O2,lead,2026-01-01,\"1,2:3%\"\n")
GOOD_PIPELINE = "opportunity_id,stage,created_date,amount,customer_id\nO1,lead,2026-01-01,5,C1\n"


def check(cwd: Path, *args: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(cwd)
    return CliRunner().invoke(main, ["check", *args])


def test_escaping_follows_githubs_workflow_command_rules() -> None:
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    assert workflow_command("warning", "x: y, z", file="data/a,b.csv", line=3, title="t") == \
        "::warning file=data/a%2Cb.csv,line=3,title=t::x: y, z"


def test_a_problem_without_a_line_has_no_line_property(tmp_path: Path) -> None:
    problem = Problem("data/orders.csv", 0, "", "12 more row(s) like this", "fix them", "warning")
    assert problem_annotation(problem, tmp_path, tmp_path) == \
        "::warning file=data/orders.csv,title=sitegen data warning::12 more row(s) like this (fix them)"


def test_text_format_prints_file_line_column(make_site, monkeypatch) -> None:
    site = make_site({"pipeline.csv": BAD_PIPELINE})
    result = check(site, monkeypatch=monkeypatch)
    assert result.exit_code == 1
    assert "data/pipeline.csv:2: column stage: unknown stage: 'Negotiaton' (did you mean 'negotiation'?)" \
        in result.stderr
    assert "::error" not in result.output


def test_github_format_prints_one_annotation_per_problem(make_site, monkeypatch) -> None:
    site = make_site({"pipeline.csv": BAD_PIPELINE})
    result = check(site, "--format", "github", monkeypatch=monkeypatch)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert "::error file=data/pipeline.csv,line=2,title=column stage::unknown stage: 'Negotiaton' " \
           "(did you mean 'negotiation'?)" in lines
    amount = next(line for line in lines if "line=3" in line)
    assert amount.startswith("::error file=data/pipeline.csv,line=3,title=column amount::not a number: '1,2:3%25'")
    assert "2 error(s)" in result.stderr


def test_github_format_paths_are_relative_to_the_repository(make_site, monkeypatch, tmp_path) -> None:
    make_site({"pipeline.csv": BAD_PIPELINE}, config="[site]\ntitle = \"Sales\"\n", name="sales")
    result = check(tmp_path, "--config", "sales/sitegen.toml", "--format", "github", monkeypatch=monkeypatch)
    assert result.exit_code == 1
    assert "::error file=sales/data/pipeline.csv,line=2," in result.stdout


def test_warnings_become_warning_annotations_and_success_exits_0(make_site, monkeypatch) -> None:
    site = make_site({"pipeline.csv": GOOD_PIPELINE, "orders.csv": "customer_id,order_date,amount\nC9,2026-01-02,10\n",
                      "customers.csv": "customer_id,name\nC1,One\n"})
    result = check(site, "--format", "github", monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stdout.splitlines() if line.startswith("::warning ")]
    assert warnings and all("file=data/" in line for line in warnings)
    assert result.stdout.splitlines()[-1].startswith("ok:")


def test_config_errors_exit_2_with_an_annotation_on_the_config(make_site, monkeypatch) -> None:
    site = make_site({"pipeline.csv": GOOD_PIPELINE}, config='[site]\nbase_url = "intranet"\n')
    result = check(site, "--format", "github", monkeypatch=monkeypatch)
    assert result.exit_code == 2
    assert result.stdout.startswith("::error file=sitegen.toml,title=sitegen configuration::site.base_url: "
                                    "must be an absolute http(s) URL")


def test_unknown_format_is_a_usage_error(make_site, monkeypatch) -> None:
    site = make_site({"pipeline.csv": GOOD_PIPELINE})
    assert check(site, "--format", "junit", monkeypatch=monkeypatch).exit_code == 2
