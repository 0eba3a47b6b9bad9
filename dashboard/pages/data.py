"""``/data?indicator=cnc_rate&region=east&from=2015&to=2024`` — preview a slice and take it away.

The page parses its filters with :func:`pipelines.slices.parse_slice`, like the API and the CLI, and its
download links *are* API URLs: the files a researcher saves here are the ones a script would fetch.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from urllib.parse import urlencode

import dash
import flask
from dash import Input, Output, State, callback, clientside_callback, dcc, html
from dash.exceptions import MissingCallbackContextException, PreventUpdate

from dashboard import data, ids
from dashboard.components import illustrative_badge, labelled, page_header, warehouse_missing
from dashboard.i18n import t
from pipelines.catalogue import STATUSES
from pipelines.errors import WarehouseError
from pipelines.export import API_PATH, jsonable_rows
from pipelines.slices import MACRO_REGIONS, Slice, SliceError, Vocabulary, parse_slice, split_values, vocabulary
from pipelines.warehouse import Warehouse
from pipelines.warehouse.reads import SLICE_COLUMNS

dash.register_page(__name__, path="/data", title=lambda: t("nav.data"), name="Data", order=3)

PAGE_ROWS = 20  # rows per preview page; every row of the slice can be paged to, the files hold them all
DOWNLOAD_FORMATS = ("parquet", "csv", "xlsx", "json")
NUMERIC = {"year", "value"}


def _region_options(vocab: Vocabulary) -> list[dict[str, str]]:
    """Groups first (they expand to their provinces), then every region by short name, English name and code."""
    groups = []
    for token, codes in vocab.groups.items():
        name = t(f"data.macro.{token}") if token in MACRO_REGIONS else f"{token} {t('data.cluster')}"
        groups.append({"label": f"{name} · {t('data.members').format(n=len(codes))}", "value": token})
    regions = [{"label": f"{r.short_zh} {r.name_en} ({r.region_code})", "value": r.region_code} for r in vocab.regions]
    return groups + regions


def _year_options(vocab: Vocabulary) -> list[dict[str, object]]:
    return [{"label": str(y), "value": y} for y in vocab.years]


def _initial(query: dict[str, str | list[str]], vocab: Vocabulary) -> tuple[Slice, list[str], str | None]:
    """The slice a link asks for, the region tokens to show (groups stay groups), and a notice if it was bad."""
    try:
        s = parse_slice(query, vocab)
    except SliceError as exc:
        return Slice(), [], t("data.bad_link").format(message=exc.message)
    tokens = [vocab.region_token(token) for token in split_values(query.get("region"))]
    return s, list(dict.fromkeys(tok for tok in tokens if tok)), None


def layout(**query: str | list[str]) -> html.Div:
    """Every control is always laid out (callbacks need their ids), with a notice when there is no warehouse."""
    missing = None
    try:
        vocab = vocabulary(data.warehouse())
        names = data.warehouse().indicators().set_index("indicator_id")["name_zh"]
    except WarehouseError as exc:
        vocab, names, missing = Vocabulary((), ()), {}, warehouse_missing(str(exc))
    s, region_tokens, notice = _initial(query, vocab)
    dropdown = {"multi": True, "placeholder": t("data.all")}
    years = {"clearable": True, "placeholder": t("data.all"), "className": "year-dropdown"}
    return html.Div([
        page_header("data.heading"),
        missing,
        html.P(t("data.intro"), className="hint data-intro"),
        html.Div([
            labelled("data.indicators", dcc.Dropdown(
                id=ids.DATA_INDICATORS, value=list(s.indicators), className="indicator-dropdown", **dropdown,
                options=[{"label": f"{i} · {names[i]}", "value": i} for i in vocab.indicator_ids])),
            labelled("data.regions", dcc.Dropdown(
                id=ids.DATA_REGIONS, value=region_tokens, options=_region_options(vocab),
                className="region-dropdown", **dropdown)),
            labelled("data.from", dcc.Dropdown(id=ids.DATA_FROM, value=s.year_from, options=_year_options(vocab),
                                               **years)),
            labelled("data.to", dcc.Dropdown(id=ids.DATA_TO, value=s.year_to, options=_year_options(vocab), **years)),
            labelled("data.status", dcc.Checklist(
                id=ids.DATA_STATUS, value=list(s.statuses or STATUSES), inline=True, className="toggle",
                options=[{"label": t(f"data.status.{st}"), "value": st} for st in STATUSES])),
        ], className="data-filters"),
        html.Div(notice, id=ids.DATA_NOTICE, className="data-notice", role="status") if notice else None,
        html.Div(id=ids.DATA_ERROR, role="alert"),
        html.Div([html.Span(id=ids.DATA_COUNT, className="data-count"),
                  html.Div(id=ids.DATA_DOWNLOADS, className="data-downloads")], className="data-bar"),
        html.Div(preview_table([]), id=ids.DATA_GRID, className="data-grid", tabIndex="0",
                 role="region", **{"aria-label": t("data.preview")}),
        html.Div([
            html.Button("‹", id=ids.DATA_PAGE_PREV, className="step-button", n_clicks=0, title=t("data.page.prev"),
                        **{"aria-label": t("data.page.prev")}),
            html.Span(id=ids.DATA_PAGE_TEXT, className="data-page-text", role="status"),
            html.Button("›", id=ids.DATA_PAGE_NEXT, className="step-button", n_clicks=0, title=t("data.page.next"),
                        **{"aria-label": t("data.page.next")}),
            dcc.Store(id=ids.DATA_PAGE, data=0), dcc.Store(id=ids.DATA_TOTAL, data=0),
        ], className="data-pager"),
        html.Section([
            html.H2(t("api.heading"), className="chart-title"),
            _code_block("api.url", ids.DATA_API_URL, ids.DATA_COPY_URL),
            _code_block("api.snippet", ids.DATA_SNIPPET, ids.DATA_COPY_SNIPPET),
            html.P([t("api.provenance"), " ", html.A(t("api.docs"), href=dash.get_relative_path("/api/v1/openapi.json"),
                                                     target="_blank")], className="hint"),
        ], className="data-api"),
    ])


def _code_block(label_key: str, code_id: str, copy_id: str) -> html.Div:
    return html.Div([
        html.Div([html.Span(t(label_key), className="control-label"),
                  dcc.Clipboard(id=copy_id, target_id=code_id, title=t("api.copy"), className="copy-button")],
                 className="code-head"),
        html.Pre(id=code_id, className="code-block"),
    ], className="code-panel")


def _api_url(s: Slice, fmt: str | None, *, absolute: bool) -> str:
    query = s.to_query_string(fmt)
    path = dash.get_relative_path(API_PATH) + (f"?{query}" if query else "")
    return flask.request.host_url.rstrip("/") + path if absolute else path


def _downloads(s: Slice) -> list[html.A]:
    return [html.A([html.Strong(t(f"data.download.{fmt}")), html.Span(t(f"data.download.{fmt}.help"))],
                   href=_api_url(s, fmt, absolute=False), download=s.filename(fmt), className="download-link",
                   **{"data-format": fmt}) for fmt in DOWNLOAD_FORMATS]


def _snippet(s: Slice) -> str:
    """Three lines that fetch this slice: pandas reads Parquet over HTTP with nothing else installed."""
    return f'import pandas as pd\nurl = "{_api_url(s, "parquet", absolute=True)}"\ndf = pd.read_parquet(url)'


def _count(total: int) -> str:
    return t("data.no_rows") if total == 0 else t("data.rows").format(total=f"{total:,}")


def preview_table(rows: Sequence[dict[str, object]]) -> html.Table:
    """A page of the slice under the files' own column names (not prettified ones), numbers right-aligned.

    A plain table rather than a grid component: Dash loads every component library on every page, and a
    grid's 360 KB (gzip) would be paid by the map and every other page for a 20-row preview.
    """
    def cell(column: str, value: object) -> html.Td:
        text = "" if value is None else f"{value:,}" if column == "value" and isinstance(value, float) else str(value)
        return html.Td(text, className="num" if column in NUMERIC else None)

    return html.Table([
        html.Thead(html.Tr([html.Th(c, scope="col", className="num" if c in NUMERIC else None)
                            for c in SLICE_COLUMNS])),
        html.Tbody([html.Tr([cell(c, row.get(c)) for c in SLICE_COLUMNS]) for row in rows]),
    ], className="preview-table")


def _page_text(page: int, total: int) -> str:
    if total == 0:
        return ""
    first, last = page * PAGE_ROWS + 1, min(total, (page + 1) * PAGE_ROWS)
    return t("data.page").format(first=f"{first:,}", last=f"{last:,}", total=f"{total:,}")


def page_within(page: object, total: int) -> int:
    """A page number from the browser, as a page of the slice (anything else is the first)."""
    current = page if isinstance(page, int) and not isinstance(page, bool) else 0
    return min(max(0, (total - 1) // PAGE_ROWS), max(0, current))


# ‹ and › move the page in the browser at once, so quick clicks are never lost to a request in flight.
clientside_callback(
    """
    function (prev, next, page, total) {
        const step = window.dash_clientside.callback_context.triggered_id === "NEXT_ID" ? 1 : -1;
        const last = Math.max(0, Math.floor((total - 1) / PAGE_ROWS));
        const wanted = Math.min(last, Math.max(0, (page || 0) + step));
        return wanted === page ? window.dash_clientside.no_update : wanted;
    }
    """.replace("NEXT_ID", ids.DATA_PAGE_NEXT).replace("PAGE_ROWS", str(PAGE_ROWS)),
    Output(ids.DATA_PAGE, "data", allow_duplicate=True),
    Input(ids.DATA_PAGE_PREV, "n_clicks"), Input(ids.DATA_PAGE_NEXT, "n_clicks"),
    State(ids.DATA_PAGE, "data"), State(ids.DATA_TOTAL, "data"), prevent_initial_call=True,
)


def _page_query(indicators: Sequence[str], regions: Sequence[str], year_from: int | None, year_to: int | None,
                statuses: Sequence[str]) -> dict[str, str]:
    """The page's own URL parameters: the same names as the API, with region groups kept as groups."""
    query = {"indicator": ",".join(indicators), "region": ",".join(regions),
             "from": "" if year_from is None else str(year_from), "to": "" if year_to is None else str(year_to),
             "status": "" if set(statuses) == set(STATUSES) else ",".join(statuses)}
    return {k: v for k, v in query.items() if v}


