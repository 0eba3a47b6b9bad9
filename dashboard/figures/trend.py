"""Trend lines of one indicator for regions and region groups, with the targets, the required path and the
current trend."""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.escape import plotly_text
from dashboard.figures.numbers import DEFAULT_PRECISION, d3_format
from dashboard.figures.theme import CATEGORICAL, GRID, INK, MUTED, base_layout, unit_suffix
from dashboard.i18n import date_label
from dashboard.progress import fractional_year

DEFAULT_LABELS: Mapping[str, str] = {
    "target": "Target", "required_path": "Required path", "projection": "Current trend",
    "illustrative": "illustrative", "estimated": "estimated", "projected": "projected", "source": "Source",
    "scope": "Scope", "scope_unstated": "scope not stated", "members": "{n} of {total} members report",
}
# A change of scope starts a new trace: same colour (the region), its own marker and dash.
SCOPE_SYMBOLS = ("circle", "square", "triangle-up", "diamond", "x", "star")
SCOPE_DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
FLAGGED = ("illustrative", "estimated", "projected")  # statuses a reader must see at the point itself
LABEL_SIZE = 12  # px: target and date labels drawn on the chart
# Target labels sit in a strip right of everything drawn, sized for the smallest plot a desktop screen gives
# the chart (a 1280-px screen draws it ~1,150 px wide; the graph is at least 380 px tall, axes and legend
# included), so they never cover a line, a marker or each other however wide the screen.
LAYOUT_WIDTH_PX, LAYOUT_HEIGHT_PX = 1000, 240
LABEL_SHIFT_PX = 14  # from the rightmost point to a label's left edge: clear of a target diamond's half width
LINE_HEIGHT = 1.4  # a label's height, in font sizes
X_PAD = 0.5  # axis units left of the first point and right of the last when there is no label strip


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
    following span (March 2025 at 2024.25), so ticks read "end of year" and nothing looks a year late. A
    figure off a tick also carries its date on the chart (``_dated``): March 2025 beside the 2024 tick must not
    read as 2024."""
    return fractional_year(int(year), as_of) - 1


def _dated(as_of: object) -> bool:
    return isinstance(as_of, dt.date)


def when_label(year: int, as_of: dt.date | None) -> str:
    """"2021", or for an as-of figure its month in the visitor's language (2025年3月 / Mar 2025)."""
    return date_label(as_of.year, as_of.month) if _dated(as_of) else date_label(int(year))


def text_width(text: str, size: float) -> float:
    """An estimate of ``text``'s width in px at font ``size``: CJK characters are square, Latin ones narrower
    (generous for digits and signs, so an estimate is never short)."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else 0.62 * size for ch in text)


def _hover(row: Any, labels: Mapping[str, str]) -> str:
    """When, source, a flag for values that are not plainly reported, the statistical scope, and for a group
    how many of its members the value stands on."""
    flag = f" · {labels.get(row.status, row.status)}" if row.status in FLAGGED else ""
    scope = getattr(row, "scope", None)
    scope_text = scope if isinstance(scope, str) and scope else labels["scope_unstated"]
    # ``in (True,)``: a group row's flag is a (numpy) bool, a region row's is missing or NaN
    if scope_text != labels["scope_unstated"] and getattr(row, "scope_unstated", False) in (True,):
        scope_text += f"；{labels['scope_unstated']}"  # a group: some members' figures name no population
    text = (f"{when_label(row.year, row.as_of)} · {labels['source']}: {plotly_text(row.source_title)}{flag}"
            f"<br>{labels['scope']}: {plotly_text(scope_text)}")
    members = getattr(row, "members", None)
    if isinstance(members, int | float) and not math.isnan(members):
        text += "<br>" + labels["members"].format(n=int(members), total=int(row.members_total))
    return text


def _with_gaps(frame: pd.DataFrame) -> pd.DataFrame:
    """Insert an empty point for every missing year, so the line breaks there instead of bridging it."""
    years = set(frame["year"])
    missing = [y for y in range(min(years), max(years)) if y not in years]
    if not missing:
        return frame.sort_values("x", kind="stable")
    blanks = pd.DataFrame({"year": missing, "x": [float(y) for y in missing], "value": None})
    return pd.concat([frame, blanks], ignore_index=True).sort_values("x", kind="stable")


def _breaks_between_members(frame: pd.DataFrame) -> pd.DataFrame:
    """A group's line breaks where the members behind its mean change (2021: Chongqing and Qinghai, 2022:
    Shanxi): two such means side by side are separate figures, not a trend."""
    frame = frame.sort_values("x", kind="stable").reset_index(drop=True)
    changed = frame["reporting"].ne(frame["reporting"].shift()) & frame.index.to_series().gt(0)
    blanks = pd.DataFrame({"year": frame["year"][changed], "value": None,
                           "x": (frame["x"].shift()[changed] + frame["x"][changed]) / 2})
    return pd.concat([frame, blanks], ignore_index=True).sort_values("x", kind="stable") if not blanks.empty else frame


def _is_group(region_frame: pd.DataFrame) -> bool:
    """A region group's aggregated series (``dashboard.groups``) carries its member counts."""
    return "members" in region_frame and bool(region_frame["members"].notna().any())


