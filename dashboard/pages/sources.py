"""``/sources`` — sources and methodology: every indicator, target and plan with its citations, how progress is
assessed and what "illustrative" means. Each section has an anchor to link to (``/sources#indicator-cnc_rate``).

Everything shown about indicators, targets and plans is read from the warehouse; definitions and notes appear
in the language the catalogue records them in.
"""

from __future__ import annotations

import dash
import pandas as pd
from dash import Input, Output, clientside_callback, dcc, html

from dashboard import data, ids
from dashboard.components import INGEST_GUIDE, illustrative_badge, status_badge, warehouse_missing
from dashboard.figures.numbers import precision_of, value_text
from dashboard.i18n import DEFAULT_LANG, current_lang, date_label, display_unit, name, t
from dashboard.views import target_text
from pipelines.catalogue import STATUSES
from pipelines.errors import WarehouseError
from pipelines.warehouse import Warehouse

dash.register_page(__name__, path="/sources", title=lambda: t("nav.sources"), name="Sources", order=4)

# The statuses a target card can show, in the order the method explains them. "no_trend" is how a card with
# one figure shows "no_data": a value, but too few for a trend.
PROGRESS_STATUSES = ("achieved", "on_track", "moderate", "insufficient", "moving_away", "no_trend", "no_data",
                     "not_measured", "no_real_data")
SOURCE_COLUMNS = ("source", "sources.col.publisher", "sources.col.date", "sources.col.locator", "sources.col.role")
INGEST_COMMAND = "python -m pipelines ingest"
TARGET_COLUMNS = ("board.target", "sources.col.plan", "sources.col.measure", "board.target_scope",
                  "sources.col.note")


def localised(href: str) -> str:
    """A link inside the dashboard that keeps the visitor's language (the address carries it)."""
    lang = current_lang()
    if lang == DEFAULT_LANG:
        return href
    path, hash_, fragment = href.partition("#")
    return f"{path}{'&' if '?' in path else '?'}lang={lang}{hash_}{fragment}"


def text(value: object) -> str | None:
    """A text cell of a warehouse frame, or None where it is NULL or empty."""
    return value if isinstance(value, str) and value.strip() else None


def published_label(published: object) -> str:
    """A source's ISO date as stored (2021, 2021-11, 2021-11-30), written the visitor's way."""
    if not text(published):
        return "—"
    parts = [int(p) for p in str(published).split("-")]
    label = date_label(parts[0], parts[1] if len(parts) > 1 else None)
    return t("sources.day").format(date=label, day=parts[2]) if len(parts) > 2 else label


def target_anchor(target: object) -> str:
    return ids.SOURCES_TARGET + "-".join(
        str(getattr(target, k)) for k in ("indicator_id", "region_code", "plan_id", "target_year"))


def _linked(title: str, url: object) -> html.A | str:
    return html.A(title, href=url, target="_blank", rel="noopener noreferrer") if text(url) else title


def _table(columns: tuple[str, ...], rows: list[html.Tr], class_name: str) -> html.Table:
    return html.Table([html.Thead(html.Tr([html.Th(t(k), scope="col") for k in columns])), html.Tbody(rows)],
                      className=f"src-table {class_name}")


def _sources_table(frame: pd.DataFrame) -> html.Table:
    rows = []
    for s in frame.itertuples():
        role: list[object] = [t("sources.role.defines")] if s.defines else []
        if s.n_values:
            role += [html.Br(), t("sources.role.values").format(n=s.n_values)] if role else [
                t("sources.role.values").format(n=s.n_values)]
        title = [_linked(s.title, s.url), " ", illustrative_badge()] if s.kind == "illustrative" else _linked(
            s.title, s.url)
        rows.append(html.Tr([html.Td(title), html.Td(text(s.publisher) or "—"),
                             html.Td(published_label(s.published), className="when"),
                             html.Td(text(s.locator) or "—"), html.Td(role, className="when")],
                            **{"data-source": s.source_id}))
    return _table(SOURCE_COLUMNS, rows, "src-sources")


def measure_text(target: object, indicators: pd.DataFrame) -> str:
    """How observations are compared with a target, in words: what is counted, from when, of which scope."""
    since = target.measure_since
    parts = [t(f"sources.measure.{target.measure_kind}").format(
        indicator=name(indicators.loc[target.measure_indicator_id]),
        since=int(since) if pd.notna(since) else "")]
    if text(target.measure_breakdown):
        parts.append(t("sources.measure.breakdown").format(breakdown=target.measure_breakdown))
    if text(target.measure_scope):
        parts.append(t("sources.measure.scope").format(scope=target.measure_scope))
    return " · ".join(parts)


