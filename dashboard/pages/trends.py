"""``/trends?indicator=cnc_rate&region=100000,长三角`` — national, provincial and region-group series with their
targets; a group is one line, aggregated as the indicator says, with its method and members under the chart."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from urllib.parse import urlencode

import dash
import pandas as pd
from dash import Input, Output, callback, dcc, html
from dash.exceptions import PreventUpdate

from dashboard import data, ids
from dashboard.components import (
    chart_tools,
    indicator_picker,
    labelled,
    page_header,
    reported_toggle,
    source_line,
    warehouse_missing,
)
from dashboard.deeplinks import (
    LinkProblem,
    group_label,
    indicator_problem,
    link_notice,
    read_regions,
    region_token,
    unknown_region,
)
from dashboard.figures.numbers import precision_of
from dashboard.figures.trend import LABEL_SIZE, trend_chart
from dashboard.groups import SUM, method_of
from dashboard.i18n import display_unit, name, t
from dashboard.presenting import PRESENT_FONT, for_screen, presenting
from dashboard.urlstate import one
from dashboard.views import latest_label, pick_indicator, trend_frame, trend_overlays
from pipelines.catalogue import NATIONAL
from pipelines.errors import WarehouseError
from pipelines.slices import CLUSTERS, MACRO_REGIONS, Vocabulary, split_values, vocabulary

dash.register_page(__name__, path="/trends", title=lambda: t("nav.trends"), name="Trends", order=2)

DEFAULT_REGIONS = [NATIONAL]
# "Compare groups": the nation for reference (its targets are the plan's), then the four groups of a kind
COMPARED = {ids.TRENDS_COMPARE_CLUSTERS: (NATIONAL, *CLUSTERS), ids.TRENDS_COMPARE_MACRO: (NATIONAL, *MACRO_REGIONS)}


def trend_labels() -> dict[str, str]:
    return {"target": t("trends.target"), "required_path": t("trends.required_path"),
            "projection": t("trends.projection"), "illustrative": t("map.illustrative"),
            "estimated": t("status.value.estimated"), "projected": t("status.value.projected"),
            "source": t("source"), "scope": t("trends.scope"), "scope_unstated": t("scope.unstated"),
            "members": t("trends.group.members")}


def layout(indicator: str | list[str] | None = None, region: str | list[str] | None = None,
           reported: str | list[str] | None = None, **_: str) -> html.Div:
    """Every control is always laid out (callbacks need their ids), with a notice when there is no data."""
    indicator, region = one(indicator), one(region)
    wh = data.warehouse()
    notice, vocab = None, None
    try:
        indicators = wh.indicators_with_data()
        regions = wh.regions()
        vocab = vocabulary(wh)
    except WarehouseError as exc:
        indicators = pd.DataFrame(columns=["indicator_id", "name_zh", "name_en"])
        regions = pd.DataFrame(columns=["region_code", "short_zh", "name_en"])
        notice = warehouse_missing(str(exc))
    chosen = pick_indicator(indicator, list(indicators["indicator_id"]))
    picked, problems = DEFAULT_REGIONS, []
    if vocab is not None:
        picked, problems = _regions_asked(region, vocab, chosen)
        problems.insert(0, indicator_problem(indicator, chosen, wh.indicators(), indicators,
                                             lambda i: _href(i, region)))
    real = one(reported) == "1"
    return html.Div([
        page_header(
            "trends.heading",
            indicator_picker(ids.TRENDS_INDICATOR, indicators, chosen),
            labelled("trends.regions", dcc.Dropdown(
                id=ids.TRENDS_REGIONS, value=picked, multi=True, className="region-dropdown",
                options=_region_options(regions, vocab))),
            reported_toggle(ids.TRENDS_REPORTED, reported),
        ),
        notice,
        link_notice(problems, component_id=ids.LINK_NOTICE),
        html.Div([
            html.Div([html.H2(id=ids.TRENDS_TITLE, className="chart-title"), _compare_links(chosen, real, vocab)],
                     className="trend-head"),
            dcc.Loading(dcc.Graph(id=ids.TRENDS_GRAPH, config={"displayModeBar": False}, className="trend-graph"),
                        delay_show=300),
            html.Div(id=ids.TRENDS_GROUPS, className="trend-groups"),
            html.Div(id=ids.TRENDS_CAPTION),
            chart_tools(ids.TRENDS_GRAPH),
        ], className="chart-block"),
    ])


def _href(indicator_id: str | None, region: str | None, real: bool = False) -> str:
    params = {k: v for k, v in (("indicator", indicator_id), ("region", region)) if v}
    params |= {"reported": "1"} if real else {}
    return "/trends" + (f"?{urlencode(params, safe=',')}" if params else "")


def _region_options(regions: pd.DataFrame, vocab: Vocabulary | None) -> list[dict[str, str]]:
    """The nation, then the groups (drawn as one line each), then the provinces."""
    places = [{"label": name(r._asdict(), short=True), "value": r.region_code} for r in regions.itertuples()]
    groups = [{"label": group_label(g), "value": g} for g in (vocab.groups if vocab else ())]
    nation = [p for p in places if p["value"] == NATIONAL]
    return nation + groups + [p for p in places if p["value"] != NATIONAL]


def _compared(component_id: str, indicator_id: str | None, real: bool, groups: Sequence[str]) -> str:
    return _href(indicator_id, ",".join(x for x in COMPARED[component_id] if x == NATIONAL or x in groups), real)


def _compare_links(indicator_id: str | None, real: bool, vocab: Vocabulary | None) -> html.Div:
    """Two stable addresses: the nation and the four clusters, the nation and the four macro-regions (laid out
    even without a warehouse: callbacks need their ids)."""
    groups = list(vocab.groups) if vocab else []
    links: list[object] = [t("trends.compare"), " "]
    for i, (component_id, key) in enumerate(((ids.TRENDS_COMPARE_CLUSTERS, "trends.compare.clusters"),
                                             (ids.TRENDS_COMPARE_MACRO, "trends.compare.macro"))):
        links += [" · " if i else "", dcc.Link(t(key), id=component_id, className="compare-link",
                                               href=_compared(component_id, indicator_id, real, groups))]
    return html.Div(links, className="trend-compare")


def _regions_asked(region: str | None, vocab: Vocabulary, indicator_id: str | None) -> tuple[list[str], list]:
    """The regions and groups a ``region`` value names, in its order, as the API reads it (codes, names, group
    keys), and a notice for every token it could not read."""
    asked = read_regions(region, vocab)
    tokens = split_values(region)

    def instead(token: str) -> Callable[[str], str]:  # the same address with this token corrected
        return lambda code: _href(indicator_id, ",".join(code if x == token else x for x in tokens))

    problems: list[LinkProblem | None] = [
        unknown_region(vocab, token, instead(token), fallback=None if asked.codes else t("link.national"))
        for token in asked.unknown]
    picked = [canonical for canonical in (region_token(vocab, x) for x in tokens) if canonical]
    return list(dict.fromkeys(picked)) or DEFAULT_REGIONS, problems


def _region_name(token: str, vocab: Vocabulary, regions: pd.DataFrame) -> str | None:
    if token in vocab.groups:
        return group_label(token)
    return name(regions.loc[token], short=True) if token in regions.index else None


def _group_notes(frame: pd.DataFrame, tokens: Sequence[str], indicator: pd.Series, vocab: Vocabulary,
                 regions: pd.DataFrame, real: bool) -> list[html.P]:
    """Under the chart: how the groups' lines are made (one sentence for the groups it holds for, so four
    clusters read as one line on a slide), then each group's members drawn instead (one click) and each
    member's profile."""
    groups = [x for x in tokens if x in vocab.groups]
    if not groups:
        return []
    summed = method_of(indicator) == SUM
    by_method: dict[str, list[str]] = {}
    for token in groups:
        drawn = bool((frame["region_code"] == token).any())
        key = ("trends.group.sum" if summed else "trends.group.mean") + ("" if drawn else "_none")
        by_method.setdefault(key, []).append(group_label(token))
    notes = [html.P(t(key).format(group=t("list.separator").join(labels)), className="group-method")
             for key, labels in by_method.items()]
    for token in groups:
        members = vocab.expand(token)
        instead = _href(indicator["indicator_id"], ",".join(
            ",".join(members) if x == token else x for x in tokens), real)
        names: list[object] = []
        for code in members:
            names += [t("list.separator") if names else "",
                      dcc.Link(_region_name(code, vocab, regions) or code, className="group-member",
                               href=f"/province/{code}" + ("?reported=1" if real else ""))]
        notes.append(html.P([
            f"{group_label(token)}: ", dcc.Link(t("trends.group.show_members"), href=instead,
                                                className="group-members-link"),
            " · ", t("trends.group.members_list"), " ", *names,
        ], className="group-note", **{"data-group": token}))
    notes.append(html.P(t("trends.group.weakest"), className="group-method group-weakest"))
    return notes


