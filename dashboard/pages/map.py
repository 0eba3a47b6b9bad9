"""``/map?indicator=cnc_rate&year=2020`` — the province map explorer with its ranking.

The full figure (with geometry) is sent when the indicator changes; a year step or the target toggle sends
only a ``Patch`` of the data arrays, so the ~150 KB of geometry crosses the wire once.
"""

from __future__ import annotations

from urllib.parse import urlencode

import dash
import pandas as pd
from dash import Input, Output, Patch, State, callback, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import data, ids
from dashboard.components import (
    chart_tools,
    indicator_picker,
    no_real_data_notice,
    page_header,
    reported_toggle,
    source_line,
    warehouse_missing,
)
from dashboard.deeplinks import choice_problem, indicator_problem, link_notice
from dashboard.figures.province_map import graph_config, map_updates, province_map
from dashboard.figures.ranking import ranking_bars
from dashboard.i18n import date_label, display_unit, name, t
from dashboard.presenting import for_screen
from dashboard.urlstate import one
from dashboard.views import latest_label, map_frame, meeting_target, national_target, pick_indicator
from geo import shapes
from pipelines.errors import WarehouseError

dash.register_page(__name__, path="/map", title=lambda: t("nav.map"), name="Province map", order=1)



def map_labels() -> dict[str, str]:
    return {"no_data": t("map.no_data"), "rank": t("map.rank"), "source": t("source"),
            "illustrative": t("map.illustrative"), "highlight": t("map.target_met"), "inset": t("map.inset")}


def province_indicators() -> pd.DataFrame:
    """Indicators with province-level observations: only those make a map."""
    return data.warehouse().indicators_with_data(provinces_only=True)


def _year_slider(years: list[int], value: int) -> dict[str, object]:
    return {"min": years[0], "max": years[-1], "value": value, "step": 1,
            "marks": {int(y): str(y) for y in years}}


def layout(indicator: str | list[str] | None = None, year: str | list[str] | None = None,
           mark: str | list[str] | None = None, reported: str | list[str] | None = None, **_: str) -> html.Div:
    """Every control is always laid out (callbacks need their ids), with a notice when there is no data."""
    indicator, year, mark = one(indicator), one(year), one(mark)
    notice = None
    try:
        options = province_indicators()
    except WarehouseError as exc:
        options, notice = pd.DataFrame(columns=["indicator_id", "name_zh", "name_en", "years"]), warehouse_missing(
            str(exc))
    if options.empty and notice is None:
        notice = html.Div(t("map.no_province_data"), className="notice", role="status")
    known = options.set_index("indicator_id")
    chosen = pick_indicator(indicator, list(known.index))
    years = [int(y) for y in known.loc[chosen, "years"]] if chosen else [0]
    start = int(year) if year and year.isdigit() and int(year) in years else years[-1]
    link = None if notice is not None else link_notice([
        indicator_problem(indicator, chosen, data.warehouse().indicators(), options,
                          lambda i: f"/map?{urlencode({'indicator': i})}",
                          no_data_key="link.indicator.no_province_data"),
        choice_problem("year", year, start, years, "link.year.unknown") if chosen else None,
    ], component_id=ids.LINK_NOTICE)
    return html.Div([
        page_header(
            "map.heading",
            indicator_picker(ids.MAP_INDICATOR, options, chosen),
            dcc.Checklist(id=ids.MAP_MARK, options=[{"label": t("map.mark_target"), "value": "on"}],
                          value=["on"] if mark == "1" else [], className="toggle"),
            reported_toggle(ids.MAP_REPORTED, reported),
        ),
        notice,
        link,
        html.Div([
            html.Button(t("map.play"), id=ids.MAP_PLAY, className="play-button", n_clicks=0),
            html.Button("‹", id=ids.MAP_PREV_YEAR, className="step-button", n_clicks=0, title=t("map.prev_year"),
                        **{"aria-label": t("map.prev_year")}),
            html.Button("›", id=ids.MAP_NEXT_YEAR, className="step-button", n_clicks=0, title=t("map.next_year"),
                        **{"aria-label": t("map.next_year")}),
            html.Div(dcc.Slider(id=ids.MAP_YEAR, **_year_slider(years, start), included=False,
                                allow_direct_input=False), className="slider"),
            dcc.Interval(id=ids.MAP_TIMER, interval=1200, disabled=True),
        ], className="year-row"),
        html.Div([
            html.Div([html.H2(id=ids.MAP_TITLE, className="chart-title"),
                      html.Div(id=ids.MAP_CAPTION),  # sources and the illustrative badge, above the fold
                      dcc.Loading(dcc.Graph(id=ids.MAP_GRAPH, config=graph_config(), className="map-graph"),
                                  delay_show=300),
                      html.P(t("map.click_profile"), className="hint"),
                      chart_tools(ids.MAP_GRAPH)], className="map-column chart-block"),
            html.Div([html.H2(t("map.ranking"), className="chart-title"),
                      dcc.Graph(id=ids.MAP_RANKING, config={"displayModeBar": False}, className="ranking-graph"),
                      chart_tools(ids.MAP_RANKING)],
                     className="ranking-column chart-block"),
        ], className="map-layout"),
    ])


