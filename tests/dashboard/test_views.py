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
    assert card.target == "> 50% (2020)"


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


def test_cnc_2025_uses_the_2020_base_year_and_the_march_2025_figure(wh: Warehouse) -> None:
    card = _card(wh, 2025, "cnc_rate")
    assert card.progress.baseline.value == 52.1
    assert card.latest_value == 66.2 and card.latest_when == "2025-03"
    assert card.progress.status == "on_track"


def test_targets_without_any_figure_say_no_data_and_come_last(wh: Warehouse) -> None:
    cards = views.board_cards(wh, 2025)
    empty = [c.latest_value is None for c in cards]
    assert any(empty) and empty == sorted(empty)  # False (has a figure) first, then True
    assert all(c.progress.status == "no_data" for c in cards if c.latest_value is None)


def test_province_targets_built_on_illustrative_values_are_flagged(wh: Warehouse) -> None:
    card = _card(wh, 2023, "design_tool_penetration", "210000")
    assert card.illustrative


def test_map_frame_ranks_provinces_and_excludes_the_national_row(wh: Warehouse) -> None:
    ind = wh.indicators().set_index("indicator_id", drop=False).loc["cnc_rate"]
    frame = views.map_frame(wh, ind, 2020)
    assert "100000" not in set(frame["region_code"])
    assert len(frame) == 31
    best = frame.loc[frame["rank"] == 1, "value"].iloc[0]
    assert best == frame["value"].max()
    assert frame["illustrative"].all()


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
    assert overlays[2025.0].required_path[0] == (2020.0, 52.1)
    assert overlays[2025.0].required_path[-1] == (2025.0, pytest.approx(68.0))
