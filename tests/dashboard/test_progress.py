"""Status classification against hand-computed cases (Eurostat SDG method, quantified targets)."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.progress import Point, Status, classify, fractional_year


def test_year_end_figures_sit_at_the_end_of_their_year_and_as_of_dates_inside_it() -> None:
    assert fractional_year(2020, None) == 2021.0
    assert fractional_year(2025, dt.date(2025, 3, 31)) == pytest.approx(2025 + 90 / 365)
    assert fractional_year(2024, dt.date(2024, 12, 31)) == 2025.0


BASE = Point(2021.0, 50.0)  # end of 2020: 50


@pytest.mark.parametrize(("latest", "status", "ratio"), [
    (50 * 1.10**2, Status.ON_TRACK, 1.0),       # 10 %/yr observed, 10 %/yr required
    (50 * 1.08**2, Status.MODERATE, 0.8),       # 8 of 10
    (50 * 1.05**2, Status.INSUFFICIENT, 0.5),   # 5 of 10
    (50 * 0.98**2, Status.MOVING_AWAY, -0.2),   # shrinking by 2 %/yr
])
def test_compound_growth_ratio_decides_the_status(latest: float, status: Status, ratio: float) -> None:
    # target 50·1.1⁴ = 73.205 by end of 2024 (four years after the base); latest two years in
    progress = classify([BASE, Point(2023.0, latest)], comparator=">=", target=50 * 1.1**4, target_year=2024)
    assert progress.status is status
    assert progress.ratio == pytest.approx(ratio)
    assert progress.method == "cagr"


@pytest.mark.parametrize(("latest", "status"), [
    (47.5, Status.ON_TRACK),        # 23.75/yr of 25 required: exactly 95 % → on track (bands are half-open)
    (47.4, Status.MODERATE),
    (30.0, Status.MODERATE),        # exactly 60 %
    (29.9, Status.INSUFFICIENT),
    (0.0, Status.INSUFFICIENT),     # exactly 0: no progress is not moving away
])
def test_linear_growth_from_zero_and_the_band_edges(latest: float, status: Status) -> None:
    # a count starting at 0: no compound rate exists, so progress is linear (100 by end of 2024 = 25/yr)
    progress = classify([Point(2021.0, 0.0), Point(2023.0, latest)], comparator=">=", target=100,
                        target_year=2024)
    assert progress.method == "linear"
    assert progress.status is status


def test_a_met_target_is_achieved_whatever_the_rate() -> None:
    progress = classify([Point(2016.0, 45.4), Point(2021.0, 52.1)], comparator=">", target=50, target_year=2020)
    assert progress.status is Status.ACHIEVED


def test_strict_comparator_is_not_met_by_equality() -> None:
    progress = classify([Point(2016.0, 40.0), Point(2021.0, 50.0)], comparator=">", target=50, target_year=2020)
    assert progress.status is not Status.ACHIEVED


def test_reductions_below_zero_use_linear_rates_in_the_right_direction() -> None:
    # cost change −10 % at end of 2017, −15 % a year later; target ≤ −20 % by end of 2020 (−10/3 per year)
    progress = classify([Point(2018.0, -10.0), Point(2019.0, -15.0)], comparator="<=", target=-20,
                        target_year=2020)
    assert progress.status is Status.ON_TRACK
    assert progress.ratio == pytest.approx(1.5)


def test_no_points_or_a_single_unmet_point_is_no_data() -> None:
    assert classify([], comparator=">=", target=1, target_year=2025).status is Status.NO_DATA
    assert classify([Point(2022.0, 5.0)], comparator=">=", target=9, target_year=2025).status is Status.NO_DATA


def test_a_stated_baseline_overrides_the_first_point() -> None:
    points = [Point(2022.0, 60.0), Point(2023.0, 61.0)]
    with_base = classify(points, comparator=">=", target=70, target_year=2025, baseline=Point(2021.0, 50.0))
    without = classify(points, comparator=">=", target=70, target_year=2025)
    assert with_base.baseline == Point(2021.0, 50.0)
    assert with_base.ratio != pytest.approx(without.ratio)
