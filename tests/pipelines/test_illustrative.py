"""The illustrative province panels: regenerated identically, faithful to every published constraint, and never
inventing a national value or contradicting a real provincial one."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

from pipelines import illustrative

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "data" / "raw"
PANEL_YEARS = {  # the years of 2015-2024 with a real national value (data/raw/national_rates.csv)
    "cnc_rate": [2015, 2020, 2021, 2022, 2023],
    "design_tool_penetration": [2015, 2019, 2020, 2021, 2022, 2023, 2024],
}
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
    frame = pd.read_csv(path, encoding="gbk", skiprows=2, nrows=31, index_col="地区", na_values=[illustrative.NO_VALUE])
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
    return frame.replace(illustrative.NO_VALUE, float("nan")).rename(index=names).astype(float)


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


def short_names() -> dict[str, str]:
    return dict(zip(mainland()["region_code"], mainland()["short_zh"], strict=True))


def real_cells(indicator: str) -> dict[tuple[str, int], float]:
    """Real provincial values from data/raw/province_figures.csv, keyed by (short name, year)."""
    frame = pd.read_csv(RAW / illustrative.REAL_CSV, dtype={"region": str}, keep_default_na=False)
    keep = (frame["indicator"] == indicator) & frame["status"].isin(["reported", "estimated"])
    names = short_names()
    return {(names[r.region], int(r.year)): float(r.value) for r in frame[keep].itertuples()}


def combined(indicator: str) -> pd.DataFrame:
    """The panel with the real values put in the cells it leaves empty."""
    panel = RATE_PANELS[indicator]().copy()
    for (name, year), value in real_cells(indicator).items():
        if year in panel.columns:
            panel.loc[name, year] = value
    return panel


def national_value(indicator: str, year: int) -> float:
    """The year-end national value, else the latest as-of value within the year."""
    rows = national(indicator)
    rows = rows[rows["year"] == year].sort_values("as_of", key=lambda s: s.replace("", "9999"))
    return float(rows["value"].iloc[-1])


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
    assert lines[2] == "地区," + ",".join(f"{y}年" for y in PANEL_YEARS["cnc_rate"])
    assert "2015—2023年" in lines[0]
    assert lines[-2].startswith("注")
    assert all(word in lines[-2] for word in ("示意数据", "illustrative", "非官方统计"))
    assert "pipelines/illustrative.py" in lines[-2] and lines[-1].startswith("资料来源")
    with pytest.raises(UnicodeDecodeError):
        (RAW / illustrative.CNC_CSV).read_bytes().decode("utf-8")


def test_design_xlsx_has_the_same_yearbook_shape() -> None:
    rows = list(openpyxl.load_workbook(RAW / illustrative.DESIGN_XLSX).active.iter_rows(values_only=True))
    assert "数字化研发设计工具普及率" in rows[0][0] and rows[1][0].startswith("单位")
    assert list(rows[2]) == ["地区", *PANEL_YEARS["design_tool_penetration"]]
    assert rows[-2][0].startswith("注") and "非官方统计" in rows[-2][0] and rows[-1][0].startswith("资料来源")


@pytest.mark.parametrize("indicator", list(RATE_PANELS))
def test_rate_panel_has_a_column_for_every_year_with_a_national_value_and_no_other(indicator: str) -> None:
    published = {int(y) for y in national(indicator)["year"]} & set(range(2015, 2025))
    assert list(RATE_PANELS[indicator]().columns) == sorted(published) == PANEL_YEARS[indicator]
    assert list(illustrative.national_by_year(indicator)) == PANEL_YEARS[indicator]


@pytest.mark.parametrize(("indicator", "year", "value"), [
    ("cnc_rate", 2020, 52.1),  # the year-end figure, not the end-of-September 51.7
    ("cnc_rate", 2021, 55.3),
    ("design_tool_penetration", 2020, 72.1),  # only an as-of figure (end of September) exists
    ("design_tool_penetration", 2019, 69.3),
])
def test_panel_anchors_are_published_national_values(indicator: str, year: int, value: float) -> None:
    assert illustrative.national_by_year(indicator)[year] == value


@pytest.mark.parametrize("indicator", list(RATE_PANELS))
def test_rate_panel_lists_each_mainland_province_once_and_leaves_only_real_cells_empty(indicator: str) -> None:
    panel = RATE_PANELS[indicator]()
    assert sorted(panel.index) == sorted(mainland()["short_zh"])
    empty = {(name, int(year)) for name in panel.index for year in panel.columns if pd.isna(panel.loc[name, year])}
    real_in_panel = {k for k in real_cells(indicator) if k[1] in panel.columns}
    assert empty == real_in_panel and real_in_panel  # the real row supplies these cells, never a generated one


@pytest.mark.parametrize("indicator", list(RATE_PANELS))
def test_rate_panel_values_lie_strictly_between_0_and_100_with_one_decimal(indicator: str) -> None:
    values = RATE_PANELS[indicator]().to_numpy().ravel()
    values = values[~pd.isna(values)]
    assert ((values > 0) & (values < 100)).all()
    assert all(round(v, 1) == v for v in values)


@pytest.mark.parametrize("indicator", list(RATE_PANELS))
def test_rate_panel_mean_over_31_provinces_with_real_values_equals_national(indicator: str) -> None:
    means = combined(indicator).mean()  # no cell is empty once the real values are in
    for year in PANEL_YEARS[indicator]:
        assert abs(means[year] - national_value(indicator, year)) <= 0.05, year  # one-decimal rounding only


@pytest.mark.parametrize("indicator", list(RATE_PANELS))
def test_provinces_with_real_values_keep_their_real_deviation_in_generated_years(indicator: str) -> None:
    panel = RATE_PANELS[indicator]()
    codes = {v: k for k, v in short_names().items()}
    years = PANEL_YEARS[indicator]
    real = {(codes[name], year): value for (name, year), value in real_cells(indicator).items()}
    offsets = illustrative.real_offsets(real, illustrative.national_values(indicator), years,
                                        illustrative.real_dates(indicator))
    assert offsets  # at least one province is re-fitted
    for code, deviation in offsets.items():
        for year, expected in zip(years, deviation, strict=True):
            cell = panel.loc[short_names()[code], year]
            if not pd.isna(cell):  # noise (sd 0.4) and the yearly re-centring only
                assert abs(cell - national_value(indicator, year) - expected) <= 2, (code, year)


def test_real_deviations_are_interpolated_between_the_real_years() -> None:
    national = {2020: 50.0, 2022: 60.0}
    fitted = illustrative.real_offsets({("520000", 2020): 40.0, ("520000", 2022): 58.0}, national, [2020, 2021, 2022])
    assert fitted == {"520000": [-10.0, -6.0, -2.0]}


def line_at(when: float, year0: int, value0: float, year1: int, value1: float) -> float:
    return value0 + (value1 - value0) * (when - year0) / (year1 - year0)


def test_a_real_value_of_a_year_without_a_national_value_lies_on_its_provinces_line_at_its_date() -> None:
    national = {2015: 45.4, 2020: 52.1}
    mid_2019 = date(2019, 6, 30)
    fitted = illustrative.real_offsets({("610000", 2019): 47.7}, national, [2015, 2020], {("610000", 2019): mid_2019})
    low, high = (national[y] + d for y, d in zip(national, fitted["610000"], strict=True))
    when = illustrative.time_position(2019, mid_2019)
    assert 2018 < when < 2019  # the end of June 2019, on an axis where 2015 is the end of 2015
    assert line_at(when, 2015, low, 2020, high) == pytest.approx(47.7)
    assert illustrative.real_offsets({("610000", 2026): 70.0}, national, [2015, 2020]) == {}  # beyond the series


def test_a_provinces_own_value_of_a_neighbouring_year_wins_over_a_bridged_deviation() -> None:
    national = {2015: 45.4, 2020: 52.1}
    real = {("610000", 2019): 47.7, ("610000", 2020): 60.0}
    fitted = illustrative.real_offsets(real, national, [2015, 2020], {("610000", 2019): date(2019, 6, 30)})
    assert fitted["610000"][1] == pytest.approx(60.0 - 52.1)


def test_shipped_cnc_panel_is_fitted_around_shaanxis_mid_2019_value() -> None:
    """Shaanxi's only real CNC value (47.7, end of June 2019) falls in a year without a panel column: the
    straight line between its generated 2015 and 2020 values passes near it (noise and re-centring only)."""
    panel = RATE_PANELS["cnc_rate"]()
    when = illustrative.time_position(2019, date(2019, 6, 30))
    assert 2019 not in panel.columns
    assert abs(line_at(when, 2015, panel.loc["陕西", 2015], 2020, panel.loc["陕西", 2020]) - 47.7) <= 1.5


@pytest.mark.parametrize("indicator", list(RATE_PANELS))
def test_every_real_value_between_panel_columns_lies_near_its_provinces_generated_line(indicator: str) -> None:
    panel = RATE_PANELS[indicator]()
    codes = {v: k for k, v in short_names().items()}
    dates = illustrative.real_dates(indicator)
    columns = list(panel.columns)
    for (name, year), value in real_cells(indicator).items():
        if year in columns or not columns[0] < year < columns[-1]:
            continue
        y0, y1 = max(y for y in columns if y < year), min(y for y in columns if y > year)
        when = illustrative.time_position(year, dates.get((codes[name], year)))
        assert abs(line_at(when, y0, panel.loc[name, y0], y1, panel.loc[name, y1]) - value) <= 1.5, (name, year)


def test_rate_panel_leaves_real_cells_empty_and_recentres_the_others_on_a_small_case() -> None:
    provinces = illustrative.load_provinces()
    real = {("110000", 2020): 80.0, ("630000", 2020): 30.0}
    panel = illustrative.rate_panel(provinces, {2020: 50.0, 2021: 52.0}, seed=1, real=real)
    by_code = {p.code: row for p, row in zip(provinces, panel, strict=True)}
    assert by_code["110000"][0] is None and by_code["630000"][0] is None
    cells_2020 = [row[0] for row in panel if row[0] is not None] + list(real.values())
    assert abs(sum(cells_2020) / len(provinces) - 50.0) <= 0.05
    assert abs(sum(row[1] for row in panel) / len(provinces) - 52.0) <= 0.05
    assert abs(by_code["110000"][1] - 52.0 - 30.0) <= 2  # Beijing keeps its real deviation (+30) in 2021


@pytest.mark.parametrize("indicator", list(RATE_PANELS))
def test_rate_panel_ranks_coastal_leaders_above_western_provinces(indicator: str) -> None:
    average = RATE_PANELS[indicator]().mean(axis=1)
    fitted = {name for name, _ in real_cells(indicator)}  # placed by their real values, not by their tier
    laggards = [name for name in WESTERN_LAGGARDS if name not in fitted]
    assert average[LEADERS].min() > average.median() > average[laggards].max()
    assert set(average.nlargest(6).index) <= set(LEADERS) | {"天津", "河南", "湖北"}


@pytest.mark.parametrize("indicator", list(RATE_PANELS))
def test_rate_panel_provinces_mostly_trend_upward(indicator: str) -> None:
    panel = combined(indicator)
    steps = panel.diff(axis=1).iloc[:, 1:]
    assert (steps > 0).to_numpy().mean() >= 0.9
    first, last = PANEL_YEARS[indicator][0], PANEL_YEARS[indicator][-1]
    assert (panel[last] > panel[first] + 10).all()


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