@callback(Output(ids.TRENDS_GRAPH, "figure"), Output(ids.TRENDS_CAPTION, "children"),
          Output(ids.TRENDS_TITLE, "children"), Output(ids.TRENDS_GROUPS, "children"),
          Output(ids.STATE, "data", allow_duplicate=True),
          Input(ids.TRENDS_INDICATOR, "value"), Input(ids.TRENDS_REGIONS, "value"),
          Input(ids.TRENDS_REPORTED, "value"), prevent_initial_call="initial_duplicate")
def draw_trends(indicator_id: str | None, region_codes: list[str] | None, real: list[str] | None) -> tuple:
    if not indicator_id:
        raise PreventUpdate
    tokens = [str(x) for x in (region_codes or [])]
    params = {"indicator": indicator_id, "region": ",".join(tokens)} | ({"reported": 1} if real else {})
    state = {"path": "/trends", "query": f"?{urlencode(params, safe=',')}", "owns": ["reported"]}
    wh = data.warehouse()
    vocab = vocabulary(wh)
    ind = wh.indicators().set_index("indicator_id", drop=False).loc[indicator_id]
    frame = trend_frame(wh, ind, tokens, real_only=bool(real), groups=vocab.groups)
    fig = for_screen(trend_chart(frame, trend_overlays(wh, ind, tokens), unit=display_unit(ind),
                                 precision=precision_of(ind), labels=trend_labels(),
                                 label_size=PRESENT_FONT - 4 if presenting() else LABEL_SIZE))
    titles = [part for title in frame["source_title"].dropna() for part in str(title).split("；")]
    caption = source_line(titles, illustrative=bool((frame["status"] == "illustrative").any()),
                          as_of=latest_label(frame))
    if frame.empty:
        caption = html.Div(t("trends.no_data"), className="source-line")
    regions = wh.regions().set_index("region_code")
    title = t("trends.title").format(indicator=name(ind), regions=t("list.separator").join(
        n for n in (_region_name(x, vocab, regions) for x in tokens) if n))
    return fig, caption, title, _group_notes(frame, tokens, ind, vocab, regions, bool(real)), state


@callback(Output(ids.TRENDS_COMPARE_CLUSTERS, "href"), Output(ids.TRENDS_COMPARE_MACRO, "href"),
          Input(ids.TRENDS_INDICATOR, "value"), Input(ids.TRENDS_REPORTED, "value"))
def compare_hrefs(indicator_id: str | None, real: list[str] | None) -> tuple[str, str]:
    """The compare links follow the chosen indicator and the "reported only" toggle."""
    if not isinstance(indicator_id, str) or not indicator_id:
        raise PreventUpdate  # no warehouse yet, or nothing chosen: the links stay as laid out
    groups = list(vocabulary(data.warehouse()).groups)
    return (_compared(ids.TRENDS_COMPARE_CLUSTERS, indicator_id, bool(real), groups),
            _compared(ids.TRENDS_COMPARE_MACRO, indicator_id, bool(real), groups))