def _segments(region_frame: pd.DataFrame, group: bool) -> pd.Series:
    """The trace each row belongs to: (scope, generated). A group is one line whatever its members' scopes
    (they are named in the hover); generated values are their own segment, so a line never joins a real
    figure to a generated one."""
    if group or "scope" not in region_frame:
        scopes = pd.Series("", index=region_frame.index)
    else:
        scopes = region_frame["scope"].fillna("")
    generated = region_frame["status"] == "illustrative"
    return pd.Series(list(zip(scopes, generated, strict=True)), index=region_frame.index)


def trend_chart(df: pd.DataFrame, overlays: Sequence[TargetOverlay] = (), *, unit: str,
                precision: int = DEFAULT_PRECISION, labels: Mapping[str, str] = DEFAULT_LABELS,
                height: int | None = None, label_size: int = LABEL_SIZE) -> go.Figure:
    """``df``: region_code, label, year, value, as_of, status, source_title and scope — one row per region,
    year and scope; a group's rows also carry ``members`` and ``members_total``. Each region has one colour;
    each scope it was published under is its own trace, so a change of statistical population shows as a
    break, named in the legend and the hover. Values read with the indicator's ``precision``."""
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
    value_hover = f"%{{y:{d3_format(precision)}}}{unit_suffix(unit)}"
    for i, (code, region_frame) in enumerate(df.groupby("region_code", sort=False)):
        _add_region(fig, code, region_frame, i, labels, value_hover, label_size)
    _add_overlays(fig, overlays, labels)
    if overlays:
        _place_target_labels(fig, overlays, label_size)
    return fig


def _add_region(fig: go.Figure, code: str, region_frame: pd.DataFrame, i: int, labels: Mapping[str, str],
                value_hover: str, label_size: int) -> None:
    color = CATEGORICAL[i % len(CATEGORICAL)]
    label = plotly_text(str(region_frame["label"].iloc[0]))
    group = _is_group(region_frame)
    keys = _segments(region_frame, group)
    order = list(dict.fromkeys(keys))
    named_scopes = len({scope for scope, is_generated in order if not is_generated}) > 1
    custom = ["hover", "members", "members_total"] if group else ["hover"]
    for j, key in enumerate(order):
        scope, is_generated = key
        frame = region_frame[keys == key]
        frame = frame.assign(
            x=[axis_x(y, a) for y, a in zip(frame["year"], frame["as_of"], strict=True)],
            hover=[_hover(row, labels) for row in frame.itertuples()],
        )
        frame = _with_gaps(_breaks_between_members(frame) if group else frame)
        name = (f"{label} · {plotly_text(scope) or labels['scope_unstated']}" if named_scopes and not is_generated
                else label)
        if is_generated:
            name += f" ({labels['illustrative']})"
        fig.add_trace(go.Scatter(
            x=frame["x"], y=frame["value"], name=name, legendgroup=code,
            mode="lines+markers", connectgaps=False,
            line={"color": color, "width": 3 if i == 0 else 2, "dash": SCOPE_DASHES[j % len(SCOPE_DASHES)]},
            marker={"size": 8, "symbol": SCOPE_SYMBOLS[j % len(SCOPE_SYMBOLS)]}, customdata=frame[custom],
            hovertemplate=f"{value_hover}<br>%{{customdata[0]}}<extra>%{{fullData.name}}</extra>",
            meta={"region_code": code, "scope": scope, "illustrative": bool(is_generated), "group": group},
            opacity=0.55 if is_generated else 1.0,
        ))
    dated = region_frame[region_frame["as_of"].map(_dated)] if "as_of" in region_frame else region_frame.iloc[:0]
    if not dated.empty:  # off-tick figures say their month on the chart, not only in the hover
        fig.add_trace(go.Scatter(
            x=[axis_x(y, a) for y, a in zip(dated["year"], dated["as_of"], strict=True)], y=dated["value"],
            text=[when_label(y, a) for y, a in zip(dated["year"], dated["as_of"], strict=True)],
            mode="text", textposition="top left", textfont={"size": label_size, "color": INK},
            legendgroup=code, showlegend=False, hoverinfo="skip", cliponaxis=False,
            meta={"role": "date", "of": code},  # not a line: consumers of meta.region_code skip it
        ))


