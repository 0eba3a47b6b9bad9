"""``/map?indicator=cnc_rate&year=2020`` — the province map explorer with its ranking.

``tiles=1`` draws the equal-square tile grid instead of the map (a visitor's setting, kept across pages);
``region=长三角`` (any region name, code or group the API accepts) outlines that group's members and gives the
group's value for the year. The full figure is sent when the indicator or the view changes; a year step, a
toggle or a group sends only a ``Patch`` of the data arrays, so the ~150 KB of geometry crosses the wire once.
Hovering a province fills the panel beside it in the browser, from series sent once (``figures.sparkline``).
"""

from __future__ import annotations

from typing import NamedTuple
from urllib.parse import urlencode

import dash
import pandas as pd
from dash import ClientsideFunction, Input, Output, Patch, State, callback, clientside_callback, dcc, html, no_update
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
from dashboard.figures import tile_map as tm
from dashboard.figures.numbers import precision_of, value_text
from dashboard.figures.province_map import graph_config, map_updates, province_map
from dashboard.figures.ranking import Reference, ranking_bars
from dashboard.figures.sparkline import sparkline_points, sparkline_template
from dashboard.i18n import current_lang, date_label, display_unit, name, t
from dashboard.pages._map_groups import Group, group_line, group_picker, group_problems, read_group
from dashboard.presenting import PRESENT_FONT, for_screen, presenting
from dashboard.urlstate import one
from dashboard.views import (
    latest_label,
    map_frame,
    map_history,
    meeting_target,
    national_target,
    national_value,
    pick_indicator,
    region_labels,
    target_text,
)
from geo import shapes
from pipelines.errors import WarehouseError
from pipelines.slices import vocabulary

dash.register_page(__name__, path="/map", title=lambda: t("nav.map"), name="Province map", order=1)

MAP, TILES = "map", "tiles"


def map_labels(group: Group | None = None) -> dict[str, str]:
    return {"no_data": t("map.no_data"), "rank": t("map.rank"), "source": t("source"),
            "illustrative": t("map.illustrative"), "highlight": t("map.target_met"), "inset": t("map.inset"),
            "group": t("map.group.members").format(group=group.label) if group else ""}


def province_indicators() -> pd.DataFrame:
    """Indicators with province-level observations: only those make a map."""
    return data.warehouse().indicators_with_data(provinces_only=True)


def _year_slider(years: list[int], value: int) -> dict[str, object]:
    return {"min": years[0], "max": years[-1], "value": value, "step": 1,
            "marks": {int(y): str(y) for y in years}}


def layout(indicator: str | list[str] | None = None, year: str | list[str] | None = None,
           mark: str | list[str] | None = None, reported: str | list[str] | None = None,
           tiles: str | list[str] | None = None, region: str | list[str] | None = None, **_: str) -> html.Div:
    """Every control is always laid out (callbacks need their ids), with a notice when there is no data."""
    indicator, year, mark, tiles, region = one(indicator), one(year), one(mark), one(tiles), one(region)
    notice, vocab = None, None
    try:
        options = province_indicators()
        vocab = vocabulary(data.warehouse())
    except WarehouseError as exc:
        options, notice = pd.DataFrame(columns=["indicator_id", "name_zh", "name_en", "years"]), warehouse_missing(
            str(exc))
    if options.empty and notice is None:
        notice = html.Div(t("map.no_province_data"), className="notice", role="status")
    known = options.set_index("indicator_id")
    chosen = pick_indicator(indicator, list(known.index))
    years = [int(y) for y in known.loc[chosen, "years"]] if chosen else [0]
    start = int(year) if year and year.isdigit() and int(year) in years else years[-1]
    group = read_group(region, vocab) if vocab is not None else None
    link = None if notice is not None else link_notice([
        indicator_problem(indicator, chosen, data.warehouse().indicators(), options,
                          lambda i: f"/map?{urlencode({'indicator': i})}",
                          no_data_key="link.indicator.no_province_data"),
        choice_problem("year", year, start, years, "link.year.unknown") if chosen else None,
        *group_problems(region, vocab, lambda r: f"/map?{urlencode({'indicator': chosen or '', 'region': r})}"),
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
            html.Div([html.Div([html.H2(id=ids.MAP_TITLE, className="chart-title"),
                                html.Div([group_picker(vocab, group) if vocab is not None
                                          else dcc.Dropdown(id=ids.MAP_REGION), _view_toggle(tiles)],
                                         className="map-view-controls")],
                               className="map-title-row"),
                      html.Div(id=ids.MAP_CAPTION),  # sources and the illustrative badge, above the fold
                      html.Div(id=ids.MAP_GROUP_LINE, className="group-line"),
                      html.Div([dcc.Loading(dcc.Graph(id=ids.MAP_GRAPH, config=graph_config(),
                                                      className="map-graph"), delay_show=300),
                                _hover_panel()], className="map-stage"),
                      html.P(t("map.click_profile"), className="hint"),
                      chart_tools(ids.MAP_GRAPH)], className="map-column chart-block"),
            html.Div([html.H2(t("map.ranking"), className="chart-title"),
                      dcc.Graph(id=ids.MAP_RANKING, config={"displayModeBar": False}, className="ranking-graph"),
                      chart_tools(ids.MAP_RANKING)],
                     className="ranking-column chart-block"),
        ], className="map-layout"),
        dcc.Store(id=ids.MAP_SERIES),
    ])


