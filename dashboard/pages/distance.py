"""``/distance?indicator=cnc_rate&target=ii_2021_2025`` — how far each region is ahead of or behind the path to a
target, the year its own pace gets there, and its status under Eurostat's and SDSN's methods side by side.

``target`` is a national target's plan id (provinces held against it as a benchmark, for rates) or ``own`` (every
region against its own target); the computation is ``dashboard.distance``.
"""

from __future__ import annotations

from urllib.parse import urlencode

import dash
import pandas as pd
from dash import Input, Output, State, callback, dcc, html
from dash.exceptions import PreventUpdate

from dashboard import data, ids
from dashboard.components import (
    INGEST_GUIDE,
    chart_tools,
    indicator_picker,
    labelled,
    page_header,
    source_line,
    status_badge,
    warehouse_missing,
)
from dashboard.distance import OWN, SDSN_AS_EUROSTAT, Sdsn, choose_target, counts, distance_frame, targeted_indicators
from dashboard.figures.distance_chart import distance_bars, years_text
from dashboard.figures.numbers import precision_of, value_text
from dashboard.figures.theme import STATUS_COLORS, text_on
from dashboard.i18n import current_lang, display_unit, name, t
from dashboard.presenting import for_screen
from dashboard.urlstate import one
from dashboard.views import latest_label, pick_indicator, target_text
from pipelines.catalogue import NATIONAL
from pipelines.errors import WarehouseError

dash.register_page(__name__, path="/distance", title=lambda: t("nav.distance"), name="Distance to target", order=6)

MAX_ECHO = 80  # a notice repeats at most this much of a value it could not use
STATUS_KEYS = ("achieved", "on_track", "moderate", "insufficient", "moving_away")


def chart_labels() -> dict[str, str]:
    return {**{s: t(f"status.{s}") for s in STATUS_KEYS},
            **{k: t(f"distance.chart.{k}") for k in ("differs", "axis", "ahead", "behind", "zero", "latest",
                                                      "reached", "eurostat", "sdsn", "empty")},
            "years": t("distance.years")}


def _indicator(indicator_id: str) -> pd.Series:
    return data.warehouse().indicators().set_index("indicator_id", drop=False).loc[indicator_id]


def target_options(indicator_id: str, asked: str | None) -> tuple[list[dict[str, str]], str]:
    """The indicator's national targets, then "each region's own target" where regions have their own."""
    wh = data.warehouse()
    ind, targets = _indicator(indicator_id), wh.targets()
    targets = targets[targets["indicator_id"] == indicator_id].sort_values(["target_year", "plan_id"])
    national = targets[targets["region_code"] == NATIONAL]
    plan = "plan_name_zh" if current_lang() == "zh" else "plan_name_en"
    options = [{"label": t("distance.target.national").format(
        target=target_text(r.comparator, float(r.value), display_unit(ind), int(r.target_year),
                           precision_of(ind)),
        plan=getattr(r, plan)), "value": r.plan_id} for r in national.itertuples()]
    if (targets["region_code"] != NATIONAL).any() or national.empty:
        options.append({"label": t("distance.target.own"), "value": OWN})
    return options, choose_target(wh, indicator_id, asked).key


def _bad_parameter(param: str, asked: str | None, shown: str | None, shown_text: str) -> html.Div | None:
    """A deep link naming something this page does not know says so, instead of quietly showing another view."""
    if not asked or asked == shown:
        return None
    echo = asked if len(asked) <= MAX_ECHO else asked[:MAX_ECHO] + "…"
    return html.Div(t("distance.bad_param").format(param=param, value=echo, shown=shown_text),
                    className="distance-notice", role="status")


