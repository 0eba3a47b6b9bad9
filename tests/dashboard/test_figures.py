"""Gauge, trend and ranking builders as pure functions on small inline frames."""

from __future__ import annotations

import datetime as dt
import itertools
import math

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard.figures.gauge import gauge_range, target_gauge
from dashboard.figures.ranking import Reference, ranking_bars
from dashboard.figures.trend import (
    LABEL_SHIFT_PX,
    LAYOUT_HEIGHT_PX,
    LAYOUT_WIDTH_PX,
    LINE_HEIGHT,
    TargetOverlay,
    axis_x,
    spread,
    text_width,
    trend_chart,
)
from dashboard.i18n import language
from dashboard.presenting import end_request_presenting, for_screen, presenting, use_request_presenting


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



def _group(rows: list[tuple]) -> pd.DataFrame:
    """A group's aggregated rows: (year, value, status, members, reporting) of 4 members."""
    return pd.DataFrame([{"region_code": "长三角", "label": "长三角 集群", "year": y, "value": v, "as_of": None,
                          "status": s, "source_title": "S", "scope": None, "members": n, "members_total": 4,
                          "reporting": r} for y, v, s, n, r in rows])


def test_a_group_is_one_line_whose_points_say_how_many_members_report() -> None:
    df = _group([(2021, 60.0, "reported", 4, "a,b,c,d"), (2022, 61.0, "reported", 4, "a,b,c,d"),
                 (2023, 63.0, "reported", 4, "a,b,c,d")]).assign(scope=["X", "Y", "X；Y"])
    lines = trend_chart(df, unit="%").data
    assert len(lines) == 1 and lines[0].meta["group"] is True  # members' scopes do not split a group's line
    assert [list(row[1:]) for row in lines[0].customdata] == [[4, 4]] * 3
    assert lines[0].customdata[0][0].endswith("<br>4 of 4 members report")


def test_a_groups_hover_says_when_some_members_name_no_population() -> None:
    df = _group([(2021, 54.6, "reported", 2, "a,b")]).assign(scope="制造业", scope_unstated=True)
    hover = trend_chart(df, unit="%").data[0].customdata[0][0]
    assert "<br>Scope: 制造业；scope not stated<br>2 of 4 members report" in hover


def test_a_groups_line_breaks_where_the_members_behind_its_mean_change() -> None:
    df = _group([(2020, 50.0, "reported", 2, "a,b"), (2021, 52.0, "reported", 2, "a,b"),
                 (2022, 59.0, "reported", 1, "c")])
    line = trend_chart(df, unit="%").data[0]
    ys = [None if v is None or (isinstance(v, float) and math.isnan(v)) else v for v in line.y]
    assert ys == [50.0, 52.0, None, 59.0]  # 2021 (a and b) is not joined to 2022 (c alone)


def test_illustrative_group_points_are_drawn_lighter_like_any_generated_value() -> None:
    df = _group([(2021, 60.0, "illustrative", 4, "a,b,c,d"), (2022, 61.0, "reported", 4, "a,b,c,d")])
    traces = trend_chart(df, unit="%", labels={"illustrative": "illustrative"}).data
    assert [(t.name, t.opacity < 1) for t in traces] == [("长三角 集群 (illustrative)", True), ("长三角 集群", False)]


@pytest.mark.parametrize(("precision", "unit", "expected"), [(1, "%", "%{y:,.1f}%"),
                                                             (0, "projects", "%{y:,.0f} projects")])
def test_values_hover_in_the_indicators_precision(precision: int, unit: str, expected: str) -> None:
    df = _series([("100000", "全国 China", 2020, 52.1, None, "reported", "A")])
    assert trend_chart(df, unit=unit, precision=precision).data[0].hovertemplate.startswith(expected + "<br>")


def test_a_march_figure_sits_inside_its_year_and_says_its_month_on_the_chart() -> None:
    df = _series([("100000", "全国 China", 2023, 62.9, None, "reported", "A"),
                  ("100000", "全国 China", 2025, 66.2, dt.date(2025, 3, 31), "reported", "A")])
    with language("en"):
        fig = trend_chart(df, unit="%")
    point = next(x for x, y in zip(fig.data[0].x, fig.data[0].y, strict=True) if y == 66.2)
    assert 2024 < point < 2024.5  # after the 2024 year-end tick: in 2025's span
    dates = [t for t in fig.data if (t.meta or {}).get("role") == "date"]
    assert len(dates) == 1 and list(dates[0].text) == ["Mar 2025"] and list(dates[0].x) == [point]
    assert dates[0].hoverinfo == "skip" and dates[0].showlegend is False
    hover = [c[0] for c in fig.data[0].customdata if isinstance(c[0], str)]
    assert hover[-1].startswith("Mar 2025 · ")


