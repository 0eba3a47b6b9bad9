"""Trend lines of one indicator for several regions, with the target, the required path and the current trend."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.escape import plotly_text
from dashboard.figures.theme import CATEGORICAL, GRID, INK, MUTED, base_layout, unit_suffix
from dashboard.i18n import date_label
from dashboard.progress import fractional_year

DEFAULT_LABELS: Mapping[str, str] = {
    "target": "Target", "required_path": "Required path", "projection": "Current trend",
    "illustrative": "illustrative", "estimated": "estimated", "projected": "projected", "source": "Source",
    "scope": "Scope", "scope_unstated": "scope not stated",
}
# A change of statistical scope starts a new trace: same colour (the region), its own marker and dash.
SCOPE_SYMBOLS = ("circle", "square", "triangle-up", "diamond", "x", "star")
SCOPE_DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
FLAGGED = ("illustrative", "estimated", "projected")  # statuses a reader must see at the point itself


@dataclass(frozen=True)
class TargetOverlay:
    """A target drawn on the chart (at x = its target year), with the lines towards it, in axis units."""

    x: float
    value: float
    label: str  # e.g. "≥ 68% (2025)"
    required_path: Sequence[tuple[float, float]] = field(default_factory=tuple)
    projection: Sequence[tuple[float, float]] = field(default_factory=tuple)


def axis_x(year: int, as_of: dt.date | None) -> float:
    """Horizontal position: a year-end figure sits exactly on its year's tick, an as-of figure inside the
    following span (March 2025 at 2024.25), so ticks read "end of year" and nothing looks a year late."""
    return fractional_year(int(year), as_of) - 1


def when_label(year: int, as_of: dt.date | None) -> str:
    """"2021", or for an as-of figure its month in the visitor's language (2025年3月 / Mar 2025)."""
    return date_label(as_of.year, as_of.month) if isinstance(as_of, dt.date) else date_label(int(year))


def _hover(row: Any, labels: Mapping[str, str]) -> str:
    """When, source, a flag for values that are not plainly reported, and the statistical scope."""
    flag = f" · {labels.get(row.status, row.status)}" if row.status in FLAGGED else ""
    scope = getattr(row, "scope", None)
    scope_text = scope if isinstance(scope, str) and scope else labels["scope_unstated"]
    return (f"{when_label(row.year, row.as_of)} · {labels['source']}: {plotly_text(row.source_title)}{flag}"
            f"<br>{labels['scope']}: {plotly_text(scope_text)}")


def _with_gaps(frame: pd.DataFrame) -> pd.DataFrame:
    """Insert an empty point for every missing year, so the line breaks there instead of bridging it."""
    years = set(frame["year"])
    missing = [y for y in range(min(years), max(years)) if y not in years]
    blanks = pd.DataFrame({"year": missing, "x": [float(y) for y in missing], "value": None})
    return pd.concat([frame, blanks], ignore_index=True).sort_values("x", kind="stable")


def trend_chart(df: pd.DataFrame, overlays: Sequence[TargetOverlay] = (), *, unit: str,
                labels: Mapping[str, str] = DEFAULT_LABELS, height: int | None = None) -> go.Figure:
    """``df``: region_code, label, year, value, as_of, status, source_title and scope — one row per region,
    year and scope. Each region has one colour; each scope it was published under is its own trace, so a
    change of statistical population shows as a break, named in the legend and the hover."""
    labels = {**DEFAULT_LABELS, **labels}
    fig = go.Figure(layout=base_layout(
        height=height, hovermode="closest",
        legend={"orientation": "h", "y": -0.12, "x": 0, "font": {"size": 13}},
        xaxis={"showgrid": False, "linecolor": GRID, "ticks": "outside", "tickcolor": GRID, "dtick": 1,
               "tickformat": "d", "automargin": True},
        yaxis={"gridcolor": GRID, "zeroline": False, "ticksuffix": "%" if unit == "%" else "", "automargin": True,
               "title": {"text": "" if unit == "%" else unit, "font": {"size": 12, "color": MUTED}}},
        margin={"l": 8, "r": 16, "t": 16, "b": 8},
    ))
    suffix = unit_suffix(unit)
    for i, (code, region_frame) in enumerate(df.groupby("region_code", sort=False)):
        color = CATEGORICAL[i % len(CATEGORICAL)]
        label = plotly_text(str(region_frame["label"].iloc[0]))
        scopes = region_frame["scope"].fillna("") if "scope" in region_frame else pd.Series("", region_frame.index)
        generated = region_frame["status"] == "illustrative"
        # generated values are their own segment too: a line never joins a real figure to a generated one
        keys = pd.Series(list(zip(scopes, generated, strict=True)), index=region_frame.index)
        order = list(dict.fromkeys(keys))
        named_scopes = len({scope for scope, is_generated in order if not is_generated}) > 1
        for j, key in enumerate(order):
            scope, is_generated = key
            frame = region_frame[keys == key]
            frame = frame.assign(
                x=[axis_x(y, a) for y, a in zip(frame["year"], frame["as_of"], strict=True)],
                hover=[_hover(row, labels) for row in frame.itertuples()],
            )
            frame = _with_gaps(frame)
            name = (f"{label} · {plotly_text(scope) or labels['scope_unstated']}" if named_scopes and not is_generated
                    else label)
            if is_generated:
                name += f" ({labels['illustrative']})"
            fig.add_trace(go.Scatter(
                x=frame["x"], y=frame["value"], name=name, legendgroup=code,
                mode="lines+markers", connectgaps=False,
                line={"color": color, "width": 3 if i == 0 else 2, "dash": SCOPE_DASHES[j % len(SCOPE_DASHES)]},
                marker={"size": 8, "symbol": SCOPE_SYMBOLS[j % len(SCOPE_SYMBOLS)]}, customdata=frame[["hover"]],
                hovertemplate=f"%{{y:,.4~g}}{suffix}<br>%{{customdata[0]}}<extra>%{{fullData.name}}</extra>",
                meta={"region_code": code, "scope": scope, "illustrative": bool(is_generated)},
                opacity=0.55 if is_generated else 1.0,
            ))
    shown: set[str] = set()

    def first(group: str) -> bool:
        """One legend entry per kind of overlay, however many targets are drawn."""
        new = group not in shown
        shown.add(group)
        return new

    for ov in overlays:
        if ov.required_path:
            xs, ys = zip(*ov.required_path, strict=True)
            fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=labels["required_path"], legendgroup="req",
                                     showlegend=first("req"), line={"color": MUTED, "dash": "dash", "width": 1.5},
                                     hoverinfo="skip"))
        if ov.projection:
            xs, ys = zip(*ov.projection, strict=True)
            fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=labels["projection"], legendgroup="proj",
                                     showlegend=first("proj"),
                                     line={"color": CATEGORICAL[0], "dash": "dot", "width": 1.5}, hoverinfo="skip"))
        fig.add_trace(go.Scatter(
            x=[ov.x], y=[ov.value], mode="markers+text", name=labels["target"], legendgroup="target",
            showlegend=first("target"), text=[ov.label], textposition="top center", textfont={"size": 12, "color": INK},
            marker={"symbol": "diamond", "size": 13, "color": "white", "line": {"color": INK, "width": 2}},
            hovertemplate=f"{labels['target']}: {ov.label}<extra></extra>",
        ))
    return fig
