"""Plotly figure specs as plain dicts (serialised by the renderer, drawn by plotly.js).

Building ``plotly.graph_objects.Figure`` costs milliseconds per chart; a dict costs
microseconds, which matters at one chart per customer page. Tests validate the
shapes against plotly's schema once.

Trace names and axis titles are UI messages in English; the renderer translates them
(and the categories of traces marked ``meta = {"i18n": "x"}``) when it embeds the spec.
Colours are fixed per stage, outcome and tier so a stage looks the same on every page;
they are mid-tones that read on light and dark backgrounds (site.js sets text and grid colours).

A chart without a value to show (no data, or only zeros and gaps) would draw an empty 0-1 axis: the
builders return None for it instead, and the page says in one line that there is no data.
"""

from __future__ import annotations

from numbers import Real
from typing import Any, Sequence

PALETTE = ("#2f6db5", "#e07b39", "#3a9d6a", "#c44e52", "#8172b3", "#937860", "#da8bc3", "#8c8c8c")
STAGE_COLORS = ("#9bbbe0", "#6f9fd3", "#4a82c3", "#2f6db5", "#1d528f")
OUTCOME_COLORS = {"won": "#3a9d6a", "lost": "#c44e52", "open": "#6f9fd3"}
TIER_COLORS = {"strategic": "#1d528f", "key": "#3a9d6a", "general": "#e07b39", "potential": "#8c8c8c"}
TARGET_COLOR = "#e07b39"


def stage_color(index: int) -> str:
    return STAGE_COLORS[min(index, len(STAGE_COLORS) - 1)]


def _values(trace: dict[str, Any]) -> list[Any]:
    """A trace's values: z of a heatmap, x of horizontal bars and funnels, else y."""
    if trace["type"] == "heatmap":
        return [v for row in trace["z"] for v in row]
    return trace["x"] if trace.get("orientation") == "h" or trace["type"] == "funnel" else trace["y"]


def drawable(spec: dict[str, Any]) -> dict[str, Any] | None:
    """``spec``, or None when no trace has a value to show: a number other than 0 (any number in a heatmap,
    where 0 % is a finding); bars of zeros and gaps would draw an empty 0-1 axis."""
    for trace in spec["data"]:
        for v in _values(trace):
            if isinstance(v, Real) and not isinstance(v, bool) and v == v and (v != 0 or trace["type"] == "heatmap"):
                return spec
    return None


def _layout(**extra: Any) -> dict[str, Any]:
    """Shared layout: transparent background (CSS decides light or dark), compact margins."""
    layout = {
        "margin": {"l": 56, "r": 16, "t": 16, "b": 40}, "height": 280,
        "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
        "font": {"family": "system-ui, sans-serif", "size": 12},
        "showlegend": False, "hovermode": "x unified",
        "xaxis": {"type": "category", "automargin": True}, "yaxis": {"automargin": True, "rangemode": "tozero"},
    }
    layout.update(extra)
    return layout


def _legend(layout: dict[str, Any]) -> dict[str, Any]:
    layout.update(showlegend=True, legend={"orientation": "h", "y": -0.22, "x": 0})
    layout["margin"] = {**layout["margin"], "b": 64}
    return layout


def _line(x: Sequence[Any], y: Sequence[Any], name: str, color: str = TARGET_COLOR, dash: str = "dot",
          axis: str = "y") -> dict[str, Any]:
    return {"type": "scatter", "mode": "lines+markers", "x": list(x), "y": list(y), "name": name, "yaxis": axis,
            "line": {"color": color, "width": 2, "dash": dash}, "marker": {"size": 4}, "connectgaps": False}


def bar_trend(x: Sequence[str], y: Sequence[float], name: str, color: str = PALETTE[0],
              line: Sequence[float | None] | None = None, line_name: str = "") -> dict[str, Any] | None:
    """Bars per period, optionally with a line (a target or a moving average)."""
    data: list[dict[str, Any]] = [{"type": "bar", "x": list(x), "y": list(y), "name": name,
                                   "marker": {"color": color}}]
    layout = _layout()
    if line is not None:
        data.append(_line(x, line, line_name))
        _legend(layout)
    return drawable({"data": data, "layout": layout})


