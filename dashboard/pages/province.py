"""``/province/<region>`` — one province at a glance: every indicator beside the nation and the national target, its
rank among provinces, its own targets as the board judges them, its peers, and small-multiple trends.

``<region>`` is anything the API accepts for a region (320000, 32, 江苏, 江苏省, Jiangsu); a value that names no
province gets a notice with suggestions, never a 404. Reached from the map (a province or a ranking bar) and from
the picker on this page.
"""

from __future__ import annotations

from urllib.parse import unquote, urlencode

import dash
from dash import Input, Output, State, callback, dcc, html, no_update

from dashboard import data, ids
from dashboard.components import (
    chart_tools,
    illustrative_badge,
    labelled,
    no_real_data_notice,
    reported_toggle,
    source_line,
    status_badge,
    warehouse_missing,
)
from dashboard.deeplinks import (
    LinkProblem,
    echo,
    group_label,
    link_notice,
    region_label,
    region_token,
    unknown_region,
)
from dashboard.figures.numbers import value_text
from dashboard.figures.small_multiples import figure_height, small_multiples
from dashboard.i18n import current_lang, name, t
from dashboard.presenting import for_screen
from dashboard.profile import Figure, Profile, Rank, province_profile
from dashboard.progress import Status
from dashboard.urlstate import one
from dashboard.views import Card, latest_label
from pipelines.catalogue import NATIONAL
from pipelines.errors import WarehouseError
from pipelines.slices import MACRO_REGIONS, Vocabulary, vocabulary

PATH = "/province"


def profile_path(code: str) -> str:
    return f"{PATH}/{code}"


def resolve(asked: str | None, vocab: Vocabulary) -> tuple[str | None, LinkProblem | None]:
    """The province an address names, or why it names none: unknown, the nation, or a group (with its members)."""
    text = unquote(asked or "").strip()
    if not text:
        return None, None
    token = region_token(vocab, text)
    if token is None:
        return None, unknown_region(vocab, text, profile_path, provinces_only=True)
    if token in vocab.groups:
        members = vocab.expand(token)
        return None, LinkProblem("region", text, t("profile.group").format(value=echo(text), n=len(members)),
                                 tuple((region_label(vocab, c), profile_path(c)) for c in members),
                                 lead=t("profile.members"))
    if token == NATIONAL:
        return None, LinkProblem("region", text, t("profile.national").format(value=echo(text)),
                                 ((t("nav.board"), "/"), (t("nav.map"), "/map")), lead=t("profile.see"))
    return token, None


def _title(region: str | None = None, **_: object) -> str:
    """The browser tab: 江苏 · 省份概况 / Jiangsu · Province profile."""
    try:
        vocab = vocabulary(data.warehouse())
    except WarehouseError:
        return t("profile.title")
    code, _problem = resolve(one(region), vocab)
    return f"{region_label(vocab, code)} · {t('profile.title')}" if code else t("profile.title")


dash.register_page(__name__, path=PATH, path_template=f"{PATH}/<region>", title=_title, name="Province profile",
                   order=6)


def _picker(vocab: Vocabulary, code: str | None) -> html.Label:
    provinces = [r for r in vocab.regions if r.level == "province"]
    return labelled("profile.region", dcc.Dropdown(
        id=ids.PROFILE_REGION, value=code, clearable=False, placeholder=t("profile.pick"),
        className="province-dropdown", options=[{"label": name(r, short=True), "value": r.region_code}
                                                for r in provinces]))


def layout(region: str | list[str] | None = None, reported: str | list[str] | None = None,
           **_: str | list[str]) -> html.Div:
    """Every control is always laid out (callbacks need their ids); the body is drawn by ``show_profile``."""
    try:
        vocab = vocabulary(data.warehouse())
    except WarehouseError as exc:
        vocab, missing = Vocabulary((), ()), warehouse_missing(str(exc))
    else:
        missing = None
    code, problem = resolve(one(region), vocab) if missing is None else (None, None)
    heading = f"{region_label(vocab, code)} · {t('profile.title')}" if code else t("profile.title")
    return html.Div([
        html.Div([html.H1(heading, className="page-title"),
                  html.Div([_picker(vocab, code), reported_toggle(ids.PROFILE_REPORTED, reported)],
                           className="controls")], className="page-header"),
        missing,
        link_notice([problem], component_id=ids.LINK_NOTICE),
        _directory(vocab) if code is None and missing is None else None,
        dcc.Store(id=ids.PROFILE_CODE, data=code),  # the province this page was opened for
        dcc.Loading(html.Div(id=ids.PROFILE_BODY, className="profile-body"), delay_show=300),
    ], className="profile-page", **{"data-region": code or ""})


def _directory(vocab: Vocabulary) -> html.Section:
    """Without a province: every province, by macro-region, one click from its profile."""
    provinces = [r for r in vocab.regions if r.level == "province"]
    entries: list[object] = []
    for macro in (*MACRO_REGIONS, None):
        codes = tuple(r.region_code for r in provinces if r.macro_region == macro)
        if codes:
            entries += [html.Dt(group_label(macro) if macro else t("profile.directory.other")),
                        html.Dd(_peer_links(codes, vocab))]
    return html.Section([html.P(t("profile.pick_hint"), className="hint"),
                         html.Dl(entries, className="profile-peers profile-directory")],
                        className="profile-section")


