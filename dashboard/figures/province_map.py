"""Province choropleth of one indicator-year: a pure ``DataFrame -> go.Figure`` function and its patches.

Trace layout (fixed, so a year change can be a ``dash.Patch`` of data arrays only; see ``map_updates``):

====== ============= ============================================================================
index  subplot       trace
====== ============= ============================================================================
0      geo (main)    no-data layer: grey fill; ``z`` is 0 where the value is missing, None elsewhere
1      geo (main)    values: ``z`` (None = missing) and ``customdata``, coloured via ``layout.coloraxis``
2      geo (main)    highlight outline: ``z`` is 1 for highlighted codes, None elsewhere; transparent fill
3      geo (main)    maritime line (static Scattergeo)
4      geo (main)    legend key for the highlight (an empty line trace: choropleth swatches show no outline)
5      geo (main)    group outline (members of the region group the page picked): like trace 2, darker
6      geo (main)    legend key for the group outline; its ``name`` is the group's
7–11   geo2 (inset)  traces 0, 1, 2, 3 and 5 again for the South China Sea inset (only when ``inset`` is given)
====== ============= ============================================================================

Every choropleth trace has ``locations`` = the geometry's feature ids in file order, so all ``z`` and
``customdata`` arrays are aligned the same way and the inset traces take the very same arrays.
The geometry lives only in each trace's ``geojson``; patches never resend it.

The colour axis (scale, direction, pinned range, diverging midpoint) is :mod:`dashboard.figures.map_colors`'s,
shared with the tile grid (:mod:`dashboard.figures.tile_map`), so a page can draw another quantity — years
ahead of or behind a target path, say — on the same map with ``colorscale`` and ``midpoint``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.escape import plotly_text
from dashboard.figures.map_colors import COLORSCALE, GROUP_COLOR, HIGHLIGHT_COLOR, NO_DATA_COLOR, color_axis
from dashboard.figures.numbers import DEFAULT_PRECISION, d3_format
from dashboard.figures.theme import INK, MUTED, base_layout, unit_suffix

Direction = Literal["higher", "lower"]

NO_DATA_TRACE, VALUE_TRACE, HIGHLIGHT_TRACE, MARITIME_TRACE, HIGHLIGHT_KEY_TRACE = 0, 1, 2, 3, 4
GROUP_TRACE, GROUP_KEY_TRACE = 5, 6
INSET_OFFSET = 7
INSET_TRACES = (NO_DATA_TRACE, VALUE_TRACE, HIGHLIGHT_TRACE, MARITIME_TRACE, GROUP_TRACE)  # in inset order

DEFAULT_LABELS: Mapping[str, str] = {
    "no_data": "No data",
    "rank": "Rank",
    "source": "Source",
    "illustrative": "Illustrative value",
    "highlight": "Target met",
    "group": "Group members",
    "inset": "South China Sea Islands",
}

BORDER_COLOR = "rgb(255,255,255)"
MARITIME_COLOR = "rgb(90,90,90)"
INSET_LINE_COLOR = "rgb(140,140,140)"
_TRANSPARENT = "rgba(0,0,0,0)"
HOVER_WIDTH = 56  # characters per line of a hover label's source
_NAME_LINE = "<b>%{customdata[0]}</b> · %{customdata[1]}"  # name_zh · name_en, first row of every hover

# Main frame: mainland, Hainan Island and Taiwan; the South China Sea islands are in the inset.
MAIN_LON_RANGE = (73.0, 135.5)
MAIN_LAT_RANGE = (17.6, 53.8)
# Albers equal-area conic with China's usual standard parallels: areas compare honestly in a choropleth
# and the outline looks like the one readers know from Chinese published maps.
MAIN_PROJECTION = {"type": "conic equal area", "parallels": [25, 47], "rotation": {"lon": 105}}
INSET_DOMAIN = {"x": (0.82, 0.995), "y": (0.0, 0.34)}


def graph_config(topojson_url: str = "/assets/topojson/") -> dict[str, Any]:
    """plotly config for this figure: the local topology stub keeps plotly.js off its CDN."""
    return {"topojsonURL": topojson_url, "scrollZoom": False, "displaylogo": False, "displayModeBar": False}


def inset_index(main_index: int) -> int:
    """Where the inset's copy of a main-map trace sits (see the module docstring)."""
    return INSET_OFFSET + INSET_TRACES.index(main_index)


