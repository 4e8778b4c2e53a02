"""Chart amounts in the site's units (issue 19 §1): 万/亿 on the Chinese site, K/M on the English
one, on the value axis and in hovers (values pre-divided into one unit per chart); counts stay as
plotly draws them."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest

from sitegen import charts
from sitegen.render import Renderer, money_unit


def shown(spec, language: str) -> dict:
    return json.loads(str(Renderer(language, "CNY").chart_json(spec)))


def forecast() -> dict:
    return charts.money(charts.stacked_bars(["2026-01", "2026-02"], [("Won", [300000, 500000], "#000"),
                                                                     ("Weighted open", [200000, 900000], "#111")],
                                            line=[1000000, None], line_name="Target"))


@pytest.mark.parametrize("language, top, unit", [("zh-CN", 9_999, (1.0, "")), ("zh-CN", 12_000, (1e4, "万")),
                                                 ("zh-CN", 3e8, (1e8, "亿")), ("en", 999, (1.0, "")),
                                                 ("en", 1_400_000, (1e6, "M")), ("en", 20_000, (1e3, "K"))])
def test_money_unit(language, top, unit) -> None:
    assert money_unit(language, top) == unit


@pytest.mark.parametrize("language, won, prefix, suffix, hover", [
    ("zh-CN", [30, 50], "¥", "万", "赢单: ¥%{y:,.1f}万<extra></extra>"),
    ("en", [0.3, 0.5], "CN¥", "M", "Won: CN¥%{y:,.1f}M<extra></extra>")])
def test_amount_axes_and_hovers_use_the_sites_units(language, won, prefix, suffix, hover) -> None:
    spec = shown(forecast(), language)
    axis = spec["layout"]["yaxis"]
    assert (axis["tickprefix"], axis["ticksuffix"]) == (prefix, suffix)
    assert spec["data"][0]["y"] == won and spec["data"][0]["hovertemplate"] == hover
    assert spec["data"][2]["y"][1] is None  # a gap in the target line stays a gap
    assert all("meta" not in t and "_money" not in t for t in spec["data"])
    go.Figure({"data": spec["data"], "layout": spec["layout"]})  # still a valid plotly figure


def test_funnel_and_horizontal_bars_show_amounts_on_their_value_axis() -> None:
    funnel = shown(charts.money(charts.funnel(["lead", "won"], [2_500_000, 150_000_000], "Amount", ".3s")), "zh-CN")
    assert funnel["data"][0]["x"] == [0.025, 1.5]
    assert funnel["data"][0]["texttemplate"] == "¥%{value:,.1f}亿<br>%{percentInitial:.0%}"
    bars = shown(charts.money(charts.bars(["a", "b"], [20000, 60000], "Open amount", horizontal=True)), "en")
    assert bars["data"][0]["x"] == [20, 60] and bars["layout"]["xaxis"]["ticksuffix"] == "K"
    assert "ticksuffix" not in bars["layout"]["yaxis"]


def test_charts_without_amounts_are_left_to_plotly() -> None:
    spec = shown(charts.bar_trend(["2026-01"], [12], "Opened"), "zh-CN")
    assert "ticksuffix" not in spec["layout"]["yaxis"] and "hovertemplate" not in spec["data"][0]
    assert spec["data"][0]["y"] == [12]
