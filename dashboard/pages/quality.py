"""``/quality?indicator=cnc_rate`` — data quality: which region-years are real, every ingest run and every
rejected row, read from the warehouse so that every number on the page is the warehouse's own."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

import dash
import pandas as pd
from dash import Input, Output, callback, dcc, html
from dash.exceptions import PreventUpdate

from dashboard import data, ids
from dashboard.components import indicator_picker, page_header, warehouse_missing
from dashboard.i18n import DEFAULT_LANG, current_lang, name, t
from dashboard.urlstate import one
from dashboard.views import pick_indicator
from pipelines.catalogue import STATUSES
from pipelines.errors import WarehouseError
from pipelines.warehouse import Warehouse

dash.register_page(__name__, path="/quality", title=lambda: t("nav.quality"), name="Data quality", order=5)

MISSING = "missing"
CELL_STATUSES = (*STATUSES, MISSING)  # legend order
REJECTED_SHOWN = 200  # rows of rejected_rows shown; the count above the table says how many there are
RUN_COLUMNS = ("quality.col.run", "quality.col.command", "quality.col.file", "quality.col.options",
               "quality.col.read", "quality.col.loaded", "quality.col.revised",
               "quality.col.rejected", "quality.col.skipped", "quality.col.outcome", "quality.col.finished")
RUN_COUNTS = ("rows_read", "rows_loaded", "rows_revised", "rows_rejected", "rows_skipped")
NUMERIC_COLUMNS = {"quality.col.run", "quality.col.row", "quality.col.read", "quality.col.loaded",
                   "quality.col.revised", "quality.col.rejected", "quality.col.skipped"}
REJECTED_COLUMNS = ("quality.col.run", "quality.col.file", "quality.col.row", "quality.col.column",
                    "quality.col.raw", "quality.col.reason")


def coverage_grid(coverage: pd.DataFrame, region_codes: Sequence[str], years: Sequence[int]) -> pd.DataFrame:
    """Region × year statuses of :meth:`Warehouse.coverage`, ``missing`` where the warehouse holds nothing."""
    if coverage.empty:
        return pd.DataFrame(MISSING, index=list(region_codes), columns=list(years))
    grid = coverage.pivot_table(index="region_code", columns="year", values="status", aggfunc="first")
    return grid.reindex(index=list(region_codes), columns=list(years)).astype(object).fillna(MISSING)


def coverage_years(wh: Warehouse) -> list[int]:
    """Every year from the first to the last the warehouse holds, gaps included: one set of columns for all."""
    years = wh.observation_years()
    return list(range(years[0], years[-1] + 1)) if years else []


def _fmt(n: object) -> str:
    return f"{int(n):,}"


def _status_label(status: str) -> str:
    return t("quality.status.missing") if status == MISSING else t(f"data.status.{status}")


def _cell(status: str, region: str, year: int, held: tuple[list[str], int] | None) -> html.Td:
    title = t("quality.cell").format(region=region, year=year, status=_status_label(status))
    if held and held[1] > 1:
        title += " — " + t("quality.cell.rows").format(
            n=held[1], statuses=t("quality.list_sep").join(_status_label(s) for s in held[0]))
    return html.Td(t(f"quality.abbr.{status}"), title=title, className=f"cov-cell cov-{status}",
                   **{"data-status": status})


def coverage_table(grid: pd.DataFrame, coverage: pd.DataFrame, regions: pd.DataFrame) -> html.Table:
    held = {(r.region_code, int(r.year)): (list(r.statuses), int(r.n_rows)) for r in coverage.itertuples()}
    labels = {code: name(regions.loc[code], short=True) for code in grid.index}
    head = html.Thead(html.Tr([html.Th(t("board.region"), scope="col"),
                               *(html.Th(str(y), scope="col") for y in grid.columns)]))
    body = [html.Tr([html.Th(labels[code], scope="row"),
                     *(_cell(grid.loc[code, y], labels[code], y, held.get((code, y))) for y in grid.columns)],
                    **{"data-region": code}) for code in grid.index]
    return html.Table([head, html.Tbody(body)], className="cov-table")


def _legend(grid: pd.DataFrame, indicator_id: str) -> html.Div:
    counts = pd.Series(grid.to_numpy().ravel()).value_counts()
    items = [html.Li([html.Span(t(f"quality.abbr.{s}"), className=f"cov-cell cov-{s} cov-swatch"),
                      html.Span(_status_label(s), className="cov-label"),
                      html.Span(t("quality.cells").format(n=int(counts.get(s, 0))), className="cov-count")],
                     **{"data-status": s, "data-count": str(int(counts.get(s, 0)))}) for s in CELL_STATUSES]
    href = f"/sources#{ids.SOURCES_INDICATOR}{indicator_id}"
    if current_lang() != DEFAULT_LANG:
        href = f"/sources?lang={current_lang()}#{ids.SOURCES_INDICATOR}{indicator_id}"
    return html.Div([html.H3(t("quality.legend"), className="chart-title"), html.Ul(items, className="cov-legend"),
                     html.P(t("quality.coverage.hint"), className="hint"),
                     dcc.Link(t("quality.definition_link"), href=href, className="src-more")],
                    className="cov-side")


def coverage_section(wh: Warehouse, indicator_id: str) -> html.Div:
    coverage = wh.coverage(indicator_id)
    if coverage.empty:
        return html.Div(t("quality.no_plain"), className="notice", role="status")
    regions = wh.regions().set_index("region_code")
    grid = coverage_grid(coverage, list(regions.index), coverage_years(wh))
    return html.Div([html.Div(coverage_table(grid, coverage, regions), className="cov-scroll"),
                     _legend(grid, indicator_id)], className="cov-layout", **{"data-indicator": indicator_id})


def _stat(key: str, label: str, n: int) -> html.Div:
    return html.Div([html.Span(_fmt(n), className="stat-n"), html.Span(label, className="stat-label")],
                    className=f"stat stat-{key}", **{"data-stat": key, "data-count": str(n)})


def summary(counts: dict[str, int], runs: int, rejected: int) -> list[html.Div]:
    """Observations by status and in all, ingest runs and rejected rows: the warehouse's own counts."""
    return [*(_stat(s, t(f"data.status.{s}"), counts.get(s, 0)) for s in STATUSES),
            _stat("total", t("quality.total"), sum(counts.values())),
            _stat("runs", t("quality.runs"), runs), _stat("rejected", t("quality.rejected"), rejected)]


