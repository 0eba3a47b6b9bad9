"""``/`` — the target board: one gauge card per quantified target due in the chosen year."""

from __future__ import annotations

from urllib.parse import urlencode

import dash
import pandas as pd
from dash import Input, Output, State, callback, dcc, html
from dash.exceptions import PreventUpdate

from dashboard import data, ids
from dashboard.components import (
    chart_tools,
    illustrative_badge,
    labelled,
    no_real_data_notice,
    page_header,
    status_badge,
    warehouse_missing,
)
from dashboard.deeplinks import board_region, choice_problem, link_notice
from dashboard.figures.gauge import target_gauge
from dashboard.figures.numbers import value_text
from dashboard.figures.theme import STATUS_COLORS
from dashboard.i18n import current_lang, name, t
from dashboard.progress import Status
from dashboard.slides import deck, gauge_id, slide_layout
from dashboard.urlstate import one
from dashboard.views import (
    JUDGED,
    PROVINCES,
    Card,
    board_cards,
    point_year,
    target_regions,
    target_years,
)
from pipelines.errors import WarehouseError
from pipelines.slices import vocabulary

dash.register_page(__name__, path="/", title=lambda: t("nav.board"), name="Targets", order=0)

DEFAULT_HORIZON = 2025
ALL = "all"  # the region filter's "every target" value (and its default)


def _reason(card: Card) -> html.Div | None:
    """Why a target got no status: the target's own explanation, or the generic one for its case."""
    v = card.verdict
    if v.status == Status.NOT_MEASURED and v.other_scopes:
        found = "、".join(s or t("scope.unstated") for s in v.other_scopes)
        return html.Div([html.Strong(f"{t('board.reason')}: "),
                         t("board.other_population").format(target=card.target_scope or "—", found=found)],
                        className="card-reason")
    if v.status == Status.NOT_MEASURED:
        own = v.reason_zh if current_lang() == "zh" else v.reason_en
        return html.Div([html.Strong(f"{t('board.reason')}: "), own or t("board.not_measured.generic")],
                        className="card-reason")
    if v.status == Status.NO_REAL_DATA:
        return no_real_data_notice("board.no_real_data.body")
    if v.mixed_scopes:
        return html.Div(t("board.mixed_scopes"), className="card-reason")
    return None


def _card(card: Card) -> html.Article:
    p = card.progress
    region = "" if card.region_code == "100000" else f"{card.region_name} · "
    has_value = card.latest_value is not None
    gauge = (
        dcc.Graph(id=gauge_id(card), figure=target_gauge(card.latest_value, card.target_value, unit=card.unit,
                                                          value_kind=card.value_kind, precision=card.precision,
                                                          color=STATUS_COLORS[p.status]),
                  config={"displayModeBar": False, "staticPlot": True}, className="gauge")
        if has_value else None
    )
    latest = (f"{t('board.as_of')} {card.latest_when}" if has_value
              else None if card.context else t("board.no_value"))  # the context row shows what was published
    facts = [html.Dt(t("board.target")),
             html.Dd(card.target + (f" · {t('board.cumulative')}" if card.is_cumulative else ""))]
    if card.target_scope:
        facts += [html.Dt(t("board.target_scope")), html.Dd(card.target_scope)]
    if has_value:
        facts += [html.Dt(t("source")), html.Dd(card.latest_source)]
    if card.verdict.scope is not None and has_value:
        judged = p.status in (*JUDGED, Status.ACHIEVED)
        facts += [html.Dt(t("board.scope_used" if judged else "trends.scope")),
                  html.Dd(card.verdict.scope or t("scope.unstated"))]
    if p.baseline is not None and p.status != "achieved":
        facts += [html.Dt(t("board.baseline")),
                  html.Dd(f"{value_text(p.baseline.value, card.unit, card.precision)} ({point_year(p.baseline)})")]
    if card.context:
        facts += [html.Dt(t("board.context")), html.Dd(card.context)]
    return html.Article([
        html.Header([
            html.H2(f"{region}{name(card)}", className="card-title"),
        ]),
        html.Div([status_badge(p.status, has_value=has_value),
                  illustrative_badge() if card.illustrative else None], className="badges"),
        gauge,
        html.Div(latest, className="latest") if latest else None,
        _reason(card),
        html.Dl(facts, className="card-facts"),
        html.Footer(card.target_source, className="card-footer"),
        chart_tools(gauge_id(card), table=False) if has_value else None,
    ], className="target-card chart-block" + ("" if has_value else " target-card-empty"),
        **{"data-indicator": card.indicator_id, "data-region": card.region_code, "data-status": p.status})


