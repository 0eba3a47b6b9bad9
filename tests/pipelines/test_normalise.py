"""Cell text from real files → numbers, years, dates and region codes."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.catalogue import load_catalogue
from pipelines.normalise import (
    CellError,
    RegionResolver,
    is_no_value,
    parse_date,
    parse_number,
    parse_year,
    unknown_region_reason,
)


@pytest.fixture(scope="module")
def resolver() -> RegionResolver:
    return RegionResolver(load_catalogue().regions)


@pytest.mark.parametrize(("text", "expected"), [
    ("52.1", 52.1), ("52.1%", 52.1), (" 52.1 % ", 52.1), ("５２．１", 52.1), ("５２．１％", 52.1),
    ("1,234", 1234.0), ("7,500,000", 7_500_000.0), ("１，２３４", 1234.0), ("-22", -22.0), ("+34", 34.0),
    ("0", 0.0), (".5", 0.5), ("3e2", 300.0), ("7 500 000", 7_500_000.0),
])
def test_numbers_in_the_forms_yearbooks_print_them(text: str, expected: float) -> None:
    assert parse_number(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["abc", "52.1.1", "1,23", "52.1%%", "二十"])
def test_text_that_is_not_a_number_is_refused_with_the_text_in_the_message(text: str) -> None:
    with pytest.raises(CellError, match="is not a number"):
        parse_number(text)


@pytest.mark.parametrize("text", ["", " ", "—", "-", "--", "…", "...", "NA", "n/a", "——"])
def test_no_value_markers(text: str) -> None:
    assert is_no_value(text)


@pytest.mark.parametrize("text", ["0", "52.1", "NAN1"])
def test_values_are_not_no_value_markers(text: str) -> None:
    assert not is_no_value(text)


@settings(deadline=None)  # shared CI machines are slow and noisy; correctness, not speed, is tested here
@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False).map(lambda x: round(x, 3)))
def test_any_number_survives_thousands_separators_percent_and_full_width(x: float) -> None:
    grouped = f"{x:,.3f}%"
    full_width = grouped.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789.,%"})
    assert parse_number(grouped) == pytest.approx(x)
    assert parse_number(full_width) == pytest.approx(x)


@pytest.mark.parametrize(("text", "year"), [("2016", 2016), ("2016年", 2016), ("2016.0", 2016), ("２０１６年", 2016)])
def test_years(text: str, year: int) -> None:
    assert parse_year(text) == year


@pytest.mark.parametrize("text", ["20x0", "1800", "2016-17", "", "16"])
def test_bad_years_are_refused(text: str) -> None:
    with pytest.raises(CellError, match="not a year"):
        parse_year(text)


@pytest.mark.parametrize(("text", "date"), [
    ("2020-09-30", dt.date(2020, 9, 30)), ("2020/9/30", dt.date(2020, 9, 30)),
    ("2020年9月30日", dt.date(2020, 9, 30)), ("2025-03", dt.date(2025, 3, 31)), ("2024-12", dt.date(2024, 12, 31)),
])
def test_as_of_dates(text: str, date: dt.date) -> None:
    assert parse_date(text) == date


@pytest.mark.parametrize(("text", "code"), [
    ("110000", "110000"), ("11", "110000"), ("320000.0", "320000"), ("北京", "110000"), ("北京市", "110000"),
    ("内蒙古", "150000"), ("内蒙古自治区", "150000"), ("Inner Mongolia", "150000"), ("nei mongol", "150000"),
    ("NeiMenggu", "150000"), ("广西壮族自治区", "450000"), ("广西", "450000"), ("西藏", "540000"),
    ("Tibet", "540000"), ("Xizang", "540000"), ("黑龍江省", "230000"), ("臺灣", "710000"), ("廣東省", "440000"),
    ("  jiang su ", "320000"), ("SHAANXI", "610000"), ("Shanxi", "140000"), ("全国", "100000"),
    ("China", "100000"), ("national", "100000"), ("香港特别行政区", "810000"), ("Macau", "820000"),
    ("新疆维吾尔自治区", "650000"), ("宁夏回族自治区", "640000"), ("Ｊｉａｎｇｓｕ", "320000"),
])
def test_region_names_codes_and_spellings(resolver: RegionResolver, text: str, code: str) -> None:
    assert resolver.resolve(text).code == code


def test_every_configured_name_and_alias_resolves_to_its_own_region(resolver: RegionResolver) -> None:
    for region in load_catalogue().regions:
        for name in (region.name_zh, region.short_zh, region.name_en, region.pinyin, region.region_code,
                     *region.aliases):
            assert resolver.resolve(name).code == region.region_code, name


def test_unknown_region_suggests_the_closest_names(resolver: RegionResolver) -> None:
    match = resolver.resolve("黑龙")
    assert match.code is None
    assert unknown_region_reason("黑龙", match) == "unknown region '黑龙' — did you mean 黑龙江省?"


REGIONS = load_catalogue().regions
RESOLVER = RegionResolver(REGIONS)


@settings(deadline=None)
@given(st.sampled_from(REGIONS), st.sampled_from(["upper", "lower", "spaced", "fullwidth"]))
def test_english_names_resolve_in_any_case_and_spacing(region, style: str) -> None:
    name = region.name_en
    variant = {
        "upper": name.upper(), "lower": name.lower(), "spaced": f"  {' '.join(name)}  ",
        "fullwidth": name.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)}),
    }[style]
    assert RESOLVER.resolve(variant).code == region.region_code