def _target_row(tg: object, indicators: pd.DataFrame, regions: pd.DataFrame, urls: pd.Series) -> html.Tr:
    unit, precision = display_unit(indicators.loc[tg.indicator_id]), precision_of(indicators.loc[tg.indicator_id])
    goal: list[object] = [html.Strong(name(regions.loc[tg.region_code], short=True)), html.Br(),
                          target_text(tg.comparator, tg.value, unit, tg.target_year, precision)]
    if pd.notna(tg.baseline_year):
        goal += [html.Br(), html.Span(f"{t('board.baseline')}: {value_text(tg.baseline_value, unit, precision)} "
                                      f"({int(tg.baseline_year)})", className="src-muted")]
    # the section is cited in the plan's own document, whose title would only repeat the plan's name
    document = [] if tg.source_title == tg.plan_name_zh else [_linked(tg.source_title, urls.get(tg.source_id)), " · "]
    plan = [name({"name_zh": tg.plan_name_zh, "name_en": tg.plan_name_en}), html.Br(),
            html.Span([*document, text(tg.source_locator) or "—"], className="src-muted")]
    own = text(tg.unmeasured_zh if current_lang() == "zh" else tg.unmeasured_en) or text(
        tg.unmeasured_en) or text(tg.unmeasured_zh)
    note = [html.P([html.Strong(f"{t('status.not_measured')}: "), own], className="src-unmeasured")] if own else []
    return html.Tr([html.Td(goal), html.Td(plan), html.Td(measure_text(tg, indicators)),
                    html.Td(text(tg.scope) or "—"), html.Td([*note, text(tg.note) or "—"])],
                   id=target_anchor(tg), className="src-target",
                   **{"data-indicator": tg.indicator_id, "data-region": tg.region_code, "data-plan": tg.plan_id,
                      "data-year": str(tg.target_year)})


def _unit_text(ind: pd.Series) -> str:
    word = display_unit(ind)
    kind = t(f"sources.kind.{ind['value_kind']}")
    return f"{kind} ({word})" if word and word != "%" else kind


def _indicator_section(ind: pd.Series, sources: pd.DataFrame, targets: pd.DataFrame, indicators: pd.DataFrame,
                       regions: pd.DataFrame, urls: pd.Series) -> html.Section:
    iid = ind["indicator_id"]
    facts = [("sources.unit", _unit_text(ind)), ("sources.direction", t(f"sources.direction.{ind['direction']}")),
             ("sources.aggregation", t(f"sources.aggregation.{ind['aggregation']}")),
             ("sources.accumulation", t(f"sources.accumulation.{ind['accumulation']}")),
             ("sources.scope", text(ind["scope"]) or t("scope.unstated"))]
    rows = [_target_row(tg, indicators, regions, urls) for tg in targets.itertuples()]
    return html.Section([
        html.H3([name(ind), " ", html.Code(iid, className="src-id")]),
        html.P(ind["definition"], className="src-definition"),
        html.Dl([part for key, value in facts for part in (html.Dt(t(key)), html.Dd(value))], className="src-facts"),
        html.H4(t("sources")),
        _sources_table(sources),
        html.H4(f"{t('sources.targets')} ({len(rows)})"),
        _table(TARGET_COLUMNS, rows, "src-targets") if rows else html.P(t("sources.no_targets"), className="hint"),
        dcc.Link(t("sources.coverage_link"), href=localised(f"/quality?indicator={iid}"), className="src-more"),
    ], id=ids.SOURCES_INDICATOR + iid, className="src-section src-indicator", **{"data-indicator": iid})


def _methods() -> list[html.Section]:
    """How progress is assessed and what each value status means: the same for every warehouse."""
    statuses = [html.Tr([html.Td(status_badge("no_data", has_value=True) if s == "no_trend" else status_badge(s)),
                         html.Td(t(f"sources.status.{s}"))], **{"data-status": s}) for s in PROGRESS_STATUSES]
    values = [html.Tr([html.Td(html.Strong(t(f"data.status.{s}"))), html.Td(t(f"sources.value.{s}"))],
                      **{"data-status": s}) for s in STATUSES]
    return [
        html.Section([html.H2(t("board.method.title")), html.P(t("board.method.body")),
                      _table(("sources.col.status", "sources.col.meaning"), statuses, "src-statuses")],
                     id=ids.SOURCES_METHODS, className="src-section"),
        html.Section([html.H2(t("sources.values")),
                      _table(("sources.col.status", "sources.col.meaning"), values, "src-values")],
                     id=ids.SOURCES_VALUES, className="src-section"),
    ]