def _region_options(wh_regions: pd.DataFrame, codes: list[str]) -> list[dict[str, str]]:
    names = wh_regions.set_index("region_code")
    options = [{"label": t("board.region.all"), "value": ALL},
               {"label": t("board.region.provinces"), "value": PROVINCES}]
    return options + [{"label": name(names.loc[c], short=True), "value": c} for c in codes]


def layout(horizon: str | list[str] | None = None, region: str | list[str] | None = None,
           present: str | list[str] | None = None, slide: str | list[str] | None = None,
           **query: str) -> html.Div:
    """Every control is always laid out (callbacks need their ids), with a notice when there is no data."""
    notice = None
    wh = data.warehouse()
    try:
        regions, codes = wh.regions(), target_regions(wh)
    except WarehouseError as exc:
        regions, codes = pd.DataFrame(columns=["region_code", "short_zh", "name_en"]), []
        notice = warehouse_missing(str(exc))
    region, region_problem = board_region(one(region), vocabulary(wh), codes) if codes else (ALL, None)
    years = target_years(wh, _filter(region)) if codes else []
    horizon = one(horizon)
    chosen = int(horizon) if horizon and horizon.isdigit() and int(horizon) in years else (
        DEFAULT_HORIZON if DEFAULT_HORIZON in years else (years[-1] if years else None))
    link = link_notice([region_problem, choice_problem("horizon", horizon, chosen, years, "link.horizon.unknown")],
                       component_id=ids.LINK_NOTICE)
    if one(present) == "1" and chosen is not None and notice is None:
        return _slides(chosen, region, one(slide), query.get("lang"))
    selector = dcc.RadioItems(id=ids.BOARD_HORIZON, options=[{"label": str(y), "value": y} for y in years],
                              value=chosen, inline=True, className="segmented")
    region_picker = dcc.Dropdown(id=ids.BOARD_REGION, value=region, clearable=False, className="region-dropdown",
                                 options=_region_options(regions, codes))
    return html.Div([
        page_header("board.heading", labelled("board.horizon", selector), labelled("board.region", region_picker)),
        notice,
        link,
        dcc.Loading(html.Div(id=ids.BOARD_CARDS, className="card-grid"), delay_show=300),
        html.Details([html.Summary(t("board.method.title")), html.P(t("board.method.body"))], className="method"),
    ])


def _filter(region: str | None) -> str | None:
    return None if region in (None, ALL) else region


def _slides(horizon: int, region: str, slide: str | None, lang: str | list[str] | None) -> html.Div:
    """Presenter mode: the deck of this horizon's (and region's) targets, opened at ``slide``."""
    d = deck(board_cards(data.warehouse(), horizon, _filter(region)), slide)
    if d is None:
        return html.Div(t("board.no_targets"), className="notice", role="status")
    params = {"horizon": horizon} | ({"region": region} if region != ALL else {}) | (
        {"lang": one(lang)} if one(lang) else {})
    return slide_layout(d, params)


@callback(Output(ids.BOARD_HORIZON, "options"), Output(ids.BOARD_HORIZON, "value"),
          Input(ids.BOARD_REGION, "value"), State(ids.BOARD_HORIZON, "value"), prevent_initial_call=True)
def horizons_for_region(region: str | None, horizon: int | None) -> tuple[list[dict[str, int]], int | None]:
    """A region's own target years; the chosen one is kept when that region has targets due then."""
    years = target_years(data.warehouse(), _filter(region))
    keep = horizon if horizon in years else (DEFAULT_HORIZON if DEFAULT_HORIZON in years else
                                             (years[-1] if years else None))
    return [{"label": str(y), "value": y} for y in years], keep


@callback(Output(ids.BOARD_CARDS, "children"), Output(ids.STATE, "data", allow_duplicate=True),
          Input(ids.BOARD_HORIZON, "value"), Input(ids.BOARD_REGION, "value"),
          prevent_initial_call="initial_duplicate")
def show_cards(horizon: int | None, region: str | None) -> tuple[list[html.Article] | html.Div, dict[str, str]]:
    if horizon is None:
        raise PreventUpdate
    params = {"horizon": horizon} | ({"region": region} if region and region != ALL else {})
    state = {"path": "/", "query": "?" + urlencode(params)}
    try:
        cards = [_card(c) for c in board_cards(data.warehouse(), int(horizon), _filter(region))]
    except WarehouseError as exc:
        return warehouse_missing(str(exc)), state
    return (cards or html.Div(t("board.no_targets"), className="notice", role="status")), state
