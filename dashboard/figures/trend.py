"""Trend lines of one indicator for several regions, with the target, the required path and the current trend."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.theme import CATEGORICAL, GRID, INK, MUTED, base_layout

DEFAULT_LABELS: Mapping[str, str] = {
    "target": "Target", "required_path": "Required path", "projection": "Current trend",
    "illustrative": "illustrative", "source": "Source",
}


@dataclass(frozen=True)
class TargetOverlay:
    """A target drawn on the chart, with the straight (or compound) lines towards it."""

    when: dt.date
    value: float
    label: str  # e.g. "≥ 68 % (2025)"
    required_path: Sequence[tuple[dt.date, float]] = field(default_factory=tuple)
    projection: Sequence[tuple[dt.date, float]] = field(default_factory=tuple)


def point_date(year: int, as_of: object) -> dt.date:
    """A year-end figure sits on 31 December; an as-of figure on its own date."""
    return as_of if isinstance(as_of, dt.date) else dt.date(int(year), 12, 31)


def _with_gaps(frame: pd.DataFrame) -> pd.DataFrame:
    """Insert an empty point for every missing year, so the line breaks there instead of bridging it."""
    years = set(frame["year"])
    missing = [y for y in range(min(years), max(years)) if y not in years]
    blanks = pd.DataFrame({"year": missing, "date": [dt.date(y, 12, 31) for y in missing], "value": None})
    return pd.concat([frame, blanks], ignore_index=True).sort_values("date", kind="stable")


def trend_chart(df: pd.DataFrame, overlays: Sequence[TargetOverlay] = (), *, unit: str,
                labels: Mapping[str, str] = DEFAULT_LABELS, height: int = 460) -> go.Figure:
    """``df``: region_code, label, year, value, as_of, status, source_title — one row per region and year."""
    fig = go.Figure(layout=base_layout(
        height=height, hovermode="closest",
        legend={"orientation": "h", "y": -0.12, "x": 0, "font": {"size": 13}},
        xaxis={"showgrid": False, "linecolor": GRID, "ticks": "outside", "tickcolor": GRID},
        yaxis={"gridcolor": GRID, "zeroline": False, "ticksuffix": "%" if unit == "%" else "",
               "title": {"text": "" if unit == "%" else unit, "font": {"size": 12, "color": MUTED}}},
        margin={"l": 8, "r": 16, "t": 16, "b": 8},
    ))
    suffix = "%" if unit == "%" else f" {unit}"
    for i, (code, frame) in enumerate(df.groupby("region_code", sort=False)):
        frame = frame.assign(date=[point_date(y, a) for y, a in zip(frame["year"], frame["as_of"], strict=True)])
        flags = [f" · {labels['illustrative']}" if s == "illustrative" else "" for s in frame["status"]]
        frame = frame.assign(hover=[f"{labels['source']}: {src}{flag}"
                                    for src, flag in zip(frame["source_title"], flags, strict=True)])
        frame = _with_gaps(frame)
        color = CATEGORICAL[i % len(CATEGORICAL)]
        fig.add_trace(go.Scatter(
            x=frame["date"], y=frame["value"], name=str(df.loc[df["region_code"] == code, "label"].iloc[0]),
            mode="lines+markers", connectgaps=False, line={"color": color, "width": 3 if i == 0 else 2},
            marker={"size": 7}, customdata=frame[["hover"]],
            hovertemplate=f"%{{x|%Y-%m}}: %{{y:,.4~g}}{suffix}<br>%{{customdata[0]}}<extra>%{{fullData.name}}</extra>",
        ))
    for j, ov in enumerate(overlays):
        show = j == 0
        if ov.required_path:
            xs, ys = zip(*ov.required_path, strict=True)
            fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=labels["required_path"], legendgroup="req",
                                     showlegend=show, line={"color": MUTED, "dash": "dash", "width": 1.5},
                                     hoverinfo="skip"))
        if ov.projection:
            xs, ys = zip(*ov.projection, strict=True)
            fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=labels["projection"], legendgroup="proj",
                                     showlegend=show, line={"color": CATEGORICAL[0], "dash": "dot", "width": 1.5},
                                     hoverinfo="skip"))
        fig.add_trace(go.Scatter(
            x=[ov.when], y=[ov.value], mode="markers+text", name=labels["target"], legendgroup="target",
            showlegend=show, text=[ov.label], textposition="top center", textfont={"size": 12, "color": INK},
            marker={"symbol": "diamond", "size": 13, "color": "white", "line": {"color": INK, "width": 2}},
            hovertemplate=f"{labels['target']}: {ov.label}<extra></extra>",
        ))
    return fig
