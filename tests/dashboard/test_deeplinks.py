"""Deep links never fail silently: every page reads regions as the API does and names the parameter it could not use."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import dash
import pytest
from component_tree import text_of, walk
from dash.development.base_component import Component

from dashboard import ids
from dashboard.deeplinks import board_region, choice_problem, read_regions, region_suggestions
from dashboard.i18n import language
from pipelines.limits import MAX_REGION_SUGGESTIONS
from pipelines.slices import vocabulary
from pipelines.warehouse import Warehouse


@pytest.fixture(scope="module")
def vocab(shipped_warehouse: Path) -> Any:
    return vocabulary(Warehouse(shipped_warehouse))


def by_id(tree: Any, component_id: str) -> Component | None:
    return next((c for c in walk(tree) if getattr(c, "id", None) == component_id), None)


def problems(tree: Any) -> dict[str, str]:
    """The notice's problems, by parameter."""
    notice = by_id(tree, ids.LINK_NOTICE)
    if notice is None:
        return {}
    return {c.to_plotly_json()["props"]["data-param"]: text_of(c) for c in walk(notice)
            if c.to_plotly_json()["props"].get("data-param")}


def layout_of(app: dash.Dash, module: str, **query: str) -> Any:
    with app.server.test_request_context("/"), language("en"):
        return sys.modules[f"pages.{module}"].layout(**query)


@pytest.mark.parametrize(("value", "codes", "groups", "unknown"), [
    ("江苏", ("320000",), (), ()),
    ("100000,Jiangsu、浙江省", ("100000", "320000", "330000"), (), ()),
    ("长三角", ("310000", "320000", "330000", "340000"), ("长三角",), ()),
    ("east,320000", ("110000", "120000", "130000", "310000", "320000", "330000", "350000", "370000", "440000",
                     "460000"), ("east",), ()),
    ("东北,nope", ("210000", "220000", "230000"), ("northeast",), ("nope",)),
    ("x" * 500, (), (), ("x" * 500,)),
    (None, (), (), ()),
])
def test_a_region_value_reads_as_the_api_reads_it(vocab: Any, value: str | None, codes: tuple, groups: tuple,
                                                  unknown: tuple) -> None:
    asked = read_regions(value, vocab)
    assert (asked.codes, asked.groups, asked.unknown) == (codes, groups, unknown)


def test_suggestions_are_bounded_and_never_run_out(vocab: Any) -> None:
    for _ in range(MAX_REGION_SUGGESTIONS + 1):  # more than the ingest resolver's budget of fuzzy searches
        assert region_suggestions(vocab, "Jiangsuu")[0] == "320000"
    assert region_suggestions(vocab, "江苏南京")[0] == "320000"
    assert region_suggestions(vocab, "z" * 200) == []


@pytest.mark.parametrize(("asked", "shown", "param"), [
    (None, "all", None), ("all", "all", None), ("provinces", "provinces", None), ("500000", "500000", None),
    ("重庆", "500000", None), ("Chongqing", "500000", None), ("江苏", "all", "region"), ("nope", "all", "region"),
    ("中西部", "all", "region"),
])
def test_the_boards_region_filter_takes_names_and_says_when_it_cannot(vocab: Any, asked: str | None, shown: str,
                                                                     param: str | None) -> None:
    with_targets = ["100000", "500000", "640000"]
    with language("en"):
        region, problem = board_region(asked, vocab, with_targets)
    assert region == shown
    assert (problem.param if problem else None) == param
    if asked == "中西部":  # a group: its members with targets, one click away
        assert [href for _, href in problem.suggestions] == ["/?region=500000", "/?region=640000"]
    if asked == "江苏":
        assert "Jiangsu (parameter region) has no tracked targets" in problem.message
        assert problem.suggestions == (("Jiangsu · Province profile", "/province/320000"),)


