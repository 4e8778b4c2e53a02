"""Money, numbers, percentages, changes, days and periods in English and Chinese."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

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


def test_display_rounds_half_away_from_zero(en, zh) -> None:
    assert en.days(104.5) == "105 d" and zh.days(85.5) == "86天"
    assert en.number(104.5) == "105" and en.number(-104.5) == "-105" and en.number(2.5) == "3"
    assert en.number(1.005, 2) == "1.01"                 # the number as written, not its binary value
    assert en.number(0.1 + 0.2, 1) == "0.3"
    assert en.money(-85.5) == "-CN¥86" and en.money(-0.4) == "CN¥0"
    assert en.percent(0.0285) == "2.9%" and en.percent(0.285, 0) == "29%"
    assert en.change(-0.0285) == "−2.9%" and en.change(0.00004) == "±0.0%"


@given(st.integers(min_value=-10**9, max_value=10**9), st.integers(min_value=0, max_value=3))
def test_ties_always_go_away_from_zero(n: int, decimals: int) -> None:
    value = float(f"{n}.5e-{decimals}")               # ..x.5 at the last shown place, e.g. 12.5, 1.25, -0.125
    shown = Formatter("en", "CNY").number(value, decimals).replace(",", "")
    magnitude = float(shown)
    assert abs(magnitude) == pytest.approx(abs(value) + 0.5 * 10 ** -decimals), (value, shown)
    assert (magnitude < 0) == (value < 0) or magnitude == 0, (value, shown)


def test_compact_money_rolls_over_to_the_next_unit(en, zh) -> None:
    assert en.money_short(999_949) == "CN¥999.9K"
    assert en.money_short(999_950) == "CN¥1.0M"
    assert en.money_short(999.5) == "CN¥1.0K" and en.money_short(999.4) == "CN¥999"
    assert en.money_short(-999_950) == "-CN¥1.0M"
    assert zh.money_short(9_999.5) == "¥1.0万"
    assert zh.money_short(99_999_950) == "¥1.0亿"
    # one decimal of 万 is 1,000 yuan: 99,995,000 is exactly 9,999.5万, a valid compact figure
    assert zh.money_short(99_995_000) == "¥9,999.5万"
    for value in (999_950.0, 9_999.5, 99_999_950.0, 999_999_999.0):
        assert "1,000.0" not in en.money_short(value) and "10,000.0" not in zh.money_short(value)


def test_like_for_like_labels(en, zh) -> None:
    t = pd.Timestamp
    assert en.compared_days(t("2026-11-01"), t("2026-11-20"), t("2026-10-01"), t("2026-10-20")) == \
        "1–20 Nov vs 1–20 Oct"
    assert zh.compared_days(t("2026-11-01"), t("2026-11-20"), t("2026-10-01"), t("2026-10-20")) == \
        "11月1–20日 对比 10月1–20日"
    assert en.compared_days(t("2026-10-01"), t("2026-11-20"), t("2025-10-01"), t("2025-11-20")) == \
        "1 Oct–20 Nov 2026 vs 1 Oct–20 Nov 2025"
    assert zh.compared_days(t("2026-10-01"), t("2026-11-20"), t("2026-07-01"), t("2026-08-20")) == \
        "10月1日–11月20日 对比 7月1日–8月20日"
