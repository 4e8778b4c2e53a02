"""Tests for sitegen.dataset.parse: decoding, header keys and whole-column value parsers."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.dataset.parse import _BLANKS
from sitegen.dataset.parse import (
    DecodeFailure, decode_csv_bytes, normalize_header, parse_amounts, parse_dates, parse_probabilities, read_dates,
    suggest,
)

# Columns arrive as pandas' own string dtype (pandas 3 reads CSV text as `str`) or as plain object arrays,
# and from the loader as arrow string arrays (chunked, possibly sliced).
TEXT_DTYPES = ["object", pd.StringDtype("pyarrow")]


def arrow_cells(cells: list) -> pa.ChunkedArray:
    """The cells as the loader passes them: an arrow string column in two chunks, the first one sliced."""
    array = pa.array(["padding", *cells], type=pa.string())
    return pa.chunked_array([array[1:len(array) // 2 + 1], array[len(array) // 2 + 1:]], type=pa.string())


@pytest.fixture(params=[*TEXT_DTYPES, "arrow"], ids=["object", "arrow-string", "arrow-array"])
def column(request):
    """Build an input column in each supported text form; None becomes a missing value."""
    if request.param == "arrow":
        return arrow_cells
    return lambda cells: pd.Series(cells, dtype=request.param)


def dates_of(cells: list, **kwargs) -> list:
    parsed, invalid = parse_dates(pd.Series(cells, dtype=object), **kwargs)
    assert parsed.dtype == "datetime64[ns]" and invalid.dtype == bool
    return [None if pd.isna(d) else d.date() for d in parsed]


MARCH_5 = dt.date(2026, 3, 5)
DATE_FORMS = [
    "2026-03-05", "2026/3/5", "2026-3-5", "2026.03.05", "3/5/2026", "20260305", "2026年3月5日",
    "2026-03-05 14:30", "2026-03-05 14:30:00", "2026-03-05T14:30:00", "2026-03-05T14:30:00Z",
    "2026/3/5 9:05", "2026年3月5日 14:30", "  2026-03-05  ", "\t2026/3/5\u3000", "2026-03-05T14:30:00.123+08:00",
    "3/5/2026 2:30 PM", "2026/03/05 09:05:59", "２０２６年３月５日", "2026 年 3 月 5 日", "20260305 14:30",
]


# --- dates -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("cell", DATE_FORMS)
def test_every_supported_date_form_parses_to_midnight(cell):
    parsed, invalid = parse_dates(pd.Series([cell]))
    assert parsed[0] == pd.Timestamp("2026-03-05") and not invalid[0]


def test_dates_work_for_object_and_string_dtypes(column):
    parsed, invalid = parse_dates(column(DATE_FORMS))
    assert (parsed == pd.Timestamp("2026-03-05")).all() and not invalid.any()


def test_dayfirst_swaps_only_the_day_month_year_layout():
    cells = ["3/5/2026", "5.3.2026", "2026-03-05", "20260305", "2026年3月5日"]
    assert dates_of(cells) == [MARCH_5, dt.date(2026, 5, 3), MARCH_5, MARCH_5, MARCH_5]
    assert dates_of(cells, dayfirst=True) == [dt.date(2026, 5, 3), MARCH_5, MARCH_5, MARCH_5, MARCH_5]


def test_day_above_12_is_invalid_in_the_wrong_order_not_silently_swapped():
    parsed, invalid = parse_dates(pd.Series(["13/5/2026", "5/13/2026"]))
    assert parsed.isna().tolist() == [True, False] and invalid.tolist() == [True, False]
    parsed, invalid = parse_dates(pd.Series(["13/5/2026", "5/13/2026"]), dayfirst=True)
    assert invalid.tolist() == [False, True] and parsed[0] == pd.Timestamp("2026-05-13")


@pytest.mark.parametrize("cell", [
    "2026-02-30", "2025-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "20260230", "2026年2月30日", "2/30/2026",
    "26-3-5", "3/5/26", "260305", "05.03.26",  # two-digit years are ambiguous
    "2026-3/5", "2026/03-05",  # mixed separators
    "2026-03-05 25:00", "2026-03-05 14:60", "2026-03-05 13:00 PM", "2026-03-05 14", "2026-03-05 later",
    "abc", "2026", "2026-03", "0026-03-05", "1066-10-14", "3000-01-01", "１２３", "2026-03-05x", "N/A",
])
def test_unreadable_or_impossible_dates_are_nat_and_invalid(cell):
    parsed, invalid = parse_dates(pd.Series([cell]))
    assert pd.isna(parsed[0]) and invalid[0]


def test_leap_days():
    assert dates_of(["2024-02-29", "2000-02-29", "1900-02-29", "2100/2/29"]) == [
        dt.date(2024, 2, 29), dt.date(2000, 2, 29), None, None]


def test_empty_cells_are_missing_not_invalid(column):
    parsed, invalid = parse_dates(column([None, "", "   ", "\u3000", "2026-03-05", None]))
    assert parsed.isna().tolist() == [True, True, True, True, False, True]
    assert not invalid.any()


def test_mixed_column_parses_row_by_row_and_keeps_the_index():
    cells = ["2026-03-05", "2026/3/6", "3/7/2026", "20260308", "2026年3月9日", "2026-03-10 08:00", "junk", ""]
    index = pd.Index([10, 11, 12, 13, 14, 15, 16, 17])
    parsed, invalid = parse_dates(pd.Series(cells, index=index, name="close_date"))
    assert parsed.index.equals(index) and invalid.index.equals(index) and parsed.name == "close_date"
    assert [d.day for d in parsed.iloc[:6]] == [5, 6, 7, 8, 9, 10]
    assert invalid.tolist() == [False] * 6 + [True, False]


def test_dates_edge_inputs():
    empty, invalid = parse_dates(pd.Series([], dtype=object))
    assert len(empty) == 0 and len(invalid) == 0 and empty.dtype == "datetime64[ns]"
    parsed, invalid = parse_dates(pd.Series([np.nan, np.nan]))  # an all-blank column read as float
    assert parsed.isna().all() and not invalid.any()
    parsed, invalid = parse_dates(pd.Series([20260305, 20260230]))  # compact dates read as integers
    assert parsed[0] == pd.Timestamp("2026-03-05") and invalid.tolist() == [False, True]
    already = pd.Series(pd.to_datetime(["2026-03-05 14:30", None]))
    parsed, invalid = parse_dates(already)
    assert parsed[0] == pd.Timestamp("2026-03-05") and pd.isna(parsed[1]) and not invalid.any()



@pytest.mark.parametrize("cell", [
    "2300-01-01", "1899-12-31", "2101-01-01", "1677-09-22", "2261-12-31", "0001-01-01", "9999-12-31",
    "1/1/1850", "18991231", "2300年1月1日", "2300-01-01 10:00", "1066-10-14",
])
def test_real_dates_outside_the_range_are_out_of_range_not_unreadable(column, cell):
    """A close date of 2300-01-01 was reported as "not a date" though it is one: the loader can now say
    which it is (``parse_dates`` still calls both invalid)."""
    read = read_dates(column([cell, "2026-03-05"]))
    assert read.out_of_range.tolist() == [True, False] and not read.unreadable.any()
    assert pd.isna(read.dates[0]) and read.dates[1] == pd.Timestamp("2026-03-05")
    assert parse_dates(column([cell]))[1].tolist() == [True]


@pytest.mark.parametrize("cell", ["1900-02-29", "2300-02-30", "0000-01-01", "2300-13-01", "junk"])
def test_impossible_dates_are_unreadable_whatever_the_year(cell):
    read = read_dates(pd.Series([cell]))
    assert read.unreadable.tolist() == [True] and read.out_of_range.tolist() == [False]


def test_the_range_limits_and_the_years_around_1970_are_dates():
    cells = ["1900-01-01", "1926-06-01", "1969-12-15", "1969-12-31", "1970-01-01", "2100-12-31", "12/31/1969"]
    read = read_dates(pd.Series(cells))
    assert [d.date() for d in read.dates] == [dt.date(1900, 1, 1), dt.date(1926, 6, 1), dt.date(1969, 12, 15),
                                             dt.date(1969, 12, 31), dt.date(1970, 1, 1), dt.date(2100, 12, 31),
                                             dt.date(1969, 12, 31)]
    assert not read.unreadable.any() and not read.out_of_range.any()


def test_datetime_columns_outside_the_range_are_out_of_range():
    already = pd.Series(pd.to_datetime(["1800-01-01 00:00", "2026-03-05 14:30", None, "2200-01-01 00:00"]),
                        index=[4, 5, 6, 7])
    read = read_dates(already)
    assert read.out_of_range.tolist() == [True, False, False, True] and not read.unreadable.any()
    assert read.dates.isna().tolist() == [True, False, True, True] and read.dates.index.tolist() == [4, 5, 6, 7]


DATE_FORMATTERS = [
    lambda d: d.isoformat(),
    lambda d: f"{d.year}/{d.month}/{d.day}",
    lambda d: f"{d.year}-{d.month}-{d.day}",
    lambda d: d.strftime("%Y.%m.%d"),
    lambda d: f"{d.month}/{d.day}/{d.year}",
    lambda d: d.strftime("%Y%m%d"),
    lambda d: f"{d.year}年{d.month}月{d.day}日",
    lambda d: f"{d.isoformat()} 14:30",
    lambda d: f"{d.isoformat()}T23:59:59Z",
    lambda d: f"{d.year}/{d.month}/{d.day} 9:05",
    lambda d: f"{d.year}年{d.month}月{d.day}日 14:30",
]


@settings(max_examples=40, deadline=None)
@given(days=st.lists(st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)), min_size=1, max_size=30),
       which=st.lists(st.integers(0, len(DATE_FORMATTERS) - 1), min_size=30, max_size=30))
def test_property_any_date_in_any_supported_format_round_trips(days, which):
    cells = [DATE_FORMATTERS[w](d) for w, d in zip(which, days)]
    assert dates_of(cells) == days


@settings(max_examples=40, deadline=None)
@given(days=st.lists(st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)), min_size=1, max_size=20))
def test_property_dayfirst_reads_day_month_year(days):
    assert dates_of([f"{d.day}/{d.month}/{d.year}" for d in days], dayfirst=True) == days


# --- amounts -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("cell, expected", [
    ("1234.5", 1234.5), ("1,234.50", 1234.5), ("¥1,234", 1234), ("￥1,234", 1234), ("$1,234", 1234),
    ("RMB 1,234", 1234), ("rmb1234", 1234), ("CNY1234", 1234), ("1234 元", 1234), ("1,234元", 1234),
    ("1.2万", 12000), ("1.1万元", 11000), ("¥3亿", 3e8), ("3亿", 3e8), ("-1,234", -1234), ("(1,234.00)", -1234),
    ("($1,234)", -1234), ("-¥5", -5), ("¥-5", -5), ("+5", 5), ("１２３４", 1234), ("（１，２３４）", -1234),
    ("  1234  ", 1234), ("0", 0), ("-0.5", -0.5), (".5", 0.5), ("1.", 1), ("1e5", 1e5), ("1,234,567.891", 1234567.891),
    ("US$1,000", 1000), ("€12", 12), ("1234.5 CNY", 1234.5),
])
def test_amount_forms(cell, expected):
    parsed, invalid = parse_amounts(pd.Series([cell]))
    assert parsed[0] == pytest.approx(expected) and not invalid[0]


@pytest.mark.parametrize("cell", [
    "12abc", "1.2.3", "--5", "abc", "-(5)", "(-5)", "(5", "5)", "1,2,3", "12,34", "1,2345", "¥", "万", "1 234",
    "inf", "nan", "1e999", "$$5", "5-", "1.2万万",
])
def test_malformed_amounts_are_invalid(cell):
    parsed, invalid = parse_amounts(pd.Series([cell]))
    assert np.isnan(parsed[0]) and invalid[0]


def test_amount_column_with_blanks_and_junk(column):
    parsed, invalid = parse_amounts(column(["1,234.50", None, "", "  ", "12abc", "1.2万", "99"]))
    assert parsed.dtype == np.float64
    np.testing.assert_array_equal(parsed.to_numpy(), [1234.5, np.nan, np.nan, np.nan, np.nan, 12000, 99])
    assert invalid.tolist() == [False, False, False, False, True, False, False]


def test_amounts_numeric_and_empty_inputs():
    parsed, invalid = parse_amounts(pd.Series([1, 2.5, np.nan, np.inf]))
    assert parsed.iloc[:2].tolist() == [1, 2.5] and parsed.iloc[2:].isna().all()
    assert invalid.tolist() == [False, False, False, True]
    parsed, invalid = parse_amounts(pd.Series([], dtype=object))
    assert len(parsed) == 0 and parsed.dtype == np.float64 and len(invalid) == 0


CURRENCY_FORMS = [
    "{sign}¥{n}", "{sign}${n}", "¥{sign}{n}", "{sign}RMB {n}", "{sign}{n} 元", "{sign}CNY{n}", "{sign}￥{n}",
]


@settings(max_examples=40, deadline=None)
@given(cases=st.lists(st.tuples(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False),
                                st.sampled_from(CURRENCY_FORMS)), min_size=1, max_size=20))
def test_property_currency_amounts_round_trip_to_cents(cases):
    cells = [form.format(sign="-" if a < 0 else "", n=f"{abs(a):,.2f}") for a, form in cases]
    parsed, invalid = parse_amounts(pd.Series(cells))
    assert not invalid.any()
    assert parsed.tolist() == [float(f"{a:.2f}") for a, _ in cases]


@settings(max_examples=40, deadline=None)
@given(amounts=st.lists(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), min_size=1, max_size=30))
def test_property_accounting_negatives(amounts):
    cells = [f"({-a:,.2f})" if a < 0 else f"{a:,.2f}" for a in amounts]
    parsed, invalid = parse_amounts(pd.Series(cells))
    assert not invalid.any()
    assert parsed.tolist() == [float(f"{a:.2f}") for a in amounts]


BLANKS = st.sampled_from([None, "", " ", "  \t", "\u3000", "\xa0", "\ufeff", np.nan])
CELLS = st.one_of(BLANKS, st.text(max_size=12))


@settings(max_examples=40, deadline=None)
@given(cells=st.lists(CELLS, min_size=1, max_size=30))
def test_property_every_cell_is_exactly_one_of_blank_parsed_or_invalid(cells):
    blank = np.array([c is None or isinstance(c, float) or not str(c).strip(_BLANKS) for c in cells])
    series = pd.Series(cells, dtype=object)
    for parse in (parse_dates, parse_amounts, parse_probabilities):
        values, invalid = parse(series)
        parsed, invalid = values.notna().to_numpy(), invalid.to_numpy()
        assert len(parsed) == len(invalid) == len(cells)
        assert not (parsed & invalid).any()
        assert ((parsed | invalid) == ~blank).all()


@settings(max_examples=60, deadline=None)
@given(cells=st.lists(st.one_of(BLANKS, st.text(max_size=12), st.sampled_from(
    ["2026-03-05", "2026-02-30", "1,234.5", "-7", "1e400", "inf", "40%", " 2026/3/5 ", "１２３"])), max_size=30))
def test_property_arrow_columns_parse_like_series(cells):
    """The loader passes arrow arrays; every parser gives exactly what it gives for the same cells in a Series."""
    strings = [None if c is None or isinstance(c, float) else c for c in cells]
    for parse in (parse_dates, parse_amounts, parse_probabilities):
        expected_values, expected_invalid = parse(pd.Series(strings, dtype=object))
        values, invalid = parse(arrow_cells(strings))
        pd.testing.assert_series_equal(values, expected_values.reset_index(drop=True), check_exact=True)
        assert invalid.tolist() == expected_invalid.tolist()


# --- probabilities ------------------------------------------------------------------------------------------

def probabilities(cells: list) -> tuple[list, list]:
    parsed, invalid = parse_probabilities(pd.Series(cells, dtype=object))
    return [None if np.isnan(p) else round(p, 6) for p in parsed], invalid.tolist()


def test_fraction_column():
    assert probabilities(["0.4", "0", "1", "0.05", None]) == ([0.4, 0, 1, 0.05, None], [False] * 5)


def test_percent_column_with_and_without_sign():
    assert probabilities(["40", "40%", "40 %", "0", "100", "５０％"]) == ([0.4, 0.4, 0.4, 0, 1, 0.5], [False] * 6)


def test_percent_sign_does_not_turn_plain_fractions_into_percents():
    assert probabilities(["0.5", "40%"]) == ([0.5, 0.4], [False, False])


def test_out_of_range_and_junk_probabilities_are_invalid():
    assert probabilities(["-0.1", "150", "50", "101%", "-5%", "high", ""]) == (
        [None, None, 0.5, None, None, None, None], [True, True, False, True, True, True, False])


def test_numeric_probability_columns(column):
    parsed, invalid = parse_probabilities(pd.Series([0.2, np.nan, 1.0]))
    assert parsed.iloc[[0, 2]].tolist() == [0.2, 1.0] and not invalid.any()
    parsed, invalid = parse_probabilities(pd.Series([20, 75, 120]))
    assert parsed.iloc[:2].tolist() == [0.2, 0.75] and invalid.tolist() == [False, False, True]
    parsed, invalid = parse_probabilities(column(["10%", None]))
    assert parsed[0] == pytest.approx(0.1) and not invalid.any()


# --- decoding -----------------------------------------------------------------------------------------------

CSV_TEXT = "客户编号,金额,阶段\r\nC001,\"1,234.50\",商务谈判\r\nC002,￥88,成交签约\r\n"


@pytest.mark.parametrize("encoding, reported", [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gb18030", "gb18030"), ("gbk", "gb18030"),
    ("utf-16", "utf-16"), ("utf-16-le", "utf-16"), ("utf-32", "utf-32"),
])
def test_same_text_from_every_supported_encoding(encoding, reported):
    raw = CSV_TEXT.encode(encoding)
    if encoding == "utf-16-le":  # Excel's "Unicode text" writes LE with a BOM
        raw = b"\xff\xfe" + raw
    assert decode_csv_bytes(raw) == (CSV_TEXT, reported)


def test_ascii_only_file_is_utf8():
    assert decode_csv_bytes(b"id,amount\n1,2\n") == ("id,amount\n1,2\n", "utf-8")
    assert decode_csv_bytes(b"") == ("", "utf-8")


def test_declared_encoding_wins_and_failure_falls_back_to_detection():
    gbk = CSV_TEXT.encode("gbk")
    assert decode_csv_bytes(gbk, "GBK") == (CSV_TEXT, "GBK")
    assert decode_csv_bytes(gbk, "utf-8") == (CSV_TEXT, "gb18030")  # the caller warns: not what was declared
    assert decode_csv_bytes(gbk, "no-such-codec") == (CSV_TEXT, "gb18030")
    assert decode_csv_bytes(CSV_TEXT.encode("utf-8-sig"), "utf-8") == (CSV_TEXT, "utf-8")  # BOM never kept


def test_latin1_declared_reads_what_auto_detection_would_misread():
    raw = "name\nJosé\n".encode("latin-1")
    assert decode_csv_bytes(raw, "latin-1") == ("name\nJosé\n", "latin-1")


@pytest.mark.parametrize("raw", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    b"PK\x03\x04\x14\x00\x06\x00",  # an .xlsx saved as .csv
    b"id,amount\n1,2\n" + b"\x00" * 10,
    b"id\n\xff\xff\xff\n",
    b"\xef\xbb\xbfid\n\xff\n",  # UTF-8 BOM but not UTF-8: no guessing past a BOM
])
def test_binary_garbage_raises_decode_failure(raw):
    with pytest.raises(DecodeFailure) as info:
        decode_csv_bytes(raw)
    assert isinstance(info.value, UnicodeDecodeError)
    assert info.value.line >= 1 and 0 <= info.value.position < len(raw)


def test_decode_failure_points_at_the_line():
    raw = b"id,name\n1,ok\n2,\xff\xfe\xff\n"
    with pytest.raises(DecodeFailure) as info:
        decode_csv_bytes(raw)
    assert info.value.line == 3 and raw[info.value.position] == 0xFF
    assert "line 3" in str(info.value)


# --- headers and suggestions -----------------------------------------------------------------------------

@pytest.mark.parametrize("name, key", [
    ("Opportunity ID", "opportunity id"), ("  Opportunity   ID ", "opportunity id"), ("\ufeffAmount", "amount"),
    ("Amount\u200b", "amount"), ("ＡＭＯＵＮＴ", "amount"), ("金额\u3000", "金额"), ("STRASSE", "strasse"),
    ("Straße", "strasse"), ("close\tdate", "close date"),
])
def test_normalize_header(name, key):
    assert normalize_header(name) == key


def test_suggest():
    stages = ["Lead", "Initial contact", "Needs analysis", "Proposal", "Negotiation"]
    assert suggest("Negociation", stages) == "Negotiation"
    assert suggest("proposal ", stages) == "Proposal"
    assert suggest("PROPOSL", stages) == "Proposal"
    assert suggest("zzz", stages) is None
    assert suggest("", stages) is None
    assert suggest("anything", []) is None
    assert suggest("商务谈", ["商务谈判", "成交签约"]) == "商务谈判"