def province_map(
    df: pd.DataFrame,
    geometry: Mapping[str, Any],
    *,
    unit: str,
    direction: Direction = "higher",
    labels: Mapping[str, str] | None = None,
    maritime: Mapping[str, Any] | None = None,
    inset: Mapping[str, Any] | None = None,
    highlight: Collection[str] = (),
    group: Collection[str] = (),
    precision: int = DEFAULT_PRECISION,
    value_range: tuple[float, float] | None = None,
    colorscale: Sequence[str] = COLORSCALE,
    midpoint: float | None = None,
    geojson_urls: tuple[str, str] | None = None,
) -> go.Figure:
    """Choropleth of ``df.value`` by ``df.region_code`` over ``geometry`` (a FeatureCollection, id = code).

    ``df`` columns: region_code (str, required), value (float, NaN/NA = no data), name_zh, name_en,
    rank (Int), source (str), illustrative (bool); codes absent from the geometry (e.g. the national
    100000 row) are ignored. Provinces without a value are drawn grey, never as zero. ``maritime`` is the
    line Feature, ``inset`` the South China Sea FeatureCollection (with a ``bbox``); ``highlight`` codes
    get an orange outline (meets the target), ``group`` codes a dark one (the members of a region group).
    Hover values are written with ``precision`` decimals, as every other view writes the indicator. See the
    module docstring for the trace indices that :func:`map_updates` patches.

    ``value_range`` pins the colour scale (pass the indicator's range over all years, so a colour means the
    same value in every year a patch shows). ``colorscale`` replaces the sequential blues; with ``midpoint``
    (diverging data, e.g. :data:`~dashboard.figures.map_colors.DIVERGING_COLORSCALE` around 0) the range is
    made symmetric around it. ``geojson_urls`` (main, inset) puts URLs in the traces instead of the geometry
    itself: plotly.js fetches each file once and caches it, so the figure JSON stays small and no callback ever
    carries coordinates.
    """
    text = {**DEFAULT_LABELS, **(labels or {})}
    axis = color_axis(unit=unit, direction=direction, colorscale=colorscale, value_range=value_range,
                      midpoint=midpoint)
    codes = [str(feature["id"]) for feature in geometry["features"]]
    context = _Context(
        codes=codes,
        names=_feature_names(geometry),
        updates=map_updates(df, codes, labels=text, highlight=highlight, group=group, inset=inset is not None),
        text=text,
        unit=unit,
        value_format=d3_format(precision),
        maritime=_line_lonlat(maritime),
    )
    fig = go.Figure()
    _add_geo_traces(fig, context, geojson_urls[0] if geojson_urls else geometry, main=True)
    if inset is not None:
        if not {str(feature["id"]) for feature in inset["features"]} <= set(codes):
            raise ValueError("inset features must be a subset of the main geometry's features")
        # Same locations (and so the same patch arrays) as the main map; codes the inset lacks are skipped.
        _add_geo_traces(fig, context, geojson_urls[1] if geojson_urls else inset, main=False)
    fig.update_layout(base_layout(coloraxis=axis, **_layout(inset, text)))
    return fig


def map_updates(
    df: pd.DataFrame,
    locations: Sequence[str],
    *,
    labels: Mapping[str, str] | None = None,
    highlight: Collection[str] = (),
    group: Collection[str] = (),
    inset: bool = True,
) -> dict[int, dict[str, Any]]:
    """Per-trace data arrays for ``df``: ``{trace_index: {property: array}}``, for the figure and patches.

    A year change is ``for i, props in map_updates(...).items(): patch["data"][i].update(props)`` with the
    same ``locations`` (the geometry's feature ids) the figure was built with; missing values are None.
    """
    text = {**DEFAULT_LABELS, **(labels or {})}
    frame = aligned(df, locations)
    values = frame["value"].to_numpy(dtype="float64", na_value=np.nan)
    present = ~np.isnan(values)
    z = [float(v) if ok else None for v, ok in zip(values, present, strict=True)]
    customdata = [
        [plotly_text(row.name_zh), plotly_text(row.name_en), rank_text(row.rank, row.rank_of),
         hover_lines(row.source), badge(row.illustrative, text)]
        for row in frame.itertuples(index=False)
    ]
    marked, members = set(highlight), set(group)
    main = {
        NO_DATA_TRACE: {"z": [None if ok else 0 for ok in present], "showlegend": bool((~present).any())},
        VALUE_TRACE: {"z": z, "customdata": customdata},
        HIGHLIGHT_TRACE: {"z": [1 if code in marked else None for code in locations]},
        HIGHLIGHT_KEY_TRACE: {"showlegend": bool(marked & set(locations))},
        GROUP_TRACE: {"z": [1 if code in members else None for code in locations]},
        GROUP_KEY_TRACE: {"showlegend": bool(members & set(locations)), "name": text["group"]},
    }
    updates = dict(main)
    if inset:
        for index in (NO_DATA_TRACE, VALUE_TRACE, HIGHLIGHT_TRACE, GROUP_TRACE):
            updates[inset_index(index)] = {k: v for k, v in main[index].items() if k != "showlegend"}
    return updates


