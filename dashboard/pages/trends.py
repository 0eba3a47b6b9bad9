"""``/trends?indicator=cnc_rate&region=100000,320000`` — national and provincial series with their targets."""

from __future__ import annotations

from urllib.parse import urlencode

import dash
from dash import Input, Output, callback, dcc, html

from dashboard import data, ids
from dashboard.components import indicator_picker, labelled, page_header, source_line, warehouse_missing
from dashboard.figures.trend import trend_chart
from dashboard.i18n import t
from dashboard.views import trend_frame, trend_overlays
from pipelines.errors import WarehouseError

dash.register_page(__name__, path="/trends", title=t("nav.trends"), name=t("nav.trends"), order=2)

DEFAULT_INDICATOR = "cnc_rate"
DEFAULT_REGIONS = ["100000"]
TREND_LABELS = {"target": t("trends.target"), "required_path": t("trends.required_path"),
                "projection": t("trends.projection"), "illustrative": t("map.illustrative"),
                "estimated": t("status.value.estimated"), "projected": t("status.value.projected"),
                "source": t("source")}


def layout(indicator: str | None = None, region: str | None = None, **_: str) -> html.Div:
    wh = data.warehouse()
    try:
        indicators = wh.indicators_with_data()
        regions = wh.regions()
    except WarehouseError as exc:
        return html.Div([page_header("trends.heading"), warehouse_missing(str(exc))])
    chosen = indicator if indicator in set(indicators["indicator_id"]) else DEFAULT_INDICATOR
    known = set(regions["region_code"])
    picked = [c for c in (region or "").split(",") if c in known] or DEFAULT_REGIONS
    return html.Div([
        page_header(
            "trends.heading",
            indicator_picker(ids.TRENDS_INDICATOR, indicators, chosen),
            labelled("trends.regions", dcc.Dropdown(
                id=ids.TRENDS_REGIONS, value=picked, multi=True, className="region-dropdown",
                options=[{"label": f"{r.short_zh} {r.name_en}", "value": r.region_code}
                         for r in regions.itertuples()])),
        ),
        dcc.Loading(dcc.Graph(id=ids.TRENDS_GRAPH, config={"displayModeBar": False}, className="trend-graph"),
                    delay_show=300),
        html.Div(id=ids.TRENDS_CAPTION),
    ])


@callback(Output(ids.TRENDS_GRAPH, "figure"), Output(ids.TRENDS_CAPTION, "children"),
          Output(ids.STATE, "data", allow_duplicate=True),
          Input(ids.TRENDS_INDICATOR, "value"), Input(ids.TRENDS_REGIONS, "value"),
          prevent_initial_call="initial_duplicate")
def draw_trends(indicator_id: str, region_codes: list[str] | None) -> tuple:
    codes = list(region_codes or [])
    query = urlencode({"indicator": indicator_id, "region": ",".join(codes)}, safe=",")
    state = {"path": "/trends", "query": f"?{query}"}
    wh = data.warehouse()
    ind = wh.indicators().set_index("indicator_id", drop=False).loc[indicator_id]
    frame = trend_frame(wh, ind, codes)
    fig = trend_chart(frame, trend_overlays(wh, ind, codes), unit=ind["unit"], labels=TREND_LABELS)
    caption = source_line(frame["source_title"], illustrative=bool((frame["status"] == "illustrative").any()))
    if frame.empty:
        caption = html.Div(t("trends.no_data"), className="source-line")
    return fig, caption, state