def _boxes(fig: go.Figure, size: int = 12) -> list[tuple[float, float, float, float]]:
    """Each target label's box in plot fractions (x0, x1, y0, y1) on the smallest plot it is laid out for."""
    (x_lo, x_hi), (y_lo, y_hi) = fig.layout.xaxis.range, fig.layout.yaxis.range
    boxes = []
    for a in fig.layout.annotations:
        x0 = (a.x - x_lo) / (x_hi - x_lo) + a.xshift / LAYOUT_WIDTH_PX
        y = (a.y - y_lo) / (y_hi - y_lo)
        half = LINE_HEIGHT * size / LAYOUT_HEIGHT_PX / 2
        boxes.append((x0, x0 + text_width(a.text, size) / LAYOUT_WIDTH_PX, y - half, y + half))
    return boxes


def _points(fig: go.Figure) -> list[tuple[float, float]]:
    """Every drawn point (lines, paths, targets) in plot fractions."""
    (x_lo, x_hi), (y_lo, y_hi) = fig.layout.xaxis.range, fig.layout.yaxis.range
    return [((x - x_lo) / (x_hi - x_lo), (y - y_lo) / (y_hi - y_lo)) for t in fig.data
            for x, y in zip(t.x, t.y, strict=True) if x is not None and y is not None and not math.isnan(y)]


def test_target_labels_never_cover_a_line_a_marker_or_each_other() -> None:
    df = _series([("100000", "全国 China", 2020, 52.1, None, "reported", "A"),
                  ("100000", "全国 China", 2023, 62.9, None, "reported", "A"),
                  ("210000", "辽宁 Liaoning", 2022, 68.3, None, "reported", "B")])
    overlays = [TargetOverlay(2025.0, 68.0, "≥ 68.0% (2025)", [(2020.0, 52.1), (2025.0, 68.0)], [(2023.0, 62.9),
                                                                                              (2025.0, 70.1)]),
                TargetOverlay(2025.0, 68.5, "辽宁 ≥ 68.5% (2025)"), TargetOverlay(2027.0, 69.0, "> 69.0% (2027)"),
                TargetOverlay(2020.0, 50.0, "> 50.0% (2020)")]
    fig = trend_chart(df, overlays, unit="%")
    boxes, points = _boxes(fig), _points(fig)
    marker = 13 / 2 / LAYOUT_WIDTH_PX  # a target diamond's half width
    assert all(x0 > px + marker for x0, _, _, _ in boxes for px, _ in points)  # right of everything drawn
    assert all(x1 <= 1 for _, x1, _, _ in boxes)  # and inside the plot
    spans = sorted((y0, y1) for _, _, y0, y1 in boxes)
    assert all(a[1] <= b[0] + 1e-9 for a, b in itertools.pairwise(spans))  # 68, 68.5, 69: stacked, not overlaid
    assert all(0 <= y0 and y1 <= 1 for y0, y1 in spans)
    assert fig.layout.annotations[3].y == pytest.approx(50.0)  # a label with room stays at its target's height
    assert list(fig.layout.xaxis.tickvals) == list(range(2020, 2028))  # no year ticks in the label strip
    assert LABEL_SHIFT_PX >= 13 / 2


def test_labels_are_spread_apart_in_their_order_and_kept_inside() -> None:
    assert spread([0.5, 0.2], 0.1) == [0.5, 0.2]
    assert spread([0.5, 0.5, 0.52], 0.1) == pytest.approx([0.5, 0.6, 0.7])
    assert spread([0.99, 0.98], 0.1) == pytest.approx([0.95, 0.85])


def test_a_chart_without_targets_keeps_its_automatic_axes() -> None:
    fig = trend_chart(_series([("100000", "全国 China", 2020, 52.1, None, "reported", "A")]), unit="%")
    assert fig.layout.annotations == () and fig.layout.xaxis.range is None and fig.layout.xaxis.dtick == 1

def test_ranking_leaves_out_missing_values_and_puts_the_best_on_top() -> None:
    df = pd.DataFrame({"region_code": ["a", "b", "c"], "label": ["A", "B", "C"], "value": [3.0, None, 5.0],
                       "illustrative": [False, False, True]})
    higher = ranking_bars(df, unit="%").data[0]
    assert list(higher.y) == ["A", "C"]  # plotly draws the first category at the bottom: C (best) on top
    lower = ranking_bars(df, unit="%", direction="lower").data[0]
    assert list(lower.y) == ["C", "A"]
    assert higher.marker.color[1] != higher.marker.color[0]  # the illustrative bar is drawn lighter


