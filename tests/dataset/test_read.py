"""Reading CSV files: pyarrow's fast reader and the pandas fallback give the same tables, problems and line
numbers; anything unusual goes to pandas, whose messages the bad-input corpus pins down."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sitegen.config import load_config
from sitegen.dataset import load_dataset, read, validate
from sitegen.dataset.load import Labels
from sitegen.dataset.problems import ProblemLog

# One site whose files use everything the fast reader must get right.
TRICKY_FILES: dict[str, str | bytes] = {
    # CRLF, quoted separators, doubled quotes, a cell over two lines, a repeated header, padded cells,
    # an all-empty row, a bad value after the two-line cell (its line number shifts with it).
    "orders.csv": (
        "customer_id,order_date,amount,product,amount,status\r\n"
        'C1,2026-01-05,"1,234.50","Widget, large",9,completed\r\n'
        ' C2 ,2026/1/6,¥99,"say ""hi""",9,\r\n'
        'C1,2026-01-07,5,"two\r\nlines",9,cancelled\r\n'
        ",,,,,\r\n"
        "C3,2026-01-08,abc,x,9,completed\r\n"
        "\u3000C1\u3000, 2026-01-09 ,\t7\t,\"  spaced  \",9,completed\r\n"
    ),
    "customers.csv": "customer_id,name,created_date\nC1,上海华信精密机械有限公司,2025-01-01\nC2,北京,2025-02-01\n"
                     .encode("gbk"),
    "contacts.csv": "\ufeffcustomer_id,name,title\nC1,张三,经理\nC2,,\n".encode("utf-8"),
    "pipeline.csv": "opportunity_id;stage;created_date;customer_id;amount\nO1;Lead;2026-01-01;C1;100\n"
                    "O2;Proposel;2026-02-01;C2;\n",
    "activities.csv": "date\tcustomer_id\topportunity_id\ttype\tsummary\n"
                      '2026-01-05\tC1\tO1\tcall\t"note, with ""quotes"""\n2026-01-06\tC9\tO9\tvisit\tplain\n',
    "stage_history.csv": "opportunity_id,stage,entered_date\rO1,Lead,2026-01-01\rO1,Proposal,2025-12-01\r",
}


def load(site: Path):
    return load_dataset(load_config(cwd=site))


def messages(ds) -> list[str]:
    return [p.format() for p in ds.problems]