def _illustrative(cited: pd.DataFrame, sources: pd.DataFrame) -> html.Section:
    generated = sources[sources["kind"] == "illustrative"]
    counts = cited.groupby("source_id")["n_values"].sum()
    items = [html.Li([html.Strong(s.title), " · ", t("sources.role.values").format(n=int(counts.get(s.source_id, 0))),
                      html.Br(), html.Span(text(s.note) or "", className="src-muted")], **{"data-source": s.source_id})
             for s in generated.itertuples()]
    return html.Section([
        html.H2(t("sources.illustrative")),
        html.P([illustrative_badge(), " ", t("sources.illustrative.body")]),
        html.Ul(items, className="src-list") if items else html.P(t("sources.illustrative.none"), className="hint"),
        html.P([*_with_command(t("sources.illustrative.replace")), " ",
                dcc.Link(t("board.ingest_link"), href=localised(INGEST_GUIDE), className="ingest-link"), " · ",
                dcc.Link(t("sources.quality_link"), href=localised("/quality"), className="ingest-link")]),
    ], id=ids.SOURCES_ILLUSTRATIVE, className="src-section")


def _with_command(sentence: str) -> list[object]:
    """A sentence whose ``{command}`` is the ingest command, set as code."""
    before, _, after = sentence.partition("{command}")
    return [before, html.Code(INGEST_COMMAND), after]


def _plans(plans: pd.DataFrame) -> html.Section:
    rows = [html.Tr([html.Td(name(p._asdict())),
                     html.Td(t("sources.plan_span").format(start=p.start_year, end=p.end_year), className="when"),
                     html.Td([_linked(p.source_title, p.source_url), " · ", text(p.source_locator) or "—"]),
                     html.Td(str(p.n_targets), className="num")], **{"data-plan": p.plan_id})
            for p in plans.itertuples()]
    return html.Section([html.H2(t("sources.plans")),
                         _table(("sources.col.plan_name", "sources.col.years", "sources.col.document",
                                 "sources.col.n_targets"), rows, "src-plans")],
                        id=ids.SOURCES_PLANS, className="src-section")


def _toc(indicators: pd.DataFrame) -> html.Nav:
    entries = [(ids.SOURCES_METHODS, t("board.method.title")), (ids.SOURCES_VALUES, t("sources.values")),
               (ids.SOURCES_ILLUSTRATIVE, t("sources.illustrative")), (ids.SOURCES_PLANS, t("sources.plans"))]
    sub = [html.Li(html.A(name(ind._asdict()), href=f"#{ids.SOURCES_INDICATOR}{ind.indicator_id}"))
           for ind in indicators.itertuples()]
    return html.Nav([
        html.H2(t("sources.toc"), className="toc-title"),
        html.Ol([*(html.Li(html.A(label, href=f"#{anchor}")) for anchor, label in entries),
                 html.Li([html.A(t("sources.indicators"), href=f"#{ids.SOURCES_INDICATORS}"),
                          html.Ol(sub, className="toc-sub")])]),
    ], className="src-toc", **{"aria-label": t("sources.toc")})


def contents(wh: Warehouse) -> tuple[html.Nav, list[html.Section], str]:
    """The table of contents, the sections and the one-line count, from the warehouse."""
    indicators = wh.catalogue().set_index("indicator_id", drop=False)
    regions = wh.regions().set_index("region_code")
    targets, cited, sources, plans = wh.targets(), wh.indicator_sources(), wh.sources(), wh.plans()
    urls = sources.set_index("source_id")["url"]
    by_indicator = targets.sort_values(["target_year", "region_code", "plan_id"]).groupby("indicator_id")
    sections = [_indicator_section(
        ind, cited[cited["indicator_id"] == iid],
        by_indicator.get_group(iid) if iid in by_indicator.groups else targets.iloc[0:0],
        indicators, regions, urls) for iid, ind in indicators.iterrows()]
    count = t("sources.counts").format(indicators=len(indicators), targets=len(targets), plans=len(plans))
    return _toc(indicators), [
        *_methods(), _illustrative(cited, sources), _plans(plans),
        html.Section([html.H2(f"{t('sources.indicators')} ({len(indicators)})"), *sections],
                     id=ids.SOURCES_INDICATORS, className="src-section"),
    ], count


def layout(**_: str) -> html.Div:
    try:
        toc, sections, count = contents(data.warehouse())
        body = html.Div([toc, html.Div(sections, className="src-main")], className="src-layout")
    except WarehouseError as exc:
        count, body = "", html.Div([warehouse_missing(str(exc)), *_methods()], className="src-main")
    return html.Div([
        html.H1(t("sources.heading"), className="page-title"),
        html.P([t("sources.intro"), " ", html.Strong(count, className="src-count")], className="hint src-intro"),
        body,
        dcc.Store(id=ids.SOURCES_SCROLL),
    ], id=ids.SOURCES_PAGE, className="sources-page")


# The page is rendered after the browser has looked for the address's #anchor, so scroll to it once it exists.
clientside_callback(
    """
    function (hash) {
        if (hash && hash.length > 1) {
            const target = decodeURIComponent(hash.slice(1));
            window.requestAnimationFrame(function () {
                const el = document.getElementById(target);
                if (el) { el.scrollIntoView(); }
            });
        }
        return window.dash_clientside.no_update;
    }
    """,
    Output(ids.SOURCES_SCROLL, "data"),
    Input(ids.URL, "hash"),
)