RANKED = pd.DataFrame({"region_code": ["320000", "330000", "440000", "650000"],
                       "label": ["江苏", "浙江", "广东", "新疆"], "value": [66.25, 70.0, 1234.5, 48.0],
                       "illustrative": [False, False, True, True]})


@pytest.mark.parametrize("present", [False, True], ids=["normal", "presenter"])
def test_ranking_value_labels_are_readable_and_use_the_indicators_precision(present: bool) -> None:
    use_request_presenting({}, {"present": "1" if present else "0"})
    try:
        fig = for_screen(ranking_bars(RANKED, unit="%", precision=2), dense=True)
    finally:
        end_request_presenting()
    assert presenting() is False
    bars = fig.data[0]
    assert bars.texttemplate == "%{x:,.2f}" and "%{x:,.2f}%" in bars.hovertemplate
    assert bars.textfont.size >= 11 and fig.layout.yaxis.tickfont.size >= 11
    assert bars.constraintext == "none"  # plotly would otherwise shrink a label to fit its bar
    assert all(a.font.size >= 11 for a in fig.layout.annotations)


def test_bars_carry_their_province_code_for_the_click_that_opens_its_profile() -> None:
    bars = ranking_bars(RANKED, unit="%").data[0]
    assert [row[0] for row in bars.customdata] == ["650000", "320000", "330000", "440000"]


def test_the_national_value_and_target_are_labelled_lines_on_rows_of_their_own() -> None:
    fig = ranking_bars(RANKED, unit="%", national=Reference(62.1, "全国 62.1%"),
                       target=Reference(68.0, "目标 ≥ 68.0% (2025)"))
    assert [(s.x0, s.x1, s.yref) for s in fig.layout.shapes] == [(62.1, 62.1, "paper"), (68.0, 68.0, "paper")]
    labels = {a.text: a for a in fig.layout.annotations}
    assert set(labels) == {"全国 62.1%", "目标 ≥ 68.0% (2025)"}
    assert labels["全国 62.1%"].yshift != labels["目标 ≥ 68.0% (2025)"].yshift  # two close values never overprint
    assert fig.layout.xaxis.range[1] > 1234.5  # the longest bar and its label fit
    assert not ranking_bars(RANKED, unit="%").layout.shapes


def test_a_few_bars_keep_a_bars_thickness_at_the_top() -> None:
    one = ranking_bars(RANKED.head(1), unit="%").layout.yaxis.range
    assert one[1] == 0.5 and one[1] - one[0] >= 12  # one bar in a column twelve bars tall
    all_34 = ranking_bars(pd.concat([RANKED] * 9).head(34).assign(region_code=[str(i) for i in range(34)],
                                                                 label=[str(i) for i in range(34)]), unit="%")
    assert list(all_34.layout.yaxis.range) == [-0.5, 33.5]


def test_a_line_beyond_every_bar_still_fits_on_the_axis() -> None:
    small = RANKED[RANKED["value"] < 100]
    fig = ranking_bars(small, unit="%", target=Reference(85.0, "目标 ≥ 85.0% (2025)"))
    assert fig.layout.xaxis.range[0] == 0 and fig.layout.xaxis.range[1] > 85.0


@pytest.mark.parametrize(("kinds", "legend"), [([False, True, False, True], ["Reported", "Illustrative"]),
                                               ([True] * 4, ["Illustrative"]), ([False] * 4, ["Reported"])],
                         ids=["both", "illustrative-only", "reported-only"])
def test_the_legend_says_which_bars_are_reported_and_which_illustrative(kinds: list[bool],
                                                                        legend: list[str]) -> None:
    fig = ranking_bars(RANKED.assign(illustrative=kinds), unit="%",
                       labels={"real": "Reported", "illustrative": "Illustrative"})
    assert [t.name for t in fig.data[1:] if t.showlegend is not False] == legend
    assert fig.layout.showlegend is True


def test_group_members_stand_out_and_the_other_bars_fade_without_going_see_through() -> None:
    fig = ranking_bars(RANKED, unit="%", emphasis=["320000", "330000"])
    bars = fig.data[0]
    plain = ranking_bars(RANKED, unit="%").data[0]
    order = [row[0] for row in bars.customdata]
    members = [order.index("320000"), order.index("330000")]
    assert [bars.marker.color[i] for i in members] == [plain.marker.color[i] for i in members]
    others = [i for i in range(len(order)) if i not in members]
    assert all(bars.marker.color[i] != plain.marker.color[i] for i in others)
    assert bars.marker.opacity is None  # faded by colour: the reference lines behind stay hidden
    assert [fig.layout.yaxis.ticktext[i] for i in members] == ["<b>江苏</b>", "<b>浙江</b>"]
    assert list(fig.layout.yaxis.tickvals) == list(bars.y)