def aligned(df: pd.DataFrame, locations: Sequence[str]) -> pd.DataFrame:
    """One row per location in ``locations`` order; optional columns filled with neutral defaults.

    Shared with the tile grid, which reads the same frame (``views.map_frame``) the same way.
    """
    if "region_code" not in df.columns or "value" not in df.columns:
        raise ValueError(f"province_map needs columns region_code and value, got {list(df.columns)}")
    codes = df["region_code"].astype(str)
    if codes.duplicated().any():
        raise ValueError(f"duplicate region_code rows: {sorted(set(codes[codes.duplicated()]))}")
    frame = df.assign(region_code=codes).set_index("region_code").reindex(list(locations))
    defaults: dict[str, Any] = {
        "name_zh": "",
        "name_en": "",
        "rank": pd.NA,
        "rank_of": pd.NA,  # how many values the rank is among (views.map_frame: real ones, one scope)
        "source": "",
        "illustrative": False,
    }
    columns = {}
    for column, default in defaults.items():
        series = frame[column] if column in frame.columns else pd.Series(default, index=frame.index)
        columns[column] = series.astype(object).where(series.notna(), default)
    return pd.DataFrame({"value": frame["value"].astype("Float64"), **columns}, index=frame.index)


def hover_lines(text: object, width: int = HOVER_WIDTH) -> str:
    """``text`` escaped for plotly and broken into lines of about ``width`` Latin characters (a CJK character
    counts twice), after punctuation where it can: a long source title would otherwise stretch the hover
    label across the whole map."""
    if not isinstance(text, str):
        return ""
    lines, line, used = [], "", 0
    for char in text:
        line += char
        used += 2 if "\u3000" <= char <= "\u9fff" or "\uff00" <= char <= "\uffef" else 1
        if (used >= width and char in " ；;，,·、）)") or used >= width * 1.25:
            lines.append(line.strip())
            line, used = "", 0
    if line.strip():
        lines.append(line.strip())
    return "<br>".join(plotly_text(part) for part in lines)


def rank_text(rank: Any, n_ranked: Any) -> str:
    return "–" if pd.isna(rank) or pd.isna(n_ranked) else f"{int(rank)} / {int(n_ranked)}"


def badge(illustrative: object, text: Mapping[str, str]) -> str:
    return f"<br><i>{text['illustrative']}</i>" if bool(illustrative) else ""


def _feature_names(geometry: Mapping[str, Any]) -> list[list[str]]:
    return [
        [plotly_text(str(f["properties"].get("name_zh", f["id"]))),
         plotly_text(str(f["properties"].get("name_en", "")))]
        for f in geometry["features"]
    ]


@dataclass(frozen=True)
class _Context:
    """What the main map and the inset share: locations, hover text and the per-trace arrays."""

    codes: Sequence[str]
    names: Sequence[Sequence[str]]
    updates: Mapping[int, Mapping[str, Any]]
    text: Mapping[str, str]
    unit: str
    value_format: str
    maritime: tuple[list[float | None], list[float | None]]


