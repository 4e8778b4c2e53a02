"""Locale-aware formatting of money, numbers, percentages and dates.

Babel supplies the locale's symbols once; formatting itself is plain Python string
formatting, because a large build formats millions of values (Babel per value is
about 100x slower).
"""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from babel import Locale
from babel.numbers import get_currency_symbol

BABEL_LOCALES = {"en": "en", "zh-CN": "zh_CN"}
MISSING = "–"


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is _NaT


try:  # pandas.NaT without importing pandas at module level for templates
    import pandas as _pd
    _NaT = _pd.NaT
except ImportError:  # pragma: no cover
    _NaT = object()


def half_up(value: float, decimals: int = 0, scale: int = 0) -> str:
    """``value`` x 10**scale with ``decimals`` places and "," grouping, ties rounded away from zero
    (104.5 -> 105, -85.5 -> -86, 1.005 -> 1.01 at two places).

    Python's own rounding goes to even and sees a float's binary value (1.005 is 1.00499999...),
    so a value whose scaled fraction is (nearly) one half is rounded in decimal from its shortest
    repr, the number as written; every other value takes the fast float path.
    """
    value = float(value)
    scaled = value * 10.0 ** (scale + decimals)
    if math.isfinite(scaled) and abs(abs(scaled) % 1.0 - 0.5) < 1e-6:
        exact = Decimal(repr(value)).scaleb(scale).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        text = f"{exact:,.{decimals}f}"
    else:
        text = f"{value * 10.0 ** scale if scale else value:,.{decimals}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.,") else text  # never "-0"


