"""The map's hover panel: one province's series as a sparkline, with its rank, drawn in the browser.

The server sends, once per indicator, every province's points (:func:`sparkline_points`) and an empty
figure whose traces are already styled (:func:`sparkline_template`); ``assets/imm.js`` (``immMap``) copies
the template and fills in the hovered province's ``x``/``y``. A hover therefore costs no round trip, and a
year step resends nothing: the panel picks that year's point from what it already holds.

Template traces, fixed: 0 the line through every point shown, 1 real points (filled), 2 generated points
(open, lighter: they are illustrative), 3 the map's year (a ring).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.escape import plotly_text
from dashboard.figures.numbers import DEFAULT_PRECISION, d3_format, value_text
from dashboard.figures.theme import ACCENT, GRID, ILLUSTRATIVE, INK, MUTED, base_layout, unit_suffix

LINE_TRACE, REAL_TRACE, ILLUSTRATIVE_TRACE, YEAR_TRACE = range(4)
DEFAULT_LABELS: Mapping[str, str] = {
    "real": "Reported or estimated",
    "illustrative": "Illustrative value",
    "year": "Year on the map",
    "rank_of": "Rank {rank} of {n} reporting (same scope)",
    "not_ranked": "Not ranked: illustrative value",
}
# A point as the browser reads it: [year, value, value as text, illustrative, rank as words]
YEAR, VALUE, TEXT, ILLUSTRATIVE_FLAG, RANK = range(5)


def sparkline_template(*, unit: str, precision: int = DEFAULT_PRECISION,
                       labels: Mapping[str, str] | None = None) -> go.Figure:
    """An empty, styled sparkline: the browser fills the traces' ``x``/``y`` for the province hovered."""
    text = {**DEFAULT_LABELS, **(labels or {})}
    hover = f"%{{x}}: %{{y:{d3_format(precision)}}}{unit_suffix(unit)}"
    empty: dict[str, Any] = {"x": [], "y": []}
    return go.Figure([
        go.Scatter(**empty, mode="lines", line={"color": GRID, "width": 2}, hoverinfo="skip", showlegend=False),
        go.Scatter(**empty, mode="markers", name=text["real"], marker={"color": ACCENT, "size": 6},
                   hovertemplate=f"{hover}<extra></extra>"),
        go.Scatter(**empty, mode="markers", name=text["illustrative"],
                   marker={"color": "white", "size": 6, "line": {"color": ILLUSTRATIVE, "width": 1.5}},
                   hovertemplate=f"{hover} ({plotly_text(text['illustrative'])})<extra></extra>"),
        go.Scatter(**empty, mode="markers", name=text["year"], hoverinfo="skip",
                   marker={"color": "rgba(0,0,0,0)", "size": 13, "line": {"color": INK, "width": 1.5}}),
    ], base_layout(
        height=96, showlegend=False, margin={"l": 4, "r": 4, "t": 6, "b": 18}, font={"size": 11, "color": MUTED},
        xaxis={"showgrid": False, "zeroline": False, "fixedrange": True, "tickformat": "d", "nticks": 3,
               "ticks": "", "showline": False},
        yaxis={"visible": False, "fixedrange": True},
        hovermode="closest",
    ))


def sparkline_points(history: pd.DataFrame, *, unit: str, precision: int = DEFAULT_PRECISION,
                     labels: Mapping[str, str] | None = None) -> dict[str, dict[str, Any]]:
    """``views.map_history`` (region_code, label, year, value, illustrative, rank, rank_of) as the browser
    reads it: ``{code: {"name": label, "points": [[year, value, text, illustrative, rank words], …]}}``.

    Every text is written here, in the visitor's language and the indicator's precision, so the panel shows
    exactly what the cards and tables show.
    """
    text = {**DEFAULT_LABELS, **(labels or {})}
    out: dict[str, dict[str, Any]] = {}
    rows = history.dropna(subset=["value"]).sort_values(["region_code", "year"])
    for code, series in rows.groupby("region_code", sort=False):
        points = []
        for row in series.itertuples(index=False):
            illustrative = bool(row.illustrative)
            ranked = not (illustrative or pd.isna(row.rank) or pd.isna(row.rank_of))
            rank = text["rank_of"].format(rank=int(row.rank), n=int(row.rank_of)) if ranked else (
                text["not_ranked"] if illustrative else "")
            points.append([int(row.year), float(row.value), value_text(float(row.value), unit, precision),
                           illustrative, rank])
        out[str(code)] = {"name": str(series["label"].iloc[-1]), "points": points}
    return out
