"""Low-level value parsers: CSV bytes to text, header keys, and whole-column date, amount and probability parsing.

Each column parser takes a pandas Series or an arrow string array (what the loader reads) and returns
``(values, invalid_mask)`` as Series. A missing cell is missing, never invalid, so the loader can tell "left
blank" (maybe a warning) from "unreadable" (an error with its line number). Columns can have millions of
rows: every parser takes one fast whole-column pass, then runs vectorised regex work (pyarrow compute, RE2)
only on the rows still unparsed. No Python code runs per row; pyarrow is required.
"""

from __future__ import annotations

import codecs
import difflib
import unicodedata
from collections.abc import Iterable
from typing import NamedTuple, Union

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sitegen.config import FIRST_DATE, LAST_DATE

__all__ = [
    "DateColumn", "DecodeFailure", "decode_csv_bytes", "normalize_header", "parse_amounts", "parse_dates",
    "parse_probabilities", "read_dates", "suggest", "true_mask",
]

# Whitespace (all of str.isspace) plus invisible characters that spreadsheets leave around values and headers.
_BLANKS = (
    " \t\n\v\f\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000\ufeff\u200b\u200c\u200d\u2060"
)
_BOM_ENCODINGS = (  # UTF-32 before UTF-16: the UTF-32-LE BOM starts with the UTF-16-LE one
    ((codecs.BOM_UTF8,), "utf-8-sig"),
    ((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE), "utf-32"),
    ((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE), "utf-16"),
)
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060\u00ad"))

# Dates of whole years FIRST_DATE.year .. LAST_DATE.year are accepted (see sitegen.config: inside pandas'
# datetime64[ns] range 1677-09-21 .. 2262-04-11 with room for every difference and window); a real calendar
# date outside them is "out of range", not "not a date".
_FIRST_YEAR, _LAST_YEAR = FIRST_DATE.year, LAST_DATE.year
_FIRST_NS, _END_NS = (np.datetime64(FIRST_DATE, "ns").astype(np.int64),
                      np.datetime64(LAST_DATE, "ns").astype(np.int64) + 86_400_000_000_000)
# Dates are matched by whole-string regexes without capture groups (RE2 runs those as a fast DFA), then the
# numbers are pulled out with one small pattern: the layout is already known to be valid at that point.
_MINUTE = r"[0-5][0-9]"
_CLOCK = (rf"(?:(?:[01]?[0-9]|2[0-3]):{_MINUTE}(?::{_MINUTE}(?:[.,][0-9]+)?)?"
          rf"|(?:0?[1-9]|1[0-2]):{_MINUTE}(?::{_MINUTE})?\s*[AaPp][Mm])")
_TIME = rf"(?:(?:T|\s+){_CLOCK}\s*(?:Z|[+-][0-9]{{2}}(?::?[0-9]{{2}})?)?)?"
_ISO = rf"^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}(?:[ T]{_CLOCK}Z?)?$"  # the fast path: fixed positions
_DATE = (
    r"^(?:[0-9]{4}(?:-[0-9]{1,2}-|/[0-9]{1,2}/|\.[0-9]{1,2}\.)[0-9]{1,2}"  # 2026-3-5, 2026/3/5, 2026.03.05
    r"|[0-9]{8}"  # 20260305
    r"|[0-9]{4}\s*年\s*[0-9]{1,2}\s*月\s*[0-9]{1,2}\s*[日号]?"  # 2026年3月5日
    r"|[0-9]{1,2}(?:-[0-9]{1,2}-|/[0-9]{1,2}/|\.[0-9]{1,2}\.)[0-9]{4})"  # 3/5/2026, or 5 March with dayfirst
    + _TIME + "$"
)
_DATE_NUMBERS = r"^(?P<first>[0-9]+)[^0-9]*(?P<second>[0-9]*)[^0-9]*(?P<third>[0-9]*)"
_NAT = np.iinfo(np.int64).min  # NaT as int64 nanoseconds
_DAYS_IN_MONTH = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])  # by month number