def _add_geo_traces(fig: go.Figure, context: _Context, geometry: Mapping[str, Any] | str, *, main: bool) -> None:
    """Append traces 0–6 (main) or 7–11 (inset) in the order the module docstring documents."""
    geo, text = ("geo", context.text) if main else ("geo2", context.text)
    index = (lambda i: i) if main else inset_index
    updates = context.updates
    common: dict[str, Any] = {
        "geojson": geometry,
        "featureidkey": "properties.region_code",
        "locations": list(context.codes),
        "geo": geo,
        # The inset's outline is grey, not white: its islands are smaller than a pixel and a white
        # outline would erase them.
        "marker": {
            "line": {"color": BORDER_COLOR, "width": 0.6}
            if main
            else {"color": INSET_LINE_COLOR, "width": 0.5}
        },
    }
    no_data, values, marked, members = (updates[index(i)]
                                        for i in (NO_DATA_TRACE, VALUE_TRACE, HIGHLIGHT_TRACE, GROUP_TRACE))
    fig.add_trace(
        go.Choropleth(
            **common,
            z=no_data["z"],
            name=text["no_data"],
            colorscale=[[0, NO_DATA_COLOR], [1, NO_DATA_COLOR]],
            showscale=False,
            showlegend=no_data.get("showlegend", False),
            legendrank=2,
            customdata=context.names,
            hovertemplate=f"{_NAME_LINE}<br>{text['no_data']}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Choropleth(
            **common,
            z=values["z"],
            customdata=values["customdata"],
            coloraxis="coloraxis",
            showlegend=False,
            hovertemplate=(
                f"{_NAME_LINE}<br>%{{z:{context.value_format}}}{unit_suffix(context.unit)}"
                f"<br>{text['rank']}: %{{customdata[2]}}<br>{text['source']}: %{{customdata[3]}}"
                "%{customdata[4]}<extra></extra>"
            ),
        )
    )
    fig.add_trace(_outline(common, marked["z"], text["highlight"], HIGHLIGHT_COLOR, 2.6 if main else 1.4))
    lon, lat = context.maritime
    fig.add_trace(
        go.Scattergeo(
            lon=lon,
            lat=lat,
            geo=geo,
            mode="lines",
            line={"color": MARITIME_COLOR, "width": 1.4 if main else 1.1},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    if main:
        fig.add_trace(_legend_key(HIGHLIGHT_COLOR, text["highlight"], updates[HIGHLIGHT_KEY_TRACE]["showlegend"], 3))
    # drawn over the target outline and thinner, so a member meeting the target shows orange around dark
    fig.add_trace(_outline(common, members["z"], updates[GROUP_KEY_TRACE]["name"], GROUP_COLOR, 1.4 if main else 0.9))
    if main:
        key = updates[GROUP_KEY_TRACE]
        fig.add_trace(_legend_key(GROUP_COLOR, key["name"], key["showlegend"], 4))


def _outline(common: Mapping[str, Any], z: Sequence[int | None], name: str, color: str,
             width: float) -> go.Choropleth:
    """A transparent layer whose borders outline the provinces where ``z`` is 1."""
    return go.Choropleth(
        **{**common, "marker": {"line": {"color": color, "width": width}}},
        z=z,
        name=name,
        colorscale=[[0, _TRANSPARENT], [1, _TRANSPARENT]],
        showscale=False,
        showlegend=False,
        hoverinfo="skip",
    )


def _legend_key(color: str, name: str, show: bool, rank: int) -> go.Scattergeo:
    """An empty line trace: choropleth legend swatches show no outline, so outlines get keys of their own."""
    return go.Scattergeo(lon=[None], lat=[None], geo="geo", mode="lines", line={"color": color, "width": 3},
                         name=name, showlegend=show, legendrank=rank, hoverinfo="skip")


def _line_lonlat(feature: Mapping[str, Any] | None) -> tuple[list[float | None], list[float | None]]:
    """MultiLineString coordinates as lon/lat lists with None between dashes (plotly's line breaks)."""
    if feature is None:
        return [], []
    geometry = feature.get("geometry", feature)
    lines = geometry["coordinates"] if geometry["type"] == "MultiLineString" else [geometry["coordinates"]]
    lon: list[float | None] = []
    lat: list[float | None] = []
    for line in lines:
        if lon:
            lon.append(None)
            lat.append(None)
        lon.extend(point[0] for point in line)
        lat.extend(point[1] for point in line)
    return lon, lat


def _geo_layout(
    lon_range: Sequence[float], lat_range: Sequence[float], projection: Mapping[str, Any], **extra: Any
) -> dict[str, Any]:
    # visible=False switches off every plotly base layer: all ink comes from our own geometry.
    return {
        "visible": False,
        "resolution": 110,
        "projection": dict(projection),
        "lonaxis": {"range": list(lon_range)},
        "lataxis": {"range": list(lat_range)},
        "bgcolor": _TRANSPARENT,
        **extra,
    }


def _layout(inset: Mapping[str, Any] | None, text: Mapping[str, str]) -> dict:
    layout: dict[str, Any] = {
        "geo": _geo_layout(
            MAIN_LON_RANGE, MAIN_LAT_RANGE, MAIN_PROJECTION, domain={"x": (0, 1), "y": (0, 1)}
        ),
        "legend": {"x": 0.01, "xanchor": "left", "y": 0.2, "yanchor": "bottom", "bgcolor": _TRANSPARENT},
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "hoverlabel": {"bgcolor": "white", "bordercolor": MUTED, "font": {"size": 12, "color": INK}},
        "uirevision": "province-map",
        "dragmode": False,
    }
    if inset is not None:
        lon_min, lat_min, lon_max, lat_max = inset["bbox"]
        layout["geo2"] = _geo_layout(
            (lon_min, lon_max),
            (lat_min, lat_max),
            {"type": "mercator"},
            domain=INSET_DOMAIN,
            showframe=True,
            framecolor="rgb(150,150,150)",
            framewidth=0.8,
            bgcolor="rgba(255,255,255,0.85)",
        )
        layout["annotations"] = [
            {
                "text": text["inset"],
                "xref": "paper",
                "yref": "paper",
                # plotly centres the inset's frame in its domain, so a centred caption sits on it.
                "x": sum(INSET_DOMAIN["x"]) / 2,
                "y": INSET_DOMAIN["y"][1],
                "xanchor": "center",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 11, "color": MUTED},
            }
        ]
    return layout
