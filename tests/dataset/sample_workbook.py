"""The Chinese CRM export that ``sitegen init`` puts in ``samples/商机导出.xlsx``: its rows, and the script that
writes ``sitegen/scaffold_files/sample_opportunities_zh.xlsx`` from them.

The workbook is committed (``sitegen init`` needs no openpyxl); regenerate it after changing the rows with
``python tests/dataset/sample_workbook.py`` (openpyxl from the ``test`` extra). tests/dataset/test_sample_workbook.py
checks that the committed file holds exactly these rows.

Like a 销售易/纷享销客 export: a title row and an export-time line above the header, Chinese headers, Chinese
stage words with 赢单/输单, amounts as numbers and as text (¥12,500, 8万), dates as Excel date cells and as
text (2026/3/5, 2026年3月5日), and a 合计 row at the end.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

SHEET = "商机"
TITLE = [["商机导出"], ["导出时间：2026-06-30 18:00"]]
HEADER = ["商机编号", "商机名称", "客户名称", "负责人", "销售阶段", "商机金额", "创建日期", "结单日期"]
OPEN_STAGES = ("初步接洽", "需求确定", "方案/报价", "谈判审核")
TARGET = Path(__file__).resolve().parents[2] / "sitegen" / "scaffold_files" / "sample_opportunities_zh.xlsx"

_CUSTOMERS = ("华东精工", "北方贸易", "南海科技", "西部能源", "江南机电", "中原物流", "东方化工", "蓝海医疗")
_PRODUCTS = ("扩产", "年单", "试点", "二期", "改造", "续约", "新建产线", "备件")
_OWNERS = ("张伟", "李娜", "王芳", "刘洋")


def canonical_rows() -> list[tuple[str, str, str, str, str, int, date, date | None]]:
    """The deals as sitegen reads them: id, name, customer, owner, stage as exported, amount, created, closed."""
    rng = random.Random(18)
    rows = []
    for n in range(1, 29):
        customer = _CUSTOMERS[rng.randrange(len(_CUSTOMERS))]
        stage = rng.choice(OPEN_STAGES * 2 + ("赢单", "赢单", "赢单", "输单", "输单"))
        amount = rng.randrange(2, 60) * 5_000
        created = date(2025, 10, 1) + timedelta(days=rng.randrange(0, 250))
        closed = created + timedelta(days=rng.randrange(20, 120))
        closed = min(closed, date(2026, 6, 28)) if stage in ("赢单", "输单") else closed
        rows.append((f"SJ{n:04d}", f"{customer}-{_PRODUCTS[n % len(_PRODUCTS)]}", customer,
                     _OWNERS[rng.randrange(len(_OWNERS))], stage, amount, created, closed))
    return rows


def exported_rows() -> list[list[object]]:
    """The same deals as the CRM writes them: amounts and dates in the export's mixed spellings."""
    out: list[list[object]] = []
    for i, (oid, name, customer, owner, stage, amount, created, closed) in enumerate(canonical_rows()):
        money: object = amount if i % 3 == 0 else f"¥{amount:,}" if i % 3 == 1 else f"{amount / 10_000:g}万"
        out.append([oid, name, customer, owner, stage, money, _date(created, i), _date(closed, i + 1)])
    return out


def footer(rows: list[list[object]]) -> list[object]:
    """The export's 合计 row: the number of deals and the total amount."""
    return [f"合计（{len(rows)}条）", None, None, None, None, sum(r[5] for r in canonical_rows()), None, None]


def _date(day: date | None, i: int) -> object:
    if day is None:
        return None
    return day if i % 3 == 0 else f"{day.year}/{day.month}/{day.day}" if i % 3 == 1 else \
        f"{day.year}年{day.month}月{day.day}日"


def write(path: Path = TARGET) -> None:
    """Write the workbook (openpyxl)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = SHEET
    rows = exported_rows()
    for row in [*TITLE, HEADER, *rows, footer(rows)]:
        sheet.append(row)
    for column, width in zip("ABCDEFGH", (10, 18, 12, 8, 10, 12, 14, 14)):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=len(TITLE) + 2):
        for cell in row[6:8]:
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    book.properties.creator = "sitegen"
    book.save(path)


if __name__ == "__main__":
    write()
    print(f"wrote {TARGET}")