_PLAIN_NUMBER = r"^[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"
_CURRENCY = r"(?:[¥$€£]|US\$|(?i:rmb|cny|usd|eur|hkd)|人民币|元)"
_AMOUNT_BODY = rf"(?:[0-9]{{1,3}}(?:,[0-9]{{3}})+|[0-9]+)(?:\.[0-9]*)?\s*[万亿]?\s*{_CURRENCY}?"
_SIGN = "[-+\u2212]"
# At most one sign marker: a sign before or after the currency, or accounting brackets around it all.
_AMOUNT = (
    rf"^(?:(?:{_SIGN}\s*{_CURRENCY}?|{_CURRENCY}?\s*{_SIGN}?)\s*(?:{_AMOUNT_BODY}|\.[0-9]+)"
    rf"|\(\s*{_CURRENCY}?\s*{_AMOUNT_BODY}\s*\))$"
)
_AMOUNT_NUMBER = r"^[^0-9.]*(?P<number>[0-9][0-9,]*(?:\.[0-9]*)?|\.[0-9]+)"
_UNITS = {"万": 1e4, "亿": 1e8}
_PROBABILITY = r"^(?P<number>[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+))\s*(?P<percent>%)?$"

Cells = Union[pd.Series, pa.Array, pa.ChunkedArray]  # what the column parsers take


class DecodeFailure(UnicodeDecodeError):
    """No supported encoding reads the file: it is binary, or text in an encoding sitegen does not guess."""

    def __init__(self, raw: bytes, position: int, encoding: str, reason: str) -> None:
        super().__init__(encoding, raw, position, min(position + 1, len(raw)), reason)
        self.position = position
        self.line = raw.count(b"\n", 0, position) + 1

    def __str__(self) -> str:
        return f"cannot decode byte {self.position} (line {self.line}) as {self.encoding}: {self.reason}"