def _view_toggle(tiles: str | None) -> dcc.RadioItems:
    return dcc.RadioItems(id=ids.MAP_VIEW, value=TILES if tiles == "1" else MAP, className="segmented view-toggle",
                          options=[{"label": t("map.view.map"), "value": MAP},
                                   {"label": html.Span(t("map.view.tiles"), title=t("map.view.help")),
                                    "value": TILES}],
                          inline=True)


def _hover_panel() -> html.Div:
    """Beside the map: the hovered province's name, the year's value, its rank, its series (as text too)."""
    return html.Div([
        html.Div(t("map.hover.hint"), id=ids.MAP_HOVER_NAME, className="hover-name"),
        html.Div(id=ids.MAP_HOVER_VALUE, className="hover-value"),
        html.Div(id=ids.MAP_HOVER_RANK, className="hover-rank"),
        dcc.Graph(id=ids.MAP_SPARK, config={"displayModeBar": False, "staticPlot": False},
                  className="hover-spark", style={"display": "none"}),
        html.Div(id=ids.MAP_HOVER_SERIES, className="hover-series"),
    ], id=ids.MAP_HOVER, className="hover-panel", **{"aria-live": "polite"})


class _View(NamedTuple):  # not a dataclass: Dash's page loader runs this module outside sys.modules
    """One year of the page, as every output needs it."""

    ind: pd.Series
    frame: pd.DataFrame
    highlight: list[str]
    unjudged: bool  # an outline was asked for but no real value could earn one
    group: Group | None


def _view(indicator_id: str, year: int, mark: list[str], real: list[str], region: str | None) -> _View:
    wh = data.warehouse()
    ind = wh.indicators().set_index("indicator_id", drop=False).loc[indicator_id]
    frame = map_frame(wh, ind, year, real_only=bool(real))
    target = national_target(wh, ind, year) if mark else None
    unjudged = target is not None and not frame.empty and bool(frame["illustrative"].all())
    return _View(ind, frame, meeting_target(frame, target), unjudged, read_group(region, vocabulary(wh)))


def _references(view: _View, year: int, real: list[str]) -> tuple[Reference | None, Reference | None]:
    """The ranking's national value and national target lines (the target only for rates: ``national_target``)."""
    wh, ind = data.warehouse(), view.ind
    unit, precision = display_unit(ind), precision_of(ind)
    nation = national_value(wh, ind, year, real_only=bool(real))
    national = None if nation is None else Reference(float(nation["value"]), t("map.ranking.national").format(
        value=value_text(float(nation["value"]), unit, precision))
        + (f" ({t('map.illustrative')})" if nation["status"] == "illustrative" else ""))
    goal = national_target(wh, ind, year)
    target = None if goal is None else Reference(float(goal["value"]), t("map.ranking.target").format(
        target=target_text(goal["comparator"], float(goal["value"]), unit, int(goal["target_year"]), precision)))
    return national, target