def _view(indicator_id: str, year: int, mark: list[str],
          real: list[str]) -> tuple[pd.Series, pd.DataFrame, list[str], bool]:
    """The year's frame, the provinces to outline, and whether an outline was asked for but nothing real
    could earn one (so the page says so instead of showing an empty map as if no province met it)."""
    wh = data.warehouse()
    ind = wh.indicators().set_index("indicator_id", drop=False).loc[indicator_id]
    frame = map_frame(wh, ind, year, real_only=bool(real))
    target = national_target(wh, ind, year) if mark else None
    highlight = meeting_target(frame, target)
    unjudged = target is not None and not frame.empty and bool(frame["illustrative"].all())
    return ind, frame, highlight, unjudged


def _extras(ind: pd.Series, frame: pd.DataFrame, year: int, unjudged: bool) -> tuple[object, object, str]:
    ranking = for_screen(ranking_bars(frame, unit=display_unit(ind), direction=ind["direction"],
                                      illustrative_label=t("map.illustrative")), dense=True)
    caption = source_line(frame["source_title"], illustrative=bool(frame["illustrative"].any()),
                          as_of=latest_label(frame) or date_label(year))
    if unjudged:
        caption = html.Div([caption, no_real_data_notice("map.outline_unjudged")])
    elif frame.empty:
        caption = html.Div([caption, html.Div(t("map.no_real_values"), className="notice", role="status")])
    elif frame["illustrative"].any():  # the bars are in value order, but a generated value earns no rank
        caption = html.Div([caption, html.Div(t("map.unranked"), className="hint unranked-note")])
    return ranking, caption, f"{name(ind)} · {year}"


def _state(indicator_id: str, year: int, mark: list[str], real: list[str]) -> dict[str, object]:
    params = ({"indicator": indicator_id, "year": year} | ({"mark": 1} if mark else {})
              | ({"reported": 1} if real else {}))
    return {"path": "/map", "query": "?" + urlencode(params), "owns": ["reported"]}


@callback(Output(ids.MAP_GRAPH, "figure"), Output(ids.MAP_YEAR, "min"), Output(ids.MAP_YEAR, "max"),
          Output(ids.MAP_YEAR, "marks"), Output(ids.MAP_YEAR, "value"), Output(ids.MAP_RANKING, "figure"),
          Output(ids.MAP_CAPTION, "children"), Output(ids.MAP_TITLE, "children"),
          Output(ids.STATE, "data", allow_duplicate=True),
          Input(ids.MAP_INDICATOR, "value"), State(ids.MAP_YEAR, "value"), State(ids.MAP_MARK, "value"),
          State(ids.MAP_REPORTED, "value"), prevent_initial_call="initial_duplicate")
def draw_map(indicator_id: str | None, year: int, mark: list[str], real: list[str]) -> tuple:
    """Whole figure, geometry included: only on first load and when the indicator changes."""
    if not indicator_id:
        raise PreventUpdate
    years = [int(y) for y in province_indicators().set_index("indicator_id").loc[indicator_id, "years"]]
    year = year if year in years else years[-1]
    ind, frame, highlight, unjudged = _view(indicator_id, year, mark, real)
    fig = for_screen(province_map(
        frame, shapes.provinces(), unit=display_unit(ind), direction=ind["direction"], labels=map_labels(),
        maritime=shapes.maritime_line(), inset=shapes.south_china_sea(), highlight=highlight,
        value_range=data.warehouse().value_range(indicator_id),
        geojson_urls=(dash.get_relative_path(f"/geo/{shapes.PROVINCES_FILE}"),
                      dash.get_relative_path(f"/geo/{shapes.INSET_FILE}"))))
    slider = _year_slider(years, year)
    return (fig, slider["min"], slider["max"], slider["marks"], year, *_extras(ind, frame, year, unjudged),
            _state(indicator_id, year, mark, real))