def test_a_choice_names_the_parameter_the_choices_and_what_is_shown() -> None:
    with language("en"):
        problem = choice_problem("horizon", "1999", 2025, [2020, 2025], "link.horizon.unknown")
    assert problem.param == "horizon" and '"1999" (parameter horizon)' in problem.message
    assert "2020, 2025" in problem.message and problem.fallback == "2025"
    assert choice_problem("horizon", "2025", 2025, [2025], "link.horizon.unknown") is None
    assert choice_problem("horizon", None, 2025, [2025], "link.horizon.unknown") is None


# -- every page ------------------------------------------------------------------------------------------------
def test_trends_takes_a_chinese_name_without_a_notice(app: dash.Dash) -> None:
    page = layout_of(app, "trends", indicator="cnc_rate", region="江苏")
    assert by_id(page, ids.TRENDS_REGIONS).value == ["320000"]
    assert problems(page) == {}


def test_trends_keeps_a_group_as_one_region_without_a_notice(app: dash.Dash) -> None:
    page = layout_of(app, "trends", indicator="cnc_rate", region="100000,长三角")
    assert by_id(page, ids.TRENDS_REGIONS).value == ["100000", "长三角"]  # drawn as one line (test_groups)
    assert problems(page) == {}


@pytest.mark.parametrize(("query", "param", "words"), [
    ({"region": "nope"}, "region", 'region "nope" (parameter region)'),
    ({"region": "100000,Jaingsu"}, "region", "Did you mean: Jiangsu"),
    ({"indicator": "nope"}, "indicator", 'indicator "nope" (parameter indicator), which does not exist'),
    ({"indicator": "cnc_rat"}, "indicator", "Did you mean: Key-process CNC rate"),
])
def test_trends_names_the_parameter_it_could_not_use(app: dash.Dash, query: dict[str, str], param: str,
                                                    words: str) -> None:
    page = layout_of(app, "trends", **query)
    assert words in problems(page)[param]


def test_a_trends_suggestion_corrects_only_the_bad_token(app: dash.Dash) -> None:
    page = layout_of(app, "trends", indicator="cnc_rate", region="100000,Jaingsu")
    hrefs = [c.href for c in walk(by_id(page, ids.LINK_NOTICE)) if isinstance(c, dash.dcc.Link)]
    assert hrefs == ["/trends?indicator=cnc_rate&region=100000,320000"]
    assert by_id(page, ids.TRENDS_REGIONS).value == ["100000"]


@pytest.mark.parametrize(("query", "param", "words"), [
    ({"indicator": "nope"}, "indicator", "does not exist. Showing Key-process CNC rate instead."),
    ({"indicator": "talent_gap"}, "indicator", "has no province figures to map yet"),
    ({"indicator": "cnc_rate", "year": "1999"}, "year", '"1999" (parameter year)'),
    ({"indicator": "cnc_rate", "year": "soon"}, "year", "years with figures: 2015"),
])
def test_the_map_names_the_parameter_it_could_not_use(app: dash.Dash, query: dict[str, str], param: str,
                                                     words: str) -> None:
    assert words in problems(layout_of(app, "map", **query))[param]


def test_the_map_says_nothing_when_the_address_is_understood(app: dash.Dash) -> None:
    assert problems(layout_of(app, "map", indicator="cnc_rate", year="2020")) == {}


@pytest.mark.parametrize(("query", "param", "words"), [
    ({"horizon": "1999"}, "horizon", '"1999" (parameter horizon), in which no target is due'),
    ({"region": "nope"}, "region", "Showing all targets instead."),
    ({"region": "江苏"}, "region", "has no tracked targets"),
])
def test_the_board_names_the_parameter_it_could_not_use(app: dash.Dash, query: dict[str, str], param: str,
                                                       words: str) -> None:
    assert words in problems(layout_of(app, "board", **query))[param]


def test_the_board_takes_a_region_name(app: dash.Dash) -> None:
    page = layout_of(app, "board", region="重庆", horizon="2027")
    assert by_id(page, ids.BOARD_REGION).value == "500000"
    assert problems(page) == {}
