"""``/trends?indicator=cnc_rate&region=100000,320000`` — national and provincial series with their targets."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

import dash
import pandas as pd
from dash import Input, Output, callback, dcc, html
from dash.exceptions import PreventUpdate

from dashboard import data, ids
from dashboard.components import (
    chart_tools,
    indicator_picker,
    labelled,
    page_header,
    reported_toggle,
    source_line,
    warehouse_missing,
)
from dashboard.deeplinks import (
    LinkProblem,
    group_label,
    indicator_problem,
    link_notice,
    read_regions,
    unknown_region,
)
from dashboard.figures.trend import trend_chart
from dashboard.i18n import display_unit, name, t
from dashboard.presenting import for_screen
from dashboard.urlstate import one
from dashboard.views import latest_label, pick_indicator, trend_frame, trend_overlays
from pipelines.errors import WarehouseError
from pipelines.slices import Vocabulary, split_values, vocabulary

dash.register_page(__name__, path="/trends", title=lambda: t("nav.trends"), name="Trends", order=2)

DEFAULT_REGIONS = ["100000"]


def trend_labels() -> dict[str, str]:
    return {"target": t("trends.target"), "required_path": t("trends.required_path"),
            "projection": t("trends.projection"), "illustrative": t("map.illustrative"),
            "estimated": t("status.value.estimated"), "projected": t("status.value.projected"),
            "source": t("source"), "scope": t("trends.scope"), "scope_unstated": t("scope.unstated")}


def layout(indicator: str | list[str] | None = None, region: str | list[str] | None = None,
           reported: str | list[str] | None = None, **_: str) -> html.Div:
    """Every control is always laid out (callbacks need their ids), with a notice when there is no data."""
    indicator, region = one(indicator), one(region)
    wh = data.warehouse()
    notice = None
    try:
        indicators = wh.indicators_with_data()
        regions = wh.regions()
    except WarehouseError as exc:
        indicators = pd.DataFrame(columns=["indicator_id", "name_zh", "name_en"])
        regions = pd.DataFrame(columns=["region_code", "short_zh", "name_en"])
        notice = warehouse_missing(str(exc))
    chosen = pick_indicator(indicator, list(indicators["indicator_id"]))
    picked, problems = DEFAULT_REGIONS, []
    if notice is None:
        picked, problems = _regions_asked(region, vocabulary(wh), chosen)
        problems.insert(0, indicator_problem(indicator, chosen, wh.indicators(), indicators,
                                             lambda i: _href(i, region)))
    return html.Div([
        page_header(
            "trends.heading",
            indicator_picker(ids.TRENDS_INDICATOR, indicators, chosen),
            labelled("trends.regions", dcc.Dropdown(
                id=ids.TRENDS_REGIONS, value=picked, multi=True, className="region-dropdown",
                options=[{"label": name(r._asdict(), short=True), "value": r.region_code}
                         for r in regions.itertuples()])),
            reported_toggle(ids.TRENDS_REPORTED, reported),
        ),
        notice,
        link_notice(problems, component_id=ids.LINK_NOTICE),
        html.Div([
            html.H2(id=ids.TRENDS_TITLE, className="chart-title"),
            dcc.Loading(dcc.Graph(id=ids.TRENDS_GRAPH, config={"displayModeBar": False}, className="trend-graph"),
                        delay_show=300),
            html.Div(id=ids.TRENDS_CAPTION),
            chart_tools(ids.TRENDS_GRAPH),
        ], className="chart-block"),
    ])


def _href(indicator_id: str | None, region: str | None) -> str:
    params = {k: v for k, v in (("indicator", indicator_id), ("region", region)) if v}
    return "/trends" + (f"?{urlencode(params, safe=',')}" if params else "")


def _regions_asked(region: str | None, vocab: Vocabulary, indicator_id: str | None) -> tuple[list[str], list]:
    """The regions a ``region`` value names, as the API reads it (codes, names, groups), and a notice for every
    token it could not read and every group (drawn, for now, as its member provinces)."""
    asked = read_regions(region, vocab)
    tokens = split_values(region)

    def instead(token: str) -> Callable[[str], str]:  # the same address with this token corrected
        return lambda code: _href(indicator_id, ",".join(code if x == token else x for x in tokens))

    problems: list[LinkProblem | None] = [
        unknown_region(vocab, token, instead(token), fallback=None if asked.codes else t("link.national"))
        for token in asked.unknown]
    problems += [LinkProblem("region", group, t("link.region.group").format(value=group_label(group),
                                                                            n=len(vocab.expand(group))))
                 for group in asked.groups]
    return list(asked.codes) or DEFAULT_REGIONS, problems


@callback(Output(ids.TRENDS_GRAPH, "figure"), Output(ids.TRENDS_CAPTION, "children"),
          Output(ids.TRENDS_TITLE, "children"), Output(ids.STATE, "data", allow_duplicate=True),
          Input(ids.TRENDS_INDICATOR, "value"), Input(ids.TRENDS_REGIONS, "value"),
          Input(ids.TRENDS_REPORTED, "value"), prevent_initial_call="initial_duplicate")
def draw_trends(indicator_id: str | None, region_codes: list[str] | None, real: list[str] | None) -> tuple:
    if not indicator_id:
        raise PreventUpdate
    codes = list(region_codes or [])
    params = {"indicator": indicator_id, "region": ",".join(codes)} | ({"reported": 1} if real else {})
    state = {"path": "/trends", "query": f"?{urlencode(params, safe=',')}", "owns": ["reported"]}
    wh = data.warehouse()
    ind = wh.indicators().set_index("indicator_id", drop=False).loc[indicator_id]
    frame = trend_frame(wh, ind, codes, real_only=bool(real))
    fig = for_screen(trend_chart(frame, trend_overlays(wh, ind, codes), unit=display_unit(ind),
                                 labels=trend_labels()))
    caption = source_line(frame["source_title"], illustrative=bool((frame["status"] == "illustrative").any()),
                          as_of=latest_label(frame))
    if frame.empty:
        caption = html.Div(t("trends.no_data"), className="source-line")
    regions = wh.regions().set_index("region_code")
    title = t("trends.title").format(indicator=name(ind), regions=t("list.separator").join(
        name(regions.loc[c], short=True) for c in codes if c in regions.index))
    return fig, caption, title, state