def layout(indicator: str | list[str] | None = None, target: str | list[str] | None = None, **_: str) -> html.Div:
    """Every control is always laid out (callbacks need their ids), with a notice when there is no data."""
    indicator, target = one(indicator), one(target)
    notice = None
    try:
        indicators = targeted_indicators(data.warehouse())
    except WarehouseError as exc:
        indicators = pd.DataFrame(columns=["indicator_id", "name_zh", "name_en"])
        notice = warehouse_missing(str(exc))
    chosen = pick_indicator(indicator, list(indicators["indicator_id"]))
    options, value = target_options(chosen, target) if chosen else ([], None)
    shown_target = next((o["label"] for o in options if o["value"] == value), "")
    return html.Div([
        page_header(
            "distance.heading",
            indicator_picker(ids.DISTANCE_INDICATOR, indicators, chosen),
            labelled("distance.target", dcc.Dropdown(id=ids.DISTANCE_TARGET, options=options, value=value,
                                                     clearable=False, className="target-dropdown")),
        ),
        notice,
        _bad_parameter("indicator", indicator, chosen, name(_indicator(chosen)) if chosen else ""),
        _bad_parameter("target", target, value, shown_target),
        html.Div(id=ids.DISTANCE_NOTICE),
        html.Div([
            html.H2(id=ids.DISTANCE_TITLE, className="chart-title"),
            dcc.Loading(dcc.Graph(id=ids.DISTANCE_GRAPH, config={"displayModeBar": False},
                                  className="distance-graph"), delay_show=300),
            html.P(t("distance.method.short"), className="distance-method"),
            html.Div(id=ids.DISTANCE_CAPTION),
            chart_tools(ids.DISTANCE_GRAPH),
        ], className="chart-block"),
        html.Div(id=ids.DISTANCE_TABLE, className="distance-table-block"),
        html.Details([html.Summary(t("distance.method.title")),
                      dcc.Markdown(t("distance.method.body"), className="distance-method-body")],
                     className="method"),
    ])


# -- what the callback shows ------------------------------------------------------------------------------------
def _status_text(status: str, has_value: bool) -> str:
    return t("status.no_trend" if status == "no_data" and has_value else f"status.{status}")


def _sdsn_text(status: str, has_value: bool) -> str:
    return t(f"distance.sdsn.{status}") if status in set(Sdsn) else _status_text(status, has_value)


def _reached_text(kind: str, year: object) -> str:
    return str(year) if kind == "year" else t(f"distance.reached.{kind}")


def shown_rows(frame: pd.DataFrame, unit: str, precision: int) -> pd.DataFrame:
    """The frame with the texts chart and table show, in the visitor's language."""
    has_value = frame["latest_value"].notna()
    latest = [f"{value_text(v, unit, precision)} ({w})" if pd.notna(v) else "—"
              for v, w in zip(frame["latest_value"], frame["latest_when"], strict=True)]
    return frame.assign(
        latest_text=latest, has_value=has_value,
        reached_text=[_reached_text(k, y) for k, y in zip(frame["reached"], frame["reached_year"], strict=True)],
        eurostat_label=[_status_text(s, h) for s, h in zip(frame["eurostat"], has_value, strict=True)],
        sdsn_label=[_sdsn_text(s, h) for s, h in zip(frame["sdsn"], has_value, strict=True)],
    )


def _badge(status: str, text: str, color_of: str) -> html.Span:
    background = STATUS_COLORS[color_of]
    return html.Span(text, className="badge badge-status",
                     style={"backgroundColor": background, "color": text_on(background)}, **{"data-status": status})


def distance_table(rows: pd.DataFrame) -> html.Table:
    head = html.Tr([html.Th(t(f"distance.col.{c}"), scope="col", className="num" if c in ("ahead", "reached") else None)
                    for c in ("region", "latest", "target", "ahead", "reached", "eurostat", "sdsn", "differs")])
    body = []
    for r in rows.itertuples():
        sdsn_colour = SDSN_AS_EUROSTAT.get(r.sdsn, r.sdsn) if r.sdsn in set(Sdsn) else r.eurostat
        body.append(html.Tr([
            html.Th(html.Strong(r.label) if r.national else r.label, scope="row"),
            html.Td(r.latest_text, className="when"),
            html.Td(r.target_text + (f" · {t('distance.benchmark')}" if r.benchmark else "")),
            html.Td(years_text(r.years_ahead, t("distance.years")) if pd.notna(r.years_ahead) else "—",
                    className="num"),
            html.Td(r.reached_text, className="num"),
            html.Td(status_badge(r.eurostat, has_value=bool(r.has_value))),
            html.Td(_badge(r.sdsn, r.sdsn_label, str(sdsn_colour))),
            html.Td(html.Strong(f"≠ {t('distance.differs.yes')}", className="differs-mark") if r.differs else ""),
        ], className="differs-row" if r.differs else None,
            **{"data-region": r.region_code, "data-differs": "1" if r.differs else "0"}))
    return html.Table([html.Thead(head), html.Tbody(body)], className="q-table distance-table")