def _add_overlays(fig: go.Figure, overlays: Sequence[TargetOverlay], labels: Mapping[str, str]) -> None:
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
            x=[ov.x], y=[ov.value], mode="markers", name=labels["target"], legendgroup="target",
            showlegend=first("target"),
            marker={"symbol": "diamond", "size": 13, "color": "white", "line": {"color": INK, "width": 2}},
            hovertemplate=f"{labels['target']}: {plotly_text(ov.label)}<extra></extra>",
        ))


def _finite(values: Any) -> list[float]:
    return [float(v) for v in (values if values is not None else ())
            if isinstance(v, int | float) and math.isfinite(v)]


def spread(positions: Sequence[float], gap: float) -> list[float]:
    """Label positions (fractions of the plot's height, in the input's order) as near ``positions`` as keeping
    them ``gap`` apart and inside [gap/2, 1 - gap/2] allows; their order bottom to top is kept."""
    order = sorted(range(len(positions)), key=positions.__getitem__)
    placed = [min(max(positions[k], gap / 2), 1 - gap / 2) for k in order]
    for n in range(1, len(placed)):  # push up
        placed[n] = max(placed[n], placed[n - 1] + gap)
    if placed and placed[-1] > 1 - gap / 2:  # then down from the top
        placed[-1] = 1 - gap / 2
        for n in range(len(placed) - 2, -1, -1):
            placed[n] = min(placed[n], placed[n + 1] - gap)
    out = [0.0] * len(placed)
    for k, p in zip(order, placed, strict=True):
        out[k] = p
    return out


def _place_target_labels(fig: go.Figure, overlays: Sequence[TargetOverlay], size: int) -> None:
    """Each target's label in a strip right of everything drawn, at its target's height or as near it as
    keeping the labels apart allows. The axes get fixed ranges, so the strip and the spacing hold."""
    xs = [x for trace in fig.data for x in _finite(trace.x)]
    ys = [y for trace in fig.data for y in _finite(trace.y)]
    texts = [f"◇ {ov.label}" for ov in overlays]
    x_lo, x_hi = min(xs), max(xs)
    strip = (LABEL_SHIFT_PX + max(text_width(s, size) for s in texts) + 8) / LAYOUT_WIDTH_PX
    width = (x_hi - x_lo + X_PAD) / (1 - strip)
    x_range = [x_lo - X_PAD, x_hi + strip * width]
    y_lo, y_hi = min(ys), max(ys)
    pad = 0.06 * (y_hi - y_lo) if y_hi > y_lo else max(abs(y_hi) * 0.1, 1.0)
    y_lo, y_hi = y_lo - pad, y_hi + pad
    gap = LINE_HEIGHT * size / LAYOUT_HEIGHT_PX  # 14 labels at 12 px; the most targets one indicator has is 11
    placed = spread([(ov.value - y_lo) / (y_hi - y_lo) for ov in overlays], gap)
    fig.update_xaxes(range=x_range, autorange=False, dtick=None,
                     tickvals=list(range(math.ceil(x_lo), math.floor(x_hi) + 1)))
    fig.update_yaxes(range=[y_lo, y_hi], autorange=False)
    fig.update_layout(annotations=[
        {"x": x_hi, "y": y_lo + p * (y_hi - y_lo), "xref": "x", "yref": "y", "xanchor": "left", "yanchor": "middle",
         "xshift": LABEL_SHIFT_PX, "text": plotly_text(text), "showarrow": False, "align": "left",
         "font": {"size": size, "color": INK}}
        for text, p in zip(texts, placed, strict=True)])
