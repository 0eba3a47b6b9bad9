"""When a target may be judged, and on what: measures, real rows only, one scope at a time."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from dashboard import views
from dashboard.progress import Status
from dashboard.verdicts import assess
from pipelines.ingest import ingest_file
from pipelines.warehouse import Warehouse

HEADER = "indicator,region,year,value,breakdown,source,status,as_of,scope,note\n"


def _target(**over: Any) -> dict[str, Any]:
    base = {"comparator": ">=", "value": 68.0, "target_year": 2025, "plan_start_year": 2021, "baseline_year": None,
            "baseline_value": None, "measure_kind": "level", "measure_since": None, "measure_scope": None,
            "unmeasured_en": None, "unmeasured_zh": None}
    return base | over


def _obs(*rows: tuple) -> pd.DataFrame:
    """(year, value, status, scope[, as_of]) tuples → the frame ``Warehouse.measure_observations`` returns."""
    records = [{"year": r[0], "value": r[1], "status": r[2], "scope": r[3],
                "as_of": r[4] if len(r) > 4 else None, "source_id": f"s{i}", "source_title": f"S{i}"}
               for i, r in enumerate(rows)]
    return pd.DataFrame(records, columns=["year", "value", "as_of", "status", "scope", "source_id", "source_title"])


def test_nothing_matching_the_measure_is_not_measured_with_the_targets_reason() -> None:
    v = assess(_target(unmeasured_en="counts high-level providers only", unmeasured_zh="只统计高水平供应商"),
               _obs())
    assert v.status == Status.NOT_MEASURED
    assert v.reason_en == "counts high-level providers only"


def test_only_illustrative_rows_meeting_the_target_give_no_real_data_not_achieved() -> None:
    v = assess(_target(), _obs((2023, 70.0, "illustrative", None), (2024, 75.0, "illustrative", None)))
    assert v.status == Status.NO_REAL_DATA
    assert v.series.empty


def test_illustrative_rows_beside_real_ones_are_ignored() -> None:
    v = assess(_target(), _obs((2021, 50.0, "reported", "A"), (2024, 90.0, "illustrative", None)))
    assert v.status == Status.NO_DATA  # one real figure: too few values, never "achieved" on the 90
    assert list(v.series["value"]) == [50.0]


def test_a_measure_scope_admits_only_that_population_and_names_the_ones_published() -> None:
    target = _target(measure_scope="规上装备制造业企业", value=70.0, target_year=2023)
    v = assess(target, _obs((2022, 59.7, "reported", "全省工业企业")))
    assert v.status == Status.NOT_MEASURED
    assert v.other_scopes == ("全省工业企业",)


def test_missing_reasons_read_from_the_warehouse_as_nan_are_no_reason() -> None:
    target = _target(unmeasured_en=float("nan"), unmeasured_zh=float("nan"))
    v = assess(target, _obs(), measured_anywhere=False)
    assert v.status == Status.NOT_MEASURED and v.reason_en is None and v.reason_zh is None


def test_a_region_without_figures_of_a_published_measure_has_no_data_yet_not_not_measured() -> None:
    assert assess(_target(), _obs(), measured_anywhere=True).status == Status.NO_DATA
    assert assess(_target(), _obs(), measured_anywhere=False).status == Status.NOT_MEASURED


def test_a_cumulative_batch_reported_beats_a_derived_one_for_the_same_year() -> None:
    target = _target(measure_kind="cumulative", measure_since=2021, value=500.0, target_year=2025,
                     plan_start_year=2021)
    obs = _obs((2021, 110, "reported", "f"), (2022, 90, "estimated", "f"), (2022, 99, "reported", "f"))
    obs["source_id"] = ["a", "a", "z"]  # the derived figure's source sorts first
    assert list(assess(target, obs).series["value"]) == [110, 209]


def test_status_is_computed_within_the_latest_figures_scope_when_two_share_it() -> None:
    obs = _obs((2020, 52.1, "reported", "A"), (2021, 54.6, "reported", "D", dt.date(2021, 10, 31)),
               (2021, 55.3, "reported", "B"), (2022, 58.6, "reported", "C"), (2023, 62.9, "reported", "C"),
               (2025, 66.2, "reported", "D", dt.date(2025, 3, 31)))
    v = assess(_target(), obs)
    assert v.scope == "D"
    assert list(v.series["value"]) == [54.6, 66.2]
    assert v.progress.baseline.value == 54.6 and v.progress.latest.value == 66.2
    assert v.status == Status.ON_TRACK


def test_when_the_latest_scope_stands_alone_the_most_recent_pair_is_used() -> None:
    obs = _obs((2023, 80.1, "reported", "C"), (2024, 82.0, "reported", "C"),
               (2025, 83.5, "reported", "D", dt.date(2025, 3, 31)))
    v = assess(_target(value=90.0, comparator=">", target_year=2027, plan_start_year=2024), obs)
    assert v.scope == "C" and v.progress.latest.value == 82.0
    # 80.1 → 82.0 in 2024 is 2.37 %/yr; 80.1 → 90 by the end of 2027 needs 2.96 %/yr: ratio 0.80
    assert v.status == Status.MODERATE and v.progress.ratio == pytest.approx(0.802, abs=0.001)


def test_one_figure_per_scope_since_the_baseline_is_too_few_values_and_says_why() -> None:
    obs = _obs((2021, 55.3, "reported", "B"), (2023, 62.9, "reported", "C"),
               (2025, 66.2, "reported", "D", dt.date(2025, 3, 31)))
    v = assess(_target(value=75.0, comparator=">", target_year=2027, plan_start_year=2024), obs)
    assert v.status == Status.NO_DATA and v.mixed_scopes


def test_a_met_target_is_achieved_on_its_latest_real_figure_whatever_the_scope_count() -> None:
    v = assess(_target(value=50.0, comparator=">", target_year=2020, plan_start_year=2016),
               _obs((2012, 24.6, "reported", "A"), (2015, 45.4, "estimated", "D"), (2020, 52.1, "reported", "A")))
    assert v.status == Status.ACHIEVED and v.scope == "A"


def test_figures_after_the_target_year_do_not_count_but_keep_it_measured() -> None:
    v = assess(_target(value=40.0, target_year=2020, plan_start_year=2016), _obs((2021, 40.0, "reported", "x")))
    assert v.status == Status.NO_DATA


def test_cumulative_measures_sum_batches_from_their_first_year() -> None:
    target = _target(measure_kind="cumulative", measure_since=2016, value=100.0, target_year=2020,
                     plan_start_year=2016)
    v = assess(target, _obs((2015, 46, "reported", "p"), (2016, 63, "reported", "p"), (2017, 97, "reported", "p")))
    assert v.status == Status.ACHIEVED
    assert list(v.series["value"]) == [63, 160]  # the 2015 batch is before the measure starts


def test_a_cumulative_total_with_a_generated_batch_has_no_real_data() -> None:
    target = _target(measure_kind="cumulative", measure_since=2015, value=30.0, target_year=2020,
                     plan_start_year=2016)
    v = assess(target, _obs((2015, 9, "illustrative", "p"), (2018, 11, "reported", "p")))
    assert v.status == Status.NO_REAL_DATA  # 11 real projects alone would understate the total


# -- on a real warehouse: a province whose only figures are generated ----------------------------------------
@pytest.fixture
def chongqing_generated_only(tmp_path: Path, empty_warehouse: Path) -> Warehouse:
    """Chongqing's CNC target is 65 % by 2027: load generated values above it, and real national ones."""
    rows = HEADER + "".join(
        f"cnc_rate,500000,{year},{value},,illustrative_province_rates,illustrative,,,generated\n"
        for year, value in ((2022, 66.0), (2023, 69.0), (2024, 71.0)))
    path = tmp_path / "generated.csv"
    path.write_text(rows, encoding="utf-8")
    ingest_file(path, empty_warehouse)
    return Warehouse(empty_warehouse)


