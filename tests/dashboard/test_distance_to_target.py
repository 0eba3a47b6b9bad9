"""Distance to target against hand-computed cases: years ahead or behind, year reached, Eurostat beside SDSN.

Times are fractional years (end of 2020 = 2021.0). Unless a case says otherwise: baseline B at 2021.0 (end of
2020), latest L at 2023.0 (end of 2022), target T due by the end of 2025, so the deadline D = 2026.0.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from dashboard.distance import (
    OWN,
    Reach,
    Sdsn,
    choose_target,
    counts,
    distance_frame,
    measure,
    path_time,
    sdsn_status,
    year_reached,
)
from dashboard.figures.distance_chart import distance_bars, years_text
from dashboard.progress import Point, Status, classify
from pipelines.build import build
from pipelines.ingest import ingest_file
from pipelines.warehouse import Warehouse

B = Point(2021.0, 50.0)


def _distance(base: Point, latest: Point, target: float, comparator: str = ">="):
    progress = classify([base, latest], comparator=comparator, target=target, target_year=2025)
    return measure(progress, comparator=comparator, target=target, target_year=2025)


@pytest.mark.parametrize(
    ("base", "latest", "target", "comparator", "eurostat", "sdsn", "ahead", "reach"), [
        # compound, behind: B 50 → L 55 (two years), T 80 by 2026.0.
        #   t* = 2021 + 5·ln(55/50)/ln(80/50) = 2021 + 5·0.09531/0.47000 = 2022.0139 → 2022.0139 − 2023 = −0.986
        #   Eurostat: (1.1^½ − 1)/(1.6^⅕ − 1) = 0.04881/0.09856 = 0.495 → insufficient
        #   SDSN: (5/2)/(30/5) = 2.5/6 = 0.417 → stagnating (same band)
        #   pace ln(1.1)/2 = 0.04766/yr; ln(80/55) = 0.37469 → 7.86 yr after 2023.0 = 2030.86 → 2030
        (B, Point(2023.0, 55.0), 80.0, ">=", Status.INSUFFICIENT, Sdsn.STAGNATING, -0.98607, Reach("year", 2030)),
        # linear (the baseline is 0, so no compound rate): B 0 → L 30, T 100.
        #   t* = 2021 + 5·30/100 = 2022.5 → −0.5;  Eurostat = SDSN ratio = 15/20 = 0.75
        #   slope 15/yr; (100 − 30)/15 = 4.667 yr after 2023.0 = 2027.67 → 2027
        (Point(2021.0, 0.0), Point(2023.0, 30.0), 100.0, ">=", Status.MODERATE, Sdsn.MODERATELY_IMPROVING, -0.5,
         Reach("year", 2027)),
        # moving away: B 50 → L 45, T 60.
        #   t* = 2021 + 5·ln(0.9)/ln(1.2) = 2021 + 5·(−0.10536/0.18232) = 2018.1106 → −4.889
        #   the pace points away from the target: never
        (B, Point(2023.0, 45.0), 60.0, ">=", Status.MOVING_AWAY, Sdsn.DECREASING, -4.88941, Reach("never")),
        # flat: L = B. t* = t_B = 2021.0 → −2.0; ratio 0 is insufficient / stagnating; zero pace: never
        (B, Point(2023.0, 50.0), 60.0, ">=", Status.INSUFFICIENT, Sdsn.STAGNATING, -2.0, Reach("never")),
        # already achieved, from a baseline below the target: B 40 → L 52 ≥ 50.
        #   t* = 2021 + 5·ln(1.3)/ln(1.25) = 2021 + 5·0.26236/0.22314 = 2026.879 → +3.879 years ahead
        (Point(2021.0, 40.0), Point(2023.0, 52.0), 50.0, ">=", Status.ACHIEVED, "achieved", 3.87882,
         Reach("achieved")),
        # a reduction (signed changes, negative: linear): B −5 → L −12, target ≤ −20.
        #   t* = 2021 + 5·(−7)/(−15) = 2023.333 → +0.333; ratio (−3.5)/(−3) = 1.167 → on track in both
        #   slope −3.5/yr; (−20 + 12)/(−3.5) = 2.29 yr after 2023.0 = 2025.29 → 2025
        (Point(2021.0, -5.0), Point(2023.0, -12.0), -20.0, "<=", Status.ON_TRACK, Sdsn.ON_TRACK, 0.33333,
         Reach("year", 2025)),
    ])
def test_hand_computed_cases(base: Point, latest: Point, target: float, comparator: str, eurostat: Status,
                             sdsn: str, ahead: float, reach: Reach) -> None:
    d = _distance(base, latest, target, comparator)
    assert d.eurostat is eurostat
    assert d.sdsn == sdsn
    assert d.years_ahead == pytest.approx(ahead, abs=1e-4)
    assert d.reach == reach
    assert not d.differs


@pytest.mark.parametrize(("latest", "target", "eurostat", "sdsn", "ahead"), [
    # compound Eurostat is generous where growth comes early: B 100 → L 138.8, T 200.
    #   Eurostat: (1.388^½ − 1)/(2^⅕ − 1) = 0.17813/0.14870 = 1.198 → on track
    #   SDSN: (38.8/2)/(100/5) = 19.4/20 = 0.97 → moderately improving
    #   t* = 2021 + 5·ln(1.388)/ln 2 = 2021 + 5·0.32786/0.69315 = 2023.365 → +0.365
    (Point(2023.0, 138.8), 200.0, Status.ON_TRACK, Sdsn.MODERATELY_IMPROVING, 0.36504),
])
def test_the_two_methods_disagree_where_compound_and_linear_rates_part(
    latest: Point, target: float, eurostat: Status, sdsn: str, ahead: float,
) -> None:
    d = _distance(Point(2021.0, 100.0), latest, target)
    assert (d.eurostat, d.sdsn, d.compound) == (eurostat, sdsn, True)
    assert d.eurostat_ratio == pytest.approx(1.19796, abs=1e-4) and d.sdsn_ratio == pytest.approx(0.97)
    assert d.years_ahead == pytest.approx(ahead, abs=1e-4)
    assert d.differs


def test_the_two_methods_disagree_at_their_different_thresholds() -> None:
    # linear (B = 0): slope 22/2 = 11 of the 20/yr needed → ratio 0.55 in both methods; Eurostat calls 0.55
    # insufficient (< 0.60), SDSN moderately improving (≥ 0.50)
    d = _distance(Point(2021.0, 0.0), Point(2023.0, 22.0), 100.0)
    assert (d.eurostat, d.sdsn, d.differs) == (Status.INSUFFICIENT, Sdsn.MODERATELY_IMPROVING, True)
    assert d.years_ahead == pytest.approx(-0.9)  # t* = 2021 + 5·0.22 = 2022.1


@pytest.mark.parametrize(("latest", "status"), [
    (40.0, Sdsn.ON_TRACK),                # 20/yr of 20 required: exactly the pace needed
    (39.9, Sdsn.MODERATELY_IMPROVING),
    (20.0, Sdsn.MODERATELY_IMPROVING),    # exactly half
    (19.9, Sdsn.STAGNATING),
    (0.0, Sdsn.STAGNATING),               # no change
    (-2.0, Sdsn.DECREASING),              # −1/yr: away from the target
])
def test_sdsn_bands_and_their_edges(latest: float, status: Sdsn) -> None:
    # B 0 at 2021.0, T 100 by 2026.0: 20/yr needed; L two years on
    assert sdsn_status(Point(2021.0, 0.0), Point(2023.0, latest), target=100.0, deadline=2026.0)[0] is status


def test_compound_and_linear_paths_give_different_distances_for_the_same_figures() -> None:
    goal = Point(2026.0, 80.0)
    # compound: 2022.0139 (above); linear: 2021 + 5·(55 − 50)/(80 − 50) = 2021.8333
    assert path_time(B, goal, 55.0, compound=True) == pytest.approx(2022.01393, abs=1e-5)
    assert path_time(B, goal, 55.0, compound=False) == pytest.approx(2021.83333, abs=1e-5)
    # positive values are compound, as progress.classify decides
    assert _distance(B, Point(2023.0, 55.0), 80.0).compound
    assert not _distance(Point(2021.0, 0.0), Point(2023.0, 30.0), 100.0).compound


def test_one_point_only_gives_no_distance_and_no_year() -> None:
    progress = classify([Point(2023.0, 55.0)], comparator=">=", target=80.0, target_year=2025)
    d = measure(progress, comparator=">=", target=80.0, target_year=2025)
    assert d.eurostat is Status.NO_DATA and d.sdsn == "no_data"
    assert d.years_ahead is None and d.reach == Reach("unknown") and not d.differs


def test_one_point_that_meets_the_target_is_achieved_without_a_distance() -> None:
    progress = classify([Point(2023.0, 85.0)], comparator=">=", target=80.0, target_year=2025)
    d = measure(progress, comparator=">=", target=80.0, target_year=2025)
    assert (d.eurostat, d.sdsn, d.reach, d.years_ahead) == (Status.ACHIEVED, "achieved", Reach("achieved"), None)


def test_a_baseline_that_already_met_the_target_has_no_path_to_be_ahead_of() -> None:
    # B 55 ≥ 50 already: the "required path" would run downhill to the target; no distance is claimed
    d = _distance(Point(2021.0, 55.0), Point(2023.0, 60.0), 50.0)
    assert d.eurostat is Status.ACHIEVED and d.years_ahead is None


def test_a_target_reached_during_a_year_belongs_to_that_year() -> None:
    # linear, 10/yr from 0 (2021.0) to 20 (2023.0): 25 is reached at 2023.5, during 2023; 30 at 2024.0, the end of
    # 2023, which is 2023 too (year-end 2023 sits at 2024.0)
    assert year_reached(Point(2021.0, 0.0), Point(2023.0, 20.0), target=25.0, met=False,
                        compound=False) == Reach("year", 2023)
    assert year_reached(Point(2021.0, 0.0), Point(2023.0, 20.0), target=30.0, met=False,
                        compound=False) == Reach("year", 2023)


# -- on a real warehouse ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def wh(shipped_warehouse: Path) -> Warehouse:
    return Warehouse(shipped_warehouse)


def test_the_nation_is_a_quarter_year_ahead_of_the_path_to_68_percent(wh: Warehouse) -> None:
    frame = distance_frame(wh, "cnc_rate")  # default: the national target next due, ≥ 68 % by 2025
    nation = frame.set_index("region_code").loc["100000"]
    # scope 全国工业企业: B 54.6 at 2021-10-31 (2021 + 304/365 = 2021.8329), L 66.2 at 2025-03-31 (2025.2466)
    #   t* = 2021.8329 + 4.1671·ln(66.2/54.6)/ln(68/54.6) = 2021.8329 + 4.1671·0.19266/0.21950 = 2025.4906
    #   → +0.244 years ahead; pace 0.19266/3.4137 = 0.05644/yr, ln(68/66.2)/0.05644 = 0.475 yr → 2025.72 → 2025
    assert nation["plan_id"] == "ii_2021_2025" and nation["scope"] == "全国工业企业"
    assert nation["years_ahead"] == pytest.approx(0.24406, abs=1e-4)
    assert (nation["reached"], nation["reached_year"]) == ("year", 2025)
    assert (nation["eurostat"], nation["sdsn"], nation["differs"]) == ("on_track", "on_track", False)
    assert frame.iloc[0]["region_code"] == "100000"  # most ahead first


def test_a_province_is_held_against_the_national_rate_target_as_a_benchmark(wh: Warehouse) -> None:
    guizhou = distance_frame(wh, "cnc_rate").set_index("region_code").loc["520000"]
    # B 38.4 (2020, estimated) at 2021.0, L 65.0 (2025) at 2026.0, T 68 by 2026.0:
    #   t* = 2021 + 5·ln(65/38.4)/ln(68/38.4) = 2021 + 5·0.52634/0.57148 = 2025.6052 → −0.395
    assert guizhou["benchmark"] and guizhou["years_ahead"] == pytest.approx(-0.39479, abs=1e-4)
    assert (guizhou["eurostat"], guizhou["sdsn"]) == ("moderate", "moderately_improving")


def test_generated_values_never_produce_a_distance(wh: Warehouse) -> None:
    frame = distance_frame(wh, "cnc_rate").set_index("region_code")
    beijing = frame.loc["110000"]  # an illustrative panel only: its generated series would give a trend
    assert (beijing["eurostat"], beijing["sdsn"], beijing["reached"]) == ("no_real_data", "no_real_data", "unknown")
    assert pd.isna(beijing["years_ahead"]) and not beijing["real"]
    assert frame.loc[~frame["real"], "years_ahead"].isna().all()
    n = counts(frame.reset_index())
    assert n["total"] == 35 and n["drawn"] == 2 and n["no_real"] >= 25
    assert n["drawn"] + n["no_real"] + n["few"] + n["not_measured"] <= n["total"]


def test_one_real_figure_is_too_few_for_a_distance(wh: Warehouse) -> None:
    chongqing = distance_frame(wh, "cnc_rate", OWN).set_index("region_code").loc["500000"]
    assert chongqing["plan_id"] == "chongqing_im_2023_2027"  # its own target, ≥ 65 % by 2027
    assert chongqing["eurostat"] == "no_data" and chongqing["latest_value"] == 56.6 and chongqing["real"]
    assert pd.isna(chongqing["years_ahead"])


def test_national_count_targets_are_not_benchmarks_for_provinces(wh: Warehouse) -> None:
    frame = distance_frame(wh, "demonstration_factories")
    assert frame["region_code"].tolist() == ["100000"]
    # cumulative batches: 0 before 2021 (2021.0) → 421 by the end of 2023 (2024.0), 500 due by 2026.0, linear
    #   t* = 2021 + 5·421/500 = 2025.21 → +1.21; slope 140.33/yr, 79/140.33 = 0.563 yr → 2024.56 → 2024
    row = frame.iloc[0]
    assert row["years_ahead"] == pytest.approx(1.21) and row["reached_year"] == 2024 and row["method"] == "linear"


def test_own_targets_take_the_one_next_due_and_the_nation_its_default(wh: Warehouse) -> None:
    frame = distance_frame(wh, "design_tool_penetration", OWN).set_index("region_code")
    # Ningxia has targets for 2020, 2022 and 2027; the newest real figure of the indicator is of 2025
    assert frame.loc["640000", "plan_id"] == "ningxia_new_industry_2023_2027"
    assert frame.loc["100000", "plan_id"] == "ii_2021_2025"
    assert not frame["benchmark"].any()


def test_an_unknown_target_falls_back_to_the_one_next_due(wh: Warehouse) -> None:
    assert choose_target(wh, "cnc_rate", "nope").key == "ii_2021_2025"
    assert choose_target(wh, "cnc_rate", "imp_2016_2020").key == "imp_2016_2020"
    assert choose_target(wh, "ii_development_level", None).key == OWN  # only Ningxia sets one


@pytest.fixture(scope="module")
def disagreeing(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """The shipped warehouse plus real figures for three provinces: methods that disagree, moving away, met."""
    db = tmp_path_factory.mktemp("distance") / "warehouse.duckdb"
    build(db, progress=False)
    table = tmp_path_factory.mktemp("input") / "provinces.csv"
    table.write_text("indicator,region,year,value\n"
                     "cnc_rate,江苏,2020,40.0\ncnc_rate,江苏,2023,56.3\n"
                     "cnc_rate,浙江,2020,50.0\ncnc_rate,浙江,2023,47.0\n"
                     "cnc_rate,广东,2020,60.0\ncnc_rate,广东,2024,70.0\n", encoding="utf-8")
    ingest_file(table, db)
    return Warehouse(db)


def test_provinces_whose_two_statuses_differ_are_marked(disagreeing: Warehouse) -> None:
    frame = distance_frame(disagreeing, "cnc_rate").set_index("region_code")
    jiangsu, zhejiang, guangdong = frame.loc["320000"], frame.loc["330000"], frame.loc["440000"]
    # Jiangsu: 40 (2021.0) → 56.3 (2024.0), ≥ 68 by 2026.0
    #   Eurostat: ((56.3/40)^⅓ − 1)/((68/40)^⅕ − 1) = 0.12070/0.11196 = 1.078 → on track
    #   SDSN: (16.3/3)/(28/5) = 5.433/5.6 = 0.970 → moderately improving
    assert (jiangsu["eurostat"], jiangsu["sdsn"], jiangsu["differs"]) == ("on_track", "moderately_improving", True)
    assert jiangsu["eurostat_ratio"] == pytest.approx(1.078, abs=1e-3)
    # Zhejiang: 50 → 47, moving away; never at this pace
    assert (zhejiang["eurostat"], zhejiang["sdsn"], zhejiang["reached"]) == ("moving_away", "decreasing", "never")
    # Guangdong: 60 (2021.0) → 70 (2025.0) meets ≥ 68: achieved, and ahead by
    #   2021 + 5·ln(70/60)/ln(68/60) − 2025 = 2021 + 5·0.15415/0.12516 − 2025 = +2.158
    assert (guangdong["eurostat"], guangdong["reached"]) == ("achieved", "achieved")
    assert guangdong["years_ahead"] == pytest.approx(2.158, abs=1e-3)
    assert counts(frame.reset_index())["differs"] == 1


# -- the chart -------------------------------------------------------------------------------------------------
def _rows(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["region_code", "label", "national", "years_ahead", "eurostat", "differs",
                                       "sdsn_label", "latest_text", "reached_text"])


def test_the_chart_sorts_bars_colours_them_by_status_and_marks_the_nation_and_disagreements() -> None:
    fig = distance_bars(_rows([
        ("100000", "全国", True, 0.24, "on_track", False, "On track", "66.2%", "2025"),
        ("320000", "江苏", False, 1.5, "on_track", True, "Moderately improving", "56.3%", "2025"),
        ("330000", "浙江", False, -4.9, "moving_away", False, "Decreasing", "47%", "never"),
        ("110000", "北京", False, math.nan, "no_real_data", False, "No real data", "—", "—"),
    ]))
    bars = [tr for tr in fig.data if tr.hoverinfo != "skip"]
    assert [tr.name for tr in bars] == ["On track", "Moving away"]  # one legend entry per status, best first
    assert list(fig.layout.yaxis.categoryarray) == ["浙江", "全国", "江苏"]  # most ahead on top; 北京 has no bar
    assert "<b>全国</b>" in fig.layout.yaxis.ticktext
    on_track = bars[0]
    overlays = {tr.name: list(tr.y) for tr in fig.data if tr.hoverinfo == "skip" and tr.showlegend is False}
    assert overlays == {"differs": ["江苏"], "national": ["全国"]}  # hatched where SDSN differs; outlined nation
    assert next(tr for tr in fig.data if tr.name == "differs").marker.pattern.shape == "/"
    assert list(on_track.text) == ["+0.2 yr", "+1.5 yr"] and bars[1].text[0] == "−4.9 yr"
    assert any(tr.name == "SDSN status differs" and tr.showlegend is not False for tr in fig.data)
    assert fig.layout.xaxis.zeroline and fig.layout.xaxis.range[0] < -4.9 < 1.5 < fig.layout.xaxis.range[1]
    assert min(on_track.textfont.size, fig.layout.yaxis.tickfont.size, fig.layout.legend.font.size) >= 12


def test_a_chart_without_any_distance_says_so() -> None:
    fig = distance_bars(_rows([("110000", "北京", False, math.nan, "no_real_data", False, "No real data", "—", "—")]))
    assert not fig.data and fig.layout.annotations[0].text.startswith("No region")


def test_years_read_with_a_true_minus_sign() -> None:
    assert years_text(-0.44, "{value} 年") == "−0.4 年" and years_text(2.0, "{value} yr") == "+2.0 yr"
