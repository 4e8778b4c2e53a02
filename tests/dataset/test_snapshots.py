"""Snapshots: data/snapshots/<date>/pipeline.csv read and validated like pipeline.csv, problems naming the file."""

from __future__ import annotations

from pathlib import Path

from sitegen.config import load_config
from sitegen.dataset import load_dataset

PIPELINE = "opportunity_id,stage,created_date,amount\nA,Lead,2026-06-01,100\n"


def site(root: Path, files: dict[str, str], config: str = "") -> Path:
    for name, text in files.items():
        (root / "data" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "data" / name).write_text(text, encoding="utf-8")
    (root / "sitegen.toml").write_text(config, encoding="utf-8")
    return root


def test_snapshots_are_read_by_date_oldest_first(tmp_path) -> None:
    root = site(tmp_path, {"pipeline.csv": PIPELINE, "snapshots/2026-06-23/pipeline.csv": PIPELINE,
                           "snapshots/2026-06-16/pipeline.csv": PIPELINE.replace("Lead", "Proposal"),
                           "snapshots/2026-06-09/orders.csv": "customer_id,order_date,amount\n"})  # no pipeline
    dataset = load_dataset(load_config(cwd=root))
    assert list(dataset.snapshots) == ["2026-06-16", "2026-06-23"]
    frame = dataset.snapshots["2026-06-16"]
    assert frame["stage"].tolist() == ["proposal"] and frame["status"].tolist() == ["open"]
    assert dataset.error_count == 0


def test_the_column_map_applies_and_errors_name_the_snapshot_file_and_line(tmp_path) -> None:
    mapped = "ID,stage,created_date\nA,Lead,2026-06-01\nB,Nowhere,2026-06-01\nA,Lead,2026-06-01\n"
    root = site(tmp_path, {"pipeline.csv": mapped, "snapshots/2026-06-23/pipeline.csv": mapped},
                '[data.pipeline]\ncolumns = { opportunity_id = "ID" }\n')
    dataset = load_dataset(load_config(cwd=root))
    shown = [p.format() for p in dataset.problems if "snapshots" in p.file]
    assert any(s.startswith("data/snapshots/2026-06-23/pipeline.csv:3: column stage: unknown stage") for s in shown)
    assert any("pipeline.csv:4" in s and "opportunity_id" in s for s in shown), shown   # duplicate id
    assert dataset.error_count >= 2


def test_a_folder_not_named_after_a_date_is_a_warning(tmp_path) -> None:
    root = site(tmp_path, {"pipeline.csv": PIPELINE, "snapshots/last-week/pipeline.csv": PIPELINE,
                           "snapshots/2026-02-30/pipeline.csv": PIPELINE})
    dataset = load_dataset(load_config(cwd=root))
    assert dataset.snapshots == {}
    warnings = [p for p in dataset.problems if p.severity == "warning" and "not a date" in p.message]
    assert sorted(p.file for p in warnings) == ["data/snapshots/2026-02-30", "data/snapshots/last-week"]
    assert dataset.error_count == 0


def test_no_snapshot_folder_means_no_snapshots(tmp_path) -> None:
    assert load_dataset(load_config(cwd=site(tmp_path, {"pipeline.csv": PIPELINE}))).snapshots == {}


def _book(path: Path, rows: list[list[object]], title: str = "Opportunities") -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = title
    for row in rows:
        book.active.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


def test_a_snapshot_saved_as_a_workbook_loads_with_the_header_synonyms(tmp_path) -> None:
    """The export as it was saved that day: a Chinese-header .xlsx with a title row and date cells."""
    import pytest
    from datetime import date

    pytest.importorskip("openpyxl", reason="pip install -e '.[test]' installs openpyxl")
    root = site(tmp_path, {"pipeline.csv": PIPELINE})
    _book(root / "data" / "snapshots" / "2026-06-23" / "pipeline.xlsx",
          [["商机导出 2026-06-23"], [], ["商机编号", "销售阶段", "创建日期", "商机金额"],
           ["A", "Proposal", date(2026, 6, 1), 100], ["B", "赢单", date(2026, 6, 2), "lots"]])
    dataset = load_dataset(load_config(cwd=root))
    frame = dataset.snapshots["2026-06-23"]
    assert frame["opportunity_id"].tolist() == ["A", "B"] and frame["status"].tolist() == ["open", "won"]
    assert [d.date().isoformat() for d in frame["created_date"]] == ["2026-06-01", "2026-06-02"]
    shown = [p.format() for p in dataset.problems]
    assert any(s.startswith("data/snapshots/2026-06-23/pipeline.xlsx:Opportunities:5: column amount: not a number")
               for s in shown), shown


def test_a_snapshot_in_the_pipelines_own_format_and_name(tmp_path) -> None:
    """A pipeline read from crm_export.parquet has its snapshots as crm_export.parquet (or pipeline.csv)."""
    import pandas as pd

    root = site(tmp_path, {"snapshots/2026-06-23/pipeline.csv": PIPELINE},
                '[data.pipeline]\nfile = "crm_export.parquet"\n')
    frame = pd.DataFrame({"Opportunity ID": ["A"], "Stage": ["Lead"], "Created Date": ["2026-06-01"]})
    frame.to_parquet(root / "data" / "crm_export.parquet")
    (root / "data" / "snapshots" / "2026-06-16").mkdir(parents=True)
    frame.assign(Stage=["Proposal"]).to_parquet(root / "data" / "snapshots" / "2026-06-16" / "crm_export.parquet")
    dataset = load_dataset(load_config(cwd=root))
    assert list(dataset.snapshots) == ["2026-06-16", "2026-06-23"]
    assert dataset.snapshots["2026-06-16"]["stage"].tolist() == ["proposal"]
    assert dataset.error_count == 0


def test_a_snapshot_of_the_workbook_reads_its_pipeline_sheet(tmp_path) -> None:
    import pytest

    pytest.importorskip("openpyxl", reason="pip install -e '.[test]' installs openpyxl")
    root = site(tmp_path, {}, '[data]\nworkbook = "crm.xlsx"\n')
    rows = [["Opportunity ID", "Stage", "Created Date"], ["A", "Lead", "2026-06-01"]]
    _book(root / "data" / "crm.xlsx", rows, "Deals")
    _book(root / "data" / "snapshots" / "2026-06-23" / "crm.xlsx", rows[:1] + [["A", "Proposal", "2026-05-01"]],
          "Deals")
    dataset = load_dataset(load_config(cwd=root))
    assert dataset.snapshots["2026-06-23"]["stage"].tolist() == ["proposal"], dataset.problems


def test_two_pipeline_files_in_one_snapshot_are_an_error(tmp_path) -> None:
    root = site(tmp_path, {"pipeline.csv": PIPELINE, "snapshots/2026-06-23/pipeline.csv": PIPELINE,
                           "snapshots/2026-06-23/pipeline.parquet": ""})
    dataset = load_dataset(load_config(cwd=root))
    assert dataset.snapshots == {}
    assert [p.format() for p in dataset.problems if "snapshots" in p.file] == [
        "data/snapshots/2026-06-23: snapshot has two pipeline files: pipeline.csv and pipeline.parquet "
        "(keep the one exported that day and remove the other)"]