def _extras(view: _View, year: int, real: list[str]) -> tuple[object, object, str, object]:
    """Ranking, caption, title and group line: everything but the map that a year step redraws."""
    ind, frame = view.ind, view.frame
    national, target = _references(view, year, real)
    ranking = for_screen(ranking_bars(
        frame, unit=display_unit(ind), direction=ind["direction"], precision=precision_of(ind),
        labels={"real": t("map.ranking.real"), "illustrative": t("map.ranking.illustrative")},
        national=national, target=target, emphasis=view.group.members if view.group else ()), dense=True)
    if presenting():  # for_screen enlarges bars and ticks; the lines' labels grow with them
        ranking.update_annotations(font_size=PRESENT_FONT - 8)
    caption = source_line(frame["source_title"], illustrative=bool(frame["illustrative"].any()),
                          as_of=latest_label(frame) or date_label(year))
    if view.unjudged:
        caption = html.Div([caption, no_real_data_notice("map.outline_unjudged")])
    elif frame.empty:
        caption = html.Div([caption, html.Div(t("map.no_real_values"), className="notice", role="status")])
    elif frame["illustrative"].any():  # the bars are in value order, but a generated value earns no rank
        caption = html.Div([caption, html.Div(t("map.unranked"), className="hint unranked-note")])
    return ranking, caption, f"{name(ind)} · {year}", group_line(view.group, frame, ind, year)


def _state(indicator_id: str, year: int, mark: list[str], real: list[str], view: str,
           region: str | None) -> dict[str, object]:
    params = ({"indicator": indicator_id, "year": year} | ({"mark": 1} if mark else {})
              | ({"reported": 1} if real else {}) | ({"tiles": 1} if view == TILES else {})
              | ({"region": region} if region else {}))
    return {"path": "/map", "query": "?" + urlencode(params, safe=","), "owns": ["reported", "tiles"]}


def _tile_names() -> pd.DataFrame:
    """Every province's names for the tile squares (those without a value in the year too): 江苏 in Chinese,
    the ISO code (JS) in English, where "Heilongjiang" would overflow its square."""
    regions = data.warehouse().regions()
    iso = {tile.region_code: tile.iso for tile in tm.tile_grid()}
    labels = regions["short_zh"] if current_lang() == "zh" else regions["region_code"].map(iso)
    return regions.assign(label=labels.fillna(regions["name_en"]), name=region_labels(regions))


def _colors(view: _View) -> dict[str, object]:
    """What the map and the tiles share, so both paint one value one colour."""
    return {"direction": view.ind["direction"], "precision": precision_of(view.ind),
            "value_range": data.warehouse().value_range(str(view.ind["indicator_id"]))}


def _figure(view: _View, kind: str) -> object:
    group = view.group.members if view.group else ()
    if kind == TILES:
        return tm.tile_map(view.frame, unit=display_unit(view.ind), labels=map_labels(view.group),
                           highlight=view.highlight, group=group, names=_tile_names(),
                           label_size=15 if presenting() else 12, **_colors(view))
    return for_screen(province_map(
        view.frame, shapes.provinces(), unit=display_unit(view.ind), labels=map_labels(view.group),
        maritime=shapes.maritime_line(), inset=shapes.south_china_sea(), highlight=view.highlight, group=group,
        geojson_urls=(dash.get_relative_path(f"/geo/{shapes.PROVINCES_FILE}"),
                      dash.get_relative_path(f"/geo/{shapes.INSET_FILE}")), **_colors(view)))


def _updates(view: _View, kind: str) -> dict[int, dict[str, object]]:
    group = view.group.members if view.group else ()
    if kind == TILES:
        colors = _colors(view)
        return tm.tile_updates(view.frame, labels=map_labels(view.group), highlight=view.highlight, group=group,
                               names=_tile_names(), direction=colors["direction"], precision=colors["precision"],
                               value_range=colors["value_range"])
    return map_updates(view.frame, shapes.province_codes(), labels=map_labels(view.group), highlight=view.highlight,
                       group=group)


