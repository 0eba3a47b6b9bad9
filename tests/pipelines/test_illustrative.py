"""The illustrative province panels: regenerated identically, and faithful to every published constraint."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

from pipelines import illustrative

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "data" / "raw"
YEARS = list(range(2015, 2025))
LEADERS = ["江苏", "浙江", "山东", "广东", "上海", "北京"]
WESTERN_LAGGARDS = ["西藏", "青海", "甘肃", "新疆"]
PILOT_LEADERS = {"370000": "Shandong", "330000": "Zhejiang", "440000": "Guangdong", "320000": "Jiangsu",
                 "340000": "Anhui"}
PILOT_SINGLES = {"460000": "Hainan", "220000": "Jilin", "630000": "Qinghai", "540000": "Tibet"}
NOTICE_2018 = {"370000": 11, "330000": 8, "320000": 7, "430000": 7, "340000": 7}


def mainland() -> pd.DataFrame:
    regions = pd.DataFrame(yaml.safe_load((ROOT / "config" / "regions.yaml").read_text(encoding="utf-8")))
    keep = (regions["level"] == "province") & ~regions["region_code"].isin(["710000", "810000", "820000"])
    return regions.loc[keep, ["region_code", "name_zh", "short_zh"]].reset_index(drop=True)


def read_cnc_csv(path: Path) -> pd.DataFrame:
    """The GBK yearbook CSV as province short name by year."""
    frame = pd.read_csv(path, encoding="gbk", skiprows=2, nrows=31, index_col="地区")
    frame.columns = [int(c.removesuffix("年")) for c in frame.columns]
    return frame


def read_design_xlsx(path: Path) -> pd.DataFrame:
    """The yearbook sheet as province short name by year (full names mapped through config/regions.yaml)."""
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        rows = list(book.active.iter_rows(values_only=True))
    finally:
        book.close()  # read-only workbooks keep the file open until closed
    body = rows[3:34]
    frame = pd.DataFrame([r[1:] for r in body], index=[r[0] for r in body], columns=list(rows[2][1:]))
    names = mainland().set_index("name_zh")["short_zh"]
    return frame.rename(index=names).astype(float)


def read_pilot_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"region": str, "as_of": str, "breakdown": str}, keep_default_na=False)


def national(indicator: str) -> pd.DataFrame:
    frame = pd.read_csv(RAW / "national_rates.csv", dtype={"as_of": str}, keep_default_na=False)
    return frame[frame["indicator"] == indicator]


def pilot_matrix() -> pd.DataFrame:
    """Projects per province code by year, zeros filled in."""
    frame = read_pilot_csv(RAW / illustrative.PILOT_CSV)
    matrix = frame.pivot_table(index="region", columns="year", values="value", aggfunc="sum", fill_value=0)
    return matrix.reindex(mainland()["region_code"], fill_value=0)


RATE_PANELS = {
    "cnc_rate": lambda: read_cnc_csv(RAW / illustrative.CNC_CSV),
    "design_tool_penetration": lambda: read_design_xlsx(RAW / illustrative.DESIGN_XLSX),
}


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("illustrative")
    illustrative.generate(out)
    return out


# --- reproducibility ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", [illustrative.CNC_CSV, illustrative.PILOT_CSV])
def test_regenerating_a_csv_gives_the_committed_bytes(regenerated: Path, name: str) -> None:
    assert (regenerated / name).read_bytes() == (RAW / name).read_bytes()


def test_regenerating_the_xlsx_gives_the_committed_cells_and_fixed_times(regenerated: Path) -> None:
    fresh = openpyxl.load_workbook(regenerated / illustrative.DESIGN_XLSX)
    committed = openpyxl.load_workbook(RAW / illustrative.DESIGN_XLSX)
    cells = [list(book.active.iter_rows(values_only=True)) for book in (fresh, committed)]
    assert cells[0] == cells[1]
    for book in (fresh, committed):
        assert book.properties.created == book.properties.modified == datetime(*illustrative.STAMP)


def test_generating_twice_gives_identical_xlsx_bytes(tmp_path: Path, regenerated: Path) -> None:
    illustrative.generate(tmp_path)
    name = illustrative.DESIGN_XLSX
    assert (tmp_path / name).read_bytes() == (regenerated / name).read_bytes()


# --- the two rate panels --------------------------------------------------------------------------

def test_cnc_csv_reads_as_a_gbk_yearbook_table_with_notes() -> None:
    lines = (RAW / illustrative.CNC_CSV).read_bytes().decode("gbk").splitlines()
    assert lines[0].startswith("表") and "关键工序数控化率" in lines[0]
    assert lines[1].startswith("单位") and lines[1].endswith("%")
    assert lines[2] == "地区," + ",".join(f"{y}年" for y in YEARS)
    assert lines[-2].startswith("注")
    assert all(word in lines[-2] for word in ("示意数据", "illustrative", "非官方统计"))
    assert "pipelines/illustrative.py" in lines[-2] and lines[-1].startswith("资料来源")
    with pytest.raises(UnicodeDecodeError):
        (RAW / illustrative.CNC_CSV).read_bytes().decode("utf-8")


def test_design_xlsx_has_the_same_yearbook_shape() -> None:
    rows = list(openpyxl.load_workbook(RAW / illustrative.DESIGN_XLSX).active.iter_rows(values_only=True))
    assert "数字化研发设计工具普及率" in rows[0][0] and rows[1][0].startswith("单位")
    assert list(rows[2]) == ["地区", *YEARS]
    assert rows[-2][0].startswith("注") and "非官方统计" in rows[-2][0] and rows[-1][0].startswith("资料来源")


@pytest.mark.parametrize("indicator", list(RATE_PANELS))
def test_rate_panel_lists_each_mainland_province_once_for_every_year(indicator: str) -> None:
    panel = RATE_PANELS[indicator]()
    assert sorted(panel.index) == sorted(mainland()["short_zh"])
    assert list(panel.columns) == YEARS
    assert not panel.isna().any().any()


@pytest.mark.parametrize("indicator", list(RATE_PANELS))
def test_rate_panel_values_lie_strictly_between_0_and_100_with_one_decimal(indicator: str) -> None:
    values = RATE_PANELS[indicator]().to_numpy().ravel()
    assert ((values > 0) & (values < 100)).all()
    assert all(round(v, 1) == v for v in values)


@pytest.mark.parametrize("indicator", list(RATE_PANELS))
def test_rate_panel_province_mean_stays_within_two_points_of_national(indicator: str) -> None:
    means = RATE_PANELS[indicator]().mean()
    series = national(indicator)
    year_end = series[series["as_of"] == ""].set_index("year")["value"]
    for year in YEARS:
        if year in year_end.index:
            assert abs(means[year] - year_end[year]) <= 2, year
        else:  # between the nearest published figures before and after (any reference date)
            before = series[series["year"] < year].sort_values("year")["value"].iloc[-1]
            after = series[series["year"] > year].sort_values("year")["value"].iloc[0]
            assert min(before, after) - 2 <= means[year] <= max(before, after) + 2, year


@pytest.mark.parametrize("indicator", list(RATE_PANELS))
def test_rate_panel_ranks_coastal_leaders_above_western_provinces(indicator: str) -> None:
    average = RATE_PANELS[indicator]().mean(axis=1)
    assert average[LEADERS].min() > average.median() > average[WESTERN_LAGGARDS].max()
    assert set(average.nlargest(6).index) <= set(LEADERS) | {"天津", "河南", "湖北"}


@pytest.mark.parametrize("indicator", list(RATE_PANELS))
def test_rate_panel_provinces_mostly_trend_upward(indicator: str) -> None:
    panel = RATE_PANELS[indicator]()
    steps = panel.diff(axis=1).iloc[:, 1:]
    assert (steps > 0).to_numpy().mean() >= 0.9
    assert (panel[2024] > panel[2015] + 10).all()


# --- the pilot panel ------------------------------------------------------------------------------

def test_pilot_panel_yearly_totals_match_national_counts() -> None:
    counts = pd.read_csv(RAW / "pilot_projects_national.csv").set_index("year")["value"]
    assert pilot_matrix().sum().to_dict() == counts.to_dict() == {2015: 46, 2016: 63, 2017: 97, 2018: 99}


def test_pilot_panel_2015_batch_spans_exactly_21_provinces() -> None:
    assert (pilot_matrix()[2015] > 0).sum() == 21


def test_pilot_panel_keeps_the_2018_notice_counts_as_reported_cells() -> None:
    frame = read_pilot_csv(RAW / illustrative.PILOT_CSV)
    reported = frame[frame["status"] == "reported"]
    assert dict(zip(reported["region"], reported["value"], strict=True)) == NOTICE_2018
    assert set(reported["year"]) == {2018} and set(reported["source"]) == {"miit_pilot_2018_notice"}
    rest = frame[frame["status"] != "reported"]
    assert set(rest["status"]) == {"illustrative"} and set(rest["source"]) == {"illustrative_pilot_panel"}


def test_pilot_panel_2018_notice_provinces_lead_the_2018_batch() -> None:
    others = pilot_matrix()[2018].drop(list(NOTICE_2018))
    assert others.max() < min(NOTICE_2018.values())


@pytest.mark.parametrize("code", list(PILOT_LEADERS))
def test_pilot_panel_five_leading_provinces_have_at_least_18_projects(code: str) -> None:
    assert pilot_matrix().loc[code].sum() >= 18


@pytest.mark.parametrize("code", list(PILOT_SINGLES))
def test_pilot_panel_four_smallest_provinces_have_exactly_one_project(code: str) -> None:
    assert pilot_matrix().loc[code].sum() == 1


def test_pilot_panel_covers_all_31_provinces_and_others_lie_between_the_extremes() -> None:
    totals = pilot_matrix().sum(axis=1)
    assert len(totals) == 31 and (totals >= 1).all()
    others = totals.drop(list(PILOT_LEADERS) + list(PILOT_SINGLES))
    assert others.between(2, 17).all()


@pytest.mark.parametrize("code", ["620000", "220000", "630000"])
def test_pilot_panel_gansu_jilin_qinghai_get_their_first_projects_in_2017(code: str) -> None:
    row = pilot_matrix().loc[code]
    assert row[2015] == row[2016] == 0 < row[2017]


def test_pilot_panel_named_provinces_gain_at_least_four_projects_in_2017() -> None:
    assert (pilot_matrix().loc[["330000", "320000", "340000", "410000", "430000", "440000"], 2017] >= 4).all()


def test_pilot_panel_no_province_exceeds_15_projects_in_a_year() -> None:
    assert pilot_matrix().to_numpy().max() <= 15


def test_pilot_panel_omits_zero_cells_except_before_first_projects() -> None:
    frame = read_pilot_csv(RAW / illustrative.PILOT_CSV)
    zeros = frame[frame["value"] == 0]
    assert set(zip(zeros["region"], zeros["year"], strict=True)) == {
        (c, y) for c in ("620000", "220000", "630000") for y in (2015, 2016)
    }


def test_pilot_violations_name_a_broken_constraint() -> None:
    codes = list(mainland()["region_code"])
    panel = illustrative.pilot_panel(codes, illustrative.SEEDS["pilot_projects"])
    assert illustrative.pilot_violations(panel, codes) == []
    panel[("460000", 2018)] = panel.get(("460000", 2018), 0) + 1
    assert "singles = 1" in illustrative.pilot_violations(panel, codes)
