"""A region group as one line: its members' values aggregated as each kind of indicator says, on inline frames
and on the shipped warehouse, and the trends page's group notes."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from urllib.parse import unquote

import dash
import pandas as pd
import pytest
from component_tree import text_of, walk

from dashboard import ids, views
from dashboard.groups import MEAN, SUM, aggregate, method_of
from dashboard.i18n import language
from pipelines.catalogue import REAL_STATUSES
from pipelines.slices import vocabulary
from pipelines.warehouse import Warehouse

DELTA = ["310000", "320000", "330000", "340000"]  # 长三角


def members(rows: list[tuple]) -> pd.DataFrame:
    """One row per member and year: (region_code, year, value, status[, as_of])."""
    frame = pd.DataFrame([r if len(r) == 5 else (*r, None) for r in rows],
                         columns=["region_code", "year", "value", "status", "as_of"])
    return frame.assign(scope=None, source_title="S")


@pytest.fixture(scope="module")
def wh(shipped_warehouse: Path) -> Warehouse:
    return Warehouse(shipped_warehouse)


def _indicator(wh: Warehouse, indicator_id: str) -> pd.Series:
    return wh.indicators().set_index("indicator_id", drop=False).loc[indicator_id]


# -- the rule per kind of indicator ----------------------------------------------------------------------------
@pytest.mark.parametrize(("indicator_id", "method"), [
    ("cnc_rate", MEAN),  # a share
    ("ii_development_index", MEAN),  # an index
    ("pilot_projects", SUM),  # a count whose province values add up to the nation's
])
def test_the_config_says_whether_a_group_is_a_sum_or_a_mean(wh: Warehouse, indicator_id: str, method: str) -> None:
    assert method_of(_indicator(wh, indicator_id)) == method


def test_a_rate_is_the_plain_mean_of_the_members_that_report_with_their_count() -> None:
    rows = members([("310000", 2021, 60.0, "reported"), ("320000", 2021, 62.0, "reported"),
                    ("330000", 2021, 64.0, "reported"), ("340000", 2021, 50.0, "reported"),
                    ("310000", 2022, 61.0, "reported"), ("320000", 2022, 63.0, "reported"),
                    ("330000", 2022, 68.0, "reported")])  # Anhui has no 2022 figure
    group = aggregate(rows, "长三角", DELTA, MEAN).set_index("year")
    assert group.loc[2021, "value"] == 59.0 and group.loc[2022, "value"] == 64.0
    assert (group.loc[2021, "members"], group.loc[2021, "members_total"]) == (4, 4)
    assert (group.loc[2022, "members"], group.loc[2022, "members_total"]) == (3, 4)
    assert group.loc[2022, "reporting"] == "310000,320000,330000"
    assert set(group["region_code"]) == {"长三角"}


def test_a_count_is_summed_only_in_years_where_every_member_reports() -> None:
    rows = members([(c, 2020, 5.0, "reported") for c in DELTA]
                   + [(c, 2021, 6.0, "reported") for c in DELTA[:3]])  # a missing member would read as a fall
    group = aggregate(rows, "长三角", DELTA, SUM)
    assert group["year"].tolist() == [2020]
    assert group["value"].tolist() == [20.0] and group["members"].tolist() == [4]


def test_a_flow_is_cumulated_per_member_before_the_members_are_summed() -> None:
    batches = members([("310000", 2016, 2.0, "reported"), ("310000", 2017, 4.0, "reported"),
                       ("320000", 2015, 5.0, "reported"), ("320000", 2016, 5.0, "reported"),
                       ("320000", 2017, 9.0, "reported")])
    totals = pd.concat([views.cumulative(g) for _, g in batches.groupby("region_code")], ignore_index=True)
    group = aggregate(totals, "pair", ["310000", "320000"], SUM)
    # 2015: Shanghai has no batch, so no total; 2016: 2 + (5 + 5); 2017: (2 + 4) + (5 + 5 + 9)
    assert dict(zip(group["year"], group["value"], strict=True)) == {2016: 12.0, 2017: 25.0}


@pytest.mark.parametrize(("statuses", "expected"), [
    (["reported", "reported", "reported", "reported"], "reported"),
    (["reported", "estimated", "reported", "reported"], "estimated"),
    (["reported", "estimated", "illustrative", "reported"], "illustrative"),  # one generated member
])
@pytest.mark.parametrize("method", [SUM, MEAN])
def test_a_group_value_is_as_real_as_its_weakest_member_value(statuses: list[str], expected: str,
                                                             method: str) -> None:
    rows = members([(c, 2022, 10.0, s) for c, s in zip(DELTA, statuses, strict=True)])
    assert aggregate(rows, "长三角", DELTA, method)["status"].tolist() == [expected]


def test_a_group_year_holding_a_sub_annual_figure_is_dated_by_it() -> None:
    rows = members([("310000", 2025, 66.0, "reported", dt.date(2025, 3, 31)),
                    ("320000", 2025, 70.0, "reported", None)])
    group = aggregate(rows, "pair", ["310000", "320000"], MEAN)
    assert group["as_of"].tolist() == [dt.date(2025, 3, 31)]  # not read as year-end 2025
    assert aggregate(members([("310000", 2024, 1.0, "reported")]), "x", ["310000"], MEAN)["as_of"].isna().all()


def test_a_group_says_when_some_members_figures_name_no_population() -> None:
    rows = members([("310000", 2021, 60.0, "reported"), ("320000", 2021, 62.0, "reported")])
    rows.loc[0, "scope"] = "制造业"
    group = aggregate(rows, "pair", ["310000", "320000"], MEAN)
    assert group[["scope", "scope_unstated"]].to_numpy().tolist() == [["制造业", True]]


def test_members_with_two_values_in_a_year_are_refused_not_silently_picked() -> None:
    rows = members([("310000", 2021, 60.0, "reported"), ("310000", 2021, 61.0, "reported")])
    with pytest.raises(ValueError, match="one value per year"):
        aggregate(rows, "长三角", DELTA, MEAN)


def test_a_group_without_member_values_has_no_rows() -> None:
    assert aggregate(members([("110000", 2021, 1.0, "reported")]), "长三角", DELTA, MEAN).empty


# -- on the shipped warehouse --------------------------------------------------------------------------------
def test_a_cluster_of_rates_is_one_series_of_member_means(wh: Warehouse) -> None:
    ind = _indicator(wh, "cnc_rate")
    with language("en"):
        frame = views.trend_frame(wh, ind, ["长三角"], groups=vocabulary(wh).groups)
    raw = wh.series("cnc_rate", DELTA)
    expected = raw.groupby("year")["value"].mean()
    assert set(frame["region_code"]) == {"长三角"} and set(frame["label"]) == {"长三角 cluster"}
    assert frame.set_index("year")["value"].to_dict() == pytest.approx(expected.to_dict())
    assert (frame["members_total"] == 4).all() and (frame["members"] == 4).all()
    assert set(frame["status"]) == {"illustrative"}  # every member value in these years is generated


def test_a_group_among_provinces_keeps_the_order_it_was_asked_in(wh: Warehouse) -> None:
    frame = views.trend_frame(wh, _indicator(wh, "cnc_rate"), ["长三角", "100000", "440000"],
                              groups=vocabulary(wh).groups)
    assert list(dict.fromkeys(frame["region_code"])) == ["长三角", "100000", "440000"]
    assert frame.loc[frame["region_code"] != "长三角", "members"].isna().all()  # provinces stay provinces


def test_a_cluster_of_flow_counts_sums_the_members_running_totals(wh: Warehouse) -> None:
    ind = _indicator(wh, "pilot_projects")
    frame = views.trend_frame(wh, ind, ["长三角"], groups=vocabulary(wh).groups).set_index("year")
    totals = views.trend_frame(wh, ind, DELTA).groupby("year").agg(value=("value", "sum"), n=("value", "size"))
    assert 2015 not in frame.index  # Shanghai's first batch is 2016
    assert frame["value"].to_dict() == totals.loc[totals["n"] == len(DELTA), "value"].to_dict()
    assert frame.loc[2018, "value"] == 2 + 4 + 3 + (5 + 5 + 9 + 7) + (4 + 7 + 12 + 8) + (4 + 5 + 7 + 7)


def test_reported_only_builds_a_group_from_real_member_values_only(wh: Warehouse) -> None:
    ind = _indicator(wh, "cnc_rate")
    groups = vocabulary(wh).groups
    frame = views.trend_frame(wh, ind, ["中西部"], real_only=True, groups=groups).set_index("year")
    assert set(frame["status"]) <= set(REAL_STATUSES)
    # 2021: Chongqing 56.6 and Qinghai 52.6 are the only real member figures; the generated ones are left out
    assert frame.loc[2021, "value"] == pytest.approx((56.6 + 52.6) / 2)
    assert (frame.loc[2021, "members"], frame.loc[2021, "members_total"]) == (2, 17)
    assert views.trend_frame(wh, ind, ["长三角"], real_only=True, groups=groups).empty  # no real member figure
    pilots = views.trend_frame(wh, _indicator(wh, "pilot_projects"), ["长三角"], real_only=True, groups=groups)
    assert pilots.empty  # every member's running total stands on generated batches


def test_groups_have_no_targets_so_nothing_is_drawn_towards_one(wh: Warehouse) -> None:
    ind = _indicator(wh, "cnc_rate")
    assert views.trend_overlays(wh, ind, ["长三角", "east"]) == []
    national = views.trend_overlays(wh, ind, ["100000"])
    assert views.trend_overlays(wh, ind, ["长三角", "100000"]) == national


# -- what the trends page writes under a group's line ----------------------------------------------------------
def _notes(app: dash.Dash, region: list[str], indicator: str = "cnc_rate", real: list[str] | None = None) -> list:
    page = sys.modules["pages.trends"]
    with app.server.test_request_context("/"), language("en"):
        return page.draw_trends(indicator, region, real or [])[3]


def test_the_method_and_the_members_are_written_under_a_groups_line(app: dash.Dash) -> None:
    notes = _notes(app, ["长三角", "100000"])
    assert text_of(notes[0]) == ("长三角 cluster: the plain mean of the member provinces that report each year "
                                 "(not weighted); the hover says how many report.")
    delta = next(n for n in notes if n.to_plotly_json()["props"].get("data-group") == "长三角")
    links = {c.children: unquote(c.href) for c in walk(delta) if isinstance(c, dash.dcc.Link)}
    assert links["Draw its members instead"] == ("/trends?indicator=cnc_rate&region=310000,320000,330000,340000,"
                                                 "100000")
    assert links["Shanghai"] == "/province/310000" and links["Anhui"] == "/province/340000"
    assert "one generated member value makes it illustrative" in text_of(notes[-1])


def test_one_sentence_says_how_several_groups_are_made_and_reported_only_stays_on_the_links(app: dash.Dash) -> None:
    notes = _notes(app, ["100000", "east", "central", "west", "northeast"], indicator="pilot_projects")
    methods = [text_of(n) for n in notes if n.to_plotly_json()["props"]["className"] == "group-method"]
    # a sum needs every member: the east only in 2016 (Hainan's one batch), the west never (Tibet's is in 2015,
    # Guangxi's first in 2016)
    assert methods[0] == ("Eastern region, Central region, Northeast: the sum of the member provinces, drawn only "
                          "in years where all of them report.")
    assert methods[1].startswith("Western region: not drawn")
    assert len([n for n in notes if n.to_plotly_json()["props"].get("data-group")]) == 4  # members: per group
    real = _notes(app, ["west"], indicator="pilot_projects", real=["on"])
    links = [c.href for n in real for c in walk(n) if isinstance(c, dash.dcc.Link)]
    assert len(links) == 13 and all("reported=1" in href for href in links)


def test_the_region_picker_offers_the_groups_after_the_nation(app: dash.Dash) -> None:
    page = sys.modules["pages.trends"]
    with app.server.test_request_context("/"), language("en"):
        tree = page.layout(indicator="cnc_rate", region="长三角")
    picker = next(c for c in walk(tree) if getattr(c, "id", None) == ids.TRENDS_REGIONS)
    values = [o["value"] for o in picker.options]
    assert values[:9] == ["100000", "east", "central", "west", "northeast", "环渤海", "长三角", "珠三角", "中西部"]
    assert picker.value == ["长三角"]  # the address keeps the group, not its expanded codes
    compare = {c.id: unquote(c.href) for c in walk(tree) if isinstance(c, dash.dcc.Link) and getattr(c, "id", None)}
    base = "/trends?indicator=cnc_rate&region=100000,"
    assert compare[ids.TRENDS_COMPARE_CLUSTERS] == base + "环渤海,长三角,珠三角,中西部"
    assert compare[ids.TRENDS_COMPARE_MACRO] == base + "east,central,west,northeast"
