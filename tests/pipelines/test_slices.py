"""One meaning for a slice's parameters: spellings, groups, years and bad values, without a warehouse."""

from __future__ import annotations

import re
from urllib.parse import parse_qs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.catalogue import STATUSES, load_catalogue
from pipelines.slices import Slice, SliceError, Vocabulary, check_params, parse_format, parse_slice, safe_filename

CATALOGUE = load_catalogue()
VOCAB = Vocabulary(tuple(i.indicator_id for i in CATALOGUE.indicators), tuple(CATALOGUE.regions), (2015, 2024))
JIANGSU_ZHEJIANG = Slice(indicators=("cnc_rate",), regions=("320000", "330000"), year_from=2015, year_to=2024)


@pytest.mark.parametrize("params", [
    {"indicator": "cnc_rate", "region": "320000,330000", "from": "2015", "to": "2024"},
    {"indicator": ["cnc_rate"], "region": ["浙江", "320000"], "from": "2015", "to": "2024年"},
    {"indicator": "CNC_RATE", "region": "江苏省，Zhejiang", "from": "２０１５", "to": "2024"},
    {"indicator": "cnc_rate,cnc_rate", "region": ["32", "浙", "浙江省"], "from": ["2015"], "to": "2024"},
], ids=["codes", "names-and-repeats", "full-width-and-english", "short-forms-and-duplicates"])
def test_every_spelling_the_ingest_accepts_gives_the_same_slice(params: dict) -> None:
    assert parse_slice(params, VOCAB) == JIANGSU_ZHEJIANG


def test_no_parameters_mean_everything() -> None:
    assert parse_slice({}, VOCAB) == Slice()
    assert parse_slice({"indicator": "", "region": [], "status": ",".join(STATUSES)}, VOCAB) == Slice()


@pytest.mark.parametrize(("group", "expected"), [
    ("east", {"110000", "120000", "130000", "310000", "320000", "330000", "350000", "370000", "440000", "460000"}),
    ("东部", {"110000", "120000", "130000", "310000", "320000", "330000", "350000", "370000", "440000", "460000"}),
    ("northeast", {"210000", "220000", "230000"}),
    ("长三角", {"310000", "320000", "330000", "340000"}),
    ("珠三角", {"440000"}),
])
def test_a_group_expands_to_the_provinces_the_regions_table_assigns_it(group: str, expected: set[str]) -> None:
    from_config = {r.region_code for r in CATALOGUE.regions if group in (r.macro_region, r.cluster)
                   or (group == "东部" and r.macro_region == "east")}
    assert set(parse_slice({"region": group}, VOCAB).regions) == expected == from_config


def test_groups_and_provinces_combine_without_duplicates() -> None:
    assert parse_slice({"region": "长三角,江苏,全国"}, VOCAB).regions == ("100000", "310000", "320000", "330000",
                                                                          "340000")


@pytest.mark.parametrize(("params", "param", "value", "fragment"), [
    ({"indicator": "cnc_rat"}, "indicator", "cnc_rat", "did you mean cnc_rate"),
    ({"region": "火星"}, "region", "火星", "unknown region '火星'"),
    ({"region": "黑龙"}, "region", "黑龙", "did you mean 黑龙江省"),
    ({"from": "20x0"}, "from", "20x0", "is not a year between 1949 and 2100"),
    ({"to": "1900"}, "to", "1900", "is not a year between 1949 and 2100"),
    ({"from": ["2015", "2016"]}, "from", "2015,2016", "give one year"),
    ({"from": "2020", "to": "2015"}, "to", "2015", "to=2015 is before from=2020"),
    ({"status": "reported,guess"}, "status", "guess", "unknown status 'guess'"),
])
def test_a_bad_value_names_its_parameter_the_value_and_the_choices(
    params: dict, param: str, value: str, fragment: str,
) -> None:
    with pytest.raises(SliceError) as caught:
        parse_slice(params, VOCAB)
    err = caught.value
    assert (err.param, err.value) == (param, value)
    assert fragment in err.message
    assert err.choices


def test_region_choices_offer_groups_and_every_code() -> None:
    with pytest.raises(SliceError) as caught:
        parse_slice({"region": "nowhere"}, VOCAB)
    assert {"east", "长三角", "100000", "650000"} <= set(caught.value.choices)


def test_unknown_parameter_names_are_refused_with_a_suggestion() -> None:
    with pytest.raises(SliceError, match="did you mean 'indicator'"):
        check_params({"indicators": ["cnc_rate"]}, ["indicator", "region"])
    check_params({"indicator": ["cnc_rate"]}, ["indicator", "region"])


@pytest.mark.parametrize(("value", "expected"),
                         [(None, "json"), ("", "json"), ("CSV", "csv"), (["parquet"], "parquet")])
def test_format_defaults_to_json(value: object, expected: str) -> None:
    assert parse_format(value) == expected


@pytest.mark.parametrize("value", ["pdf", "csv,json", ["csv", "xlsx"]])
def test_an_unknown_or_double_format_is_refused(value: object) -> None:
    with pytest.raises(SliceError) as caught:
        parse_format(value)
    assert caught.value.param == "format" and caught.value.choices == ["json", "parquet", "csv", "xlsx"]


@pytest.mark.parametrize(("s", "name"), [
    (JIANGSU_ZHEJIANG, "imm_cnc_rate_320000-330000_2015-2024.parquet"),
    (Slice(), "imm_all-indicators_all-regions_all-years.parquet"),
    (Slice(regions=("310000", "320000", "330000", "340000"), year_from=2020),
     "imm_all-indicators_4-regions_from-2020.parquet"),
    (Slice(indicators=("talent_gap",), year_from=2020, year_to=2020, statuses=("reported", "estimated")),
     "imm_talent_gap_all-regions_2020_reported-estimated.parquet"),
])
def test_file_names_describe_the_slice(s: Slice, name: str) -> None:
    assert s.filename("parquet") == name


@pytest.mark.parametrize("text", ["../../etc/passwd", ".hidden", "a b/c\\d\x00e", "浙江", ""])
def test_file_names_are_sanitised(text: str) -> None:
    name = safe_filename(text)
    assert re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", name), name
    assert "/" not in name and not name.startswith(".")


def test_the_query_string_round_trips_to_the_same_slice() -> None:
    s = parse_slice({"indicator": "design_tool_penetration,cnc_rate", "region": "长三角", "from": "2016",
                     "status": "reported,illustrative"}, VOCAB)
    assert s.to_query_string() == ("indicator=cnc_rate,design_tool_penetration&region=310000,320000,330000,340000"
                                   "&from=2016&status=reported,illustrative")
    assert parse_slice(parse_qs(s.to_query_string()), VOCAB) == s
    assert s.to_query_string("csv").endswith("&format=csv")


TEXT = st.one_of(st.text(max_size=30),
                 st.sampled_from(["cnc_rate", "浙江", "east", "2015", "2015年", ",", "", "长三角"]))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["indicator", "region", "from", "to", "status", "other"]),
                       st.one_of(TEXT, st.lists(TEXT, max_size=3)), max_size=5))
def test_any_input_gives_a_slice_or_a_slice_error(params: dict) -> None:
    try:
        s = parse_slice(params, VOCAB)
    except SliceError as err:
        assert err.param in ("indicator", "region", "from", "to", "status") and err.choices
    else:
        assert re.fullmatch(r"[A-Za-z0-9_.-]+", s.describe())
        assert parse_slice(parse_qs(s.to_query_string()), VOCAB) == s