def stacked_bars(x: Sequence[str], series: Sequence[tuple[str, Sequence[float], str]],
                 line: Sequence[float | None] | None = None, line_name: str = "") -> dict[str, Any] | None:
    """Stacked bars (name, values, colour) per period with an optional target line."""
    data: list[dict[str, Any]] = [{"type": "bar", "x": list(x), "y": list(values), "name": name,
                                   "marker": {"color": color}} for name, values, color in series]
    if line is not None:
        data.append(_line(x, line, line_name))
    return drawable({"data": data, "layout": _legend(_layout(barmode="stack"))})


def bars(labels: Sequence[str], values: Sequence[float], name: str, colors: Sequence[str] | str = PALETTE[0],
         horizontal: bool = False, translate_labels: bool = False, percent: bool = False) -> dict[str, Any] | None:
    """Bars per category; horizontal bars keep long category names readable."""
    trace: dict[str, Any] = {"type": "bar", "name": name, "marker": {"color": list(colors) if not isinstance(colors, str)
                                                                     else colors}}
    cats, vals = ("y", "x") if horizontal else ("x", "y")
    trace[cats], trace[vals] = list(labels), list(values)
    if horizontal:
        trace["orientation"] = "h"
    if translate_labels:
        trace["meta"] = {"i18n": cats}
    value_axis = {"automargin": True, "rangemode": "tozero", **({"tickformat": ".0%"} if percent else {})}
    if horizontal:
        layout = _layout(height=max(160, 28 * len(labels) + 48), hovermode="closest",
                         xaxis=value_axis, yaxis={"type": "category", "automargin": True, "autorange": "reversed"})
    else:
        layout = _layout(hovermode="closest", yaxis=value_axis)
    return drawable({"data": [trace], "layout": layout})


def funnel(labels: Sequence[str], values: Sequence[float], name: str, value_format: str = ",") -> dict[str, Any] | None:
    """A funnel of stages, coloured from light (early) to dark (late), won in green.

    ``value_format`` is a d3 format for the value on each bar (``.3s`` for amounts: 12.8M).
    """
    colors = [stage_color(i) for i in range(len(labels) - 1)] + [OUTCOME_COLORS["won"]]
    layout = _layout(margin={"l": 120, "r": 16, "t": 8, "b": 24}, hovermode="closest")
    layout.pop("xaxis")
    layout["yaxis"] = {"automargin": True}
    return drawable({"data": [{"type": "funnel", "y": list(labels), "x": list(values), "name": name,
                               "marker": {"color": colors[:len(labels)]},
                               "texttemplate": f"%{{value:{value_format}}}<br>%{{percentInitial:.0%}}"}],
                     "layout": layout})


def heatmap(x: Sequence[str], y: Sequence[str], z: Sequence[Sequence[float | None]],
            name: str) -> dict[str, Any] | None:
    """A share matrix (cohort retention): rows ``y``, columns ``x``, values 0-1."""
    layout = _layout(height=max(200, 22 * len(y) + 80), hovermode="closest",
                     yaxis={"type": "category", "automargin": True, "autorange": "reversed"})
    return drawable({"data": [{"type": "heatmap", "x": list(x), "y": list(y), "z": [list(r) for r in z], "name": name,
                               "colorscale": [[0, "#dbe7f5"], [1, "#1d528f"]], "zmin": 0, "zmax": 1,
                               "colorbar": {"tickformat": ".0%", "thickness": 12},
                               "hovertemplate": "%{y} +%{x}: %{z:.0%}<extra></extra>"}],
                     "layout": layout})


def money(spec: dict[str, Any] | None) -> dict[str, Any] | None:
    """Marks a chart's values as amounts (``meta = {"money": axis}`` per trace), so the renderer shows
    its value axis and hovers in 万/亿 on the Chinese site and K/M on the English one."""
    if spec is None:
        return None
    for trace in spec["data"]:
        axis = "x" if trace.get("orientation") == "h" or trace["type"] == "funnel" else "y"
        trace["meta"] = {**(trace.get("meta") or {}), "money": axis}
    return spec


def sparkline(values: Sequence[float | None], width: int = 96, height: int = 24) -> str:
    """SVG polyline points for a tile's sparkline (no plotly needed); empty when under two values."""
    known = [v for v in values if v is not None]
    if len(known) < 2:
        return ""
    low, high = min(known), max(known)
    span = (high - low) or 1.0
    step = width / (len(values) - 1)
    points = [f"{i * step:.1f},{height - 2 - (v - low) / span * (height - 4):.1f}"
              for i, v in enumerate(values) if v is not None]
    return " ".join(points)
