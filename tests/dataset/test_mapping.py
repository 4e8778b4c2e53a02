"""``sitegen map`` and ``sitegen init --from``: the mapping shown, the stages proposed, the config written."""

from __future__ import annotations

import os
import shutil
import tomllib
from pathlib import Path

from click.testing import CliRunner

from sitegen.cli import main
from sitegen.config import load_config
from sitegen.dataset import load_dataset

EXPORTS = Path(__file__).parent / "fixtures" / "exports"


def run(cwd: Path, *args: str):
    """``sitegen ARGS`` run in ``cwd``."""
    runner = CliRunner()
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return runner.invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)


def test_map_prints_each_column_with_how_it_matched_and_proposes_stages(tmp_path) -> None:
    shutil.copy(EXPORTS / "hubspot_deals.csv", tmp_path / "deals.csv")
    result = run(tmp_path, "map", "deals.csv")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "deals.csv: table pipeline (by file name)" in out
    assert "opportunity_id   <- Record ID  (synonym of HubSpot, Zoho CRM)" in out
    assert "amount           <- Amount  (exact)" in out
    assert "customer_id      <- Associated Company  (fallback of HubSpot)" in out
    assert "not used: Pipeline" in out
    assert "Closed Won: won (2 rows, probability 100%)" in out
    proposed = out.split("proposed [[stages]] (ordered by probability; add them to sitegen.toml):\n")[1]
    assert [s["name"] for s in tomllib.loads(proposed)["stages"]] == [
        "Qualified To Buy", "Decision Maker Bought-In", "Contract Sent"]
    assert not (tmp_path / "sitegen.toml").exists()


def test_map_guesses_the_table_from_the_headers(tmp_path) -> None:
    shutil.copy(EXPORTS / "yonyou_sales_orders.csv", tmp_path / "export1.csv")
    result = run(tmp_path, "map", "export1.csv")
    assert result.exit_code == 0, result.output
    assert "table orders (by headers)" in result.output
    assert "customer_id <- 客户编码  (synonym of 金蝶 (Kingdee), 用友 (Yonyou))" in result.output


def test_map_orders_stages_by_the_stage_history_when_there_is_one(tmp_path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "stage_history.csv").write_text(
        "商机编号,阶段,变更时间\nA,丙,2026-01-01\nA,甲,2026-02-01\nB,丙,2026-01-05\nB,乙,2026-03-01\n",
        encoding="utf-8")
    (tmp_path / "商机.csv").write_text("商机编号,销售阶段,创建日期,赢率\nA,甲,2026-01-01,90%\nB,乙,2026-01-01,10%\n"
                                     "C,丙,2026-01-01,50%\n", encoding="utf-8")
    result = run(tmp_path, "map", "商机.csv")
    proposed = result.output.split("(ordered by stage history; add them to sitegen.toml):\n")[1]
    assert [s["name"] for s in tomllib.loads(proposed)["stages"]] == ["丙", "甲", "乙"]


def test_map_missing_column_exits_1_with_the_line_to_add(tmp_path) -> None:
    (tmp_path / "pipeline.csv").write_text("商机号,销售阶段,创建日期\nA1,赢单,2026-01-05\n", encoding="utf-8")
    result = run(tmp_path, "map", "pipeline.csv", "--write")
    assert result.exit_code == 1
    assert ("error: column opportunity_id: required column is missing (did you mean '商机号'? add to sitegen.toml: "
            '[data.pipeline] columns = { opportunity_id = "商机号" })') in result.output
    assert not (tmp_path / "sitegen.toml").exists()


def test_map_write_adds_the_columns_and_keeps_the_rest_of_the_file(tmp_path) -> None:
    shutil.copy(EXPORTS / "salesforce_opportunities.csv", tmp_path / "report.csv")
    config = '# my site\n[site]\ntitle = "Sales"  # keep me\n\n[data.pipeline]\nfile = "report.csv"\n\n[rules]\nwindow_days = 180\n'
    (tmp_path / "sitegen.toml").write_text(config, encoding="utf-8")
    result = run(tmp_path, "map", "report.csv", "--table", "pipeline", "--write")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "sitegen.toml").read_text(encoding="utf-8")
    assert text.startswith('# my site\n[site]\ntitle = "Sales"  # keep me\n\n[data.pipeline]\ncolumns = { ')
    assert text.endswith('file = "report.csv"\n\n[rules]\nwindow_days = 180\n')
    columns = tomllib.loads(text)["data"]["pipeline"]["columns"]
    assert columns["owner"] == "Opportunity Owner" and columns["customer_id"] == "Account Name"
    assert "amount" not in columns  # "Amount" is the column's own name
    again = run(tmp_path, "map", "report.csv", "--table", "pipeline", "--write")
    assert again.exit_code == 0 and "nothing to add" in again.output
    partial = config.replace('file = "report.csv"', 'file = "report.csv"\ncolumns = { owner = "Type" }')
    (tmp_path / "sitegen.toml").write_text(partial, encoding="utf-8")
    refused = run(tmp_path, "map", "report.csv", "--table", "pipeline", "--write")
    assert refused.exit_code == 2 and "already has a column map for this table; not changed" in refused.output
    assert 'add by hand: [data.pipeline] columns = { customer_id = "Account Name" }' in refused.output
    assert (tmp_path / "sitegen.toml").read_text(encoding="utf-8") == partial
    assert "owner            <- Type  (config)" in refused.output  # the config wins over the synonym
    missing = partial.replace('"Type"', '"Sales Rep"')
    (tmp_path / "sitegen.toml").write_text(missing, encoding="utf-8")
    shown = run(tmp_path, "map", "report.csv", "--table", "pipeline")
    assert "warning: column owner: [data.pipeline] columns maps it to 'Sales Rep', which is not in the file" in shown.output


