"""Province tile grid: one equal square per provincial-level unit, so Shanghai weighs as much as Xinjiang.

The choropleth gives each province its land area; a value for Shanghai, Tianjin or Beijing is a few pixels
there. Here every unit is one square in roughly its geographic place, coloured on the map's own scale
(:mod:`dashboard.figures.map_colors`), labelled with its short name and, where it fits, its value.

Layout (``geo/tile_grid.csv``): geofacet's ``china_prov_grid2`` — the China province grid in Ryan Hafen's
geofacet R package (MIT licence), file ``grids/china_prov_grid2.csv`` of github.com/hafen/grid-designer —
followed unchanged, 9 rows × 7 columns, all 34 provincial-level units. Only its keys were replaced: the
source's letter codes (some repeat: ``HN`` is Henan, Hunan and Hainan) became the GB/T 2260 region codes
the warehouse and ``provinces.geojson`` use, and an ``iso`` column (ISO 3166-2:CN) was added: English
squares are labelled JS, HL…, as "Heilongjiang" does not fit a square at 1280×720. Hainan's square stands for
the whole province, the South China Sea islands included, so the grid needs no inset.

Trace layout (fixed, so a year step is a ``dash.Patch`` of data arrays only; see :func:`tile_updates`):

====== ====================================================================================================
index  trace
====== ====================================================================================================
0      no-data squares: Heatmap, ``z`` 0 where the value is missing, None elsewhere (grey)
1      value squares: Heatmap, ``z`` (None = missing) and ``customdata``, coloured via ``layout.coloraxis``
2      target outline: Scatter lines around the squares meeting the target (``x``/``y``, None-separated)
3      group outline: the same around the members of the region group the page picked; ``name`` is the group's
4      labels in ink: Scatter text, short name and value, "" on squares dark enough to need white
5      labels in white: the same for the dark squares ("" elsewhere)
6      legend key for the grey no-data squares
====== ====================================================================================================

Heatmaps take 1-D ``x``/``y``/``z`` (one entry per unit, in region-code order — the map's order too, so a
patch meant for one view lands on the right unit in the other), so every per-unit array of every trace is
aligned the same way and ``customdata[i][0]`` is the unit's code, as clicks need.
"""

from __future__ import annotations

import csv
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

import geo
from dashboard.figures.escape import plotly_text
from dashboard.figures.map_colors import (
    COLORSCALE,
    GROUP_COLOR,
    HIGHLIGHT_COLOR,
    NO_DATA_COLOR,
    color_axis,
    ink_on,
)
from dashboard.figures.numbers import DEFAULT_PRECISION, d3_format, number_text
from dashboard.figures.province_map import DEFAULT_LABELS, aligned, badge, hover_lines, rank_text
from dashboard.figures.theme import INK, MUTED, base_layout, unit_suffix

GRID_FILE = Path(geo.__file__).resolve().parent / "tile_grid.csv"
NO_DATA_TRACE, VALUE_TRACE, HIGHLIGHT_TRACE, GROUP_TRACE, LABEL_TRACE, LIGHT_LABEL_TRACE, NO_DATA_KEY_TRACE = range(7)
MAX_VALUE_CHARS = 6  # a longer number (7,500,000) does not fit a square beside the name: the hover has it
_NAME_LINE = "<b>%{customdata[1]}</b> · %{customdata[2]}"
_TRANSPARENT = "rgba(0,0,0,0)"
# Outlines sit inside the square's edge: the group's near it, the target's further in, so both can show.
GROUP_INSET, HIGHLIGHT_INSET = 0.46, 0.38


@dataclass(frozen=True)
class Tile:
    region_code: str
    row: int  # 1 = the top row
    col: int  # 1 = the leftmost column
    iso: str  # ISO 3166-2:CN code without "CN-" (JS, HL): the English label, as full names do not fit a square


