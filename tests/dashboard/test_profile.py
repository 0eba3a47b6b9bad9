"""The province profile, from the shipped warehouse: what it shows agrees with the map, the board and the trends page,
and a generated value never earns a rank."""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import dash
import pandas as pd
import pytest
from component_tree import prop, text_of, walk

from dashboard import ids, views
from dashboard.figures.small_multiples import figure_height, grid_shape, small_multiples
from dashboard.i18n import language
from dashboard.profile import Rank, latest_figure, province_peers, province_profile, province_rank
from pipelines.catalogue import NATIONAL
from pipelines.ingest import ingest_file
from pipelines.slices import vocabulary
from pipelines.warehouse import Warehouse

JIANGSU = "320000"


@pytest.fixture(scope="module")
def wh(shipped_warehouse: Path) -> Warehouse:
    return Warehouse(shipped_warehouse)


@pytest.fixture
def page(app: dash.Dash, client: Any) -> ModuleType:
    """The page module as Dash loaded it (``pages.province``); importing it afresh would register it twice."""
    return sys.modules["pages.province"]


def _indicator(wh: Warehouse, indicator_id: str) -> pd.Series:
    return wh.indicators().set_index("indicator_id", drop=False).loc[indicator_id]


# -- which province an address names ------------------------------------------------------------------------
@pytest.mark.parametrize("spelling", ["320000", "32", "江苏", "江苏省", "Jiangsu", "jiangsu", " JIANGSU ", "苏",
                                      "%E6%B1%9F%E8%8B%8F", "江蘇"])
def test_a_province_is_found_by_code_chinese_or_english_name(page: ModuleType, wh: Warehouse, spelling: str) -> None:
    code, problem = page.resolve(spelling, vocabulary(wh))
    assert (code, problem) == (JIANGSU, None)


@pytest.mark.parametrize(("spelling", "suggested"), [("Jaingsu", "/province/320000"), ("江苏南京", "/province/320000"),
                                                     ("Shanxii", "/province/140000")])
def test_a_misspelt_province_gets_a_notice_naming_the_parameter_with_suggestions(
    page: ModuleType, wh: Warehouse, spelling: str, suggested: str,
) -> None:
    with language("en"):
        code, problem = page.resolve(spelling, vocabulary(wh))
    assert code is None
    assert problem.param == "region" and spelling in problem.message and "(parameter region)" in problem.message
    assert suggested in [href for _, href in problem.suggestions]


def test_a_group_or_the_nation_is_not_a_province_and_says_so(page: ModuleType, wh: Warehouse) -> None:
    code, group = page.resolve("长三角", vocabulary(wh))
    assert code is None
    assert [href for _, href in group.suggestions] == [f"/province/{c}" for c in ("310000", "320000", "330000",
                                                                                  "340000")]
    code, nation = page.resolve("全国", vocabulary(wh))
    assert code is None and "全国" in nation.message


def test_the_page_lays_out_a_notice_and_a_directory_for_a_bad_name_never_an_error(page: ModuleType) -> None:
    with language("en"):
        layout = page.layout(region="Atlantis")
    notice = next(c for c in walk(layout) if prop(c, "id") == ids.LINK_NOTICE)
    assert 'region "Atlantis" (parameter region)' in text_of(notice)
    links = {prop(c, "href") for c in walk(layout) if prop(c, "className") == "peer-link"}
    assert len(links) == 34  # every provincial-level unit, one click away
    assert any(prop(c, "id") == ids.PROFILE_BODY for c in walk(layout))


# -- the indicators beside the nation ------------------------------------------------------------------------
def test_real_figures_come_first_and_illustrative_ones_are_badged_and_never_ranked(wh: Warehouse) -> None:
    profile = province_profile(wh, JIANGSU)
    reals = [r.real for r in profile.rows]
    assert reals == sorted(reals, reverse=True) and any(reals) and not all(reals)
    for row in profile.rows:
        if not row.real:
            assert row.province.illustrative and not row.rank.ranked and row.rank.reason == "illustrative"
    assert {r.indicator_id for r in profile.rows} == set(wh.region_indicators(JIANGSU)["indicator_id"])


def test_a_row_holds_the_national_figure_of_the_same_year_and_the_national_target(wh: Warehouse) -> None:
    with language("en"):
        cnc = next(r for r in province_profile(wh, JIANGSU).rows if r.indicator_id == "cnc_rate")
    assert cnc.province.year == cnc.national.year == 2023
    assert cnc.national.value == 62.9 and not cnc.national.illustrative
    assert cnc.national_target == "≥ 68.0% (2025)"  # the map's comparison: the next national target due


