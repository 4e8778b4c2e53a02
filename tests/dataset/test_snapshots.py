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
