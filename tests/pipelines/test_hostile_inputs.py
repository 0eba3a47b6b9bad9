"""Hostile files are never misread silently: each problem is a row rejection with its reason, or one error line.

Every file is generated here, small, in the test that uses it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.catalogue import load_catalogue
from pipelines.normalise import RegionResolver

HEADER = "indicator,region,year,value\n"
RESOLVER = RegionResolver(load_catalogue().regions)
PROVINCES = [r for r in load_catalogue().regions if r.level == "province"]


def sql(db: Path, query: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(query, params or []).fetchall()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def reasons(db: Path) -> dict[int, str]:
    return dict(sql(db, "SELECT row_number, reason FROM rejected_rows ORDER BY row_number"))


# -- regions ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("region", "expected"), [
    ("南京市", "a city, district or county"),
    ("吉林市", "a city, district or county"),  # a city in 吉林省: stripping 市 must not make it the province
    ("朝阳区", "a city, district or county"),
    ("海南州", "a city, district or county"),  # a prefecture of 青海省, not 海南省
    ("锡林郭勒盟", "a city, district or county"),
    ("阿巴嘎旗", "a city, district or county"),
    ("江苏省南京市", "a city, district or county"),
    ("江苏南京", "a place within 江苏省"),
    ("Nanjing City", "a city, district or county"),
    ("320100", "the code of a city or county"),
    ("320102.0", "the code of a city or county"),
    ("32.0", "not a region code"),
    ("32 0000", "not a region code"),
    ("3.2", "not a region code"),
    ("3-2", "not a region code"),
    ("990000", "not the code of a provincial-level unit"),
    ("合计", "a total row"),
    ("总计", "a total row"),
    ("Total", "a total row"),
    ("全省合计", "a subtotal or a provincial total"),
    ("小计", "a subtotal or a provincial total"),
])
def test_regions_below_the_province_numbers_and_totals_are_rejected_with_a_reason(
    cli, empty_warehouse: Path, tmp_path: Path, region: str, expected: str,
) -> None:
    path = tmp_path / "t.csv"
    path.write_text(f"{HEADER}cnc_rate,{region},2020,50\ncnc_rate,江苏,2021,51\n", encoding="utf-8")
    result = cli("ingest", path, "--db", empty_warehouse)
    assert result.code == 0 and result.accounting == "read=2 loaded=1 rejected=1 skipped=0"
    assert expected in reasons(empty_warehouse)[2]
    assert sql(empty_warehouse, "SELECT region_code, year FROM observations") == [("320000", 2021)]


@pytest.mark.parametrize(("title", "total", "loaded"), [
    ("全国各地区关键工序数控化率", "合计", [("100000", 60.0), ("110000", 50.0)]),
    ("National CNC rate by province", "Total", [("100000", 60.0), ("110000", 50.0)]),
    ("各地区关键工序数控化率", "合计", [("110000", 50.0)]),
    ("全国各地区关键工序数控化率", "全省合计", [("110000", 50.0)]),
    ("各地区关键工序数控化率", "全国合计", [("100000", 60.0), ("110000", 50.0)]),
])
def test_a_total_row_is_the_national_figure_only_when_the_file_says_national(
    cli, empty_warehouse: Path, tmp_path: Path, title: str, total: str, loaded: list,
) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(f"{title}\n地区,2020\n北京,50\n{total},60\n", encoding="utf-8")
    assert cli("ingest", path, "--db", empty_warehouse, "--indicator", "cnc_rate").code == 0
    assert sql(empty_warehouse, "SELECT region_code, value FROM observations ORDER BY 1") == loaded


@settings(deadline=None, max_examples=200)
@given(st.sampled_from(PROVINCES), st.text(alphabet="东西南北中山河阳安平宁德州城", min_size=1, max_size=3),
       st.sampled_from(["市", "区", "县", "州", "盟", "旗", "自治州", "地区"]))
def test_no_name_below_the_province_resolves_to_a_province(region, middle: str, suffix: str) -> None:
    for prefix in ("", region.short_zh, region.name_zh):
        name = prefix + middle + suffix
        if name in (r.name_zh for r in PROVINCES):
            continue
        assert RESOLVER.resolve(name).code is None, name
        assert RESOLVER.resolve(name).suggestions == (), name  # not even a hint towards a province


@settings(deadline=None)
@given(st.sampled_from(PROVINCES), st.integers(min_value=1, max_value=9999))
def test_no_six_digit_code_below_the_province_resolves(region, rest: int) -> None:
    code = f"{region.region_code[:2]}{rest:04d}"
    assert RESOLVER.resolve(code).code is None
    assert RESOLVER.resolve(f"{code}.0").code is None


@settings(deadline=None)
@given(st.sampled_from(PROVINCES), st.sampled_from(["{}.0", "{} 0000", "{}.00", " {}.0 ", "{}0000.5", "{}-0000"]))
def test_decimals_and_spaced_numbers_are_never_province_codes(region, form: str) -> None:
    assert RESOLVER.resolve(form.format(region.region_code[:2])).code is None


@pytest.mark.parametrize(("name", "code"), [
    ("北京市", "110000"), ("重庆市", "500000"), ("内蒙古自治区", "150000"), ("香港特别行政区", "810000"),
    ("贵州", "520000"), ("贵州省", "520000"), ("Beijing City", "110000"), ("Jiangsu Province", "320000"),
    ("320000.0", "320000"), ("32", "320000"), ("全国合计", "100000"),
])
def test_provincial_names_that_end_like_a_city_still_resolve(name: str, code: str) -> None:
    assert RESOLVER.resolve(name).code == code


# -- values -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("indicator", "value", "expected"), [
    ("cnc_rate", "1e999", "not a finite number"),
    ("pilot_projects", "1e999", "not a finite number"),  # a count has no upper bound: inf must not pass
    ("pilot_projects", "inf", "not a finite number"),
    ("pilot_projects", "-inf", "not a finite number"),
    ("cnc_rate", "nan", "not a finite number"),
    ("cnc_rate", "NaN", "not a finite number"),
    ("cnc_rate", "Infinity", "not a finite number"),
    ("cnc_rate", "∞", "not a finite number"),
    ("pilot_projects", "12%", "carries a % sign but pilot_projects is a count"),
    ("talent_demand", "5％", "carries a % sign but talent_demand is a number of persons"),
    ("cnc_rate", "52.1¹", "footnote mark"),  # NFKC would read it as 52.11
])
def test_values_that_cannot_be_a_figure_are_row_rejections(cli, empty_warehouse: Path, tmp_path: Path,
                                                            indicator: str, value: str, expected: str) -> None:
    path = tmp_path / "v.csv"
    path.write_text(f"{HEADER}{indicator},江苏,2020,{value}\ncnc_rate,浙江,2020,52.1%\n", encoding="utf-8")
    result = cli("ingest", path, "--db", empty_warehouse)
    assert result.code == 0 and result.accounting == "read=2 loaded=1 rejected=1 skipped=0", result.out
    assert expected in reasons(empty_warehouse)[2]


def test_a_huge_value_times_the_unit_line_is_rejected_not_stored_as_infinity(cli, empty_warehouse: Path,
                                                                              tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text("各地区智能制造试点示范项目\n单位：亿\n地区,2020\n北京,1e301\n天津,2\n", encoding="utf-8")
    result = cli("ingest", path, "--db", empty_warehouse, "--indicator", "pilot_projects")
    assert result.accounting == "read=2 loaded=1 rejected=1 skipped=0"
    assert "not a finite number" in reasons(empty_warehouse)[4]


def test_a_percent_unit_line_on_a_count_is_refused(cli, empty_warehouse: Path, tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text("单位：%\n地区,2020\n北京,12\n", encoding="utf-8")
    before = digest(empty_warehouse)
    cli("ingest", path, "--db", empty_warehouse, "--indicator", "pilot_projects").one_error_line(
        "the unit line says % but pilot_projects is a count")
    assert digest(empty_warehouse) == before


def test_an_as_of_far_from_its_year_is_a_warning_and_still_loads(cli, empty_warehouse: Path, tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("indicator,region,year,value,as_of\ncnc_rate,江苏,2020,50,2010-03-31\n"
                    "cnc_rate,浙江,2020,51,2021-03-31\ncnc_rate,上海,2020,52,2018-06-30\n", encoding="utf-8")
    result = cli("ingest", path, "--db", empty_warehouse)
    assert result.accounting == "read=3 loaded=3 rejected=0 skipped=0"
    warnings = [line.strip() for line in result.out.splitlines() if "warning:" in line]
    assert warnings == [
        "warning: row 2: as_of 2010-03-31 is more than a year from its year 2020; check both",
        "warning: row 4: as_of 2018-06-30 is more than a year from its year 2020; check both",
    ]


# -- structure of text files ---------------------------------------------------------------------------------

def test_repeated_header_rows_are_skipped_as_such(cli, empty_warehouse: Path, tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(f"{HEADER}cnc_rate,江苏,2020,50\n{HEADER}cnc_rate,浙江,2020,51\nINDICATOR, Region ,YEAR,Value\n"
                    "指标,地区,年份,数值\ncnc_rate,上海,2020,52\n", encoding="utf-8")
    result = cli("ingest", path, "--db", empty_warehouse)
    assert result.accounting == "read=6 loaded=3 rejected=0 skipped=3"
    assert "3 repeated header row" in result.out
    wide = tmp_path / "w.csv"
    wide.write_text("地区,2020年,2021年\n北京,50,51\n地区,2020年,2021年\n天津,52,53\n", encoding="utf-8")
    result = cli("ingest", wide, "--db", empty_warehouse, "--indicator", "design_tool_penetration")
    assert result.accounting == "read=5 loaded=4 rejected=0 skipped=1"


def test_a_nul_byte_anywhere_makes_the_file_binary(cli, empty_warehouse: Path, tmp_path: Path) -> None:
    path = tmp_path / "n.csv"
    path.write_bytes((HEADER + "cnc_rate,江苏,2020,50\n" * 20_000).encode() + b"cnc_rate,\x00,2020,1\n")
    assert path.stat().st_size > 256 * 1024  # well past any sniffed prefix
    before = digest(empty_warehouse)
    cli("ingest", path, "--db", empty_warehouse).one_error_line("looks binary", "NUL byte at byte")
    assert digest(empty_warehouse) == before


@pytest.mark.parametrize(("encoding", "bom", "named"), [
    ("utf-16-le", b"\xff\xfe", "UTF-16 (little-endian) text with a byte-order mark"),
    ("utf-16-be", b"\xfe\xff", "UTF-16 (big-endian) text with a byte-order mark"),
    ("utf-16-le", b"", "UTF-16 (little-endian) text without a byte-order mark"),
    ("utf-16-be", b"", "UTF-16 (big-endian) text without a byte-order mark"),
    ("utf-32-le", b"\xff\xfe\x00\x00", "UTF-32 (little-endian) text"),
])
def test_utf16_text_is_named_with_what_to_save_as(cli, empty_warehouse: Path, tmp_path: Path, encoding: str,
                                                   bom: bytes, named: str) -> None:
    path = tmp_path / "u.csv"
    path.write_bytes(bom + f"{HEADER}cnc_rate,江苏,2020,50\ncnc_rate,浙江,2020,51\n".encode(encoding))
    cli("ingest", path, "--db", empty_warehouse).one_error_line(named, "CSV UTF-8")


def test_an_old_binary_xls_is_named_with_what_to_save_as(cli, empty_warehouse: Path, tmp_path: Path) -> None:
    path = tmp_path / "old.csv"  # the extension says nothing
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + b"\xff" * 512)
    cli("ingest", path, "--db", empty_warehouse).one_error_line(".xls", "OLE2", ".xlsx", "CSV UTF-8")


def test_a_very_long_cell_is_its_rows_rejection_not_the_files_failure(cli, empty_warehouse: Path,
                                                                       tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    long_note = "说" * 200_000  # beyond the csv module's own 131,072-character field limit
    path.write_text(f"indicator,region,year,value,note\ncnc_rate,江苏,2020,50,\ncnc_rate,浙江,2020,51,{long_note}\n"
                    "cnc_rate,上海,2020,52,\n", encoding="utf-8")
    result = cli("ingest", path, "--db", empty_warehouse)
    assert result.accounting == "read=3 loaded=2 rejected=1 skipped=0"
    ((raw, reason),) = sql(empty_warehouse, "SELECT raw, reason FROM rejected_rows")
    assert "a cell longer than 10,000 characters (MAX_CELL_CHARS)" in reason
    assert len(raw) <= 1_001


def test_an_unclosed_quote_in_a_long_file_costs_only_the_lines_up_to_the_cell_limit(
    cli, empty_warehouse: Path, tmp_path: Path,
) -> None:
    path = tmp_path / "q.csv"
    after = "".join(f"cnc_rate,上海,{1950 + i},52\n" for i in range(150)) * 10  # 1,500 lines, ~30,000 characters
    path.write_text(f'{HEADER}cnc_rate,江苏,2020,50\ncnc_rate,"浙江,2020,51\n{after}', encoding="utf-8")
    result = cli("ingest", path, "--db", empty_warehouse)
    assert result.code == 0 and "rejected=1 " in result.accounting
    assert "an unclosed quote" in sql(empty_warehouse, "SELECT reason FROM rejected_rows")[0][0]
    assert sql(empty_warehouse, "SELECT count(*) FROM observations")[0][0] == 151  # the lines after it load


def test_an_unclosed_quote_costs_the_rows_it_swallows_not_the_file(cli, empty_warehouse: Path,
                                                                    tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_text(f'{HEADER}cnc_rate,江苏,2020,50\ncnc_rate,"浙江,2020,51\ncnc_rate,上海,2020,52\n', encoding="utf-8")
    result = cli("ingest", path, "--db", empty_warehouse)
    assert result.code == 0 and result.accounting == "read=2 loaded=1 rejected=1 skipped=0"


# -- parquet --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("column", "named"), [
    (pa.array([{"a": 1}]), "is nested (struct<a: int64>)"),
    (pa.array([[1, 2]]), "is nested (list<"),
    (pa.array([[("k", 1)]], type=pa.map_(pa.string(), pa.int64())), "is nested (map<"),
    (pa.array([1], type=pa.duration("s")), "has type duration[s]"),
])
def test_parquet_with_a_nested_or_unsupported_column_gets_one_error_line(cli, empty_warehouse: Path, tmp_path: Path,
                                                                         column: pa.Array, named: str) -> None:
    path = tmp_path / "n.parquet"
    pq.write_table(pa.table({"indicator": ["cnc_rate"], "region": ["江苏"], "year": [2020], "value": [50.0],
                             "note": column}), path)
    cli("ingest", path, "--db", empty_warehouse).one_error_line(f"column 'note' {named}", "flat columns")


def test_parquet_with_duplicate_columns_gets_one_error_line(cli, empty_warehouse: Path, tmp_path: Path) -> None:
    path = tmp_path / "d.parquet"
    arrays = [pa.array(["cnc_rate"]), pa.array(["江苏"]), pa.array([2020]), pa.array([50.0]), pa.array([51.0])]
    pq.write_table(pa.Table.from_arrays(arrays, names=["indicator", "region", "year", "value", "value"]), path)
    cli("ingest", path, "--db", empty_warehouse).one_error_line("'value' appear more than once")


def test_parquet_cells_are_stored_as_their_text_never_as_python_reprs(cli, empty_warehouse: Path,
                                                                      tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({
        "indicator": ["cnc_rate"] * 5, "region": ["江苏", "浙江", "上海", "北京", "天津"], "year": [2020] * 5,
        "value": pa.array([50.0, 51.0, None, float("nan"), 53.0]),
        "note": pa.array([b"bytes note", None, "x", "y", b"\xff\xfe"], type=pa.binary()),
        "scope": pa.array([True, None, False, None, None]),
    }), path)
    result = cli("ingest", path, "--db", empty_warehouse)
    assert result.accounting == "read=5 loaded=2 rejected=2 skipped=1"
    assert sql(empty_warehouse, "SELECT region_code, note, scope FROM observations ORDER BY 1") == [
        ("320000", "bytes note", "TRUE"), ("330000", None, None)]
    stored = reasons(empty_warehouse)
    assert "not a finite number" in stored[5] and "not UTF-8 text" in stored[6]
    texts = sql(empty_warehouse, "SELECT raw FROM rejected_rows UNION ALL SELECT note FROM observations")
    assert not any(t and ("b'" in t or "None" in t or "{'" in t) for (t,) in texts)
