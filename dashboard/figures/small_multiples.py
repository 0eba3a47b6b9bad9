"""Small multiples: one small trend panel per indicator, a province against the nation, each on its own y-axis.

As on the trends page, every statistical scope a series was published under is its own segment (same colour,
its own dash and marker), generated values are a lighter segment of their own, and a missing year breaks the line.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.figures.escape import plotly_text
from dashboard.figures.numbers import d3_format
from dashboard.figures.theme import CATEGORICAL, GRID, MUTED, base_layout, unit_suffix
from dashboard.figures.trend import FLAGGED, SCOPE_DASHES, SCOPE_SYMBOLS, axis_x, when_label

DEFAULT_LABELS: Mapping[str, str] = {
    "illustrative": "illustrative", "estimated": "estimated", "projected": "projected", "source": "Source",
    "scope": "Scope", "scope_unstated": "scope not stated",
}
ROLES = ("national", "province")  # drawing order: the province on top
COLORS = {"national": CATEGORICAL[0], "province": CATEGORICAL[1]}  # as on the trends page for 100000,<province>
PANEL_HEIGHT = 220  # px per row of panels
TOP = 76  # px above the first row: the legend, then the first row's (possibly two-line) titles
BOTTOM = 8
ROW_GAP = 88  # px between rows: the x ticks of one row and the titles of the next
TITLE_WIDTH = 44  # characters (a CJK character counts two) before a panel title wraps


def grid_shape(n_panels: int) -> tuple[int, int]:
    """(rows, columns): two columns for two or four panels, otherwise up to three."""
    columns = 2 if n_panels in (2, 4) else max(1, min(3, n_panels))
    return max(1, math.ceil(n_panels / columns)), columns


def figure_height(n_panels: int) -> int:
    return grid_shape(n_panels)[0] * PANEL_HEIGHT + TOP + BOTTOM


def _wrap(title: str, width: int = TITLE_WIDTH) -> str:
    """Break a long panel title onto two lines (at a space for English; anywhere for Chinese)."""
    used, out = 0, []
    for i, char in enumerate(title):
        used += 2 if "\u3000" <= char <= "\u9fff" or "\uff00" <= char <= "\uffef" else 1
        if used > width and (char == " " or ord(char) > 0x2e80) and i < len(title) - 1:
            out.append("<br>" if char == " " else char + "<br>")
            out.append(plotly_text(title[i + 1:]))
            return "".join(out)
        out.append(plotly_text(char))
    return "".join(out)


def _hover(row: Any, labels: Mapping[str, str]) -> str:
    flag = f" · {labels.get(row.status, row.status)}" if row.status in FLAGGED else ""
    scope = row.scope if isinstance(row.scope, str) and row.scope else labels["scope_unstated"]
    return (f"{when_label(row.year, row.as_of)} · {labels['source']}: {plotly_text(row.source_title)}{flag}"
            f"<br>{labels['scope']}: {plotly_text(scope)}")


def _with_gaps(frame: pd.DataFrame) -> pd.DataFrame:
    """An empty point for every missing year, so the line breaks there instead of bridging it."""
    years = set(frame["year"])
    missing = [y for y in range(min(years), max(years)) if y not in years]
    blanks = pd.DataFrame({"year": missing, "x": [float(y) for y in missing], "value": None, "hover": ""})
    return pd.concat([frame, blanks], ignore_index=True).sort_values("x", kind="stable")


def _segments(frame: pd.DataFrame) -> list[tuple[str, bool, pd.DataFrame]]:
    """(scope, generated, rows) per segment, in the order the series first has them."""
    scopes = frame["scope"].fillna("")
    generated = frame["status"] == "illustrative"
    keys = pd.Series(list(zip(scopes, generated, strict=True)), index=frame.index)
    return [(scope, bool(gen), frame[keys == (scope, gen)]) for scope, gen in dict.fromkeys(keys)]


def small_multiples(df: pd.DataFrame, *, labels: Mapping[str, str] = DEFAULT_LABELS) -> go.Figure:
    """``df``: panel (indicator id), title, unit (display unit), precision (decimals), role (``province`` or
    ``national``), label (the region's name), year, value, as_of, status, source_title, scope — panels in the
    order given. One panel per indicator, the province in orange over the nation in blue, a legend of the two
    (and of generated values)."""
    labels = {**DEFAULT_LABELS, **labels}
    panels = list(dict.fromkeys(df["panel"])) if not df.empty else []
    n_rows, n_cols = grid_shape(len(panels))
    height = figure_height(len(panels))
    titles = [_wrap(str(df.loc[df["panel"] == p, "title"].iloc[0])) for p in panels]
    fig = make_subplots(rows=n_rows, cols=n_cols, subplot_titles=titles or None, horizontal_spacing=0.08,
                        vertical_spacing=min(0.4, ROW_GAP / (height - TOP - BOTTOM)) if n_rows > 1 else 0.0)
    for index, panel in enumerate(panels):
        row, col = divmod(index, n_cols)
        frame = df[df["panel"] == panel]
        unit = str(frame["unit"].iloc[0])
        suffix = unit_suffix(unit)
        value_format = d3_format(int(frame["precision"].iloc[0]))
        for role in ROLES:
            mine = frame[frame["role"] == role]
            for j, (scope, generated, segment) in enumerate(_segments(mine) if not mine.empty else []):
                segment = segment.assign(
                    x=[axis_x(y, a) for y, a in zip(segment["year"], segment["as_of"], strict=True)],
                    hover=[_hover(r, labels) for r in segment.itertuples()])
                segment = _with_gaps(segment)
                region = plotly_text(str(mine["label"].iloc[0]))
                fig.add_trace(go.Scatter(
                    x=segment["x"], y=segment["value"], mode="lines+markers", connectgaps=False, showlegend=False,
                    name=f"{region} · {plotly_text(str(frame['title'].iloc[0]))}",
                    line={"color": COLORS[role], "width": 2.5 if role == "province" else 2,
                          "dash": SCOPE_DASHES[j % len(SCOPE_DASHES)]},
                    marker={"size": 6, "symbol": SCOPE_SYMBOLS[j % len(SCOPE_SYMBOLS)]},
                    opacity=0.55 if generated else 1.0, customdata=segment[["hover"]],
                    hovertemplate=f"%{{y:{value_format}}}{suffix}<br>%{{customdata[0]}}<extra>{region}</extra>",
                    meta={"panel": panel, "role": role, "region_code": str(mine["region_code"].iloc[0]),
                          "scope": scope, "illustrative": generated},
                ), row=row + 1, col=col + 1)
        fig.update_yaxes(ticksuffix="%" if unit == "%" else "", row=row + 1, col=col + 1)
        fig.update_xaxes(**_year_axis(frame), row=row + 1, col=col + 1)
    _legend_keys(fig, df, labels)
    fig.update_xaxes(showgrid=False, linecolor=GRID, ticks="outside", tickcolor=GRID, tickformat="d",
                     tickfont={"size": 11})
    fig.update_yaxes(gridcolor=GRID, zeroline=False, tickfont={"size": 11}, nticks=5, automargin=True)
    fig.update_annotations(font={"size": 13})
    fig.update_layout(base_layout(
        height=height, hovermode="closest", margin={"l": 8, "r": 16, "t": TOP, "b": BOTTOM},
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1, "yanchor": "top", "yref": "container",
                "font": {"size": 13}},
    ))
    return fig


def _year_axis(frame: pd.DataFrame) -> dict[str, Any]:
    """Whole-year ticks, a year apart on short spans and never repeated; a lone year gets a year either side."""
    xs = [axis_x(y, a) for y, a in zip(frame["year"], frame["as_of"], strict=True)]
    lo, hi = min(xs), max(xs)
    span = hi - lo
    step = 1 if span <= 6 else 2 if span <= 12 else 5
    axis: dict[str, Any] = {"tick0": math.floor(lo) // step * step, "dtick": step}  # 2010, 2015, 2020 …
    if span < 2:
        axis["range"] = [math.floor(lo) - 1, math.ceil(hi) + 1]
    return axis


def _legend_keys(fig: go.Figure, df: pd.DataFrame, labels: Mapping[str, str]) -> None:
    """One legend entry per region and one for generated values, however many panels there are (keys with no
    points, so that the chart's table lists only real data)."""
    if df.empty:
        return
    for role in ("province", "national"):
        mine = df[df["role"] == role]
        if mine.empty:
            continue
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines+markers", name=plotly_text(str(mine["label"].iloc[0])),
                                 line={"color": COLORS[role], "width": 2.5}, marker={"size": 6},
                                 hoverinfo="skip", showlegend=True))
    if (df["status"] == "illustrative").any():
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines+markers", name=labels["illustrative"],
                                 line={"color": COLORS["province"], "width": 2.5}, marker={"size": 6},
                                 opacity=0.55, hoverinfo="skip", showlegend=True))
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=labels.get("scope_break", labels["scope"]),
                             line={"color": MUTED, "width": 2, "dash": "dash"}, hoverinfo="skip",
                             showlegend=len({str(s) for s in df["scope"].fillna("")}) > 1))
