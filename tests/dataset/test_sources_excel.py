"""Workbook sources (python-calamine): title rows and merged headers, date cells and serials, numbers without
float noise, hidden sheets, a workbook with a sheet per table, .ods; problems say FILE:SHEET:ROW."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from sitegen.config import TABLES, parse_config
from sitegen.dataset import LINE, load_dataset
from sitegen.dataset.sources.base import cell_text
from sitegen.demo import generate_demo_data
from sitegen.errors import ConfigError

openpyxl = pytest.importorskip("openpyxl", reason="pip install -e '.[test]' installs openpyxl")


def _pipeline_book(path: Path) -> None:
    """A CRM-style export: a title row and a blank row above a two-row header whose group labels are merged
    across the names below them, date cells, a date serial without a date format, float noise, a hidden sheet."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Deals"
    sheet.append(["Opportunity report, exported 2026-07-01"])
    sheet.merge_cells("A1:E1")
    sheet.append([])
    sheet.append(["Deal", None, "Stage", "Amount", "Created date"])
    sheet.merge_cells("A3:B3")
    for column in "CDE":  # single labels merged down over the second header row
        sheet.merge_cells(f"{column}3:{column}4")
    sheet.append(["opportunity_id", "opportunity_name"])
    sheet.append(["O1", "Pumps", "Lead", 1234.4999999999998, date(2026, 3, 5)])
    sheet.append(["O2", "Valves", "Proposal", 20000, datetime(2026, 3, 6, 14, 30)])
    sheet.append([])  # a blank row: left out, the rows below keep their numbers
    sheet.append(["O3", "Motors", "Lead", "lots", 46100])  # 46100: the Excel serial of 2026-03-19
    sheet.append(["O4", "Gears", "Lead", 0.1 + 0.2, "2026-03-20"])
    hidden = book.create_sheet("Old deals")
    hidden.sheet_state = "hidden"
    hidden.append(["opportunity_id", "stage", "created_date"])
    hidden.append(["X1", "Lead", "2020-01-01"])
    book.move_sheet("Old deals", offset=-1)  # the hidden sheet comes first: it must still be skipped
    book.save(path)


def _config(root: Path, **data) -> object:
    return parse_config({"data": data}, root=root)


