"""Chart specs are plain dicts that plotly's own schema accepts (checked once here, not per build)."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from sitegen import charts

SPECS = {
    "bar_trend": charts.bar_trend(["2026-05", "2026-06"], [1.0, 2.0], "Revenue"),
    "bar_trend_with_target": charts.bar_trend(["2026-05", "2026-06"], [1.0, 2.0], "Revenue", line=[1.5, None],
                                              line_name="Target"),
    "stacked_bars": charts.stacked_bars(["2026-06"], [("Won", [1.0], "#000"), ("Weighted open", [2.0], "#111")],
                                        line=[3.0], line_name="Target"),
    "bars": charts.bars(["Price", "Timing"], [3, 2], "Lost deals", horizontal=True, translate_labels=True),
    "bars_vertical": charts.bars(["a", "b"], [0.2, 0.4], "Share", colors=["#111111", "#222222"], percent=True),
    "funnel": charts.funnel(["Lead", "Proposal", "won"], [10, 5, 2], "Deals"),
    "heatmap": charts.heatmap(["0", "1"], ["2026-01", "2026-02"], [[1.0, 0.5], [1.0, None]], "Retention"),
}


@pytest.mark.parametrize("name", sorted(SPECS))
def test_chart_spec_is_valid_for_plotly(name: str) -> None:
    go.Figure(SPECS[name])  # raises ValueError on any unknown or invalid property


def test_charts_use_category_axes_so_months_never_become_english_dates() -> None:
    assert SPECS["bar_trend"]["layout"]["xaxis"]["type"] == "category"


def test_stage_and_tier_colours_are_fixed() -> None:
    assert charts.stage_color(0) == charts.STAGE_COLORS[0]
    assert charts.stage_color(99) == charts.STAGE_COLORS[-1]
    assert set(charts.TIER_COLORS) == {"strategic", "key", "general", "potential"}


def test_sparkline_points_span_the_box() -> None:
    points = charts.sparkline([1.0, None, 3.0, 2.0], width=90, height=24)
    xs = [float(p.split(",")[0]) for p in points.split()]
    ys = [float(p.split(",")[1]) for p in points.split()]
    assert xs[0] == 0 and xs[-1] == 90 and len(xs) == 3
    assert min(ys) == 2 and max(ys) == 22
    assert charts.sparkline([None, 5.0]) == ""
