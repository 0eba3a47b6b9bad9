"""Provinces ranked by value as horizontal bars, best at the top, illustrative values drawn lighter."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.escape import plotly_text
from dashboard.figures.theme import ACCENT, GRID, ILLUSTRATIVE, base_layout, unit_suffix


def ranking_bars(df: pd.DataFrame, *, unit: str, direction: str = "higher",
                 illustrative_label: str = "illustrative", height: int | None = None) -> go.Figure:
    """``df``: region_code, label, value, illustrative (bool). Missing values are left out, not drawn as 0.

    Without ``height`` the figure fills its container, which the page sizes to the screen.
    """
    data = df.dropna(subset=["value"]).sort_values("value", ascending=direction != "higher")
    data = data.iloc[::-1]  # plotly draws the first category at the bottom
    colors = [ILLUSTRATIVE if ill else ACCENT for ill in data["illustrative"]]
    hover_unit = unit_suffix(unit)
    bars = go.Bar(
        x=data["value"], y=data["label"].map(plotly_text), orientation="h",
        marker={"color": colors, "line": {"width": 0}},
        customdata=data[["region_code"]].assign(
            flag=[f"({illustrative_label})" if i else "" for i in data["illustrative"]]),
        hovertemplate=f"%{{y}}: %{{x:,.4~g}}{hover_unit} %{{customdata[1]}}<extra></extra>",
        texttemplate="%{x:,.4~g}", textposition="outside", cliponaxis=False, textfont={"size": 11},
    )
    layout = base_layout(
        height=height, bargap=0.25, showlegend=False,
        xaxis={"showgrid": True, "gridcolor": GRID, "zeroline": False, "showticklabels": False, "fixedrange": True},
        yaxis={"tickfont": {"size": 11}, "automargin": True, "fixedrange": True},
        margin={"l": 8, "r": 40, "t": 8, "b": 8},
    )
    return go.Figure(bars, layout)