def test_the_rank_is_the_maps_rank_among_real_values_of_one_scope(wh: Warehouse) -> None:
    pilot = next(r for r in province_profile(wh, JIANGSU).rows if r.indicator_id == "pilot_projects")
    frame = views.map_frame(wh, _indicator(wh, "pilot_projects"), 2018)
    mine = frame[frame["region_code"] == JIANGSU].iloc[0]
    assert (pilot.rank.rank, pilot.rank.of, pilot.rank.year) == (int(mine["rank"]), int(mine["rank_of"]), 2018)
    assert pilot.rank.change is None  # ranked in one year only


def test_a_rank_among_nobody_else_is_no_rank(wh: Warehouse) -> None:
    chongqing = province_profile(wh, "500000")
    cnc = next(r for r in chongqing.rows if r.indicator_id == "cnc_rate")
    assert cnc.real and not cnc.rank.ranked and cnc.rank.reason == "alone"  # no other real 2021 value of its scope


def test_the_change_in_rank_is_counted_from_the_first_year_ranked(empty_warehouse: Path, tmp_path: Path) -> None:
    panel = tmp_path / "cnc.csv"
    panel.write_text("indicator,region,year,value\n"
                     "cnc_rate,江苏,2019,50\ncnc_rate,浙江,2019,55\ncnc_rate,上海,2019,60\n"
                     "cnc_rate,江苏,2021,66\ncnc_rate,浙江,2021,58\ncnc_rate,上海,2021,61\n", encoding="utf-8")
    ingest_file(panel, empty_warehouse)
    rank = province_rank(Warehouse(empty_warehouse), _indicator(Warehouse(empty_warehouse), "cnc_rate"), JIANGSU,
                         [2019, 2021])
    assert (rank.rank, rank.of, rank.year, rank.first_rank, rank.first_year) == (1, 3, 2021, 3, 2019)
    assert rank.change == 2


@pytest.mark.parametrize(("rank", "change"), [
    (Rank(2, 5, 2021, None, 4, 2015), 2), (Rank(4, 5, 2021, None, 1, 2015), -3), (Rank(3, 5, 2021, None, 3, 2015), 0),
    (Rank(3, 5, 2021, None, 3, 2021), None), (Rank(reason="alone"), None)])
def test_rank_change_is_places_gained(rank: Rank, change: int | None) -> None:
    assert rank.change == change


def test_the_figure_shown_is_the_newest_real_one_and_the_nearest_year_for_the_nation() -> None:
    series = pd.DataFrame({"year": [2015, 2019, 2020, 2023], "value": [1.0, 2.0, 3.0, 4.0], "as_of": [None] * 4,
                           "status": ["reported", "reported", "illustrative", "illustrative"],
                           "scope": [None] * 4, "source_title": ["s"] * 4})
    assert latest_figure(series).value == 2.0  # a real figure beats a newer generated one
    assert latest_figure(series[series["status"] == "illustrative"]).value == 4.0  # shown where nothing is real
    assert latest_figure(series[series["status"] == "illustrative"], real_only=True) is None
    assert latest_figure(series, year=2018).year == 2019  # the nearest real year
    assert latest_figure(series.iloc[:1], year=2025).year == 2015


def test_reported_only_leaves_every_generated_value_out(wh: Warehouse) -> None:
    profile = province_profile(wh, JIANGSU, real_only=True)
    assert profile.rows and all(r.real for r in profile.rows)
    assert not (profile.trends["status"] == "illustrative").any()


# -- targets, peers, trends -----------------------------------------------------------------------------------
@pytest.mark.parametrize("code", ["500000", "640000", "210000", "130000"])
def test_the_provinces_targets_carry_the_boards_verdicts(wh: Warehouse, code: str) -> None:
    profile = province_profile(wh, code)
    board = {(c.indicator_id, c.plan_id, year): c.verdict.status
             for year in views.target_years(wh, code) for c in views.board_cards(wh, year, code)}
    assert {(t.card.indicator_id, t.card.plan_id, t.year): t.card.verdict.status for t in profile.targets} == board
    assert len(profile.targets) == len(wh.targets().query("region_code == @code"))


def test_a_province_without_targets_has_none(wh: Warehouse) -> None:
    assert province_profile(wh, JIANGSU).targets == ()