def test_a_workbook_export_loads_with_its_title_rows_merged_header_and_dates(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    _pipeline_book(tmp_path / "data" / "pipeline.xlsx")  # found as the pipeline's file by its extension
    dataset = load_dataset(_config(tmp_path))
    frame = dataset.tables["pipeline"]
    assert list(frame["opportunity_id"]) == ["O1", "O2", "O3", "O4"]
    assert list(frame["opportunity_name"]) == ["Pumps", "Valves", "Motors", "Gears"]
    assert [d.date().isoformat() for d in frame["created_date"]] == \
        ["2026-03-05", "2026-03-06", "2026-03-19", "2026-03-20"]
    assert list(frame[LINE]) == [5, 6, 8, 9]  # sheet rows
    assert frame["amount"].iloc[0] == 1234.5 and frame["amount"].iloc[3] == 0.3
    assert dataset.files["pipeline"] == "data/pipeline.xlsx:Deals"
    shown = [p.format() for p in dataset.problems]
    assert any(s.startswith("data/pipeline.xlsx:Deals:8: column amount: not a number: 'lots'") for s in shown), shown


def test_cells_become_the_text_a_csv_export_would_hold() -> None:
    assert cell_text(1234.4999999999998) == "1234.5"
    assert cell_text(20000.0) == "20000"
    assert cell_text(1e20) == "100000000000000000000"
    assert cell_text(0.1 + 0.2) == "0.3"
    assert cell_text(1.5e-7) == "0.00000015"
    assert cell_text(datetime(2026, 3, 5)) == "2026-03-05"
    assert cell_text(datetime(2026, 3, 5, 14, 30)) == "2026-03-05 14:30:00"
    assert cell_text(True) == "TRUE" and cell_text("") is None and cell_text(None) is None


def test_header_row_names_the_row_of_the_column_names(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Region", "East"])  # two text cells above the header: detection would take this row
    sheet.append(["opportunity_id", "stage", "created_date"])
    sheet.append(["O1", "Lead", "2026-03-05"])
    book.save(tmp_path / "data" / "deals.xlsx")
    config = _config(tmp_path, pipeline={"file": "deals.xlsx", "header_row": 2})
    dataset = load_dataset(config)
    assert dataset.error_count == 0 and list(dataset.tables["pipeline"]["opportunity_id"]) == ["O1"]
    missing = load_dataset(_config(tmp_path, pipeline={"file": "deals.xlsx", "header_row": 3})).problems
    assert any(p.format().startswith("data/deals.xlsx:Sheet:3: column opportunity_id: required column is missing")
               for p in missing), [p.format() for p in missing]


def _demo(root: Path) -> Path:
    generate_demo_data(root / "csv" / "data", customers=12, seed=3, as_of=date(2026, 6, 30))
    return root / "csv"


def _typed(path: Path) -> pd.DataFrame:
    """A demo CSV with its dates as dates and its numbers as numbers, as a workbook would hold them."""
    frame = pd.read_csv(path, keep_default_na=False, na_values=[""])
    for column in frame.columns:
        if column.endswith("date"):
            frame[column] = pd.to_datetime(frame[column])
    return frame


def _same_tables(one, other) -> None:
    assert set(one.tables) == set(other.tables)
    for name in one.tables:
        pd.testing.assert_frame_equal(one.tables[name].drop(columns=LINE), other.tables[name].drop(columns=LINE))


def test_a_workbook_with_a_sheet_per_table_loads_like_the_csv_files(tmp_path: Path) -> None:
    csv = _demo(tmp_path)
    (tmp_path / "data").mkdir()
    names = {"pipeline": "商机", "orders": "订单", "customers": "客户"}  # Chinese sheet names; the rest by header
    with pd.ExcelWriter(tmp_path / "data" / "crm.xlsx", engine="openpyxl") as writer:
        pd.DataFrame({"opportunity_id": ["X"], "stage": ["Lead"]}).to_excel(writer, sheet_name="pipeline", index=False)
        writer.book["pipeline"].sheet_state = "hidden"  # a hidden sheet named like a table is not read
        for i, name in enumerate(t for t in TABLES if (csv / "data" / f"{t}.csv").exists()):
            _typed(csv / "data" / f"{name}.csv").to_excel(writer, sheet_name=names.get(name, f"Sheet{i}"), index=False)
    from_book = load_dataset(_config(tmp_path, workbook="crm.xlsx"))
    from_csv = load_dataset(_config(csv))
    assert from_book.error_count == from_csv.error_count == 0
    assert from_book.files["pipeline"] == "data/crm.xlsx:商机"
    _same_tables(from_book, from_csv)


def test_an_ods_file_loads_too(tmp_path: Path) -> None:
    pytest.importorskip("odf", reason="pip install -e '.[test]' installs odfpy (the .ods writer)")
    (tmp_path / "data").mkdir()
    frame = pd.DataFrame({"opportunity_id": ["O1", "O2"], "stage": ["Lead", "Won"],
                          "created_date": pd.to_datetime(["2026-03-05", "2026-03-06"]), "amount": [10.5, 20]})
    frame.to_excel(tmp_path / "data" / "pipeline.ods", engine="odf", index=False)
    dataset = load_dataset(_config(tmp_path))
    assert dataset.error_count == 0
    assert list(dataset.tables["pipeline"]["amount"]) == [10.5, 20.0]
    assert [d.date().isoformat() for d in dataset.tables["pipeline"]["created_date"]] == ["2026-03-05", "2026-03-06"]


def test_two_files_for_one_table_are_a_config_error_naming_both(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "pipeline.csv").write_text("opportunity_id,stage,created_date\n", encoding="utf-8")
    _pipeline_book(tmp_path / "data" / "pipeline.xlsx")
    with pytest.raises(ConfigError) as caught:
        load_dataset(_config(tmp_path))
    assert "both pipeline.csv and pipeline.xlsx" in str(caught.value)
    assert load_dataset(_config(tmp_path, pipeline={"file": "pipeline.xlsx"})).tables["pipeline"].shape[0] == 4


def test_a_missing_sheet_and_a_broken_workbook_are_problems(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    _pipeline_book(tmp_path / "data" / "pipeline.xlsx")
    shown = [p.format() for p in load_dataset(_config(tmp_path, pipeline={"sheet": "Nope"})).problems]
    assert any(s.startswith("data/pipeline.xlsx: no visible sheet named 'Nope' (sheets: 'Deals')") for s in shown)
    (tmp_path / "data" / "orders.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    shown = [p.format() for p in load_dataset(_config(tmp_path)).problems]
    assert any(s.startswith("data/orders.xlsx: not a readable workbook") for s in shown), shown
