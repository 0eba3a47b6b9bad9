"""Gauge, trend and ranking builders as pure functions on small inline frames."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from dashboard.figures.gauge import gauge_range, target_gauge
from dashboard.figures.ranking import ranking_bars
from dashboard.figures.trend import TargetOverlay, axis_x, trend_chart


def test_gauge_marks_the_target_and_shows_the_value() -> None:
    fig = target_gauge(66.2, 68, unit="%", value_kind="share", precision=1)
    ind = fig.data[0]
    assert ind.value == 66.2
    assert ind.gauge.threshold.value == 68
    assert list(ind.gauge.axis.range) == [0, 100]
    assert ind.number.suffix == "%"


def test_a_reduction_gauge_fills_from_zero_towards_the_cut() -> None:
    fig = target_gauge(-25.2, -20, unit="%", value_kind="change", precision=1)
    assert list(fig.data[0].gauge.axis.range) == [0, pytest.approx(-30.24)]


def test_gauge_without_a_value_still_marks_the_target_but_shows_no_number() -> None:
    fig = target_gauge(None, 500, unit="count", value_kind="count", precision=0)
    assert fig.data[0].mode == "gauge"
    assert fig.data[0].gauge.threshold.value == 500


@pytest.mark.parametrize(("value", "target", "kind", "expected"), [
    (421, 500, "count", (0.0, 600.0)),
    (-25.2, -20, "change", (-30.24, 0.0)),
    (50, 40, "share", (0.0, 100.0)),
])
def test_gauge_range_leaves_room_for_value_and_target(value: float, target: float, kind: str,
                                                      expected: tuple[float, float]) -> None:
    assert gauge_range(value, target, kind) == pytest.approx(expected)


def _series(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["region_code", "label", "year", "value", "as_of", "status", "source_title"])


def test_trend_keeps_gaps_as_gaps_and_puts_year_end_values_on_their_year() -> None:
    df = _series([("100000", "全国 China", 2012, 24.6, None, "reported", "A"),
                  ("100000", "全国 China", 2015, 45.4, None, "estimated", "B"),
                  ("100000", "全国 China", 2016, 47.0, None, "reported", "B")])
    line = trend_chart(df, unit="%").data[0]
    assert list(line.x) == [2012.0, 2013.0, 2014.0, 2015.0, 2016.0]
    assert [None if v is None or (isinstance(v, float) and math.isnan(v)) else v for v in line.y] == [
        24.6, None, None, 45.4, 47.0]
    assert line.connectgaps is False


def test_as_of_figures_sit_inside_the_following_span() -> None:
    assert axis_x(2025, dt.date(2025, 3, 31)) == pytest.approx(2024 + 90 / 365)
    assert axis_x(2024, None) == 2024.0


def test_illustrative_lines_say_so_in_their_legend_name() -> None:
    df = _series([("320000", "江苏 Jiangsu", 2020, 60.0, None, "illustrative", "X"),
                  ("100000", "全国 China", 2020, 52.1, None, "reported", "A")])
    names = [trace.name for trace in trend_chart(df, unit="%", labels={
        "target": "T", "required_path": "R", "projection": "P", "illustrative": "illustrative", "source": "S"}).data]
    assert names == ["江苏 Jiangsu (illustrative)", "全国 China"]


def test_hover_flags_forecasts_and_derived_values_and_names_the_scope() -> None:
    df = _series([("100000", "全国 China", 2015, 45.4, None, "estimated", "A"),
                  ("100000", "全国 China", 2025, 4.5e6, None, "projected", "B")]).assign(scope="全国工业企业")
    hover = [c[0] for c in trend_chart(df, unit="persons").data[0].customdata if isinstance(c[0], str)]
    assert hover == ["2015 · Source: A · estimated<br>Scope: 全国工业企业",
                     "2025 · Source: B · projected<br>Scope: 全国工业企业"]


def test_a_change_of_scope_breaks_the_line_into_named_segments_of_one_colour() -> None:
    df = _series([("100000", "全国 China", 2020, 52.1, None, "reported", "A"),
                  ("100000", "全国 China", 2021, 55.3, None, "reported", "B"),
                  ("100000", "全国 China", 2022, 58.6, None, "reported", "C"),
                  ("100000", "全国 China", 2023, 62.9, None, "reported", "C")]).assign(
        scope=["制造业重点领域企业", "规模以上工业企业", "重点工业企业", "重点工业企业"])
    fig = trend_chart(df, unit="%")
    lines = [t for t in fig.data if t.legendgroup == "100000"]
    assert [t.name for t in lines] == ["全国 China · 制造业重点领域企业", "全国 China · 规模以上工业企业",
                                       "全国 China · 重点工业企业"]
    assert len({t.line.color for t in lines}) == 1  # one region, one colour
    assert len({t.marker.symbol for t in lines}) == 3  # each scope its own marker
    assert [v for v in lines[2].y if v is not None] == [58.6, 62.9]  # only same-scope points are joined


def test_generated_values_form_their_own_faint_segment_beside_real_ones() -> None:
    df = _series([("500000", "重庆 Chongqing", 2020, 53.0, None, "illustrative", "X"),
                  ("500000", "重庆 Chongqing", 2021, 56.6, None, "reported", "R"),
                  ("500000", "重庆 Chongqing", 2022, 58.0, None, "illustrative", "X")]).assign(scope=None)
    traces = trend_chart(df, unit="%").data
    assert [t.name for t in traces] == ["重庆 Chongqing (illustrative)", "重庆 Chongqing"]
    assert [v for v in traces[1].y if v is not None] == [56.6]
    assert traces[0].opacity < 1 and traces[1].opacity == 1


def test_a_series_with_one_scope_keeps_its_plain_name() -> None:
    df = _series([("100000", "全国 China", 2022, 58.6, None, "reported", "C"),
                  ("100000", "全国 China", 2023, 62.9, None, "reported", "C")]).assign(scope="重点工业企业")
    assert [t.name for t in trend_chart(df, unit="%").data] == ["全国 China"]


def test_targets_draw_one_legend_entry_per_kind() -> None:
    df = _series([("100000", "全国 China", 2020, 52.1, None, "reported", "A")])
    overlays = [TargetOverlay(2025.0, 68, "≥ 68% (2025)", [(2020.0, 52.1), (2025.0, 68.0)], [(2021.0, 55.0)]),
                TargetOverlay(2027.0, 75, "> 75% (2027)", [(2023.0, 60.0), (2027.0, 75.0)], [(2024.0, 62.0)])]
    fig = trend_chart(df, overlays, unit="%")
    legend = [(t.name, t.showlegend) for t in fig.data[1:]]
    assert sum(1 for name, show in legend if name == "Target" and show) == 1
    assert sum(1 for name, show in legend if name == "Required path" and show) == 1
    assert [t.x[0] for t in fig.data if t.name == "Target"] == [2025.0, 2027.0]


def test_ranking_leaves_out_missing_values_and_puts_the_best_on_top() -> None:
    df = pd.DataFrame({"region_code": ["a", "b", "c"], "label": ["A", "B", "C"], "value": [3.0, None, 5.0],
                       "illustrative": [False, False, True]})
    higher = ranking_bars(df, unit="%").data[0]
    assert list(higher.y) == ["A", "C"]  # plotly draws the first category at the bottom: C (best) on top
    lower = ranking_bars(df, unit="%", direction="lower").data[0]
    assert list(lower.y) == ["C", "A"]
    assert higher.marker.color[1] != higher.marker.color[0]  # the illustrative bar is drawn lighter
