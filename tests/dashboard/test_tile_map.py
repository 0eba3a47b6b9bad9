"""tile_map: 34 equal squares in rough geographic places, on the map's colour scale, patched by data arrays alone."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import plotly.io as pio
import pytest

from dashboard.figures import province_map as pm
from dashboard.figures import tile_map as tm
from dashboard.figures.map_colors import DIVERGING_COLORSCALE, GROUP_COLOR, HIGHLIGHT_COLOR
from geo import shapes

GRID = sorted(tm.tile_grid(), key=lambda t: t.region_code)  # the figure's order: the map's
PLACE = {t.region_code: (t.row, t.col) for t in GRID}
FRAME = pd.DataFrame({
    "region_code": ["310000", "320000", "650000", "460000", "100000"],
    "value": [75.0, 40.0, 57.24, np.nan, 61.0],
    "name_zh": ["上海市", "江苏省", "新疆维吾尔自治区", "海南省", "全国"],
    "name_en": ["Shanghai", "Jiangsu", "Xinjiang", "Hainan", "China"],
    "rank": pd.array([1, 2, None, None, None], dtype="Int64"),
    "rank_of": pd.array([2, 2, None, None, None], dtype="Int64"),
    "source": ["A", "A", "B", "", "A"],
    "illustrative": [False, False, True, False, False],
})
NAMES = pd.DataFrame({"region_code": ["310000", "320000", "650000", "460000", "110000"],
                      "name_zh": ["上海市", "江苏省", "新疆维吾尔自治区", "海南省", "北京市"],
                      "name_en": ["Shanghai", "Jiangsu", "Xinjiang", "Hainan", "Beijing"],
                      "label": ["上海", "江苏", "新疆", "海南", "北京"]})


def _figure(**kwargs):
    return tm.tile_map(FRAME, unit="%", names=NAMES, value_range=(40.0, 75.0), **kwargs)


def _at(code: str) -> int:
    return [t.region_code for t in GRID].index(code)


def test_the_grid_has_one_square_for_each_of_the_34_units_of_the_map() -> None:
    assert sorted(PLACE) == sorted(shapes.province_codes())
    assert len(set(PLACE.values())) == 34
    assert len({t.iso for t in GRID}) == 34 and all(len(t.iso) == 2 for t in GRID)
    assert {t.region_code: t.iso for t in GRID}["320000"] == "JS"
    assert {row for row, _ in PLACE.values()} == set(range(1, 10))
    assert {col for _, col in PLACE.values()} == set(range(1, 8))


@pytest.mark.parametrize(("west", "east"), [("650000", "310000"), ("540000", "510000"), ("440000", "350000"),
                                            ("820000", "810000")], ids=["xinjiang-shanghai", "tibet-sichuan",
                                                                         "guangdong-fujian", "macao-hong-kong"])
def test_squares_keep_their_provinces_rough_east_west_order(west: str, east: str) -> None:
    assert PLACE[west][1] < PLACE[east][1]


@pytest.mark.parametrize(("north", "south"), [("230000", "210000"), ("110000", "120000"), ("320000", "330000"),
                                              ("440000", "460000")], ids=["heilongjiang-liaoning", "beijing-tianjin",
                                                                           "jiangsu-zhejiang", "guangdong-hainan"])
def test_squares_keep_their_provinces_rough_north_south_order(north: str, south: str) -> None:
    assert PLACE[north][0] < PLACE[south][0]


def test_the_layout_names_its_published_source_in_the_file_and_the_module() -> None:
    note = "".join(line for line in tm.GRID_FILE.read_text(encoding="utf-8").splitlines(True) if line.startswith("#"))
    for mention in ("china_prov_grid2", "geofacet", "hafen/grid-designer"):
        assert mention in note and mention in (tm.__doc__ or "")


def test_a_grid_file_putting_two_units_on_one_square_is_rejected(tmp_path) -> None:
    bad = tmp_path / "grid.csv"
    bad.write_text("# note\nregion_code,row,col,iso\n110000,1,1,BJ\n120000,1,1,TJ\n", encoding="utf-8")
    with pytest.raises(ValueError, match="one square"):
        tm.tile_grid(bad)


def test_every_unit_is_drawn_once_grey_when_it_has_no_value_never_as_zero() -> None:
    fig = _figure()
    values, no_data = fig.data[tm.VALUE_TRACE].z, fig.data[tm.NO_DATA_TRACE].z
    assert sum(v is not None for v in values) == 3  # the national row has no square
    assert all((v is None) != (n is None) for v, n in zip(values, no_data, strict=True))
    assert values[_at("460000")] is None and no_data[_at("460000")] == 0
    assert list(fig.data[tm.VALUE_TRACE].x) == [t.col for t in GRID]
    assert list(fig.data[tm.VALUE_TRACE].y) == [t.row for t in GRID]
    assert [row[0] for row in fig.data[tm.VALUE_TRACE].customdata] == list(shapes.province_codes())
    assert fig.data[tm.NO_DATA_KEY_TRACE].showlegend is True


def test_squares_stay_square_and_row_one_is_on_top() -> None:
    layout = _figure().layout
    assert (layout.yaxis.scaleanchor, layout.yaxis.scaleratio) == ("x", 1)
    assert layout.yaxis.range[0] > layout.yaxis.range[1]


@pytest.mark.parametrize("kwargs", [{}, {"direction": "lower"},
                                    {"colorscale": DIVERGING_COLORSCALE, "midpoint": 50.0}],
                         ids=["sequential", "lower-is-better", "diverging"])
def test_the_colour_axis_is_the_maps(kwargs: dict) -> None:
    tiles = _figure(**kwargs).layout.coloraxis
    choropleth = pm.province_map(FRAME, shapes.provinces(), unit="%", value_range=(40.0, 75.0), **kwargs).layout
    for prop in ("cmin", "cmax", "colorscale", "reversescale"):
        assert tiles[prop] == choropleth.coloraxis[prop], prop


def test_squares_are_labelled_with_short_name_and_value_in_a_readable_ink() -> None:
    fig = _figure(precision=1)
    dark, light = fig.data[tm.LABEL_TRACE].text, fig.data[tm.LIGHT_LABEL_TRACE].text
    assert light[_at("310000")] == "上海<br>75.0" and dark[_at("310000")] == ""  # the darkest blue: white type
    assert dark[_at("320000")] == "江苏<br>40.0" and light[_at("320000")] == ""
    assert dark[_at("650000")] == "新疆<br>57.2"  # the indicator's one decimal, as every view writes it
    assert dark[_at("460000")] == "海南"  # no value: the name alone
    assert dark[_at("110000")] == "北京"  # named from ``names`` though the year has no row for it
    assert dark[_at("710000")] == "710000"  # never blank, even unnamed
    assert fig.data[tm.LIGHT_LABEL_TRACE].textfont.color == "#ffffff"


def test_a_number_too_long_for_a_square_is_left_to_the_hover() -> None:
    big = FRAME.assign(value=[7_500_000.0, 12.0, np.nan, np.nan, np.nan])
    labels = tm.tile_map(big, unit="家", names=NAMES, precision=0).data[tm.LABEL_TRACE].text
    assert labels[_at("320000")] == "江苏<br>12"
    assert "7,500,000" not in json.dumps(tm.tile_map(big, unit="家", names=NAMES).data[tm.LIGHT_LABEL_TRACE].text)


def test_hover_and_click_data_carry_the_code_names_rank_source_and_badge() -> None:
    fig = _figure(labels={"illustrative": "示意数值"})
    assert list(fig.data[tm.VALUE_TRACE].customdata[_at("650000")]) == [
        "650000", "新疆维吾尔自治区", "Xinjiang", "–", "B", "<br><i>示意数值</i>"]
    assert fig.data[tm.VALUE_TRACE].customdata[_at("310000")][3] == "1 / 2"
    assert "%{z:,.1f}%" in fig.data[tm.VALUE_TRACE].hovertemplate
    assert fig.data[tm.NO_DATA_TRACE].customdata[_at("460000")][0] == "460000"


def _squares(trace) -> int:
    return sum(1 for x in trace.x if x is None) if trace.x != (None,) else 0


def test_target_and_group_outlines_are_squares_inside_each_other() -> None:
    fig = _figure(highlight=["310000"], group=["310000", "320000", "340000"], labels={"group": "长三角 集群成员"})
    highlight, group = fig.data[tm.HIGHLIGHT_TRACE], fig.data[tm.GROUP_TRACE]
    assert (_squares(highlight), _squares(group)) == (1, 3)
    assert (highlight.line.color, group.line.color) == (HIGHLIGHT_COLOR, GROUP_COLOR)
    row, col = PLACE["310000"]
    assert max(abs(x - col) for x in highlight.x if x is not None) < max(abs(x - col) for x in group.x[:5])
    assert min(highlight.y[:5]) < row < max(highlight.y[:5])
    assert (group.name, group.showlegend, highlight.showlegend) == ("长三角 集群成员", True, True)
    plain = _figure()
    assert (plain.data[tm.HIGHLIGHT_TRACE].showlegend, plain.data[tm.GROUP_TRACE].showlegend) == (False, False)


def test_tile_updates_reproduce_the_figure_arrays() -> None:
    kwargs = {"highlight": ["320000"], "group": ["650000"], "names": NAMES, "value_range": (40.0, 75.0)}
    data = json.loads(pio.to_json(tm.tile_map(FRAME, unit="%", **kwargs)))["data"]
    for index, props in tm.tile_updates(FRAME, **kwargs).items():
        for key, value in props.items():
            assert data[index][key] == json.loads(json.dumps(value)), (index, key)


def test_a_year_patch_is_data_arrays_only_and_small() -> None:
    updates = tm.tile_updates(FRAME, names=NAMES, value_range=(40.0, 75.0))
    assert set(updates) == set(range(len(_figure().data)))
    assert {key for props in updates.values() for key in props} <= {"x", "y", "z", "customdata", "text", "name",
                                                                   "showlegend"}
    assert len(json.dumps(updates, ensure_ascii=False)) < 10_000