def _joined(*values: object) -> str:
    return " · ".join(str(v) for v in values if isinstance(v, str) and v) or "—"


def _head(columns: tuple[str, ...]) -> html.Thead:
    return html.Thead(html.Tr([html.Th(t(k), scope="col", className="num" if k in NUMERIC_COLUMNS else None)
                               for k in columns]))


def runs_table(runs: pd.DataFrame) -> html.Table | html.P:
    if runs.empty:
        return html.P(t("quality.no_runs"), className="hint")
    rows = [html.Tr([html.Td(str(r.run_id), className="num"), html.Td(r.command),
                     html.Td([r.file_name, html.Br(), html.Span(_joined(r.file_format, r.encoding, r.layout),
                                                                className="read-as")], className="file"),
                     html.Td(_joined(r.indicator_id, r.source_id, r.status)),
                     *(html.Td(_fmt(getattr(r, c)), className="num", **{"data-col": c}) for c in RUN_COUNTS),
                     html.Td(t(f"quality.outcome.{r.outcome}"), className=f"outcome outcome-{r.outcome}"),
                     html.Td(r.finished_utc, className="when")], **{"data-run": str(r.run_id)})
            for r in runs.itertuples()]
    return html.Table([_head(RUN_COLUMNS), html.Tbody(rows)], className="q-table q-runs")


def rejected_section(rows: pd.DataFrame, total: int) -> list[object]:
    if total == 0:
        return [html.P(t("quality.no_rejected"), className="hint", **{"data-count": "0"})]
    key = "quality.rejected.shown" if total > len(rows) else "quality.rejected.all"
    body = [html.Tr([html.Td(str(r.run_id), className="num"), html.Td(r.file_name, className="file"),
                     html.Td(str(r.row_number), className="num"), html.Td(r.column_name if isinstance(
                         r.column_name, str) else "—"), html.Td(html.Code(r.raw), className="raw"),
                     html.Td(r.reason)], **{"data-run": str(r.run_id)}) for r in rows.itertuples()]
    return [html.P([t(key).format(total=_fmt(total), shown=_fmt(len(rows))), html.Br(), t("quality.rejected.hint")],
                   className="hint", **{"data-count": str(total)}),
            html.Table([_head(REJECTED_COLUMNS), html.Tbody(body)], className="q-table q-rejected")]


def layout(indicator: str | list[str] | None = None, **_: str) -> html.Div:
    """The coverage matrix is drawn by its callback (the picker may change it); the rest only depends on the file."""
    wh = data.warehouse()
    notice, stats, runs, rejected = None, [], None, []
    try:
        indicators = wh.catalogue()
        run_log = wh.ingest_runs()
        total = wh.rejected_count()
        stats = summary(wh.status_counts(), len(run_log), total)
        runs, rejected = runs_table(run_log), rejected_section(wh.rejected_rows(limit=REJECTED_SHOWN), total)
    except WarehouseError as exc:
        indicators = pd.DataFrame(columns=["indicator_id", "name_zh", "name_en"])
        notice = warehouse_missing(str(exc))
    chosen = pick_indicator(one(indicator), list(indicators["indicator_id"]))
    return html.Div([
        page_header("quality.heading"),
        notice,
        html.P(t("quality.intro"), className="hint q-intro"),
        html.Div(stats, id=ids.QUALITY_SUMMARY, className="q-stats"),
        html.Section([
            html.Div([html.H2(t("quality.coverage"), className="q-heading"),
                      indicator_picker(ids.QUALITY_INDICATOR, indicators, chosen)], className="q-section-head"),
            dcc.Loading(html.Div(id=ids.QUALITY_COVERAGE), delay_show=300),
        ], className="q-section"),
        html.Section([html.H2(t("quality.runs"), className="q-heading"),
                      html.P(t("quality.runs.hint"), className="hint"), runs],
                     id=ids.QUALITY_RUNS, className="q-section"),
        html.Section([html.H2(t("quality.rejected"), className="q-heading"), *rejected],
                     id=ids.QUALITY_REJECTED, className="q-section"),
    ], className="quality-page")


@callback(Output(ids.QUALITY_COVERAGE, "children"), Output(ids.STATE, "data", allow_duplicate=True),
          Input(ids.QUALITY_INDICATOR, "value"), prevent_initial_call="initial_duplicate")
def show_coverage(indicator_id: str | None) -> tuple[html.Div, dict[str, str]]:
    if not indicator_id:
        raise PreventUpdate
    state = {"path": "/quality", "query": "?" + urlencode({"indicator": indicator_id})}
    try:
        return coverage_section(data.warehouse(), indicator_id), state
    except WarehouseError as exc:
        return warehouse_missing(str(exc)), state