def test_generated_values_above_a_target_never_earn_a_status(chongqing_generated_only: Warehouse) -> None:
    wh = chongqing_generated_only
    card = next(c for c in views.board_cards(wh, 2027, "500000") if c.indicator_id == "cnc_rate")
    assert card.progress.status == Status.NO_REAL_DATA
    assert card.illustrative  # the generated figure is still shown, as context, badged
    assert card.latest_value is None


def test_generated_values_earn_no_outline_and_no_rank_on_the_map(chongqing_generated_only: Warehouse) -> None:
    wh = chongqing_generated_only
    ind = wh.indicators().set_index("indicator_id", drop=False).loc["cnc_rate"]
    frame = views.map_frame(wh, ind, 2024)
    assert frame["rank"].isna().all()
    low_target = pd.Series({"comparator": ">=", "value": 10.0})
    assert views.meeting_target(frame, low_target) == []
    assert views.map_frame(wh, ind, 2024, real_only=True).empty  # "reported only": Chongqing has no data


def test_a_real_value_meeting_the_national_target_earns_an_outline(tmp_path: Path, empty_warehouse: Path) -> None:
    path = tmp_path / "real.csv"
    path.write_text(HEADER + "cnc_rate,500000,2024,70.0,,,reported,,,test figure\n"
                    "cnc_rate,510000,2024,60.0,,,reported,,,test figure\n", encoding="utf-8")
    ingest_file(path, empty_warehouse)
    wh = Warehouse(empty_warehouse)
    ind = wh.indicators().set_index("indicator_id", drop=False).loc["cnc_rate"]
    frame = views.map_frame(wh, ind, 2024)
    assert views.meeting_target(frame, views.national_target(wh, ind, 2024)) == ["500000"]  # 70 ≥ 68 (2025)
    assert list(frame.sort_values("rank")["region_code"]) == ["500000", "510000"]


def test_indices_on_provincial_scales_get_no_national_benchmark(chongqing_generated_only: Warehouse) -> None:
    wh = chongqing_generated_only
    ind = wh.indicators().set_index("indicator_id", drop=False).loc["ii_development_index"]
    assert views.national_target(wh, ind, 2021) is None


def test_generated_values_draw_no_required_path_or_trend_line(chongqing_generated_only: Warehouse) -> None:
    wh = chongqing_generated_only
    ind = wh.indicators().set_index("indicator_id", drop=False).loc["cnc_rate"]
    overlays = views.trend_overlays(wh, ind, ["500000"])
    assert overlays and all(not o.required_path and not o.projection for o in overlays)


def test_a_single_real_figure_before_the_plan_window_is_shown_but_not_judged() -> None:
    v = assess(_target(value=65.0, target_year=2027, plan_start_year=2023), _obs((2021, 56.6, "reported", "x")))
    assert v.status == Status.NO_DATA and not v.mixed_scopes
    assert list(v.series["value"]) == [56.6]