def _series_store(ind: pd.Series, years: list[int]) -> dict[str, object]:
    """Every province's points and the styled empty sparkline: the hover panel's whole input, sent once."""
    unit, precision = display_unit(ind), precision_of(ind)
    labels = {"real": t("map.ranking.real"), "illustrative": t("map.illustrative"),
              "year": t("map.hover.year_point"), "rank_of": t("map.hover.rank_of"),
              "not_ranked": t("map.hover.not_ranked")}
    history = map_history(data.warehouse(), ind, years)
    if not history.empty:
        history = history.assign(label=region_labels(history))
    names = _tile_names().set_index("region_code")["name"]
    return {"figure": sparkline_template(unit=unit, precision=precision, labels=labels).to_plotly_json(),
            "names": {code: str(names[code]) for code in shapes.province_codes() if code in names.index},
            "regions": sparkline_points(history, unit=unit, precision=precision, labels=labels) if not history.empty
            else {},
            "text": {"hint": t("map.hover.hint"), "no_value": t("map.hover.no_value"),
                     "series": t("map.hover.series"), "illustrative": t("map.hover.series_illustrative"),
                     "badge": t("map.illustrative")}}


@callback(Output(ids.MAP_GRAPH, "figure"), Output(ids.MAP_YEAR, "min"), Output(ids.MAP_YEAR, "max"),
          Output(ids.MAP_YEAR, "marks"), Output(ids.MAP_YEAR, "value"), Output(ids.MAP_RANKING, "figure"),
          Output(ids.MAP_CAPTION, "children"), Output(ids.MAP_TITLE, "children"),
          Output(ids.MAP_GROUP_LINE, "children"), Output(ids.STATE, "data", allow_duplicate=True),
          Output(ids.MAP_SERIES, "data"),
          Input(ids.MAP_INDICATOR, "value"), Input(ids.MAP_VIEW, "value"), Input(ids.MAP_YEAR, "value"),
          Input(ids.MAP_MARK, "value"), Input(ids.MAP_REPORTED, "value"), Input(ids.MAP_REGION, "value"),
          prevent_initial_call="initial_duplicate")
def draw_map(indicator_id: str | None, kind: str, year: int, mark: list[str], real: list[str],
             region: str | None) -> tuple:
    """One callback for the whole page, so a first load is one request (a second callback fed by the slider
    would run again on top of it). The whole figure, geometry included, on first load and when the indicator
    or the view changes, the hover panel's series only when the indicator does; a year step, a toggle or a
    group sends a ``Patch`` of the data arrays of the map or tiles, never geometry or layout."""
    if not indicator_id:
        raise PreventUpdate
    trigger = dash.ctx.triggered_id
    if trigger in (None, ids.MAP_INDICATOR, ids.MAP_VIEW):
        years = [int(y) for y in province_indicators().set_index("indicator_id").loc[indicator_id, "years"]]
        asked, year = year, year if year in years else years[-1]
        view = _view(indicator_id, year, mark, real, region)
        slider = _year_slider(years, year)
        series = no_update if trigger == ids.MAP_VIEW else _series_store(view.ind, years)
        figure, bounds = _figure(view, kind), (slider["min"], slider["max"], slider["marks"])
        moved = year if year != asked else no_update
    else:
        view = _view(indicator_id, year, mark, real, region)
        figure = Patch()
        for index, props in _updates(view, kind).items():
            for key, value in props.items():
                figure["data"][index][key] = value
        bounds, moved, series = (no_update, no_update, no_update), no_update, no_update
    return (figure, *bounds, moved, *_extras(view, year, real), _state(indicator_id, year, mark, real, kind, region),
            series)


clientside_callback(
    ClientsideFunction(namespace="immMap", function_name="hoverPanel"),
    Output(ids.MAP_SPARK, "figure"), Output(ids.MAP_SPARK, "style"), Output(ids.MAP_HOVER_NAME, "children"),
    Output(ids.MAP_HOVER_VALUE, "children"), Output(ids.MAP_HOVER_RANK, "children"),
    Output(ids.MAP_HOVER_SERIES, "children"),
    Input(ids.MAP_GRAPH, "hoverData"), Input(ids.MAP_YEAR, "value"), Input(ids.MAP_REPORTED, "value"),
    Input(ids.MAP_SERIES, "data"),
)


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


clientside_callback(  # in the browser: a click that opens a profile needs no round trip
    ClientsideFunction(namespace="immMap", function_name="openProfile"),
    Output(ids.URL, "href"), Input(ids.MAP_GRAPH, "clickData"), Input(ids.MAP_RANKING, "clickData"),
    prevent_initial_call=True,
)
