"""DuckDB's own CSV reader (issue 20): plain UTF-8 order files go from disk into DuckDB without the shared
reader, with the shared reader's problems (FILE:LINE, text, order); anything DuckDB could read otherwise
(GBK, blank lines, ragged rows, quotes left open, bare CR line ends, a declared encoding) goes to the shared
reader. Each case is loaded with both engines and the problems must be identical (``assert_same_problems``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import sitegen.engines.duckdb_read as duckdb_read
from tests.engines.test_engine_loader import CUSTOMERS, GBK, MIXED, _load, _site, assert_same_problems

HEADER = "customer_id,order_date,amount,product\n"
BAD = "C1,2026-02-30,5,A\nC9,2026-01-01,-3,B\n"
# Files DuckDB reads itself: the shared reader must not be asked
OWN = {
    "plain": HEADER + "C1,2026-01-01,5,A\n" + BAD,
    "bom": "\ufeff" + HEADER + BAD,
    "crlf": (HEADER + BAD + "C2,x,1,C\n").replace("\n", "\r\n"),
    "quoted line breaks": HEADER + 'C1,2026-01-01,5,"two\nlines"\nC2,2026-01-02,"1,5","a\r\nb"\n' + BAD,
    "all-empty rows": HEADER + BAD + ",,,\n\"\",,,\nC2,bad,1,x\n",
    "trailing line breaks": HEADER + BAD + "\n\n\n",
    "no final line break": HEADER + BAD + "C2,2026-01-01,x,A",
    "footer": HEADER + BAD + ",,,\n合计,,2,\n制表人：王芳,,,\n",
    "footer after 60 rows": HEADER + "C1,2026-01-01,5,A\n" * 60 + BAD + "Grand Totals (62 records),,,\n",
    "only a note under the data": HEADER + BAD + "see the other sheet,,,\n",
    "synonyms": "客户编号,订单日期,金额,产品\nC1,2026年1月2日,\"￥1,200\",茶叶\n客户一,2026/13/1,五,茶具\n",
    "semicolons": "Kunde;Datum;Betrag\nC1;2026-01-01;5\nC2;morgen;-1\n",
    "tabs": "customer_id\torder_date\tamount\nC1\t2026-01-01\t5\nC9\t2026-13-01\t5\n",
    "quote inside a cell": HEADER + 'C1,2026-01-01,5,12"pipe\n' + BAD,
    "quoted header": '"customer_id","order_date","amount"\n"C1","2026-01-01","5"\n"C2","","x"\n',
    "spaces": HEADER + " C1 , 2026-03-01 , 1 200 , A \nC2,  ,  ,\n",
    "one column": "customer_id\nC1\n",
    "missing column": "customer_id,amount\nC1,5\n",
    "ambiguous": "customer_id,order_date,amount,Amount\nC1,2026-01-01,5,6\n",
}
# Files the shared reader reads (DuckDB would not see the same rows, or cannot decode them)
SHARED = {
    "blank line": HEADER + BAD + "\nC2,bad,1,x\n",
    "blank line in a one-column table": "customer_id,order_date,amount\nC1,2026-01-01,5\n\nC2,x,1\n",
    "ragged": HEADER + "C1,2026-01-01,5,A,extra\n" + BAD,
    "short row": HEADER + "C1,2026-01-01\n" + BAD,
    "quote left open": HEADER + BAD + 'C2,2026-01-01,5,"open\nC3,2026-01-01,5,A\n',
    "bare CR": (HEADER + BAD).replace("\n", "\r"),
    "mixed line ends": HEADER + BAD + "C2,x,1,A\r\n",
    "header only": HEADER,
    "only footers": HEADER + "合计,,2,\n",
    "quote after a space": HEADER + 'C1,2026-01-01,5, "x"\n' + BAD,
    "header cell spanning lines": '"customer\n_id",order_date,amount\nC1,2026-01-01,5\n',
}


@pytest.fixture
def readers(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The display names of the tables the shared reader read for the DuckDB engine."""
    calls: list[str] = []
    shared = duckdb_read._shared_reader

    def counted(con, source, *args):
        calls.append(source.display)
        return shared(con, source, *args)

    monkeypatch.setattr(duckdb_read, "_shared_reader", counted)
    return calls


@pytest.mark.parametrize("case", sorted(OWN))
def test_duckdb_reads_plain_files_itself(tmp_path: Path, case: str, readers: list[str]) -> None:
    assert_same_problems(_site(tmp_path, {"orders.csv": OWN[case], "customers.csv": CUSTOMERS}))
    assert readers == []


