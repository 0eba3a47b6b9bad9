"""A gauge of the latest value against its target, the target marked as a threshold line."""

from __future__ import annotations

import math

import plotly.graph_objects as go

from dashboard.figures.numbers import d3_format
from dashboard.figures.theme import ACCENT, GRID, INK, base_layout


def gauge_range(value: float | None, target: float, value_kind: str) -> tuple[float, float]:
    """Shares run 0–100; other kinds get room around both the value and the target, zero included."""
    if value_kind == "share":
        return 0.0, 100.0
    values = [0.0, target] + ([value] if value is not None else [])
    lo, hi = min(values), max(values)
    pad = 0.2 * (hi - lo or abs(target) or 1.0)
    return (lo - pad if lo < 0 else 0.0), (hi + pad if hi > 0 else 0.0)


def target_gauge(value: float | None, target: float, *, unit: str, value_kind: str, precision: int,
                 color: str = ACCENT, height: int | None = 170) -> go.Figure:
    """Gauge figure; ``value`` None draws an empty gauge with the target still marked. ``height`` None lets
    it fill its container (presenter slides), with type sized to match."""
    lo, hi = gauge_range(value, target, value_kind)
    # a reduction (all values ≤ 0) fills from 0 outwards, so a bigger cut draws a longer bar
    axis_range = [hi, lo] if hi <= 0 else [lo, hi]
    suffix = "%" if unit == "%" else ""
    shown = value if value is not None and math.isfinite(value) else None
    indicator = go.Indicator(
        mode="gauge+number" if shown is not None else "gauge",
        value=shown if shown is not None else axis_range[0],
        number={"suffix": suffix, "font": {"size": 34 if height else 96, "color": INK},
                "valueformat": d3_format(precision)},
        gauge={
            "shape": "angular",
            "axis": {"range": axis_range, "tickwidth": 1, "tickcolor": GRID, "nticks": 5,
                     "tickfont": {"size": 11 if height else 22}},
            "bar": {"color": color if shown is not None else "rgba(0,0,0,0)", "thickness": 0.6},
            "bgcolor": "white",
            "borderwidth": 0,
            "steps": [{"range": [lo, hi], "color": "#f1f3f6"}],
            "threshold": {"line": {"color": INK, "width": 3}, "thickness": 0.9, "value": target},
        },
        domain={"x": [0, 1], "y": [0, 1]},
    )
    margin = {"l": 36, "r": 36, "t": 18, "b": 4} if height else {"l": 60, "r": 60, "t": 40, "b": 10}
    return go.Figure(indicator, base_layout(height=height, margin=margin))
