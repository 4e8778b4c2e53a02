"""Money, numbers, percentages, changes, days and periods in English and Chinese."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from sitegen.render.formatting import MISSING, Formatter


@pytest.fixture(scope="module")
def en() -> Formatter:
    return Formatter("en", "CNY")


@pytest.fixture(scope="module")
def zh() -> Formatter:
    return Formatter("zh-CN", "CNY")


def test_money_and_numbers(en, zh) -> None:
    assert en.money(1234567.4) == "CN¥1,234,567"
    assert zh.money(1234567.4) == "¥1,234,567"
    assert en.money(-1500) == "-CN¥1,500"
    assert en.number(1234.5, 1) == "1,234.5"
    assert en.money_short(8_033_612) == "CN¥8.0M"
    assert zh.money_short(8_033_612) == "¥803.4万"
    assert zh.money_short(1.5e8) == "¥1.5亿"


@pytest.mark.parametrize("missing", [None, math.nan, pd.NaT])
def test_missing_values_show_a_dash(en, missing) -> None:
    for fmt in (en.money, en.number, en.percent, en.change, en.days, en.date, en.money_short):
        assert fmt(missing) == MISSING


def test_percent_change_and_days(en, zh) -> None:
    assert en.percent(0.123) == "12.3%"
    assert en.change(0.052) == "+5.2%"
    assert en.change(-0.03) == "−3.0%"
    assert en.change(0) == "±0.0%"
    assert en.days(12) == "12 d"
    assert zh.days(12) == "12天"


def test_dates_and_periods(en, zh) -> None:
    assert en.date(pd.Timestamp("2026-06-30")) == "2026-06-30"
    assert en.long_date(date(2026, 6, 30)) == "30 June 2026"
    assert zh.long_date(date(2026, 6, 30)) == "2026年6月30日"
    assert en.period("2026-07") == "July 2026"
    assert zh.period("2026-07") == "2026年7月"
    assert en.period("2026-Q3") == "Q3 2026"
    assert zh.period("2026-Q3") == "2026年第3季度"
    assert en.period("2026") == "2026"
    assert zh.period("2026") == "2026年"