@cache
def tile_grid(path: Path = GRID_FILE) -> tuple[Tile, ...]:
    """The grid file's squares, read once per process; ``#`` lines are its provenance note."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(line for line in f if not line.startswith("#")))
    tiles = tuple(Tile(r["region_code"], int(r["row"]), int(r["col"]), r["iso"]) for r in rows)
    places = [(t.row, t.col) for t in tiles]
    if len(set(places)) != len(places) or len({t.region_code for t in tiles}) != len(tiles):
        raise ValueError(f"{path}: every unit needs one square of its own")
    return tiles


def tile_map(
    df: pd.DataFrame,
    grid: Sequence[Tile] | None = None,
    *,
    unit: str,
    direction: str = "higher",
    labels: Mapping[str, str] | None = None,
    highlight: Collection[str] = (),
    group: Collection[str] = (),
    precision: int = DEFAULT_PRECISION,
    value_range: tuple[float, float] | None = None,
    colorscale: Sequence[str] = COLORSCALE,
    midpoint: float | None = None,
    names: pd.DataFrame | None = None,
    label_size: int = 12,
) -> go.Figure:
    """The frame ``province_map`` takes (region_code, value, name_zh, name_en, rank, rank_of, source,
    illustrative) as one square per unit of ``grid``.

    ``names`` (region_code, name_zh, name_en, ``label`` — the square's short name, 江苏 / Jiangsu) names every
    unit, those without a value too, as the map's geometry does. Missing values are grey squares, never zero;
    ``highlight`` and ``group`` outline squares as the map outlines provinces; the colour axis is the map's
    (``colorscale``, ``value_range``, ``midpoint``).
    """
    tiles = _in_code_order(grid)
    text = {**DEFAULT_LABELS, **(labels or {})}
    axis = _axis(df, unit, direction, value_range, colorscale, midpoint)
    updates = tile_updates(df, tiles, labels=text, highlight=highlight, group=group, precision=precision,
                           direction=direction, value_range=value_range, colorscale=colorscale, midpoint=midpoint,
                           names=names)
    x, y = [t.col for t in tiles], [t.row for t in tiles]
    unit_names = _unit_names(df, [t.region_code for t in tiles], names)
    hover_names = [[code, zh, en] for code, (zh, en, _) in unit_names.items()]
    squares: dict[str, Any] = {"x": x, "y": y, "xgap": 3, "ygap": 3, "hoverongaps": False}
    value_hover = (f"{_NAME_LINE}<br>%{{z:{d3_format(precision)}}}{unit_suffix(unit)}"
                   f"<br>{text['rank']}: %{{customdata[3]}}<br>{text['source']}: %{{customdata[4]}}"
                   "%{customdata[5]}<extra></extra>")
    fig = go.Figure([
        go.Heatmap(**squares, **updates[NO_DATA_TRACE], customdata=hover_names, colorscale=[[0, NO_DATA_COLOR],
                   [1, NO_DATA_COLOR]], showscale=False, hovertemplate=f"{_NAME_LINE}<br>{text['no_data']}"
                   "<extra></extra>", name=text["no_data"]),
        go.Heatmap(**squares, **updates[VALUE_TRACE], coloraxis="coloraxis", hovertemplate=value_hover),
        go.Scatter(**updates[HIGHLIGHT_TRACE], mode="lines", line={"color": HIGHLIGHT_COLOR, "width": 2.5},
                   name=text["highlight"], hoverinfo="skip", legendrank=3),
        go.Scatter(**updates[GROUP_TRACE], mode="lines", line={"color": GROUP_COLOR, "width": 2},
                   hoverinfo="skip", legendrank=4),
        *(go.Scatter(x=x, y=y, **updates[index], mode="text", hoverinfo="skip", showlegend=False,
                     textfont={"size": label_size, "color": color})
          for index, color in ((LABEL_TRACE, INK), (LIGHT_LABEL_TRACE, "#ffffff"))),
        go.Scatter(x=[None], y=[None], mode="markers", name=text["no_data"], hoverinfo="skip", legendrank=2,
                   marker={"symbol": "square", "size": 12, "color": NO_DATA_COLOR},
                   **updates[NO_DATA_KEY_TRACE]),
    ])
    rows, cols = max(y), max(x)
    hidden = {"visible": False, "fixedrange": True, "showgrid": False, "zeroline": False}
    fig.update_layout(base_layout(
        coloraxis=axis,
        xaxis={**hidden, "range": [0.5, cols + 0.5], "constrain": "domain"},
        # squares stay squares: one row is as tall as one column is wide, whatever the container
        yaxis={**hidden, "range": [rows + 0.5, 0.5], "scaleanchor": "x", "scaleratio": 1, "constrain": "domain"},
        legend={"x": 0.01, "xanchor": "left", "y": 0.2, "yanchor": "bottom", "bgcolor": _TRANSPARENT},
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        hoverlabel={"bgcolor": "white", "bordercolor": MUTED, "font": {"size": 12, "color": INK}},
        hovermode="closest",
        uirevision="tile-map",
        dragmode=False,
    ))
    return fig


def tile_updates(
    df: pd.DataFrame,
    grid: Sequence[Tile] | None = None,
    *,
    labels: Mapping[str, str] | None = None,
    highlight: Collection[str] = (),
    group: Collection[str] = (),
    precision: int = DEFAULT_PRECISION,
    direction: str = "higher",
    value_range: tuple[float, float] | None = None,
    colorscale: Sequence[str] = COLORSCALE,
    midpoint: float | None = None,
    names: pd.DataFrame | None = None,
) -> dict[int, dict[str, Any]]:
    """Per-trace data arrays for ``df`` — ``{trace_index: {property: array}}`` — for the figure and for a year
    step's patch. Pass the colour arguments the figure was built with: label inks follow the scale."""
    tiles = _in_code_order(grid)
    text = {**DEFAULT_LABELS, **(labels or {})}
    codes = [t.region_code for t in tiles]
    frame = aligned(df, codes)
    values = frame["value"].to_numpy(dtype="float64", na_value=np.nan)
    present = ~np.isnan(values)
    axis = _axis(df, "", direction, value_range, colorscale, midpoint)
    customdata = [
        [code, plotly_text(row.name_zh), plotly_text(row.name_en), rank_text(row.rank, row.rank_of),
         hover_lines(row.source), badge(row.illustrative, text)]
        for code, row in zip(codes, frame.itertuples(index=False), strict=True)
    ]
    short = [label for _, _, label in _unit_names(df, codes, names).values()]
    label_text = [f"{name}<br>{_fitting(v, precision)}" if ok and _fitting(v, precision) else name
                  for name, v, ok in zip(short, values, present, strict=True)]
    light = [bool(ok) and ink_on(float(v), axis) != INK for v, ok in zip(values, present, strict=True)]
    marked, members = set(highlight), set(group)
    return {
        NO_DATA_TRACE: {"z": [None if ok else 0 for ok in present]},
        VALUE_TRACE: {"z": [float(v) if ok else None for v, ok in zip(values, present, strict=True)],
                      "customdata": customdata},
        HIGHLIGHT_TRACE: {**_outlines(tiles, marked, HIGHLIGHT_INSET), "showlegend": bool(marked & set(codes))},
        GROUP_TRACE: {**_outlines(tiles, members, GROUP_INSET), "showlegend": bool(members & set(codes)),
                      "name": text["group"]},
        LABEL_TRACE: {"text": ["" if w else label for label, w in zip(label_text, light, strict=True)]},
        LIGHT_LABEL_TRACE: {"text": [label if w else "" for label, w in zip(label_text, light, strict=True)]},
        NO_DATA_KEY_TRACE: {"showlegend": bool((~present).any())},
    }


def _in_code_order(grid: Sequence[Tile] | None) -> tuple[Tile, ...]:
    return tuple(sorted(grid or tile_grid(), key=lambda tile: tile.region_code))


def _axis(df: pd.DataFrame, unit: str, direction: str, value_range: tuple[float, float] | None,
          colorscale: Sequence[str], midpoint: float | None) -> dict[str, Any]:
    """The map's colour axis, always with a range: label inks are picked against the colour plotly will paint,
    so without a pinned range the frame's own (what plotly would choose) is pinned instead."""
    if value_range is None:
        values = pd.to_numeric(df["value"], errors="coerce").dropna() if "value" in df else pd.Series([])
        value_range = (float(values.min()), float(values.max())) if not values.empty else (0.0, 1.0)
    return color_axis(unit=unit, direction=direction, colorscale=colorscale, value_range=value_range,
                      midpoint=midpoint)


def _fitting(value: float, precision: int) -> str:
    written = number_text(float(value), precision)
    return written if len(written) <= MAX_VALUE_CHARS else ""


def _unit_names(df: pd.DataFrame, codes: Sequence[str], names: pd.DataFrame | None) -> dict[str, tuple[str, ...]]:
    """code → (name_zh, name_en, square label), escaped for plotly: from ``names``, else the frame, else the
    code, so no square is ever blank."""
    sources = [frame.assign(region_code=frame["region_code"].astype(str)).drop_duplicates("region_code")
               .set_index("region_code") for frame in (names, df) if frame is not None and "region_code" in frame]

    def first(code: str, columns: Sequence[str]) -> str:
        for source in sources:
            if code in source.index:
                for column in columns:
                    value = source.loc[code, column] if column in source.columns else None
                    if isinstance(value, str) and value:
                        return value
        return code

    return {code: tuple(plotly_text(first(code, columns)) for columns in
                        (("name_zh",), ("name_en",), ("label", "short_zh", "name_zh"))) for code in codes}


def _outlines(tiles: Sequence[Tile], codes: Collection[str], inset: float) -> dict[str, list[float | None]]:
    """One closed square per outlined unit, None between squares (plotly's line breaks)."""
    x: list[float | None] = []
    y: list[float | None] = []
    for t in tiles:
        if t.region_code in codes:
            x += [t.col - inset, t.col + inset, t.col + inset, t.col - inset, t.col - inset, None]
            y += [t.row - inset, t.row - inset, t.row + inset, t.row + inset, t.row - inset, None]
    return {"x": x or [None], "y": y or [None]}