def _notice(frame: pd.DataFrame, national_only: bool) -> html.Div:
    """Most provinces have no real data today: say how many, and how to load some, rather than look empty."""
    n = counts(frame)
    parts: list[object] = [html.Strong(t("distance.summary").format(**n))]
    if n["few"]:
        parts += [" ", t("distance.few").format(**n)]
    if n["not_measured"]:
        parts += [" ", t("distance.not_measured").format(**n)]
    if n["differs"]:
        parts += [" ", t("distance.differs_count").format(**n)]
    if national_only:
        parts += [" ", t("distance.national_only")]
    if n["no_real"]:
        parts += [html.Br(), t("distance.no_real").format(**n), " ",
                  dcc.Link(t("board.ingest_link"), href=INGEST_GUIDE, className="ingest-link")]
    return html.Div(parts, className="distance-notice notice-no-real" if n["no_real"] else "distance-notice",
                    role="status", **{"data-no-real": str(n["no_real"]), "data-drawn": str(n["drawn"])})


def _caption(rows: pd.DataFrame) -> html.Div:
    drawn = rows[rows["years_ahead"].notna()]
    dated = drawn.rename(columns={"latest_value": "value", "latest_year": "year", "latest_as_of": "as_of"})
    plans = drawn["target_source"] if not drawn.empty else rows["target_source"].head(1)
    return source_line([*drawn["latest_source"], *plans], illustrative=False,
                       as_of=latest_label(dated[["value", "year", "as_of"]].astype({"year": "float"})))


@callback(Output(ids.DISTANCE_TARGET, "options"), Output(ids.DISTANCE_TARGET, "value"),
          Input(ids.DISTANCE_INDICATOR, "value"), State(ids.DISTANCE_TARGET, "value"), prevent_initial_call=True)
def targets_for_indicator(indicator_id: str | None, current: str | None) -> tuple[list[dict[str, str]], str]:
    """The new indicator's targets; the chosen one is kept when the new indicator has it too."""
    if not indicator_id:
        raise PreventUpdate
    return target_options(indicator_id, current)


@callback(Output(ids.DISTANCE_GRAPH, "figure"), Output(ids.DISTANCE_TITLE, "children"),
          Output(ids.DISTANCE_CAPTION, "children"), Output(ids.DISTANCE_NOTICE, "children"),
          Output(ids.DISTANCE_TABLE, "children"), Output(ids.STATE, "data", allow_duplicate=True),
          Input(ids.DISTANCE_INDICATOR, "value"), Input(ids.DISTANCE_TARGET, "value"),
          prevent_initial_call="initial_duplicate")
def draw_distance(indicator_id: str | None, target: str | None) -> tuple:
    if not indicator_id:
        raise PreventUpdate
    wh = data.warehouse()
    ind, choice = _indicator(indicator_id), choose_target(wh, indicator_id, target)
    rows = shown_rows(distance_frame(wh, indicator_id, choice.key), display_unit(ind), precision_of(ind))
    fig = for_screen(distance_bars(rows, labels=chart_labels()))
    national_only = choice.national is not None and ind["value_kind"] != "share"
    against = (t("distance.title.own") if choice.national is None else
               t("distance.title.national").format(target=rows.loc[rows["national"], "target_text"].iloc[0]))
    title = t("distance.title").format(indicator=name(ind), target=against)
    state = {"path": "/distance", "query": "?" + urlencode({"indicator": indicator_id, "target": choice.key})}
    return fig, title, _caption(rows), _notice(rows, national_only), distance_table(rows), state
