"""``/`` — the target board: one gauge card per quantified target due in the chosen year."""

from __future__ import annotations

import dash
from dash import Input, Output, callback, dcc, html
from dash.exceptions import PreventUpdate

from dashboard import data, ids
from dashboard.components import illustrative_badge, labelled, page_header, status_badge, warehouse_missing
from dashboard.figures.gauge import target_gauge
from dashboard.figures.theme import STATUS_COLORS
from dashboard.i18n import t
from dashboard.urlstate import one
from dashboard.views import Card, board_cards, format_value, point_year, target_years
from pipelines.errors import WarehouseError

dash.register_page(__name__, path="/", title=t("nav.board"), name=t("nav.board"), order=0)

DEFAULT_HORIZON = 2025


def _card(card: Card) -> html.Article:
    p = card.progress
    region = "" if card.region_code == "100000" else f"{card.region_name} · "
    has_value = card.latest_value is not None
    gauge = (
        dcc.Graph(figure=target_gauge(card.latest_value, card.target_value, unit=card.unit,
                                      value_kind=card.value_kind, color=STATUS_COLORS[p.status]),
                  config={"displayModeBar": False, "staticPlot": True}, className="gauge")
        if has_value else None
    )
    latest = (f"{t('board.as_of')} {card.latest_when}" if has_value else t("board.no_value"))
    facts = [html.Dt(t("board.target")),
             html.Dd(card.target + (f" · {t('board.cumulative')}" if card.is_cumulative else ""))]
    if has_value:
        facts += [html.Dt(t("source")), html.Dd(card.latest_source)]
    if p.baseline is not None and p.status != "achieved":
        facts += [html.Dt(t("board.baseline")),
                  html.Dd(f"{format_value(p.baseline.value, card.unit)} ({point_year(p.baseline)})")]
    return html.Article([
        html.Header([
            html.H2(f"{region}{card.name_zh}", className="card-title"),
            html.Div(card.name_en, className="card-subtitle"),
        ]),
        html.Div([status_badge(p.status, has_value=has_value), illustrative_badge() if card.illustrative else None],
                 className="badges"),
        gauge,
        html.Div(latest, className="latest"),
        html.Dl(facts, className="card-facts"),
        html.Footer(card.target_source, className="card-footer"),
    ], className="target-card" + ("" if has_value else " target-card-empty"),
        **{"data-indicator": card.indicator_id, "data-status": p.status})


def layout(horizon: str | list[str] | None = None, **_: str) -> html.Div:
    """Every control is always laid out (callbacks need their ids), with a notice when there is no data."""
    notice = None
    try:
        years = target_years(data.warehouse())
    except WarehouseError as exc:
        years, notice = [], warehouse_missing(str(exc))
    horizon = one(horizon)
    chosen = int(horizon) if horizon and horizon.isdigit() and int(horizon) in years else (
        DEFAULT_HORIZON if DEFAULT_HORIZON in years else (years[-1] if years else None))
    selector = dcc.RadioItems(id=ids.BOARD_HORIZON, options=[{"label": str(y), "value": y} for y in years],
                              value=chosen, inline=True, className="segmented")
    return html.Div([
        page_header("board.heading", labelled("board.horizon", selector)),
        notice,
        dcc.Loading(html.Div(id=ids.BOARD_CARDS, className="card-grid"), delay_show=300),
        html.Details([html.Summary(t("board.method.title")), html.P(t("board.method.body"))], className="method"),
    ])


@callback(Output(ids.BOARD_CARDS, "children"), Output(ids.STATE, "data", allow_duplicate=True),
          Input(ids.BOARD_HORIZON, "value"), prevent_initial_call="initial_duplicate")
def show_cards(horizon: int | None) -> tuple[list[html.Article] | html.Div, dict[str, str]]:
    if horizon is None:
        raise PreventUpdate
    state = {"path": "/", "query": f"?horizon={horizon}"}
    try:
        return [_card(c) for c in board_cards(data.warehouse(), int(horizon))], state
    except WarehouseError as exc:
        return warehouse_missing(str(exc)), state