def decode_csv_bytes(raw: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode a CSV file's bytes; return ``(text, encoding used)``.

    The declared encoding wins when it reads the file; otherwise (the caller warns when the returned encoding
    differs from the declared one) a BOM decides, then strict UTF-8, then GB18030, the superset of the
    GBK/GB2312 that Chinese Excel writes. Text containing NUL is treated as binary, not as text.
    """
    if declared:
        text = _decode_or_none(raw, declared)
        if text is not None:
            return text.removeprefix("\ufeff"), declared
    for boms, encoding in _BOM_ENCODINGS:
        if raw.startswith(boms):
            candidates = [encoding]
            break
    else:
        candidates = ["utf-8", "gb18030"]
    for encoding in candidates:
        text = _decode_or_none(raw, encoding)
        if text is not None:
            return text, encoding
    raise _failure(raw, candidates[-1])


def _decode_or_none(raw: bytes, encoding: str) -> str | None:
    try:
        text = raw.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    return None if "\x00" in text else text


def _failure(raw: bytes, encoding: str) -> DecodeFailure:
    """Point at the first NUL byte or the first byte ``encoding`` cannot read, whichever comes first."""
    nul = raw.find(b"\x00")
    try:
        raw.decode(encoding)
    except UnicodeDecodeError as exc:
        if nul < 0 or exc.start < nul:
            return DecodeFailure(raw, exc.start, encoding, exc.reason)
    return DecodeFailure(raw, max(nul, 0), encoding, "NUL byte: binary data, not CSV text")


def normalize_header(name: str) -> str:
    """Header matching key: NFKC (full-width letters become ASCII), invisible characters removed, casefolded,
    trimmed, inner whitespace runs collapsed to one space."""
    text = unicodedata.normalize("NFKC", name).translate(_INVISIBLE).casefold()
    return " ".join(text.split())


def suggest(value: str, choices: Iterable[str]) -> str | None:
    """The closest choice for a "did you mean" hint (difflib ratio on header keys), or None."""
    by_key: dict[str, str] = {}
    for choice in choices:
        by_key.setdefault(normalize_header(choice), choice)
    best = difflib.get_close_matches(normalize_header(value), list(by_key), n=1)
    return by_key[best[0]] if best else None


class DateColumn(NamedTuple):
    """What :func:`read_dates` returns, Series on the input's index: the dates (NaT when blank or rejected),
    the cells that are not a date, and the real dates outside ``FIRST_DATE .. LAST_DATE``."""

    dates: pd.Series
    unreadable: pd.Series
    out_of_range: pd.Series


def parse_dates(values: Cells, dayfirst: bool = False) -> tuple[pd.Series, pd.Series]:
    """Parse date strings to datetime64[ns] at midnight; return ``(dates, invalid_mask)``, where invalid
    means not a date or out of range (:func:`read_dates` tells the two apart)."""
    dates, unreadable, out_of_range = read_dates(values, dayfirst)
    return dates, unreadable | out_of_range


def read_dates(values: Cells, dayfirst: bool = False) -> DateColumn:
    """Parse date strings to datetime64[ns] at midnight, telling unreadable cells from dates out of range.

    Accepts ``2026-03-05``, ``2026/3/5``, ``2026.03.05``, ``3/5/2026`` (month first unless ``dayfirst``),
    ``20260305`` and ``2026年3月5日``, each optionally followed by a time (checked, then dropped; a time zone
    suffix is ignored, so the date is the one written). Blank cells are NaT and neither; anything else
    unreadable, a two-digit year or an impossible date (2026-02-30) is NaT and unreadable; a real date
    before ``FIRST_DATE`` or after ``LAST_DATE`` (1926 is in, 2300-01-01 out) is NaT and out of range,
    so no date the metrics see can overflow their arithmetic.
    """
    if isinstance(values, pd.Series) and pd.api.types.is_datetime64_any_dtype(values.dtype):
        dates = values.dt.tz_localize(None) if getattr(values.dt, "tz", None) else values
        dates = dates.dt.normalize().astype("datetime64[ns]")
        ns = dates.to_numpy().view(np.int64)
        outside = (ns != _NAT) & ((ns < _FIRST_NS) | (ns >= _END_NS))
        return DateColumn(dates.mask(outside), pd.Series(False, index=values.index, name=values.name),
                          pd.Series(outside, index=values.index, name=values.name))
    cells = _text_array(values)
    index, name = _index_and_name(values)
    nanoseconds = np.full(len(cells), _NAT, dtype=np.int64)
    ok, outside = np.zeros(len(cells), dtype=bool), np.zeros(len(cells), dtype=bool)
    present, parts = _plain_iso_dates(cells)  # written exactly as YYYY-MM-DD: nothing to trim
    if parts is not None:
        nanoseconds[present], ok[present], outside[present] = _assemble_dates(*parts)
    others = ~present
    if others.any():
        text = _clean_text(cells.filter(pa.array(others)))
        present[others] = _non_empty(text)
        nanoseconds[others], ok[others], outside[others] = _written_dates(text, dayfirst)
    return DateColumn(pd.Series(nanoseconds.view("datetime64[ns]"), index=index, name=name, copy=False),
                      pd.Series(present & ~ok & ~outside, index=index, name=name, copy=False),
                      pd.Series(outside, index=index, name=name, copy=False))


def _written_dates(text: pa.Array, dayfirst: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cleaned date strings in any accepted layout as int64 nanoseconds (NaT when blank, unreadable or out of
    range), which of them were read, and which are real dates out of range."""
    nanoseconds = np.full(len(text), _NAT, dtype=np.int64)
    ok, outside = np.zeros(len(text), dtype=bool), np.zeros(len(text), dtype=bool)
    plain, parts = _plain_iso_dates(text)
    if parts is not None:
        nanoseconds[plain], ok[plain], outside[plain] = _assemble_dates(*parts)
    rest = _non_empty(text) & ~plain
    if rest.any():  # ISO with a time, then every other layout
        rest_text = text.filter(pa.array(rest))
        parts = np.full((3, len(rest_text)), -1, dtype=np.int64)
        iso = true_mask(pc.match_substring_regex(rest_text, _ISO))
        if iso.any():
            iso_text = rest_text.filter(pa.array(iso))
            parts[:, iso] = [
                pc.cast(pc.utf8_slice_codeunits(iso_text, start, stop), pa.int64()).to_numpy(zero_copy_only=False)
                for start, stop in ((0, 4), (5, 7), (8, 10))
            ]
        if not iso.all():
            parts[:, ~iso] = _date_parts(rest_text.filter(pa.array(~iso)), dayfirst)
        nanoseconds[rest], ok[rest], outside[rest] = _assemble_dates(*parts)
    return nanoseconds, ok, outside


def _plain_iso_dates(text: pa.Array) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray] | None]:
    """The fast path for the common case: cells that are exactly ``YYYY-MM-DD``, found and split by reading
    their bytes at fixed positions (no regex). Returns their mask and their (year, month, day), or None
    when there are none."""
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int64)[text.offset:text.offset + len(text) + 1]
    plain = np.diff(offsets) == 10
    if text.null_count:
        plain &= true_mask(pc.is_valid(text))
    if not plain.any():
        return plain, None
    candidates = text if plain.all() else text.filter(pa.array(plain))  # ten bytes each, back to back
    start = np.frombuffer(candidates.buffers()[1], dtype=np.int64)[candidates.offset]
    chars = np.frombuffer(candidates.buffers()[2], dtype=np.uint8, count=10 * len(candidates),
                          offset=int(start)).reshape(-1, 10)
    column = [chars[:, i] for i in range(10)]  # column views: numpy is slow at reducing short rows
    good = (column[4] == 45) & (column[7] == 45)  # "-"
    for i in (0, 1, 2, 3, 5, 6, 8, 9):
        good &= column[i] - np.uint8(48) <= 9  # below "0" wraps round to above 9
    if not good.all():
        plain[plain] = good
        column = [c[good] for c in column]
    digit = {i: column[i].astype(np.int32) - 48 for i in (0, 1, 2, 3, 5, 6, 8, 9)}  # int32: half the memory
    return plain, (digit[0] * 1000 + digit[1] * 100 + digit[2] * 10 + digit[3], digit[5] * 10 + digit[6],
                   digit[8] * 10 + digit[9])


