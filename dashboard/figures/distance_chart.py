"""Years ahead of (+) or behind (−) the required path, one horizontal bar per region, coloured by status."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.escape import plotly_text
from dashboard.figures.theme import GRID, INK, STATUS_COLORS, base_layout

# legend order: best first, as the board's gauges read
STATUS_ORDER = ("achieved", "on_track", "moderate", "insufficient", "moving_away")
DIFFERS_PATTERN = "/"
HATCH = {"shape": DIFFERS_PATTERN, "fgcolor": "#ffffff", "size": 8, "solidity": 0.35}
LABEL_PX, TICK_PX = 13, 13  # ≥ 12 px at 1280×720: bar labels, region names, legend
BAR_PX, CHROME_PX, MIN_PX, BAR_THICK_PX = 34, 150, 220, 24

DEFAULT_LABELS: Mapping[str, str] = {
    "achieved": "Achieved", "on_track": "On track", "moderate": "Moderate progress",
    "insufficient": "Insufficient progress", "moving_away": "Moving away", "differs": "SDSN status differs",
    "axis": "Years ahead (+) / behind (−) the required path", "ahead": "ahead →", "behind": "← behind",
    "zero": "required path", "years": "{value} yr", "latest": "Latest", "reached": "Reached at current pace",
    "eurostat": "Eurostat", "sdsn": "SDSN", "empty": "No region has a distance yet.",
}


def years_text(value: float, template: str) -> str:
    """+1.2 yr / −0.4 yr (a true minus sign, so the sign reads at a glance)."""
    return template.format(value=f"{value:+.1f}".replace("-", "−"))


def _hover(row: pd.Series, labels: Mapping[str, str]) -> str:
    return (f"<b>{plotly_text(row['label'])}</b>: {years_text(row['years_ahead'], labels['years'])}"
            f"<br>{labels['latest']}: {plotly_text(row['latest_text'])}"
            f"<br>{labels['reached']}: {plotly_text(row['reached_text'])}"
            f"<br>{labels['eurostat']}: {plotly_text(labels.get(row['eurostat'], row['eurostat']))}"
            f" · {labels['sdsn']}: {plotly_text(row['sdsn_label'])}")


def _overlay(part: pd.DataFrame, name: str, marker: dict) -> go.Bar:
    """Bars drawn over others at the same places: no legend, no hover, left out of "show as table"."""
    return go.Bar(x=part["years_ahead"], y=part["label"].map(plotly_text), orientation="h", name=name,
                  showlegend=False, hoverinfo="skip", marker=marker)


def _empty(labels: Mapping[str, str], height: int) -> go.Figure:
    return go.Figure(layout=base_layout(
        height=height, xaxis={"visible": False}, yaxis={"visible": False},
        annotations=[{"text": labels["empty"], "showarrow": False, "xref": "paper", "yref": "paper",
                      "x": 0.5, "y": 0.5, "font": {"size": 15}}]))


def distance_bars(df: pd.DataFrame, *, labels: Mapping[str, str] = DEFAULT_LABELS,
                  height: int | None = None) -> go.Figure:
    """``df``: region_code, label, national (bool), years_ahead, eurostat, differs (bool), sdsn_label,
    latest_text, reached_text. Rows without ``years_ahead`` are left out (they are listed in the page's table).

    Most ahead at the top; a zero line marks the required path; one legend entry per status present, and a
    hatched entry when the SDSN status differs from Eurostat's; the national bar is outlined and its name bold.
    Without ``height``, the figure grows with the number of bars.
    """
    data = df.dropna(subset=["years_ahead"]).sort_values("years_ahead", kind="stable")
    height = height or max(MIN_PX, CHROME_PX + BAR_PX * len(data))
    if data.empty:
        return _empty(labels, height)
    order = list(data["label"].map(plotly_text))  # plotly draws the first category at the bottom
    traces = []
    for status in (s for s in STATUS_ORDER if (data["eurostat"] == s).any()):
        part = data[data["eurostat"] == status]
        traces.append(go.Bar(
            x=part["years_ahead"], y=part["label"].map(plotly_text), orientation="h", name=labels[status],
            marker={"color": STATUS_COLORS[status], "line": {"width": 0}},
            text=[years_text(v, labels["years"]) for v in part["years_ahead"]], textposition="outside",
            cliponaxis=False, textfont={"size": LABEL_PX, "color": INK},
            customdata=part[["region_code"]], hovertext=[_hover(r, labels) for _, r in part.iterrows()],
            hovertemplate="%{hovertext}<extra></extra>",
        ))
    # hatching and the national outline are drawn over the status bars, so that no legend key inherits them
    differing, nation = data[data["differs"]], data[data["national"]]
    if not differing.empty:
        traces.append(_overlay(differing, "differs", {"color": "rgba(0,0,0,0)", "pattern": HATCH}))
    if not nation.empty:
        traces.append(_overlay(nation, "national", {"color": "rgba(0,0,0,0)", "line": {"color": INK, "width": 2.5}}))
    if data["differs"].any():  # a legend key only: a zero-length bar, left out of hover and of "show as table"
        traces.append(go.Bar(x=[0], y=[order[0]], orientation="h", name=labels["differs"], hoverinfo="skip",
                             marker={"color": "#9aa1ab", "pattern": {**HATCH, "fillmode": "overlay"}}))
    reach = max(1.0, float(data["years_ahead"].abs().max()))
    national = set(data.loc[data["national"], "label"].map(plotly_text))
    layout = base_layout(
        # bars about as thick as a line of text however few they are (the plot is the figure less ~120 px)
        height=height, barmode="overlay", bargap=max(0.3, 1 - BAR_THICK_PX * len(data) / max(height - 120, 1)),
        showlegend=True,
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": -0.12 - 40 / height, "yanchor": "top",
                "font": {"size": TICK_PX}, "traceorder": "normal"},
        xaxis={"range": [-1.35 * reach, 1.35 * reach], "zeroline": True, "zerolinecolor": INK, "zerolinewidth": 2,
               "showgrid": True, "gridcolor": GRID, "tickfont": {"size": TICK_PX}, "fixedrange": True,
               "title": {"text": labels["axis"], "font": {"size": TICK_PX}, "standoff": 6}},
        yaxis={"categoryorder": "array", "categoryarray": order, "tickmode": "array", "tickvals": order,
               "ticktext": [f"<b>{y}</b>" if y in national else y for y in order],
               "tickfont": {"size": TICK_PX}, "automargin": True, "fixedrange": True},
        margin={"l": 8, "r": 24, "t": 30, "b": 8},
        annotations=[
            {"text": labels["zero"], "x": 0, "xref": "x", "y": 1, "yref": "paper", "yanchor": "bottom",
             "showarrow": False, "font": {"size": 12, "color": INK}},
            {"text": labels["behind"], "x": 0, "xref": "paper", "xanchor": "left", "y": 1, "yref": "paper",
             "yanchor": "bottom", "showarrow": False, "font": {"size": 12, "color": INK}},
            {"text": labels["ahead"], "x": 1, "xref": "paper", "xanchor": "right", "y": 1, "yref": "paper",
             "yanchor": "bottom", "showarrow": False, "font": {"size": 12, "color": INK}},
        ],
    )
    return go.Figure(traces, layout)
