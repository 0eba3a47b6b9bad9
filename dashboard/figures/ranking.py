"""Provinces ranked by value as horizontal bars, best at the top, illustrative values drawn lighter.

Trace 0 holds every bar (``customdata[i][0]`` is the province's code, which a click opens); the traces after
it are legend keys only. The national value and the national target are vertical lines, labelled under the
plot on rows of their own so that two close values never print over each other.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.escape import plotly_text
from dashboard.figures.map_colors import HIGHLIGHT_COLOR
from dashboard.figures.numbers import DEFAULT_PRECISION, d3_format
from dashboard.figures.theme import ACCENT, GRID, ILLUSTRATIVE, INK, base_layout, text_on, unit_suffix

LABEL_SIZE = 11  # the smallest type a shared 1280×720 screen reads from a few metres; presenter mode is larger
MIN_SLOTS = 12  # the ranking's height in bars, at least
FADED = 0.35  # bars outside the picked group keep this much of their colour: still there, no longer in front
DEFAULT_LABELS: Mapping[str, str] = {"real": "Reported or estimated", "illustrative": "Illustrative value"}
NATIONAL_COLOR = INK


@dataclass(frozen=True)
class Reference:
    """A vertical line across the bars (the national value, the national target) and the words under it."""

    value: float
    label: str


def ranking_bars(df: pd.DataFrame, *, unit: str, direction: str = "higher", precision: int = DEFAULT_PRECISION,
                 labels: Mapping[str, str] | None = None, national: Reference | None = None,
                 target: Reference | None = None, emphasis: Collection[str] = (),
                 height: int | None = None) -> go.Figure:
    """``df``: region_code, label, value, illustrative (bool). Missing values are left out, not drawn as 0.

    Value labels use the indicator's ``precision``, as cards, hovers and tables do. ``emphasis`` codes (the
    members of a region group) keep full strength and bold names while the other bars fade. Without
    ``height`` the figure fills its container, which the page sizes to the screen.
    """
    text = {**DEFAULT_LABELS, **(labels or {})}
    data = df.dropna(subset=["value"]).sort_values("value", ascending=direction != "higher")
    data = data.iloc[::-1]  # plotly draws the first category at the bottom
    illustrative = [bool(i) for i in data["illustrative"]]
    codes = [str(c) for c in data["region_code"]]
    names = [plotly_text(label) for label in data["label"]]
    picked = set(emphasis) & set(codes)
    number = d3_format(precision)
    colors = [_faded(c) if picked and code not in picked else c
              for c, code in zip([ILLUSTRATIVE if ill else ACCENT for ill in illustrative], codes, strict=True)]
    bars = go.Bar(
        x=data["value"], y=names, orientation="h", marker={"color": colors, "line": {"width": 0}},
        customdata=[[code, f"({text['illustrative']})" if ill else ""] for code, ill in zip(codes, illustrative,
                                                                                              strict=True)],
        hovertemplate=f"%{{y}}: %{{x:{number}}}{unit_suffix(unit)} %{{customdata[1]}}<extra></extra>",
        # inside the bar's end where it fits, so the reference lines (behind the bars) never cross a label
        texttemplate=f"%{{x:{number}}}", textposition="auto", insidetextanchor="end", cliponaxis=False,
        constraintext="none", textfont={"size": LABEL_SIZE}, outsidetextfont={"color": INK},
        insidetextfont={"color": [text_on(c) for c in colors]}, showlegend=False,
    )
    keys = [_legend_key(color, text[kind]) for kind, color, shown in
            (("real", ACCENT, not all(illustrative)), ("illustrative", ILLUSTRATIVE, any(illustrative))) if shown]
    references = [(national, NATIONAL_COLOR, "dash"), (target, HIGHLIGHT_COLOR, "dot")]
    drawn = [(ref, color, dash) for ref, color, dash in references if ref is not None]
    layout = base_layout(
        height=height, bargap=0.25, showlegend=bool(keys),
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1, "yanchor": "bottom",
                "font": {"size": LABEL_SIZE + 1}, "itemclick": False, "itemdoubleclick": False},
        xaxis={"showgrid": True, "gridcolor": GRID, "zeroline": False, "showticklabels": False, "fixedrange": True,
               "range": _x_range([*data["value"], *(ref.value for ref, _, _ in drawn)])},
        yaxis={"tickfont": {"size": LABEL_SIZE}, "automargin": True, "fixedrange": True, "tickvals": names,
               # a few bars keep a bar's thickness, at the top, rather than swelling to fill the column
               "range": [len(names) - 0.5 - max(len(names), MIN_SLOTS), len(names) - 0.5],
               "ticktext": [f"<b>{n}</b>" if code in picked else n for n, code in zip(names, codes, strict=True)]},
        margin={"l": 8, "r": 8, "t": 26 if keys else 8, "b": 8 + 16 * len(drawn)},
    )
    fig = go.Figure([bars, *keys], layout)
    for row, (ref, color, dash) in enumerate(drawn):
        _reference_line(fig, ref, color, dash, row, fig.layout.xaxis.range)
    return fig


def _faded(color: str) -> str:
    """``color`` mixed with white, opaque: a see-through bar would let the reference lines behind it show."""
    channels = [int(color[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 - (255 - c) * FADED):02x}" for c in channels)


def _legend_key(color: str, name: str) -> go.Scatter:
    """A legend entry without data (a square of the bar colour): the bars themselves are one trace."""
    return go.Scatter(x=[None], y=[None], mode="markers", name=name, hoverinfo="skip",
                      marker={"symbol": "square", "size": 11, "color": color})


def _x_range(values: list[float]) -> list[float]:
    """From zero (bars are lengths) to past the longest bar or line, leaving room for the value label."""
    lo, hi = min([0.0, *values]), max([0.0, *values])
    room = (hi - lo) * 0.16 or 1.0
    return [lo - room if lo < 0 else 0.0, hi + room if hi > 0 else 0.0]


def _reference_line(fig: go.Figure, ref: Reference, color: str, dash: str, row: int,
                    x_range: tuple[float, float]) -> None:
    """The line over the bars and its label under the plot, on row ``row``, turned inwards near an edge."""
    fig.add_shape(type="line", xref="x", yref="paper", x0=ref.value, x1=ref.value, y0=0, y1=1,
                  line={"color": color, "width": 1.5, "dash": dash}, layer="below")
    share = (ref.value - x_range[0]) / ((x_range[1] - x_range[0]) or 1)
    fig.add_annotation(x=ref.value, xref="x", y=0, yref="paper", yanchor="top", yshift=-2 - 16 * row,
                       xanchor="right" if share > 0.6 else "left", text=plotly_text(ref.label), showarrow=False,
                       font={"size": LABEL_SIZE, "color": INK})
