"""Plotly figure specs as plain dicts (serialised by the renderer, drawn by plotly.js).

Building ``plotly.graph_objects.Figure`` costs milliseconds per chart; a dict costs
microseconds, which matters at one chart per customer page. Tests validate the
shapes against plotly's schema once.
"""

from __future__ import annotations

from typing import Any, Sequence

PALETTE = ("#2f6db5", "#e07b39", "#3a9d6a", "#c44e52", "#8172b3", "#937860", "#da8bc3", "#8c8c8c")
STAGE_COLORS = ("#9bbbe0", "#6f9fd3", "#4a82c3", "#2f6db5", "#1d528f")
OUTCOME_COLORS = {"won": "#3a9d6a", "lost": "#c44e52"}
TIER_COLORS = {"strategic": "#1d528f", "key": "#3a9d6a", "general": "#e07b39", "potential": "#8c8c8c"}


def stage_color(index: int) -> str:
    return STAGE_COLORS[min(index, len(STAGE_COLORS) - 1)]


def _layout(**extra: Any) -> dict[str, Any]:
    """Shared layout: transparent background (CSS decides light or dark), compact margins."""
    layout = {
        "margin": {"l": 56, "r": 16, "t": 16, "b": 40}, "height": 280,
        "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
        "font": {"family": "system-ui, sans-serif", "size": 12},
        "showlegend": False, "hovermode": "x unified",
    }
    layout.update(extra)
    return layout


def bar_trend(x: Sequence[str], y: Sequence[float], name: str, color: str = PALETTE[0],
              line: Sequence[float] | None = None, line_name: str = "") -> dict[str, Any]:
    """Bars per period, optionally with a line (a target or a moving average)."""
    data: list[dict[str, Any]] = [{"type": "bar", "x": list(x), "y": list(y), "name": name,
                                   "marker": {"color": color}}]
    if line is not None:
        data.append({"type": "scatter", "mode": "lines", "x": list(x), "y": list(line), "name": line_name,
                     "line": {"color": PALETTE[1], "width": 2, "dash": "dot"}})
    return {"data": data, "layout": _layout(showlegend=line is not None,
                                            legend={"orientation": "h", "y": -0.2})}


def funnel(labels: Sequence[str], values: Sequence[float], name: str) -> dict[str, Any]:
    """A funnel of stages, coloured from light (early) to dark (late), won in green."""
    colors = [stage_color(i) for i in range(len(labels) - 1)] + [OUTCOME_COLORS["won"]]
    return {"data": [{"type": "funnel", "y": list(labels), "x": list(values), "name": name,
                      "marker": {"color": colors[:len(labels)]}, "textinfo": "value+percent initial"}],
            "layout": _layout(margin={"l": 120, "r": 16, "t": 8, "b": 24}, hovermode="closest")}
