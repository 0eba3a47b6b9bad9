"""Small layout pieces every page shares: page header, source line, illustrative badge, status badge, errors."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from dash import dcc, html

from dashboard.figures.theme import STATUS_COLORS, text_on
from dashboard.i18n import name, t


def page_header(title_key: str, *controls: object) -> html.Div:
    return html.Div([html.H1(t(title_key), className="page-title"), html.Div(list(controls), className="controls")],
                    className="page-header")


def illustrative_badge() -> html.Span:
    return html.Span(t("badge.illustrative"), className="badge badge-illustrative", title=t("badge.illustrative.help"))


def status_badge(status: str, *, has_value: bool = False) -> html.Span:
    """The progress status; "no data" with a value on the card means one value, too few to see a trend."""
    key = "status.no_trend" if status == "no_data" and has_value else f"status.{status}"
    background = STATUS_COLORS[status]
    return html.Span(t(key), className="badge badge-status",
                     style={"backgroundColor": background, "color": text_on(background)}, **{"data-status": status})


def source_line(titles: Iterable[str], *, illustrative: bool, as_of: str | None = None) -> html.Div:
    """Every chart says where its numbers come from and how recent they are, and flags generated values."""
    unique = list(dict.fromkeys(x for x in titles if x))
    label = t("sources") if len(unique) > 1 else t("source")
    parts: list[object] = [html.Span(f"{label}: ", className="source-label"), "；".join(unique) or "—"]
    if as_of:
        parts += [" · ", html.Span(t("chart.data_as_of").format(date=as_of), className="source-date")]
    if illustrative:
        parts = [illustrative_badge(), " ", *parts]
    return html.Div(parts, className="source-line")


def chart_tools(graph_id: str, *, table: bool = True) -> html.Div:
    """Under every chart: PNG and SVG at presentation size (1920×1080, with title, sources, badge and date
    drawn in; ``assets/imm.js``), and the chart's data as a table, built in the browser when opened."""
    return html.Div([
        html.Button(t("chart.png"), className="image-download", title=t("chart.download.help"),
                    **{"data-graph": graph_id, "data-format": "png"}),
        html.Button(t("chart.svg"), className="image-download", title=t("chart.download.help"),
                    **{"data-graph": graph_id, "data-format": "svg"}),
        html.Details([html.Summary(t("chart.table")), html.Div(className="chart-table")],
                     className="chart-table-details",
                     **{"data-graph": graph_id, "data-series": t("chart.table.series"), "data-x": t("chart.table.x"),
                        "data-value": t("chart.table.value")}) if table else None,
    ], className="chart-tools")


def warehouse_missing(detail: str) -> html.Div:
    return html.Div([
        html.H2(t("error.no_warehouse.title")),
        dcc.Markdown(t("error.no_warehouse.body")),
        html.Pre(detail, className="error-detail"),
    ], className="error-panel", role="alert")


def indicator_picker(component_id: str, indicators: pd.DataFrame, value: str) -> html.Label:
    """The labelled indicator dropdown the map, trends and data pages share (zh · en names)."""
    return labelled("map.indicator", dcc.Dropdown(
        id=component_id, value=value, clearable=False, className="indicator-dropdown",
        options=[{"label": name(r._asdict()), "value": r.indicator_id} for r in indicators.itertuples()]))


def labelled(label_key: str, control: object) -> html.Label:
    return html.Label([html.Span(t(label_key), className="control-label"), control], className="control")


INGEST_GUIDE = "/guide/ingest"


def no_real_data_notice(key: str) -> html.Div:
    """Where a conclusion would rest on generated values: say so, and how to load real ones."""
    return html.Div([t(key), " ", dcc.Link(t("board.ingest_link"), href=INGEST_GUIDE, className="ingest-link")],
                    className="notice notice-no-real", role="status")


def reported_toggle(component_id: str, param: str | list[str] | None) -> dcc.Checklist:
    """"Reported only" (URL ``reported=1``): hide generated values, so provinces without real data go grey."""
    value = param[-1] if isinstance(param, list) and param else param
    return dcc.Checklist(id=component_id, options=[{"label": t("toggle.reported_only"), "value": "on"}],
                         value=["on"] if value == "1" else [], className="toggle")