def _date_parts(text: pa.Array, dayfirst: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month, day of each string in a supported layout; -1 for all three when it is not one."""
    parts = np.full((3, len(text)), -1, dtype=np.int64)
    valid = true_mask(pc.match_substring_regex(text, _DATE))
    if not valid.any():
        return parts[0], parts[1], parts[2]
    match = pc.extract_regex(text.filter(pa.array(valid)), _DATE_NUMBERS)
    first, second, third = (_to_int(pc.struct_field(match, name)) for name in ("first", "second", "third"))
    width = pc.utf8_length(pc.struct_field(match, "first")).to_numpy(zero_copy_only=False)
    compact, year_first = width == 8, width == 4  # 20260305; 2026-3-5 and 2026年3月5日; else 3/5/2026
    month_of_mdy, day_of_mdy = (second, first) if dayfirst else (first, second)
    parts[:, valid] = (
        np.select([compact, year_first], [first // 10_000, first], third),
        np.select([compact, year_first], [first // 100 % 100, second], month_of_mdy),
        np.select([compact, year_first], [first % 100, third], day_of_mdy),
    )
    return parts[0], parts[1], parts[2]


def _assemble_dates(year: np.ndarray, month: np.ndarray,
                    day: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Dates from parts (int32 or int64) as int64 nanoseconds since 1970 (the datetime64[ns] values), by
    integer calendar arithmetic (proleptic Gregorian, as numpy); NaT and ok=False for impossible dates (and
    for the -1 that marks an unparsed row) and for real dates out of range, which ``outside`` marks."""
    real = (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    real &= day <= _DAYS_IN_MONTH[np.clip(month, 1, 12)] + ((month == 2) & leap)
    inside = (year >= _FIRST_YEAR) & (year <= _LAST_YEAR)
    ok, outside = real & inside, real & ~inside
    # Days since 1970-01-01 (H. Hinnant's days_from_civil; every year here is positive).
    y = year - (month <= 2)
    era, year_of_era = y // 400, y % 400
    day_of_year = (153 * np.where(month > 2, month - 3, month + 9) + 2) // 5 + day - 1
    days = era * 146_097 + year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year - 719_468
    days = np.where(ok, days, 0).astype(np.int64, copy=False)  # 0 elsewhere: the product cannot overflow
    return np.where(ok, days * 86_400_000_000_000, _NAT), ok, outside


def parse_amounts(values: Cells) -> tuple[pd.Series, pd.Series]:
    """Parse money/number strings to float64; return ``(amounts, invalid_mask)``; blank cells are NaN, not invalid.

    Beyond plain numbers: thousands separators (strictly in groups of three), a currency sign or code before
    or after (¥ ￥ $ RMB CNY 元 …), 万 (1e4) and 亿 (1e8), accounting negatives ``(1,234.00)`` and full-width
    digits. Negatives are returned as such: whether a column allows them is the loader's decision.
    """
    if _is_numeric(values):
        amounts = values.astype(np.float64)
        invalid = np.isinf(amounts.to_numpy())
        return amounts.mask(invalid), pd.Series(invalid, index=values.index, name=values.name)
    cells = _text_array(values)
    index, name = _index_and_name(values)
    present = _non_empty(cells)
    amounts = _cast_numbers(cells, present)
    if amounts is not None:
        ok = np.isfinite(amounts)
        amounts[~ok] = np.nan
        cleaned = None  # cleaned below for the few rows left, if any
    else:  # not all plain numbers as written: clean every cell, then read each layout
        cleaned = _clean_text(cells)
        present = _non_empty(cleaned)
        amounts, ok = _plain_numbers(cleaned)
    rest = present & ~ok
    if rest.any():
        rest_mask = pa.array(rest)
        rest_text = _clean_text(cells.filter(rest_mask)) if cleaned is None else cleaned.filter(rest_mask)
        amounts[rest], ok[rest] = _formatted_amounts(rest_text)
    return (pd.Series(amounts, index=index, name=name, copy=False),
            pd.Series(present & ~ok, index=index, name=name, copy=False))


def _cast_numbers(cells: pa.Array, present: np.ndarray) -> np.ndarray | None:
    """The fast path for the usual column: every non-empty cell, as written, read by arrow's number reader
    in one go (NaN for empty cells); None when one of them is anything else (a currency sign, a space...).

    The reader accepts no finite number that ``_PLAIN_NUMBER`` rejects; it also reads inf and nan, which
    are not finite and so fall through to the other layouts, as they did after the pattern."""
    numbers = np.full(len(cells), np.nan)
    try:
        numbers[present] = pc.cast(cells if present.all() else cells.filter(pa.array(present)),
                                   pa.float64()).to_numpy(zero_copy_only=False)
    except pa.ArrowInvalid:
        return None
    return numbers


def _plain_numbers(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Rows that are a bare decimal or scientific number, cast in one go."""
    numbers = np.full(len(text), np.nan)
    plain = true_mask(pc.match_substring_regex(text, _PLAIN_NUMBER))
    if plain.any():
        numbers[plain] = pc.cast(text.filter(pa.array(plain)), pa.float64()).to_numpy(zero_copy_only=False)
    ok = plain & np.isfinite(numbers)
    return np.where(ok, numbers, np.nan), ok


def _formatted_amounts(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Amounts with separators, currency, units or accounting brackets; NaN and ok=False for anything else."""
    amounts = np.full(len(text), np.nan)
    ok = true_mask(pc.match_substring_regex(text, _AMOUNT))
    if not ok.any():
        return amounts, ok
    valid = text.filter(pa.array(ok))
    digits = pc.replace_substring(pc.struct_field(pc.extract_regex(valid, _AMOUNT_NUMBER), "number"), ",", "")
    number = pc.cast(digits, pa.float64()).to_numpy(zero_copy_only=False)
    scale = np.ones(len(valid))
    for unit, factor in _UNITS.items():
        scale[true_mask(pc.match_substring(valid, unit))] = factor
    # 1.1万 is 11000, not 11000.000000000002
    number = np.where(scale > 1, np.round(number * scale, 6), number)
    negative = true_mask(pc.match_substring_regex(valid, "[-\u2212(]"))  # the shape allows one sign marker
    amounts[ok] = np.where(negative, -number, number)
    ok[ok] = np.isfinite(amounts[ok])
    return amounts, ok


def parse_probabilities(values: Cells) -> tuple[pd.Series, pd.Series]:
    """Parse win probabilities to 0-1 floats; return ``(probabilities, invalid_mask)``.

    A value with ``%`` is a percentage. Plain values are percentages when the largest plain value in the
    column is above 1, else fractions (a column is written one way; ``0.5`` next to ``40%`` stays 50 %).
    Below 0 or above 100 % is NaN and invalid; blank cells are NaN and not invalid.
    """
    index, name = _index_and_name(values)
    if _is_numeric(values):
        numbers = values.to_numpy(dtype=np.float64, na_value=np.nan)
        percent, present = np.zeros(len(values), dtype=bool), ~np.isnan(numbers)
        ok = np.isfinite(numbers)
    else:
        text = _clean_text(values)
        match = pc.extract_regex(text, _PROBABILITY)
        ok = true_mask(pc.is_valid(match))
        number = pc.cast(pc.struct_field(match, "number"), pa.float64())  # null where the row did not match
        numbers = pc.fill_null(number, np.nan).to_numpy(zero_copy_only=False)
        percent, present = true_mask(pc.equal(pc.struct_field(match, "percent"), "%")), _non_empty(text)
    plain = ok & ~percent
    plain_is_percent = bool(plain.any()) and numbers[plain].max() > 1
    as_percent = percent | (plain & plain_is_percent)
    fractions = np.where(as_percent, numbers / 100, numbers)
    ok &= (fractions >= 0) & (fractions <= 1)
    return (pd.Series(np.where(ok, fractions, np.nan), index=index, name=name, copy=False),
            pd.Series(present & ~ok, index=index, name=name, copy=False))


def _is_numeric(values: Cells) -> bool:
    """A Series already read as numbers (a column of strings in arrow never is)."""
    return (isinstance(values, pd.Series) and pd.api.types.is_numeric_dtype(values.dtype)
            and not pd.api.types.is_bool_dtype(values.dtype))


def _index_and_name(values: Cells) -> tuple[pd.Index, object]:
    """The index and name of the parsers' result Series: the input's, or a range for arrow input."""
    if isinstance(values, pd.Series):
        return values.index, values.name
    return pd.RangeIndex(len(values)), None


def _text_array(values: Cells) -> pa.Array:
    """The column as one arrow large-string array, cells as written, missing cells null."""
    if isinstance(values, pd.Series):
        return pa.array(values.astype(pd.StringDtype("pyarrow")), type=pa.large_string())
    text = pc.cast(values, pa.large_string())
    return text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text


def _clean_text(values: Cells) -> pa.Array:
    """The column as one arrow string array: missing cells null, blanks trimmed, and non-ASCII rows
    NFKC-normalised so full-width digits and signs (１２３, ￥, ％, （）) read as ASCII ones."""
    text = pc.utf8_trim(_text_array(values), _BLANKS)
    wide = true_mask(pc.invert(pc.string_is_ascii(text)))
    if wide.any():
        normalized = pc.utf8_trim(pc.utf8_normalize(text.filter(pa.array(wide)), "NFKC"), _BLANKS)
        text = pc.replace_with_mask(text, pa.array(wide), normalized)
    return text


def _non_empty(text: pa.Array) -> np.ndarray:
    return true_mask(pc.greater(pc.utf8_length(text), 0))


def true_mask(mask: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Arrow booleans to a numpy bool array; nulls count as False."""
    return pc.fill_null(mask, False).to_numpy(zero_copy_only=False).astype(bool, copy=False)


def _to_int(digits: pa.Array) -> np.ndarray:
    """Digit strings as int64; -1 for empty strings and nulls."""
    digits = pc.if_else(pc.equal(digits, ""), pa.scalar(None, digits.type), digits)
    return pc.fill_null(pc.cast(digits, pa.int64()), -1).to_numpy(zero_copy_only=False)