@callback(Output(ids.DATA_GRID, "children"), Output(ids.DATA_PAGE, "data", allow_duplicate=True),
          Output(ids.DATA_TOTAL, "data"), Output(ids.DATA_PAGE_TEXT, "children"),
          Output(ids.DATA_COUNT, "children"), Output(ids.DATA_DOWNLOADS, "children"),
          Output(ids.DATA_API_URL, "children"), Output(ids.DATA_SNIPPET, "children"),
          Output(ids.DATA_ERROR, "children"), Output(ids.STATE, "data", allow_duplicate=True),
          Input(ids.DATA_INDICATORS, "value"), Input(ids.DATA_REGIONS, "value"), Input(ids.DATA_FROM, "value"),
          Input(ids.DATA_TO, "value"), Input(ids.DATA_STATUS, "value"), Input(ids.DATA_PAGE, "data"),
          prevent_initial_call="initial_duplicate")
def show_slice(indicators: list[str] | None, regions: list[str] | None, year_from: int | None,
               year_to: int | None, statuses: list[str] | None, page: object) -> tuple:
    """The slice's count, files and code, and one page of its rows; a filter change starts at the first page."""
    query = _page_query(indicators or [], regions or [], year_from, year_to, statuses or [])
    state = {"path": "/data", "query": "?" + urlencode(query, safe=",") if query else ""}
    wh = data.warehouse()
    try:
        if not statuses:
            raise SliceError("status", "", STATUSES, t("data.no_status"))
        s = parse_slice(query, vocabulary(wh))
        total = wh.slice_count(s)
        page = page_within(page if _triggered() == ids.DATA_PAGE else 0, total)
        rows = jsonable_rows(wh.slice_table(s, limit=PAGE_ROWS, offset=page * PAGE_ROWS))
        illustrative = _has_illustrative(wh, s)
    except SliceError as exc:
        return preview_table([]), 0, 0, "", "", [], "", "", html.Div(exc.message, className="data-error"), state
    except WarehouseError:
        raise PreventUpdate from None  # the layout already says the warehouse is missing
    count = [_count(total), " ", illustrative_badge() if illustrative else None]
    return (preview_table(rows), page, total, _page_text(page, total), count, _downloads(s),
            _api_url(s, None, absolute=True), _snippet(s), None, state)


def _triggered() -> object:
    """The input that fired the callback; None when called directly (tests, the API's parity checks)."""
    try:
        return dash.ctx.triggered_id
    except MissingCallbackContextException:
        return None


def _has_illustrative(wh: Warehouse, s: Slice) -> bool:
    """Whether any row of the slice (not just of the preview) is illustrative: then the badge shows."""
    if s.statuses and "illustrative" not in s.statuses:
        return False
    return wh.slice_count(dataclasses.replace(s, statuses=("illustrative",))) > 0
