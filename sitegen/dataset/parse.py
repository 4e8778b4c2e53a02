"""Low-level value parsers: CSV bytes to text, header keys, and whole-column date, amount and probability parsing.

Each column parser returns ``(values, invalid_mask)``. A missing cell is missing, never invalid, so the loader
can tell "left blank" (maybe a warning) from "unreadable" (an error with its line number). Columns can have
millions of rows: every parser takes one fast whole-column pass, then runs vectorised regex work (pyarrow
compute, RE2) only on the rows still unparsed. No Python code runs per row; pyarrow is required.
"""

from __future__ import annotations

import codecs
import difflib
import unicodedata
from collections.abc import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "DecodeFailure", "decode_csv_bytes", "normalize_header", "parse_amounts", "parse_dates",
    "parse_probabilities", "suggest",
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

# datetime64[ns] covers 1677-09-21 .. 2262-04-11; whole years inside that range are accepted.
_FIRST_YEAR, _LAST_YEAR = 1678, 2261
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


def parse_dates(values: pd.Series, dayfirst: bool = False) -> tuple[pd.Series, pd.Series]:
    """Parse date strings to datetime64[ns] at midnight; return ``(dates, invalid_mask)``.

    Accepts ``2026-03-05``, ``2026/3/5``, ``2026.03.05``, ``3/5/2026`` (month first unless ``dayfirst``),
    ``20260305`` and ``2026年3月5日``, each optionally followed by a time (checked, then dropped; a time zone
    suffix is ignored, so the date is the one written). Blank cells are NaT and not invalid; anything else
    unreadable, a two-digit year or an impossible date (2026-02-30) is NaT and invalid.
    """
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        dates = values.dt.tz_localize(None) if getattr(values.dt, "tz", None) else values
        return dates.dt.normalize().astype("datetime64[ns]"), pd.Series(False, index=values.index, name=values.name)
    text = _clean_text(values)
    year, month, day = (np.full(len(text), -1, dtype=np.int64) for _ in range(3))
    iso = _is_true(pc.match_substring_regex(text, _ISO))
    if iso.any():
        iso_text = text.filter(pa.array(iso))
        year[iso], month[iso], day[iso] = (
            pc.cast(pc.utf8_slice_codeunits(iso_text, start, stop), pa.int64()).to_numpy(zero_copy_only=False)
            for start, stop in ((0, 4), (5, 7), (8, 10))
        )
    present = _non_empty(text)
    rest = present & ~iso
    if rest.any():
        year[rest], month[rest], day[rest] = _date_parts(text.filter(pa.array(rest)), dayfirst)
    dates, ok = _assemble_dates(year, month, day)
    return (pd.Series(dates.astype("datetime64[ns]"), index=values.index, name=values.name),
            pd.Series(present & ~ok, index=values.index, name=values.name))