class Formatter:
    """Formats values for one language and currency."""

    def __init__(self, language: str, currency: str):
        self.language = language
        self.currency = currency
        locale = Locale.parse(BABEL_LOCALES[language])
        symbols = locale.number_symbols
        symbols = symbols.get("latn", symbols) if "latn" in symbols else symbols
        self.group = symbols.get("group", ",")
        self.decimal = symbols.get("decimal", ".")
        self.symbol = get_currency_symbol(currency, BABEL_LOCALES[language])
        self.months = [locale.months["format"]["abbreviated"][i] for i in range(1, 13)]
        self.months_wide = [locale.months["format"]["wide"][i] for i in range(1, 13)]

    def _digits(self, value: float, decimals: int, scale: int = 0) -> str:
        """``value`` x 10**scale, rounded half away from zero (:func:`half_up`), with the locale's separators."""
        text = half_up(value, decimals, scale)
        if self.group != "," or self.decimal != ".":
            text = text.replace(",", "\0").replace(".", self.decimal).replace("\0", self.group)
        return text

    def number(self, value: Any, decimals: int = 0) -> str:
        if _is_missing(value):
            return MISSING
        return self._digits(float(value), decimals)

    def money(self, value: Any, decimals: int = 0) -> str:
        if _is_missing(value):
            return MISSING
        value = float(value)
        text = self._digits(abs(value), decimals)
        sign = "-" if value < 0 and text.strip("0" + self.group + self.decimal) else ""  # never "-¥0"
        return f"{sign}{self.symbol}{text}"

    def money_short(self, value: Any) -> str:
        """Compact money for tiles and charts: 1.2M / 3.4K in English, 1.2亿 / 3.4万 in Chinese."""
        if _is_missing(value):
            return MISSING
        value = float(value)
        sign, v = ("-" if value < 0 else ""), abs(value)
        steps = ((1.0, "", 0), (1e4, "万", 1), (1e8, "亿", 1)) if self.language == "zh-CN" else \
            ((1.0, "", 0), (1e3, "K", 1), (1e6, "M", 1), (1e9, "B", 1))
        i = max(j for j, (size, _, _) in enumerate(steps) if j == 0 or v >= size)
        # a value that rounds up to the next unit rolls over: 999,950 is 1.0M, never 1,000.0K
        while i + 1 < len(steps) and float(half_up(v / steps[i][0], steps[i][2]).replace(",", "")) >= steps[i + 1][0] / steps[i][0]:
            i += 1
        size, suffix, decimals = steps[i]
        return f"{sign}{self.symbol}{self._digits(v / size, decimals)}{suffix}"

    def percent(self, value: Any, decimals: int = 1) -> str:
        if _is_missing(value):
            return MISSING
        return f"{self._digits(float(value), decimals, 2)}%"

    def change(self, value: Any, decimals: int = 1) -> str:
        """A relative change as a signed percentage: ``+5.2%``, ``−3.0%`` (true minus sign)."""
        if _is_missing(value):
            return MISSING
        text = self._digits(abs(float(value)), decimals, 2)
        shown = text.strip("0" + self.group + self.decimal)
        sign = "±" if not shown else "+" if value > 0 else "−"
        return f"{sign}{text}%"

    def days(self, value: Any) -> str:
        """A number of days: ``12 d`` in English, ``12天`` in Chinese."""
        if _is_missing(value):
            return MISSING
        n = self._digits(float(value), 0)
        return f"{n}天" if self.language == "zh-CN" else f"{n} d"

    def date(self, value: Any) -> str:
        """ISO dates in tables: sortable and read the same in both languages."""
        if _is_missing(value):
            return MISSING
        return value.strftime("%Y-%m-%d") if isinstance(value, (date, datetime)) else str(value)

    def long_date(self, value: Any) -> str:
        if _is_missing(value):
            return MISSING
        if self.language == "zh-CN":
            return f"{value.year}年{value.month}月{value.day}日"
        return f"{value.day} {self.months_wide[value.month - 1]} {value.year}"

    def day_range(self, start: Any, end: Any, with_year: bool = False) -> str:
        """Days ``start`` to ``end`` in short words: ``1–20 Nov``, ``1 Oct–20 Nov`` (``11月1–20日``,
        ``10月1日–11月20日``); with the year when asked or when the range crosses a year."""
        with_year = with_year or start.year != end.year
        if self.language == "zh-CN":
            year = f"{start.year}年" if with_year else ""
            if (start.year, start.month) == (end.year, end.month):
                return f"{year}{start.month}月{start.day}–{end.day}日"
            end_year = f"{end.year}年" if start.year != end.year else ""
            return f"{year}{start.month}月{start.day}日–{end_year}{end.month}月{end.day}日"
        month = self.months
        year = f" {end.year}" if with_year else ""
        if (start.year, start.month) == (end.year, end.month):
            return f"{start.day}–{end.day} {month[end.month - 1]}{year}"
        first = f"{start.day} {month[start.month - 1]}" + (f" {start.year}" if start.year != end.year else "")
        return f"{first}–{end.day} {month[end.month - 1]}{year}"

    def compared_days(self, start: Any, end: Any, other_start: Any, other_end: Any) -> str:
        """A like-for-like comparison: ``1–20 Nov vs 1–20 Oct`` (``11月1–20日 对比 10月1–20日``); years shown
        when the two ranges are in different years."""
        years = start.year != other_start.year or end.year != other_end.year
        joiner = " 对比 " if self.language == "zh-CN" else " vs "
        return self.day_range(start, end, years) + joiner + self.day_range(other_start, other_end, years)

    def period(self, label: str) -> str:
        """A period label (2026, 2026-Q3, 2026-07) in words."""
        if len(label) == 7 and label[4] == "-" and label[5:].isdigit():
            y, m = int(label[:4]), int(label[5:])
            return f"{y}年{m}月" if self.language == "zh-CN" else f"{self.months_wide[m - 1]} {y}"
        if "-Q" in label:
            y, q = label.split("-Q")
            return f"{y}年第{q}季度" if self.language == "zh-CN" else f"Q{q} {y}"
        return f"{label}年" if self.language == "zh-CN" else label
