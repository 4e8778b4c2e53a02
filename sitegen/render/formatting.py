"""Locale-aware formatting of money, numbers, percentages and dates.

Babel supplies the locale's symbols once; formatting itself is plain Python string
formatting, because a large build formats millions of values (Babel per value is
about 100x slower).
"""

from __future__ import annotations

import math
from datetime import date, datetime
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

    def _digits(self, value: float, decimals: int) -> str:
        text = f"{value:,.{decimals}f}"
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
        sign = "-" if value < 0 else ""
        return f"{sign}{self.symbol}{self._digits(abs(value), decimals)}"

    def money_short(self, value: Any) -> str:
        """Compact money for tiles and charts: 1.2M / 3.4K in English, 1.2亿 / 3.4万 in Chinese."""
        if _is_missing(value):
            return MISSING
        value = float(value)
        sign, v = ("-" if value < 0 else ""), abs(value)
        steps = ((1e8, "亿"), (1e4, "万")) if self.language == "zh-CN" else ((1e9, "B"), (1e6, "M"), (1e3, "K"))
        for size, suffix in steps:
            if v >= size:
                return f"{sign}{self.symbol}{self._digits(v / size, 1)}{suffix}"
        return f"{sign}{self.symbol}{self._digits(v, 0)}"

    def percent(self, value: Any, decimals: int = 1) -> str:
        if _is_missing(value):
            return MISSING
        return f"{self._digits(float(value) * 100, decimals)}%"

    def change(self, value: Any, decimals: int = 1) -> str:
        """A relative change as a signed percentage: ``+5.2%``, ``−3.0%`` (true minus sign)."""
        if _is_missing(value):
            return MISSING
        value = float(value) * 100
        sign = "+" if value > 0 else "−" if value < 0 else "±"
        return f"{sign}{self._digits(abs(value), decimals)}%"

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

    def period(self, label: str) -> str:
        """A period label (2026, 2026-Q3, 2026-07) in words."""
        if len(label) == 7 and label[4] == "-" and label[5:].isdigit():
            y, m = int(label[:4]), int(label[5:])
            return f"{y}年{m}月" if self.language == "zh-CN" else f"{self.months_wide[m - 1]} {y}"
        if "-Q" in label:
            y, q = label.split("-Q")
            return f"{y}年第{q}季度" if self.language == "zh-CN" else f"Q{q} {y}"
        return f"{label}年" if self.language == "zh-CN" else label