@pytest.mark.parametrize("case", sorted(SHARED))
def test_other_files_go_to_the_shared_reader(tmp_path: Path, case: str, readers: list[str]) -> None:
    assert_same_problems(_site(tmp_path, {"orders.csv": SHARED[case], "customers.csv": CUSTOMERS}))
    assert readers == ["data/orders.csv"]


@pytest.mark.parametrize("body", [GBK, MIXED, "C1,2026-01-01,\xe9\n".encode("latin-1")], ids=["gbk", "mixed", "latin1"])
def test_files_that_are_not_utf8_go_to_the_shared_reader(tmp_path: Path, body: bytes, readers: list[str]) -> None:
    body = body if body.startswith("客户".encode("gbk")) else HEADER.encode() + body
    assert_same_problems(_site(tmp_path, {"orders.csv": body, "customers.csv": CUSTOMERS}))
    assert readers == ["data/orders.csv"]


def test_column_map_and_declared_encoding(tmp_path: Path, readers: list[str]) -> None:
    """A ``columns`` map is resolved by the loader's rules; a declared GBK file goes to the shared reader."""
    site = _site(tmp_path, {"orders.csv": "Account,When,Value\nC1,2026-01-01,5\nC2,never,-1\n",
                            "customers.csv": CUSTOMERS})
    toml = '[data.orders]\ncolumns = { customer_id = "Account", order_date = "When", amount = "Value" }\n'
    (site / "sitegen.toml").write_text(toml, encoding="utf-8")
    assert_same_problems(site)
    assert readers == []
    (site / "sitegen.toml").write_text(toml + 'encoding = "gbk"\n', encoding="utf-8")
    assert_same_problems(site)
    assert readers == ["data/orders.csv"]


def test_row_numbers_are_the_shared_readers(tmp_path: Path) -> None:
    """After a quoted line break and a row of empty cells, problems name the row as the shared reader does."""
    site = _site(tmp_path, {"orders.csv": OWN["quoted line breaks"] + ",,,\nC1,nope,1,A\n", "customers.csv": CUSTOMERS})
    problems = _load(site, "duckdb").problems
    lines = sorted(p.line for p in problems if p.file == "data/orders.csv" and p.column == "order_date")
    assert lines == [4, 7]


def test_scan_counts_lines_and_refuses_odd_files(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"\xef\xbb\xbfa,b\r\n1,2\r\n\r\n")
    assert duckdb_read.scan(path, None) == ("a,b\r", 2, False)
    for body in (b"", b"a,b\x00\n1,2\n", b"\xff\xfea\x00", b"a,b\r1,2\r"):
        path.write_bytes(body)
        assert duckdb_read.scan(path, None) is None
    path.write_bytes(b"a,b\n1,2\n")
    assert duckdb_read.scan(path, "gbk") is None and duckdb_read.scan(path, "utf-8") == ("a,b", 2, False)
    path.write_bytes(b'a,b\n1,"2"\n')
    assert duckdb_read.scan(path, None) == ("a,b", 2, True)


def test_scan_reads_in_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Line breaks (and a CR LF split between two reads) are counted across chunks."""
    monkeypatch.setattr(duckdb_read, "CHUNK", 8)
    path = tmp_path / "x.csv"
    path.write_bytes(b"abc,d\r\n1,2\r\n3,4\r\n\r\n\r\n")  # reads: abc,d CR LF 1 | ,2 CR LF 3,4 CR | LF ...
    assert duckdb_read.scan(path, None) == ("abc,d\r", 3, False)
    for body in (b"abc,d\r\n1,2\r\n3,4\r5,6\n", b"abc,d\r\n1,2\r\n3,4 \"x\"\n", b"abc,d\r\n1,2\r\n3,4\r"):
        path.write_bytes(body)  # a bare CR, a quote after a space in the second read; a CR at the end
        assert duckdb_read.scan(path, None) is None
    path.write_bytes(b"abc,d\n" + b"x" * 20)  # rows beyond the first read
    assert duckdb_read.scan(path, None) == ("abc,d", 2, False)
    path.write_bytes(b"x" * 20)
    assert duckdb_read.scan(path, None) is None


def test_types_are_looked_up_batch_by_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The typed table is built in batches (no join per column): batches of 2 rows give the same table."""
    import sitegen.engines.duckdb_load as duckdb_load

    monkeypatch.setattr(duckdb_load, "BATCH", 2)
    assert_same_problems(_site(tmp_path, {"orders.csv": OWN["footer after 60 rows"] + "C2,x,-1,B\n" * 3,
                                          "customers.csv": CUSTOMERS}))