@callback(Output(ids.MAP_GRAPH, "figure", allow_duplicate=True),
          Output(ids.MAP_RANKING, "figure", allow_duplicate=True),
          Output(ids.MAP_CAPTION, "children", allow_duplicate=True),
          Output(ids.MAP_TITLE, "children", allow_duplicate=True),
          Output(ids.STATE, "data", allow_duplicate=True),
          Input(ids.MAP_YEAR, "value"), Input(ids.MAP_MARK, "value"), Input(ids.MAP_REPORTED, "value"),
          State(ids.MAP_INDICATOR, "value"), prevent_initial_call=True)
def step_year(year: int, mark: list[str], real: list[str], indicator_id: str | None) -> tuple:
    """A year step or a toggle: patch z/customdata/highlight arrays, never the geometry."""
    if not indicator_id:
        raise PreventUpdate
    ind, frame, highlight, unjudged = _view(indicator_id, year, mark, real)
    patch = Patch()
    for index, props in map_updates(frame, shapes.province_codes(), labels=map_labels(), highlight=highlight).items():
        for key, value in props.items():
            patch["data"][index][key] = value
    return (patch, *_extras(ind, frame, year, unjudged), _state(indicator_id, year, mark, real))


@callback(Output(ids.MAP_TIMER, "disabled"), Output(ids.MAP_PLAY, "children"),
          Input(ids.MAP_PLAY, "n_clicks"), State(ids.MAP_TIMER, "disabled"), prevent_initial_call=True)
def toggle_play(_: int, disabled: bool) -> tuple[bool, str]:
    return (not disabled), t("map.pause") if disabled else t("map.play")


@callback(Output(ids.MAP_YEAR, "value", allow_duplicate=True), Input(ids.MAP_TIMER, "n_intervals"),
          State(ids.MAP_YEAR, "value"), State(ids.MAP_YEAR, "marks"), prevent_initial_call=True)
def advance(_: int, year: int, marks: dict[str, str]) -> int:
    years = sorted(int(y) for y in marks)
    later = [y for y in years if y > year]
    return later[0] if later else years[0]


@callback(Output(ids.MAP_YEAR, "value", allow_duplicate=True), Input(ids.MAP_PREV_YEAR, "n_clicks"),
          Input(ids.MAP_NEXT_YEAR, "n_clicks"), State(ids.MAP_YEAR, "value"), State(ids.MAP_YEAR, "marks"),
          prevent_initial_call=True)
def step_button(_: int, __: int, year: int, marks: dict[str, str]) -> int:
    """‹ and › (and ←/→ in presenter mode): the previous or next year that has figures, stopping at the ends."""
    years = sorted(int(y) for y in marks)
    if dash.ctx.triggered_id == ids.MAP_NEXT_YEAR:
        later = [y for y in years if y > year]
        return later[0] if later else no_update
    earlier = [y for y in years if y < year]
    return earlier[-1] if earlier else no_update


def clicked_code(click: object, key: str) -> str | None:
    """The region code a click on the map (``location``) or on a ranking bar (``customdata[0]``) points at."""
    points = click.get("points") if isinstance(click, dict) else None
    point = points[0] if isinstance(points, list) and points and isinstance(points[0], dict) else {}
    value = point.get(key)
    code = value[0] if key == "customdata" and isinstance(value, list) and value else value
    return code if isinstance(code, str) and len(code) == 6 and code.isdigit() and code != "100000" else None


@callback(Output(ids.URL, "href"), Input(ids.MAP_GRAPH, "clickData"), Input(ids.MAP_RANKING, "clickData"),
          prevent_initial_call=True)
def open_profile(map_click: dict | None, bar_click: dict | None) -> str:
    """A province on the map or a bar in the ranking opens that province's profile."""
    on_bar = dash.ctx.triggered_id == ids.MAP_RANKING
    code = clicked_code(bar_click, "customdata") if on_bar else clicked_code(map_click, "location")
    return f"/province/{code}" if code else no_update