def test_map_write_appends_a_table_to_a_config_without_one(tmp_path) -> None:
    shutil.copy(EXPORTS / "zoho_deals.csv", tmp_path / "pipeline.csv")
    (tmp_path / "sitegen.toml").write_text('[[stages]]\nkey = "lead"\nname = "Qualification"\n', encoding="utf-8")
    assert run(tmp_path, "map", "pipeline.csv", "--write").exit_code == 0
    raw = tomllib.loads((tmp_path / "sitegen.toml").read_text(encoding="utf-8"))
    assert raw["stages"][0]["key"] == "lead" and raw["data"]["pipeline"]["columns"]["owner"] == "Deal Owner"


def test_init_from_exports_starts_a_site_that_builds(tmp_path) -> None:
    shutil.copy(EXPORTS / "neocrm_opportunities.csv", tmp_path / "商机导出.csv")
    shutil.copy(EXPORTS / "kingdee_sales_orders.csv", tmp_path / "销售订单.csv")
    result = run(tmp_path, "init", "site", "--from", "商机导出.csv", "--from", "销售订单.csv")
    assert result.exit_code == 0, result.output
    site = tmp_path / "site"
    assert sorted(p.name for p in (site / "data").iterdir()) == ["orders.csv", "pipeline.csv"]
    assert (site / "data" / "orders.csv").read_bytes() == (EXPORTS / "kingdee_sales_orders.csv").read_bytes()
    raw = tomllib.loads((site / "sitegen.toml").read_text(encoding="utf-8"))
    assert [s["name"] for s in raw["stages"]] == ["初步接洽", "方案/报价", "谈判审核"]  # 需求确定: no deal
    assert "pipeline" not in raw.get("data", {})  # the synonyms match: no column map needed
    assert not (site / "content" / "reviews").exists() or not any((site / "content" / "reviews").iterdir())
    ds = load_dataset(load_config(cwd=site))
    assert ds.error_count == 0, [p.format() for p in ds.problems]
    assert len(ds.tables["pipeline"]) == 6 and len(ds.tables["orders"]) == 3


def test_init_from_refuses_two_files_of_one_table(tmp_path) -> None:
    shutil.copy(EXPORTS / "zoho_deals.csv", tmp_path / "a_deals.csv")
    shutil.copy(EXPORTS / "hubspot_deals.csv", tmp_path / "b_deals.csv")
    result = run(tmp_path, "init", "site", "--from", "a_deals.csv", "--from", "b_deals.csv")
    assert result.exit_code == 2 and "holds the pipeline table like" in result.output
    assert not (tmp_path / "site").exists()


def _neocrm_workbook(path: Path) -> None:
    """The 销售易 fixture as an Excel export: a title row above the header, date cells, numeric amounts."""
    import csv
    from datetime import date

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "商机"
    sheet.append(["商机列表（导出于 2026-06-30）"])
    with open(EXPORTS / "neocrm_opportunities.csv", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    sheet.append(rows[0])
    for row in rows[1:]:
        row[4] = float(row[4].strip("¥").replace(",", ""))
        row[5], row[6] = date.fromisoformat(row[5]), date.fromisoformat(row[6])
        sheet.append(row)
    book.save(path)


def test_map_reads_a_workbook_like_the_build(tmp_path) -> None:
    _neocrm_workbook(tmp_path / "商机导出.xlsx")
    result = run(tmp_path, "map", "商机导出.xlsx")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "商机导出.xlsx: table pipeline (by file name)" in out
    assert "customer_id      <- 客户名称  (fallback of" in out and "close_date       <- 结单日期" in out
    assert "赢单: won (2 rows, probability 100%)" in out and "输单: lost (1 row, probability 0%)" in out
    proposed = out.split("(ordered by probability; add them to sitegen.toml):\n")[1]
    assert [s["name"] for s in tomllib.loads(proposed)["stages"]] == ["初步接洽", "方案/报价", "谈判审核"]


def test_map_reads_a_parquet_file(tmp_path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"Deal ID": ["D1", "D2"], "Deal Stage": ["Closed Won", "Qualified To Buy"],
                             "Create Date": ["2026-01-05", "2026-02-05"], "Amount": [100.0, 250.5]}),
                   tmp_path / "export.parquet")
    result = run(tmp_path, "map", "export.parquet", "--table", "pipeline")
    assert result.exit_code == 0, result.output
    assert "opportunity_id <- Deal ID" in result.output and "Closed Won: won (1 row)" in result.output


def test_init_from_a_workbook_keeps_it_a_workbook_and_builds(tmp_path) -> None:
    _neocrm_workbook(tmp_path / "商机导出.xlsx")
    result = run(tmp_path, "init", "site", "--from", "商机导出.xlsx")
    assert result.exit_code == 0, result.output
    site = tmp_path / "site"
    assert sorted(p.name for p in (site / "data").iterdir()) == ["pipeline.xlsx"]
    raw = tomllib.loads((site / "sitegen.toml").read_text(encoding="utf-8"))
    assert [s["name"] for s in raw["stages"]] == ["初步接洽", "方案/报价", "谈判审核"]
    ds = load_dataset(load_config(cwd=site))
    assert ds.error_count == 0, [p.format() for p in ds.problems]
    frame = ds.tables["pipeline"]
    assert len(frame) == 6 and frame["amount"].sum() == 103500
    assert frame["created_date"].min().date().isoformat() == "2026-01-08"


def test_map_of_an_unreadable_workbook_exits_2_naming_it(tmp_path) -> None:
    (tmp_path / "deals.xlsx").write_bytes(b"not a zip file")
    result = run(tmp_path, "map", "deals.xlsx")
    assert result.exit_code == 2
    assert "deals.xlsx" in result.output and "not a readable workbook" in result.output
