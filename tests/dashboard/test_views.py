"""What the pages show, computed from the shipped warehouse: cards, map frames, trend overlays."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from dashboard import views
from pipelines.warehouse import Warehouse


@pytest.fixture(scope="module")
def wh(shipped_warehouse: Path) -> Warehouse:
    return Warehouse(shipped_warehouse)


def _indicator(wh: Warehouse, indicator_id: str) -> pd.Series:
    return wh.indicators().set_index("indicator_id", drop=False).loc[indicator_id]


def _card(wh: Warehouse, year: int, indicator: str, region: str = "100000") -> views.Card:
    return next(c for c in views.board_cards(wh, year) if c.indicator_id == indicator and c.region_code == region)


def test_the_2020_cnc_target_was_achieved_with_the_year_end_figure(wh: Warehouse) -> None:
    card = _card(wh, 2020, "cnc_rate")
    assert card.progress.status == "achieved"
    assert card.latest_value == 52.1  # the year-end 2020 figure beats September's 51.7
    assert card.target == "> 50.0% (2020)"


def test_pilot_projects_compare_the_cumulative_total_with_the_target(wh: Warehouse) -> None:
    card = _card(wh, 2020, "pilot_projects")
    assert card.is_cumulative
    assert card.latest_value == 305  # 46 + 63 + 97 + 99
    assert card.progress.status == "achieved"


def test_demonstration_factories_are_on_track_for_500_by_2025(wh: Warehouse) -> None:
    card = _card(wh, 2025, "demonstration_factories")
    assert card.latest_value == 421
    assert card.progress.baseline.value == 0  # none before the plan
    assert card.progress.status == "on_track"  # 140/yr observed against 100/yr required


def test_cnc_2025_is_judged_within_the_scope_of_the_march_2025_figure(wh: Warehouse) -> None:
    card = _card(wh, 2025, "cnc_rate")
    assert card.verdict.scope == "全国工业企业"  # 66.2 (2025-03) shares its scope with 54.6 (2021-10)
    assert card.progress.baseline.value == 54.6  # the first figure of that scope from the 2020 base year on
    assert card.latest_value == 66.2 and card.latest_when == "2025年3月"  # as the default language, Chinese, writes it
    assert card.progress.status == "on_track"


def test_targets_without_any_figure_say_no_data_and_come_last(wh: Warehouse) -> None:
    cards = views.board_cards(wh, 2025)
    empty = [c.latest_value is None for c in cards]
    assert any(empty) and empty == sorted(empty)  # False (has a figure) first, then True
    unjudged = ("no_data", "not_measured", "no_real_data")
    assert all(c.progress.status in unjudged for c in cards if c.latest_value is None)


def test_province_targets_with_only_illustrative_values_are_flagged_and_not_judged(wh: Warehouse) -> None:
    card = _card(wh, 2027, "cnc_rate", "620000")  # Gansu: a 2027 target, no real value
    assert card.illustrative and card.progress.status == "no_real_data"


def test_a_real_provincial_value_replaces_the_generated_one_on_its_target_card(wh: Warehouse) -> None:
    card = _card(wh, 2027, "design_tool_penetration", "500000")  # Chongqing: 77.8 % in 2021, reported
    assert not card.illustrative and card.latest_value == 77.8
    assert card.progress.status == "no_data"  # one real figure: too few values to assess


def test_a_provincial_target_whose_population_the_province_does_not_publish_is_not_measured(wh: Warehouse) -> None:
    card = _card(wh, 2023, "design_tool_penetration", "210000")  # Liaoning counts 规上; 77.2 counts 全省工业企业
    assert card.progress.status == "not_measured"
    assert card.verdict.other_scopes == ("全省工业企业",) and card.latest_value is None


def test_map_frame_ranks_provinces_and_excludes_the_national_row(wh: Warehouse) -> None:
    ind = wh.indicators().set_index("indicator_id", drop=False).loc["cnc_rate"]
    frame = views.map_frame(wh, ind, 2021)
    assert "100000" not in set(frame["region_code"])
    assert len(frame) == 31
    real = frame[~frame["illustrative"]]
    assert len(real) >= 2 and frame.loc[frame["illustrative"], "rank"].isna().all()  # generated: never ranked
    assert real.loc[real["rank"] == 1, "value"].iloc[0] == real["value"].max()


def test_national_target_for_a_year_is_the_next_one_due(wh: Warehouse) -> None:
    assert views.national_target(wh, _indicator(wh, "cnc_rate"), 2018)["target_year"] == 2020
    assert views.national_target(wh, _indicator(wh, "cnc_rate"), 2021)["target_year"] == 2025
    assert views.national_target(wh, _indicator(wh, "cnc_rate"), 2030)["target_year"] == 2027


def test_counts_that_add_up_to_the_national_total_have_no_province_benchmark(wh: Warehouse) -> None:
    assert views.national_target(wh, _indicator(wh, "pilot_projects"), 2018) is None


def test_board_and_trend_judge_a_count_target_from_the_same_baseline(wh: Warehouse) -> None:
    ind = wh.indicators().set_index("indicator_id", drop=False).loc["demonstration_factories"]
    overlay = next(o for o in views.trend_overlays(wh, ind, ["100000"]) if o.x == 2025.0)
    card = _card(wh, 2025, "demonstration_factories")
    assert card.progress.status == "on_track" and card.progress.method == "linear"
    assert overlay.required_path[0] == (2020.0, 0.0)  # the board's baseline: none before the plan
    assert overlay.required_path[-1] == (2025.0, 500.0)
    assert overlay.projection[-1][1] == pytest.approx(421 + 421 / 3 * 2)  # 421 by end-2023, same pace two more years


def test_trend_overlays_draw_paths_only_towards_unmet_targets(wh: Warehouse) -> None:
    ind = wh.indicators().set_index("indicator_id", drop=False).loc["cnc_rate"]
    overlays = {o.x: o for o in views.trend_overlays(wh, ind, ["100000"])}
    assert set(overlays) == {2020.0, 2025.0, 2027.0}
    assert not overlays[2020.0].required_path  # achieved
    start = overlays[2025.0].required_path[0]  # the 2021-10 figure of the scope the 2025 verdict is judged in
    assert start[0] == pytest.approx(2020 + 304 / 365) and start[1] == 54.6
    assert overlays[2025.0].required_path[-1] == (2025.0, pytest.approx(68.0))


@pytest.mark.parametrize(("year", "indicator", "reason"), [
    (2025, "solution_providers", "high-level"),
    (2025, "standards", "stock"),
])
def test_the_targets_nothing_published_measures_are_not_measured_with_a_reason(
    wh: Warehouse, year: int, indicator: str, reason: str,
) -> None:
    card = _card(wh, year, indicator)
    assert card.progress.status == "not_measured"
    assert reason in card.verdict.reason_en and card.verdict.reason_zh
    assert card.context  # the published figure (6,000 providers; 300 standards) stays visible


def test_a_running_total_built_on_a_generated_batch_is_itself_illustrative(wh: Warehouse) -> None:
    ind = _indicator(wh, "pilot_projects")
    jiangsu = views.trend_frame(wh, ind, ["320000"])
    total_2018 = jiangsu[jiangsu["year"] == 2018].iloc[0]
    assert total_2018["status"] == "illustrative"  # 7 reported in 2018 on top of generated 2015–2017 batches
    assert 2018 not in set(views.trend_frame(wh, ind, ["320000"], real_only=True)["year"])  # no false total
    national = views.trend_frame(wh, ind, ["100000"], real_only=True)
    assert national[national["year"] == 2018]["value"].iloc[0] == 305
