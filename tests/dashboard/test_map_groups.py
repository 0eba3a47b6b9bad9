"""The map page's region group and hover panel data, from the shipped warehouse: what a reader sees above the map
and beside it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from component_tree import text_of, walk
from dash import dcc

from dashboard import views
from dashboard.figures.sparkline import ILLUSTRATIVE_TRACE, REAL_TRACE, YEAR_TRACE, sparkline_points, sparkline_template
from dashboard.i18n import language
from dashboard.pages._map_groups import group_line, group_problems, read_group
from pipelines.slices import Vocabulary
from pipelines.warehouse import Warehouse


@pytest.fixture(scope="module")
def wh(shipped_warehouse: Path) -> Warehouse:
    return Warehouse(shipped_warehouse)


@pytest.fixture(scope="module")
def vocab(wh: Warehouse) -> Vocabulary:
    return Vocabulary.from_warehouse(wh)


def _indicator(wh: Warehouse, indicator_id: str) -> pd.Series:
    return wh.indicators().set_index("indicator_id", drop=False).loc[indicator_id]


def _line(wh: Warehouse, vocab: Vocabulary, region: str, indicator_id: str, year: int, *,
          real_only: bool = False) -> tuple[str, list[str]]:
    ind = _indicator(wh, indicator_id)
    frame = views.map_frame(wh, ind, year, real_only=real_only)
    parts = group_line(read_group(region, vocab), frame, ind, year)
    links = [c.href for c in walk(parts) if isinstance(c, dcc.Link)]
    return text_of(parts), links


@pytest.mark.parametrize(("region", "value", "members", "is_group"), [
    ("长三角", "长三角", ("310000", "320000", "330000", "340000"), True),
    ("Northeast", "northeast", ("210000", "220000", "230000"), True),
    ("江苏,浙江", "320000,330000", ("320000", "330000"), False),
    ("100000,江苏", "320000", ("320000",), False),  # the nation has no shape: the province stays
])
def test_a_region_value_names_the_provinces_to_outline_as_the_api_reads_it(
    vocab: Vocabulary, region: str, value: str, members: tuple[str, ...], is_group: bool,
) -> None:
    group = read_group(region, vocab)
    assert group is not None
    assert (group.value, group.members, group.is_group) == (value, members, is_group)


@pytest.mark.parametrize(("region", "expected"), [("atlantis", "atlantis"), ("100000", "not a province")])
def test_a_region_naming_no_province_gets_a_notice_naming_the_parameter(vocab: Vocabulary, region: str,
                                                                         expected: str) -> None:
    with language("en"):
        problems = group_problems(region, vocab, lambda r: f"/map?region={r}")
    assert read_group(region, vocab) is None
    assert [p.param for p in problems] == ["region"] and expected in problems[0].message
    assert group_problems("长三角", vocab, str) == []


def test_a_cluster_of_rates_is_the_mean_of_its_reporting_members_badged_when_generated(
    wh: Warehouse, vocab: Vocabulary,
) -> None:
    with language("en"):
        text, links = _line(wh, vocab, "长三角", "cnc_rate", 2020)
    frame = views.map_frame(wh, _indicator(wh, "cnc_rate"), 2020)
    mean = frame[frame["region_code"].isin(["310000", "320000", "330000", "340000"])]["value"].mean()
    assert text.startswith(f"长三角 cluster, 2020: {mean:.1f}%")
    assert "mean of the 4 of 4 members that report" in text and "Illustrative data" in text
    assert links == ["/trends?indicator=cnc_rate&region=310000,320000,330000,340000",
                     "/trends?indicator=cnc_rate&region=%E9%95%BF%E4%B8%89%E8%A7%92"]


def test_a_count_is_summed_only_when_every_member_reports(wh: Warehouse, vocab: Vocabulary) -> None:
    with language("en"):
        total, _ = _line(wh, vocab, "长三角", "pilot_projects", 2016)
        partial, _ = _line(wh, vocab, "长三角", "pilot_projects", 2015)
        real_only, _ = _line(wh, vocab, "长三角", "pilot_projects", 2018, real_only=True)
    assert total.startswith("长三角 cluster, 2016: 19") and "sum of all 4 members" in total
    assert "no total — only 3 of 4 members report" in partial
    assert "no total — only 3 of 4 members report" in real_only  # Shanghai's 2018 figure is generated


def test_a_list_of_provinces_links_to_its_members_but_draws_no_group_line(wh: Warehouse, vocab: Vocabulary) -> None:
    with language("en"):
        text, links = _line(wh, vocab, "江苏,浙江", "cnc_rate", 2020)
    assert text.startswith("Jiangsu, Zhejiang, 2020: ") and "of 2 members" in text
    assert links == ["/trends?indicator=cnc_rate&region=320000,330000"]


def test_the_hover_panel_gets_each_provinces_series_with_the_maps_ranks_written_out(wh: Warehouse) -> None:
    ind = _indicator(wh, "cnc_rate")
    history = views.map_history(wh, ind, [2019, 2020, 2021])
    points = sparkline_points(history.assign(label=history["region_code"]), unit="%", precision=1,
                              labels={"rank_of": "#{rank}/{n}", "not_ranked": "unranked"})
    guizhou = {p[0]: p for p in points["520000"]["points"]}
    assert guizhou[2020][1:] == [38.4, "38.4%", False, "#1/1"]  # a derived figure: real, so ranked
    assert guizhou[2021][3:] == [True, "unranked"]
    assert 2019 not in guizhou  # no figure that year: no point, never a zero
    ranked = views.map_frame(wh, ind, 2020).set_index("region_code")
    assert ranked.loc["520000", "rank"] == 1 and ranked.loc["520000", "rank_of"] == 1  # the map's own rank


def test_the_sparkline_template_draws_generated_points_apart_and_lighter() -> None:
    fig = sparkline_template(unit="%", precision=1, labels={"illustrative": "示意数值"})
    real, generated, year = fig.data[REAL_TRACE], fig.data[ILLUSTRATIVE_TRACE], fig.data[YEAR_TRACE]
    assert all(len(t.x) == 0 for t in fig.data)  # the browser fills in the province hovered
    assert generated.marker.color == "white" and generated.marker.line.color != real.marker.color
    assert "示意数值" in generated.hovertemplate and "%{y:,.1f}%" in real.hovertemplate
    assert year.marker.size > real.marker.size  # the map's year is ringed
