"""province_map: a pure DataFrame -> Figure function with a fixed trace layout that patches can rely on."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import plotly.io as pio
import pytest

from dashboard.figures import province_map as pm
from dashboard.figures.map_colors import DIVERGING_COLORSCALE
from geo import shapes

CODES = shapes.province_codes()
THREE = pd.DataFrame(
    {
        "region_code": ["440000", "320000", "100000"],
        "value": [78.5, np.nan, 61.0],
        "name_zh": ["广东省", "江苏省", "全国"],
        "name_en": ["Guangdong", "Jiangsu", "China"],
        "rank": pd.array([1, None, None], dtype="Int64"),
        "rank_of": pd.array([1, None, None], dtype="Int64"),
        "source": ["A", "A", "A"],
        "illustrative": [True, False, False],
    }
)


def test_geometry_urls_and_a_pinned_colour_range_replace_inline_geometry() -> None:
    fig = pm.province_map(THREE, shapes.provinces(), unit="%", inset=shapes.south_china_sea(),
                          value_range=(20.0, 90.0), geojson_urls=("/geo/a.geojson", "/geo/b.geojson"))
    assert {t.geojson for t in fig.data if t.type == "choropleth"} == {"/geo/a.geojson", "/geo/b.geojson"}
    assert (fig.layout.coloraxis.cmin, fig.layout.coloraxis.cmax) == (20.0, 90.0)
    assert len(pio.to_json(fig)) < 60_000  # no coordinates inside


def _figure(**kwargs):
    return pm.province_map(
        THREE,
        shapes.provinces(),
        unit="%",
        maritime=shapes.maritime_line(),
        inset=shapes.south_china_sea(),
        **kwargs,
    )


def test_trace_layout_is_the_documented_one() -> None:
    fig = _figure()
    assert [(t.type, t.geo) for t in fig.data] == [
        ("choropleth", "geo"),
        ("choropleth", "geo"),
        ("choropleth", "geo"),
        ("scattergeo", "geo"),
        ("scattergeo", "geo"),
        ("choropleth", "geo"),
        ("scattergeo", "geo"),
        ("choropleth", "geo2"),
        ("choropleth", "geo2"),
        ("choropleth", "geo2"),
        ("scattergeo", "geo2"),
        ("choropleth", "geo2"),
    ]
    assert [pm.inset_index(i) for i in pm.INSET_TRACES] == list(range(pm.INSET_OFFSET, len(fig.data)))
    assert len(pm.province_map(THREE, shapes.provinces(), unit="%").data) == pm.INSET_OFFSET


def test_missing_values_are_grey_not_zero() -> None:
    fig = _figure()
    guangdong, jiangsu = CODES.index("440000"), CODES.index("320000")
    values, no_data = fig.data[pm.VALUE_TRACE].z, fig.data[pm.NO_DATA_TRACE].z
    assert values[guangdong] == 78.5
    assert values[jiangsu] is None
    assert sum(v is not None for v in values) == 1  # the national row is ignored
    assert no_data[jiangsu] == 0
    assert no_data[guangdong] is None
    assert fig.data[pm.NO_DATA_TRACE].colorscale[0][1] == pm.NO_DATA_COLOR


@pytest.mark.parametrize(("direction", "reversed_"), [("higher", False), ("lower", True)])
def test_scale_reverses_when_lower_is_better(direction: str, reversed_: bool) -> None:
    assert _figure(direction=direction).layout.coloraxis.reversescale is reversed_


def test_colourbar_title_and_hover_carry_the_unit() -> None:
    fig = _figure()
    assert fig.layout.coloraxis.colorbar.title.text == "%"
    assert "%{z:,.1f}%" in fig.data[pm.VALUE_TRACE].hovertemplate


@pytest.mark.parametrize(("precision", "written"), [(0, "%{z:,.0f} 家"), (2, "%{z:,.2f} 家")])
def test_the_hover_writes_values_with_the_indicators_precision(precision: int, written: str) -> None:
    fig = pm.province_map(THREE, shapes.provinces(), unit="家", precision=precision)
    assert written in fig.data[pm.VALUE_TRACE].hovertemplate


def test_group_members_get_a_dark_outline_and_a_legend_key_named_for_the_group() -> None:
    fig = _figure(group=["310000", "320000"], labels={"group": "长三角 集群"})
    outline = fig.data[pm.GROUP_TRACE].z
    assert [CODES[i] for i, z in enumerate(outline) if z == 1] == ["310000", "320000"]
    assert fig.data[pm.GROUP_TRACE].marker.line.color != fig.data[pm.HIGHLIGHT_TRACE].marker.line.color
    key = fig.data[pm.GROUP_KEY_TRACE]
    assert (key.name, key.showlegend) == ("长三角 集群", True)
    assert fig.data[pm.inset_index(pm.GROUP_TRACE)].z == outline  # the inset outlines them too
    assert _figure().data[pm.GROUP_KEY_TRACE].showlegend is False


def test_another_quantity_can_be_drawn_on_a_diverging_scale_centred_on_its_midpoint() -> None:
    fig = _figure(colorscale=DIVERGING_COLORSCALE, value_range=(-3.0, 1.5), midpoint=0.0)
    axis = fig.layout.coloraxis
    assert (axis.cmin, axis.cmax) == (-3.0, 3.0)  # one year behind is as strong as one year ahead
    assert [stop[1] for stop in axis.colorscale] == list(DIVERGING_COLORSCALE)
    assert axis.colorscale[len(DIVERGING_COLORSCALE) // 2][0] == 0.5  # the centre colour sits at the midpoint
    assert _figure(midpoint=0.0).layout.coloraxis.cmid == 0.0  # no pinned range: plotly's own, centred


def test_hover_data_has_names_rank_source_and_badge() -> None:
    customdata = _figure().data[pm.VALUE_TRACE].customdata
    assert list(customdata[CODES.index("440000")]) == [
        "广东省",
        "Guangdong",
        "1 / 1",
        "A",
        "<br><i>Illustrative value</i>",
    ]


def test_labels_replace_the_english_defaults() -> None:
    fig = _figure(labels={"no_data": "无数据", "highlight": "达标"}, highlight=["440000"])
    assert fig.data[pm.NO_DATA_TRACE].name == "无数据"
    assert fig.data[pm.HIGHLIGHT_KEY_TRACE].name == "达标"
    assert fig.data[pm.HIGHLIGHT_KEY_TRACE].showlegend is True


def test_map_updates_reproduce_the_figure_arrays() -> None:
    data = json.loads(pio.to_json(_figure(highlight=["440000"])))["data"]
    updates = pm.map_updates(THREE, CODES, highlight=["440000"])
    for index, props in updates.items():
        for key, value in props.items():
            assert data[index][key] == json.loads(json.dumps(value)), (index, key)


def test_year_patch_is_small_because_geometry_is_not_resent() -> None:
    updates = pm.map_updates(THREE, CODES)
    assert len(json.dumps(updates)) < 10_000
    assert len(pio.to_json(_figure())) > 150_000


def test_bad_frames_are_rejected() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        pm.province_map(pd.concat([THREE, THREE]), shapes.provinces(), unit="%")
    with pytest.raises(ValueError, match="region_code and value"):
        pm.province_map(THREE.drop(columns="value"), shapes.provinces(), unit="%")
    with pytest.raises(ValueError, match="direction"):
        pm.province_map(THREE, shapes.provinces(), unit="%", direction="up")  # type: ignore[arg-type]


def test_a_long_source_is_broken_into_lines_of_escaped_text_for_the_hover() -> None:
    source = "示意数据：各地区关键工序数控化率与数字化研发设计工具普及率（2015—2024年中有全国数值的年份，生成值）<b>"
    lines = pm.hover_lines(source).split("<br>")
    assert len(lines) == 2 and "".join(lines) == source.replace("<b>", "&lt;b&gt;")
    assert pm.hover_lines("Test source A") == "Test source A" and pm.hover_lines(None) == ""
    frame = THREE.assign(source=source)
    assert pm.map_updates(frame, CODES)[pm.VALUE_TRACE]["customdata"][CODES.index("440000")][3].count("<br>") == 1