def test_peers_are_the_other_provinces_of_its_macro_region_and_cluster(wh: Warehouse) -> None:
    peers = province_peers(wh.regions(), JIANGSU)
    assert (peers.macro_region, peers.cluster) == ("east", "长三角")
    assert peers.cluster_peers == ("310000", "330000", "340000")
    assert JIANGSU not in peers.macro_peers and "310000" in peers.macro_peers and NATIONAL not in peers.macro_peers
    taiwan = province_peers(wh.regions(), "710000")
    assert (taiwan.macro_region, taiwan.macro_peers, taiwan.cluster, taiwan.cluster_peers) == (None, (), None, ())


def test_the_small_multiples_draw_the_trends_pages_series(wh: Warehouse) -> None:
    profile = province_profile(wh, JIANGSU)
    frame = profile.trends
    assert list(dict.fromkeys(frame["panel"])) == [r.indicator_id for r in profile.rows]
    cnc = views.trend_frame(wh, _indicator(wh, "cnc_rate"), [JIANGSU, NATIONAL])
    assert frame[frame["panel"] == "cnc_rate"]["value"].tolist() == cnc["value"].tolist()
    assert set(frame.loc[frame["region_code"] == JIANGSU, "role"]) == {"province"}


def test_the_callback_draws_the_body_and_keeps_the_address_as_typed(page: ModuleType, app: dash.Dash) -> None:
    with app.server.test_request_context("/_dash-update-component"), language("en"):
        body, state = page.show_profile(["on"], JIANGSU, "/province/Jiangsu")
        empty, _ = page.show_profile([], None, "/province/nope")
    assert state == {"path": "/province/Jiangsu", "query": "?reported=1", "owns": ["reported"]}
    text = text_of(body)
    assert "Targets of Jiangsu" in text and "Illustrative data" not in text
    assert empty is None
    assert page.open_picked("330000", JIANGSU) == "/province/330000"
    assert page.open_picked(JIANGSU, JIANGSU) is dash.no_update


# -- the figure ------------------------------------------------------------------------------------------------
def _panel_frame() -> pd.DataFrame:
    rows = [("a", "Rate A", "%", "national", "China", "100000", 2019, 50.0, "reported", "S1"),
            ("a", "Rate A", "%", "national", "China", "100000", 2021, 55.0, "reported", "S2"),
            ("a", "Rate A", "%", "province", "Jiangsu", "320000", 2019, 48.0, "illustrative", None),
            ("b", "Count B", "", "province", "Jiangsu", "320000", 2018, 7.0, "reported", None)]
    frame = pd.DataFrame(rows, columns=["panel", "title", "unit", "role", "label", "region_code", "year", "value",
                                        "status", "scope"])
    return frame.assign(as_of=None, source_title="src", precision=frame["unit"].map({"%": 1, "": 0}))


def test_one_panel_per_indicator_a_segment_per_scope_and_generated_values_lighter() -> None:
    fig = small_multiples(_panel_frame())
    drawn = [t for t in fig.data if t.meta]
    assert sorted((t.meta["panel"], t.meta["role"], t.meta["scope"]) for t in drawn) == [
        ("a", "national", "S1"), ("a", "national", "S2"), ("a", "province", ""), ("b", "province", "")]
    national = [t for t in drawn if t.meta["role"] == "national"]
    assert national[0].line.dash != national[1].line.dash and national[0].line.color == national[1].line.color
    generated = next(t for t in drawn if t.meta["illustrative"])
    assert generated.opacity < 1
    assert {t.name for t in fig.data if t.showlegend} >= {"Jiangsu", "China", "illustrative"}
    assert [a.text for a in fig.layout.annotations] == ["Rate A", "Count B"]
    assert fig.layout.yaxis.ticksuffix == "%" and fig.layout.yaxis2.ticksuffix == ""
    assert list(fig.layout.xaxis2.range) == [2017, 2019]  # a lone year gets a year either side


@pytest.mark.parametrize(("n", "shape"), [(1, (1, 1)), (2, (1, 2)), (3, (1, 3)), (4, (2, 2)), (5, (2, 3)), (7, (3, 3))])
def test_panels_are_laid_out_in_a_grid(n: int, shape: tuple[int, int]) -> None:
    assert grid_shape(n) == shape
    assert figure_height(n) > figure_height(1) or n <= 3


def test_text_from_data_is_literal_in_the_figure() -> None:
    frame = _panel_frame().assign(title="<b>bold</b>", label="<i>x</i>")
    fig = small_multiples(frame)
    assert "<b>" not in fig.layout.annotations[0].text
    assert all("<i>" not in (t.name or "") for t in fig.data)