def pandas_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every file take the pandas reader, as before the fast one existed."""
    monkeypatch.setattr(read, "_read_with_arrow", lambda *args: None)


def test_fast_reader_takes_the_tricky_files() -> None:
    for name, content in TRICKY_FILES.items():
        raw = content if isinstance(content, bytes) else content.encode("utf-8")
        text, _ = read.decode_csv_bytes(raw)
        assert read._read_with_arrow(text.encode("utf-8")) is not None, name


def test_fast_reader_gives_what_pandas_gives(make_site, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = load(make_site(TRICKY_FILES, name="fast"))
    pandas_only(monkeypatch)
    slow = load(make_site(TRICKY_FILES, name="slow"))
    assert list(fast.tables) == list(slow.tables)
    for name in fast.tables:
        pd.testing.assert_frame_equal(fast.tables[name], slow.tables[name], check_exact=True)
        for column in fast.tables[name].columns[fast.tables[name].dtypes == object]:
            assert [type(v) for v in fast.tables[name][column]] == [type(v) for v in slow.tables[name][column]]
    assert fast.problems == slow.problems
    assert (fast.error_count, fast.warning_count) == (slow.error_count, slow.warning_count)


def test_tricky_files_read_right(make_site) -> None:
    ds = load(make_site(TRICKY_FILES))
    orders = ds.get("orders")
    assert orders["_line"].tolist() == [2, 3, 4, 6, 7]  # the empty row (line 5) is left out
    assert orders["customer_id"].tolist() == ["C1", "C2", "C1", "C3", "C1"]
    assert orders["product"].tolist() == ["Widget, large", 'say "hi"', "two\r\nlines", "x", "spaced"]
    assert orders["amount"].tolist()[:3] == [1234.5, 99.0, 5.0] and orders["amount"].isna().tolist()[3]
    assert orders["status"].tolist()[1] is None
    assert ds.get("customers")["name"].tolist() == ["上海华信精密机械有限公司", "北京"]
    assert ds.get("contacts")["title"].tolist() == ["经理", None]
    assert ds.get("stage_history")["_line"].tolist() == [2, 3]
    got = messages(ds)
    assert "data/orders.csv:1: column amount: column appears twice; the first one is used " \
           "(rename or delete the duplicate)" in got
    assert any(m.startswith("data/orders.csv:6: column amount: not a number: 'abc'") for m in got)
    assert any(m.startswith("data/pipeline.csv:3: column stage: unknown stage: 'Proposel'") for m in got)


def test_text_columns_are_python_strings_shared_per_value(make_site) -> None:
    body = "".join(f"C{i % 3},2026-01-0{1 + i % 9},{i}\n" for i in range(30))
    orders = load(make_site({"orders.csv": "customer_id,order_date,amount,status\n" +
                             body.replace("\n", ",\n")})).get("orders")
    ids = orders["customer_id"]
    assert ids.dtype == object and all(type(v) is str for v in ids)
    assert ids[0] is ids[3]  # one string object per distinct value
    assert orders["status"].tolist() == [None] * 30


def test_blank_lines_count_in_line_numbers(make_site, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "customer_id,order_date,amount\n\nC1,2026-01-01,5\n\n\nC2,2026-13-01,6\n\n"
    assert read._read_with_arrow(text.encode("utf-8")) is not None  # blank rows are dropped like pandas does
    fast = load(make_site({"orders.csv": text}, name="fast"))
    pandas_only(monkeypatch)
    slow = load(make_site({"orders.csv": text}, name="slow"))
    pd.testing.assert_frame_equal(fast.get("orders"), slow.get("orders"), check_exact=True)
    assert messages(fast) == messages(slow)
    assert fast.get("orders")["_line"].tolist() == [3, 6]
    assert messages(fast)[0].startswith("data/orders.csv:6: column order_date: not a date: '2026-13-01'")


@pytest.mark.parametrize("body, expected", [
    ("C1,2026-01-01,5\nC2,2026-01-02,6,7\n", "data/orders.csv:3: row has 4 cells but the header has 3"),
    ("C1,2026-01-01,5\nC2\n", "data/orders.csv:3: column order_date: missing value"),  # pandas pads short rows
    ('C1,2026-01-01,5\n"C2,2026-01-02,6\nC3,2026-01-03,7\n', "data/orders.csv:3: a quoted cell is never closed"),
    ('C1,2026-01-01,5\nC2,2026-01-02,"6\n', "data/orders.csv:3: a quoted cell is never closed"),
])
def test_unusual_files_take_the_pandas_reader_with_its_messages(make_site, body: str, expected: str) -> None:
    text = "customer_id,order_date,amount\n" + body
    assert read._read_with_arrow(text.encode("utf-8")) is None
    got = messages(load(make_site({"orders.csv": text})))
    assert any(m.startswith(expected) for m in got), got


def test_quoted_cell_left_open_in_a_one_column_file_is_not_read_by_arrow() -> None:
    assert read._read_with_arrow(b'customer_id\nC1\n"C2\n') is None
    assert read._read_with_arrow(b'customer_id\nC1\n"C2"\n') is not None


def test_old_mac_line_ends_load_like_unix_ones(make_site) -> None:
    text = "customer_id,order_date,amount\nC1,2026-01-01,5\nC2,2026-13-01,6\n"
    unix = load(make_site({"orders.csv": text}, name="unix"))
    mac = load(make_site({"orders.csv": text.replace("\n", "\r")}, name="mac"))
    pd.testing.assert_frame_equal(unix.get("orders"), mac.get("orders"), check_exact=True)
    assert messages(unix) == messages(mac)


def test_a_cell_too_many_on_every_row_is_an_error_not_a_crash(make_site) -> None:
    ds = load(make_site({"orders.csv": "customer_id,order_date,amount\nC1,2026-01-01,5,\nC2,2026-01-01,6,\n"}))
    assert ds.error_count == 1
    assert messages(ds)[0].startswith("data/orders.csv:2: row has 4 cells but the header has 3")


def test_customers_file_without_rows_does_not_break_the_order_dates_check(make_site) -> None:
    ds = load(make_site({"customers.csv": "customer_id,name,created_date\n",
                         "orders.csv": "customer_id,order_date,amount\nC1,2026-01-01,5\n"}))
    assert ds.error_count == 0
    assert any("customer not in customers file: 'C1'" in m for m in messages(ds))


def test_reference_checks_give_the_same_without_the_loaders_labels(make_site) -> None:
    ds = load(make_site(TRICKY_FILES))
    tables = dict(ds.tables)
    with_labels, without = ProblemLog(), ProblemLog()
    ids = {name: {"customer_id": Labels.of(frame["customer_id"])} for name, frame in tables.items()
           if "customer_id" in frame}
    validate.check_references(tables, dict(ds.files), with_labels, ids)
    validate.check_references(tables, dict(ds.files), without)
    assert with_labels.problems == without.problems and with_labels.problems


def test_missing_ids_match_nothing_in_the_reference_checks(make_site) -> None:
    """An order without customer is not compared with a customers row without id (both are errors anyway)."""
    ds = load(make_site({
        "customers.csv": "customer_id,name,created_date\n,Nobody,2026-03-01\nC1,A,2026-03-01\n",
        "orders.csv": "customer_id,order_date,amount\n,2026-01-01,5\nC1,2026-01-01,5\nC9,2026-01-01,5\n",
    }))
    got = messages(ds)
    assert [m.split(":")[1] for m in got if "before the customer was created" in m] == ["3"]
    assert [m.split(":")[1] for m in got if "not in customers file" in m] == ["4"]


NAMES = ["张伟", "王芳", "李娜", "刘强", "陈静"]


def test_a_gbk_line_in_a_utf8_file_keeps_the_utf8_names(make_site) -> None:
    """One row appended by a program that writes GBK: the other rows stay UTF-8, that line is read as
    GB18030 and named in a warning; nothing is garbled."""
    rows = [f"C{i},{name}\n".encode("utf-8") for i, name in enumerate(NAMES)]
    rows.insert(3, "C9,上海华信\n".encode("gbk"))  # line 5 of the file
    site = make_site({"customers.csv": b"customer_id,name\n" + b"".join(rows),
                      "orders.csv": "customer_id,order_date,amount\nC1,2026-01-05,10\n"})
    ds = load(site)
    assert ds.error_count == 0, messages(ds)
    names = dict(zip(ds.get("customers")["customer_id"], ds.get("customers")["name"]))
    assert [names[f"C{i}"] for i in range(5)] == NAMES
    assert names["C9"] == "上海华信"
    odd = [p for p in ds.problems if "UTF-8" in p.message]
    assert [(p.file, p.line, p.severity) for p in odd] == [("data/customers.csv", 5, "warning")]
    assert "read as GB18030" in odd[0].message and "one encoding" in odd[0].hint


def test_a_utf8_line_in_a_gbk_file_is_read_as_utf8_with_a_warning(make_site) -> None:
    rows = [f"C{i},{name}有限公司\n".encode("gbk") for i, name in enumerate(NAMES)]
    rows.append("C9,上海华信\n".encode("utf-8"))  # line 7
    log = ProblemLog()
    table = read.read_csv_columns(b"customer_id,name\n" + b"".join(rows), None, "c.csv", "customers", log)
    assert table.columns[1].to_pylist() == [f"{name}有限公司" for name in NAMES] + ["上海华信"]
    assert [(p.line, p.severity) for p in log.problems] == [(7, "warning")]
    assert "rest of the file is GB18030" in log.problems[0].message


def test_a_line_in_neither_encoding_gets_replacement_characters_and_a_warning() -> None:
    raw = "customer_id,name\nC1,张伟\nC2,王芳\n".encode("utf-8") + b"C3,\xff\xfe\xff\n" + "C4,李娜\n".encode()
    log = ProblemLog()
    table = read.read_csv_columns(raw, None, "c.csv", "customers", log)
    assert table.columns[1].to_pylist() == ["张伟", "王芳", "\ufffd\ufffd\ufffd", "李娜"]
    assert [(p.line, p.severity) for p in log.problems] == [(4, "warning")]
    assert "replaced" in log.problems[0].message


def test_a_header_in_neither_encoding_is_an_error() -> None:
    log = ProblemLog()
    assert read.read_csv_columns(b"customer_id,\xff\xfe\xff\nC1,x\n", None, "c.csv", "customers", log) is None
    assert [(p.line, p.message, p.severity) for p in log.problems] == [(1, "not a readable text CSV file", "error")]


def test_clean_files_take_the_fast_reader_without_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    """A clean UTF-8 file never reaches the line-by-line decoding; a clean GBK file has no warning."""
    monkeypatch.setattr(read, "_decode_mixed", lambda *args: pytest.fail("decoded line by line"))
    log = ProblemLog()
    raw = "customer_id,name\n".encode() + "".join(f"C{i},{n}\n" for i, n in enumerate(NAMES)).encode()
    assert read.read_csv_columns(raw, None, "c.csv", "customers", log).columns[1].to_pylist() == NAMES
    monkeypatch.undo()
    gbk = read.read_csv_columns(raw.decode().encode("gbk"), None, "c.csv", "customers", log)
    assert gbk.columns[1].to_pylist() == NAMES and log.problems == []
