"""Parquet sources (pyarrow): typed columns load like the same CSV; problems name the file and row number."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from sitegen.config import TABLES, parse_config
from sitegen.dataset import LINE, load_dataset
from sitegen.demo import generate_demo_data


def test_parquet_files_load_like_the_csv_files(tmp_path: Path) -> None:
    csv = tmp_path / "csv" / "data"
    generate_demo_data(csv, customers=12, seed=3, as_of=date(2026, 6, 30))
    (tmp_path / "data").mkdir()
    for name in TABLES:
        if (csv / f"{name}.csv").exists():  # dates as timestamps, numbers as numbers, ids as text
            frame = pd.read_csv(csv / f"{name}.csv", keep_default_na=False, na_values=[""])
            for column in frame.columns:
                if column.endswith("date"):
                    frame[column] = pd.to_datetime(frame[column])
            frame.to_parquet(tmp_path / "data" / f"{name}.parquet", index=False)
    from_parquet = load_dataset(parse_config({}, root=tmp_path))
    from_csv = load_dataset(parse_config({}, root=csv.parent))
    assert from_parquet.error_count == from_csv.error_count == 0
    assert from_parquet.files["orders"] == "data/orders.parquet"
    assert set(from_parquet.tables) == set(from_csv.tables)
    for name, frame in from_csv.tables.items():
        pd.testing.assert_frame_equal(from_parquet.tables[name].drop(columns=LINE), frame.drop(columns=LINE))


def test_problems_name_the_parquet_file_and_row(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    pd.DataFrame({"opportunity_id": ["O1", None, "O3"], "stage": ["Lead", None, "Lead"],
                  "created_date": ["2026-03-05", None, "soon"]}).to_parquet(tmp_path / "data" / "deals.parquet")
    dataset = load_dataset(parse_config({"data": {"pipeline": {"file": "deals.parquet"}}}, root=tmp_path))
    assert list(dataset.tables["pipeline"][LINE]) == [2, 4]  # the empty row is left out, like a CSV line
    shown = [p.format() for p in dataset.problems]
    assert any(s.startswith("data/deals.parquet:4: column created_date: not a date: 'soon'") for s in shown), shown
    (tmp_path / "data" / "deals.parquet").write_bytes(b"PAR1 broken")
    shown = [p.format() for p in load_dataset(parse_config({"data": {"pipeline": {"file": "deals.parquet"}}},
                                                           root=tmp_path)).problems]
    assert any(s.startswith("data/deals.parquet: not a readable Parquet file") for s in shown), shown