# -- the body --------------------------------------------------------------------------------------------------
def _figure_cell(figure: Figure | None, unit: str, precision: int, *, flow: bool = False) -> html.Td:
    if figure is None:
        return html.Td("—", className="num")
    when = figure.when + (f" · {t('profile.per_batch')}" if flow else "")
    return html.Td([
        html.Span(value_text(figure.value, unit, precision), className="profile-value"), " ",
        html.Span(when, className="profile-when"),
        html.Div(figure.scope, className="profile-scope") if figure.scope else None,
        illustrative_badge() if figure.illustrative else None,
    ], className="num", **{"data-status": figure.status})


def rank_text(rank: Rank) -> tuple[str, str | None]:
    """"3 of 5 (2018)" and how it moved since the first year ranked; or "not ranked" and why."""
    if not rank.ranked:
        return t("profile.not_ranked"), t(f"profile.not_ranked.{rank.reason}")
    place = t("profile.rank").format(rank=rank.rank, of=rank.of, year=rank.year)
    change = rank.change
    if change is None:
        return place, t("profile.rank.once")
    key = "profile.rank.up" if change > 0 else "profile.rank.down" if change < 0 else "profile.rank.same"
    return place, t(key).format(n=abs(change), year=rank.first_year)


def _rank_cell(rank: Rank) -> html.Td:
    place, note = rank_text(rank)
    return html.Td([html.Span(place, className="profile-rank" if rank.ranked else "profile-unranked"),
                    html.Div(note, className="profile-scope") if note else None],
                   **{"data-ranked": "1" if rank.ranked else "0"})


def _trend_href(indicator_id: str, code: str) -> str:
    return f"/trends?{urlencode({'indicator': indicator_id, 'region': f'{NATIONAL},{code}'}, safe=',')}"


def _indicator_table(profile: Profile, national_name: str) -> html.Table:
    head = html.Thead(html.Tr([html.Th(t(k), scope="col") for k in ("profile.col.indicator",)]
                              + [html.Th(name(profile.region, short=True), scope="col", className="num"),
                                 html.Th(national_name, scope="col", className="num"),
                                 html.Th(t("profile.col.target"), scope="col", className="num"),
                                 html.Th(t("profile.col.rank"), scope="col"), html.Th("", scope="col")]))
    body = [html.Tr([
        html.Th(name(r), scope="row"),
        _figure_cell(r.province, r.unit, r.precision, flow=r.flow),
        _figure_cell(r.national, r.unit, r.precision, flow=r.flow),
        html.Td(r.national_target or "—", className="num"),
        _rank_cell(r.rank),
        html.Td(dcc.Link(t("profile.open_trend"), href=_trend_href(r.indicator_id, profile.region_code))),
    ], className="profile-row" + ("" if r.real else " profile-row-illustrative"),
        **{"data-indicator": r.indicator_id}) for r in profile.rows]
    return html.Table([head, html.Tbody(body)], className="profile-table")


def _verdict_note(card: Card) -> object:
    v = card.verdict
    if v.status == Status.NO_REAL_DATA:
        return no_real_data_notice("board.no_real_data.body")
    if v.status == Status.NOT_MEASURED:
        own = v.reason_zh if current_lang() == "zh" else v.reason_en
        return html.Div(own or t("board.not_measured.generic"), className="profile-scope")
    if v.mixed_scopes:
        return html.Div(t("board.mixed_scopes"), className="profile-scope")
    return None


def _targets(profile: Profile) -> html.Section:
    region = name(profile.region, short=True)
    if not profile.targets:
        return html.Section([html.H2(t("profile.targets").format(region=region), className="chart-title"),
                             html.P(t("profile.targets.none").format(region=region), className="profile-none")],
                            className="profile-section profile-targets")
    rows = []
    for target in profile.targets:
        card = target.card
        has_value = card.latest_value is not None
        latest = (f"{value_text(card.latest_value, card.unit, card.precision)} ({card.latest_when})" if has_value
                  else card.context or t("board.no_value"))
        rows.append(html.Tr([
            html.Th(name(card), scope="row"),
            html.Td([card.target, html.Div(card.target_scope, className="profile-scope") if card.target_scope
                     else None]),
            html.Td([status_badge(card.progress.status, has_value=has_value),
                     illustrative_badge() if card.illustrative else None, _verdict_note(card)]),
            html.Td(latest),
            html.Td(dcc.Link(t("profile.on_board"),
                             href=f"/?{urlencode({'horizon': target.year, 'region': profile.region_code})}")),
        ], **{"data-indicator": card.indicator_id, "data-status": card.progress.status}))
    head = html.Thead(html.Tr([html.Th(t(k), scope="col") for k in (
        "profile.col.indicator", "board.target", "sources.col.status", "profile.col.latest")] + [html.Th("")]))
    return html.Section([html.H2(t("profile.targets").format(region=region), className="chart-title"),
                         html.Table([head, html.Tbody(rows)], className="profile-table profile-target-table")],
                        className="profile-section profile-targets")


