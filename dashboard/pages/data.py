"""``/data?indicator=cnc_rate&region=east&from=2015&to=2024`` — preview a slice and take it away.

The page parses its filters with :func:`pipelines.slices.parse_slice`, like the API and the CLI, and its
download links *are* API URLs: the files a researcher saves here are the ones a script would fetch.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from urllib.parse import urlencode

import dash
import dash_ag_grid as dag
import flask
from dash import Input, Output, callback, dcc, html
from dash.exceptions import PreventUpdate

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

PREVIEW_ROWS = 500
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
        dag.AgGrid(
            id=ids.DATA_GRID, rowData=[], className="data-grid",
            columnDefs=[{"field": c, "headerName": c, **({"type": "numericColumn"} if c in NUMERIC else {})}
                        for c in SLICE_COLUMNS],  # the files' own column names, not prettified ones
            defaultColDef={"sortable": True, "resizable": True, "minWidth": 80},
            dashGridOptions={"pagination": True, "paginationPageSize": 20, "paginationPageSizeSelector": False,
                             "rowHeight": 30, "headerHeight": 34},
            columnSize="autoSize",
        ),
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


def _count(total: int, shown: int) -> str:
    if total == 0:
        return t("data.no_rows")
    text = t("data.rows").format(total=f"{total:,}")
    return text + (f" · {t('data.preview_capped').format(shown=f'{shown:,}')}" if shown < total else "")


def _page_query(indicators: Sequence[str], regions: Sequence[str], year_from: int | None, year_to: int | None,
                statuses: Sequence[str]) -> dict[str, str]:
    """The page's own URL parameters: the same names as the API, with region groups kept as groups."""
    query = {"indicator": ",".join(indicators), "region": ",".join(regions),
             "from": "" if year_from is None else str(year_from), "to": "" if year_to is None else str(year_to),
             "status": "" if set(statuses) == set(STATUSES) else ",".join(statuses)}
    return {k: v for k, v in query.items() if v}


@callback(Output(ids.DATA_GRID, "rowData"), Output(ids.DATA_COUNT, "children"), Output(ids.DATA_DOWNLOADS, "children"),
          Output(ids.DATA_API_URL, "children"), Output(ids.DATA_SNIPPET, "children"),
          Output(ids.DATA_ERROR, "children"), Output(ids.STATE, "data", allow_duplicate=True),
          Input(ids.DATA_INDICATORS, "value"), Input(ids.DATA_REGIONS, "value"), Input(ids.DATA_FROM, "value"),
          Input(ids.DATA_TO, "value"), Input(ids.DATA_STATUS, "value"), prevent_initial_call="initial_duplicate")
def show_slice(indicators: list[str] | None, regions: list[str] | None, year_from: int | None,
               year_to: int | None, statuses: list[str] | None) -> tuple:
    query = _page_query(indicators or [], regions or [], year_from, year_to, statuses or [])
    state = {"path": "/data", "query": "?" + urlencode(query, safe=",") if query else ""}
    wh = data.warehouse()
    try:
        if not statuses:
            raise SliceError("status", "", STATUSES, t("data.no_status"))
        s = parse_slice(query, vocabulary(wh))
        preview, total = jsonable_rows(wh.slice_table(s, limit=PREVIEW_ROWS)), wh.slice_count(s)
        illustrative = _has_illustrative(wh, s)
    except SliceError as exc:
        return [], "", [], "", "", html.Div(exc.message, className="data-error"), state
    except WarehouseError:
        raise PreventUpdate from None  # the layout already says the warehouse is missing
    count = [_count(total, len(preview)), " ", illustrative_badge() if illustrative else None]
    return (preview, count, _downloads(s), _api_url(s, None, absolute=True), _snippet(s), None, state)


def _has_illustrative(wh: Warehouse, s: Slice) -> bool:
    """Whether any row of the slice (not just of the preview) is illustrative: then the badge shows."""
    if s.statuses and "illustrative" not in s.statuses:
        return False
    return wh.slice_count(dataclasses.replace(s, statuses=("illustrative",))) > 0