def _date_parts(text: pa.Array, dayfirst: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month, day of each string in a supported layout; -1 for all three when it is not one."""
    parts = np.full((3, len(text)), -1, dtype=np.int64)
    valid = _is_true(pc.match_substring_regex(text, _DATE))
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


def _assemble_dates(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Build datetime64[D] from parts with calendar arithmetic; NaT and ok=False for impossible or
    out-of-range dates (and for the -1 that marks an unparsed row)."""
    ok = (year >= _FIRST_YEAR) & (year <= _LAST_YEAR) & (month >= 1) & (month <= 12) & (day >= 1)
    months = np.where(ok, (year - 1970) * 12 + month - 1, 0).astype("datetime64[M]")
    first = months.astype("datetime64[D]")
    days_in_month = ((months + 1).astype("datetime64[D]") - first).astype(np.int64)
    ok &= day <= days_in_month
    return np.where(ok, first + np.where(ok, day - 1, 0), np.datetime64("NaT")), ok


def parse_amounts(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse money/number strings to float64; return ``(amounts, invalid_mask)``; blank cells are NaN, not invalid.

    Beyond plain numbers: thousands separators (strictly in groups of three), a currency sign or code before
    or after (¥ ￥ $ RMB CNY 元 …), 万 (1e4) and 亿 (1e8), accounting negatives ``(1,234.00)`` and full-width
    digits. Negatives are returned as such: whether a column allows them is the loader's decision.
    """
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        amounts = values.astype(np.float64)
        invalid = np.isinf(amounts.to_numpy())
        return amounts.mask(invalid), pd.Series(invalid, index=values.index, name=values.name)
    text = _clean_text(values)
    amounts, ok = _plain_numbers(text)
    present = _non_empty(text)
    rest = present & ~ok
    if rest.any():
        amounts[rest], ok[rest] = _formatted_amounts(text.filter(pa.array(rest)))
    return (pd.Series(amounts, index=values.index, name=values.name),
            pd.Series(present & ~ok, index=values.index, name=values.name))


def _plain_numbers(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """The fast path: rows that are a bare decimal or scientific number, cast in one go."""
    plain = _is_true(pc.match_substring_regex(text, _PLAIN_NUMBER))
    numbers = np.full(len(text), np.nan)
    if plain.any():
        numbers[plain] = pc.cast(text.filter(pa.array(plain)), pa.float64()).to_numpy(zero_copy_only=False)
    ok = plain & np.isfinite(numbers)
    return np.where(ok, numbers, np.nan), ok


def _formatted_amounts(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Amounts with separators, currency, units or accounting brackets; NaN and ok=False for anything else."""
    amounts = np.full(len(text), np.nan)
    ok = _is_true(pc.match_substring_regex(text, _AMOUNT))
    if not ok.any():
        return amounts, ok
    valid = text.filter(pa.array(ok))
    digits = pc.replace_substring(pc.struct_field(pc.extract_regex(valid, _AMOUNT_NUMBER), "number"), ",", "")
    number = pc.cast(digits, pa.float64()).to_numpy(zero_copy_only=False)
    scale = np.ones(len(valid))
    for unit, factor in _UNITS.items():
        scale[_is_true(pc.match_substring(valid, unit))] = factor
    # 1.1万 is 11000, not 11000.000000000002
    number = np.where(scale > 1, np.round(number * scale, 6), number)
    negative = _is_true(pc.match_substring_regex(valid, "[-\u2212(]"))  # the shape allows one sign marker
    amounts[ok] = np.where(negative, -number, number)
    ok[ok] = np.isfinite(amounts[ok])
    return amounts, ok


def parse_probabilities(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse win probabilities to 0-1 floats; return ``(probabilities, invalid_mask)``.

    A value with ``%`` is a percentage. Plain values are percentages when the largest plain value in the
    column is above 1, else fractions (a column is written one way; ``0.5`` next to ``40%`` stays 50 %).
    Below 0 or above 100 % is NaN and invalid; blank cells are NaN and not invalid.
    """
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        numbers = values.to_numpy(dtype=np.float64, na_value=np.nan)
        percent, present = np.zeros(len(values), dtype=bool), ~np.isnan(numbers)
        ok = np.isfinite(numbers)
    else:
        text = _clean_text(values)
        match = pc.extract_regex(text, _PROBABILITY)
        ok = _is_true(pc.is_valid(match))
        number = pc.cast(pc.struct_field(match, "number"), pa.float64())  # null where the row did not match
        numbers = pc.fill_null(number, np.nan).to_numpy(zero_copy_only=False)
        percent, present = _is_true(pc.equal(pc.struct_field(match, "percent"), "%")), _non_empty(text)
    plain = ok & ~percent
    plain_is_percent = bool(plain.any()) and numbers[plain].max() > 1
    as_percent = percent | (plain & plain_is_percent)
    fractions = np.where(as_percent, numbers / 100, numbers)
    ok &= (fractions >= 0) & (fractions <= 1)
    return (pd.Series(np.where(ok, fractions, np.nan), index=values.index, name=values.name),
            pd.Series(present & ~ok, index=values.index, name=values.name))


def _clean_text(values: pd.Series) -> pa.Array:
    """The column as an arrow string array: missing cells null, blanks trimmed, and non-ASCII rows
    NFKC-normalised so full-width digits and signs (１２３, ￥, ％, （）) read as ASCII ones."""
    text = pa.array(values.astype(pd.StringDtype("pyarrow")), type=pa.large_string())
    text = pc.utf8_trim(text, _BLANKS)
    wide = _is_true(pc.invert(pc.string_is_ascii(text)))
    if wide.any():
        normalized = pc.utf8_trim(pc.utf8_normalize(text.filter(pa.array(wide)), "NFKC"), _BLANKS)
        text = pc.replace_with_mask(text, pa.array(wide), normalized)
    return text


def _non_empty(text: pa.Array) -> np.ndarray:
    return _is_true(pc.greater(pc.utf8_length(text), 0))


def _is_true(mask: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Arrow boolean (nulls count as False) to a numpy bool array."""
    return pc.fill_null(mask, False).to_numpy(zero_copy_only=False).astype(bool, copy=False)


def _to_int(digits: pa.Array) -> np.ndarray:
    """Digit strings as int64; -1 for empty strings and nulls."""
    digits = pc.if_else(pc.equal(digits, ""), pa.scalar(None, digits.type), digits)
    return pc.fill_null(pc.cast(digits, pa.int64()), -1).to_numpy(zero_copy_only=False)