def _peer_links(codes: tuple[str, ...], vocab: Vocabulary) -> list[object]:
    links: list[object] = []
    for code in codes:
        links += [t("list.separator") if links else "",
                  dcc.Link(region_label(vocab, code), href=profile_path(code), className="peer-link")]
    return links


def _peers(profile: Profile, vocab: Vocabulary) -> html.Dl:
    p = profile.peers
    macro = ([html.Strong(group_label(p.macro_region)), " · ", *_peer_links(p.macro_peers, vocab)]
             if p.macro_region else [t("profile.unclassified")])
    cluster = ([html.Strong(group_label(p.cluster)), " · ", *_peer_links(p.cluster_peers, vocab)]
               if p.cluster else [t("profile.no_cluster")])
    return html.Dl([html.Dt(t("profile.macro_region")), html.Dd(macro, **{"data-group": p.macro_region or ""}),
                    html.Dt(t("profile.cluster")), html.Dd(cluster, **{"data-group": p.cluster or ""})],
                   className="profile-peers")


def figure_labels() -> dict[str, str]:
    return {"illustrative": t("map.illustrative"), "estimated": t("status.value.estimated"),
            "projected": t("status.value.projected"), "source": t("source"), "scope": t("trends.scope"),
            "scope_unstated": t("scope.unstated"), "scope_break": t("profile.scope_break")}


def _trends(profile: Profile) -> html.Section:
    region = name(profile.region, short=True)
    frame = profile.trends
    n_panels = frame["panel"].nunique()
    return html.Section([
        html.H2(t("profile.trends").format(region=region), className="chart-title"),
        html.P(t("profile.trends.hint"), className="hint"),
        dcc.Graph(id=ids.PROFILE_GRAPH, figure=for_screen(small_multiples(frame, labels=figure_labels())),
                  config={"displayModeBar": False}, className="profile-graph",
                  style={"height": f"{figure_height(n_panels)}px"}),
        source_line(frame["source_title"], illustrative=bool((frame["status"] == "illustrative").any()),
                    as_of=latest_label(frame)),
        chart_tools(ids.PROFILE_GRAPH),
    ], className="profile-section chart-block")


def profile_body(profile: Profile, vocab: Vocabulary, national_name: str) -> list[object]:
    region = name(profile.region, short=True)
    trends = (dcc.Link(t("profile.open_trends"), href=_trend_href(profile.rows[0].indicator_id, profile.region_code),
                       className="profile-trends-link") if profile.rows else None)
    parts: list[object] = [html.Div([_peers(profile, vocab), trends], className="profile-top")]
    if not profile.rows:
        parts.append(_no_figures(region))
    else:
        parts.append(html.Section([
            html.H2(t("profile.indicators"), className="chart-title"),
            html.P(t("profile.indicators.hint"), className="hint"),
            _indicator_table(profile, national_name),
        ], className="profile-section"))
    parts.append(_targets(profile))
    if not profile.trends.empty:
        parts.append(_trends(profile))
    return parts


def _no_figures(region: str) -> html.Div:
    return html.Div([t("profile.no_data").format(region=region), " ",
                     dcc.Link(t("board.ingest_link"), href="/guide/ingest", className="ingest-link")],
                    className="notice", role="status")


@callback(Output(ids.PROFILE_BODY, "children"), Output(ids.STATE, "data", allow_duplicate=True),
          Input(ids.PROFILE_REPORTED, "value"), State(ids.PROFILE_CODE, "data"), State(ids.URL, "pathname"),
          prevent_initial_call="initial_duplicate")
def show_profile(real: list[str] | None, code: str | None, pathname: str | None) -> tuple:
    """The profile of the province the page was opened for; "Reported only" redraws it without generated values."""
    wh = data.warehouse()
    try:
        vocab = vocabulary(wh)
    except WarehouseError:
        return None, no_update
    provinces = {r.region_code for r in vocab.regions if r.level == "province"}
    real_only = bool(real) and isinstance(real, list)
    state = ({"path": pathname, "query": "?reported=1" if real_only else "", "owns": ["reported"]}
             if isinstance(pathname, str) and pathname.startswith(PATH) else no_update)
    if not isinstance(code, str) or code not in provinces:
        return None, state
    national = next(r for r in vocab.regions if r.region_code == NATIONAL)
    profile = province_profile(wh, code, real_only=real_only)
    return profile_body(profile, vocab, name(national, short=True)), state


@callback(Output(ids.URL, "href", allow_duplicate=True), Input(ids.PROFILE_REGION, "value"),
          State(ids.PROFILE_CODE, "data"), prevent_initial_call=True)
def open_picked(code: str | None, opened: str | None) -> str:
    """Picking another province opens its profile (the visitor's own parameters ride along: ``assets/imm.js``);
    the province already shown stays put, whichever spelling its address used."""
    if not isinstance(code, str) or not code.isdigit() or len(code) != 6 or code == opened:
        return no_update
    return profile_path(code)
