"""The map page's region group (``/map?region=长三角``): which provinces it names, the notice when it names none,
the picker, and the line above the map giving the group's value for the year.

Not a page (the leading underscore keeps Dash's page loader away); ``pages/map.py`` lays these pieces out.
Regions resolve as the API resolves them (``deeplinks.read_regions``): codes, names, pinyin, groups.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

import pandas as pd
from dash import dcc, html

from dashboard import ids
from dashboard.components import illustrative_badge
from dashboard.deeplinks import LinkProblem, echo, group_label, read_regions, region_label, unknown_region
from dashboard.figures.numbers import precision_of, value_text
from dashboard.groups import SUM
from dashboard.i18n import display_unit, t
from dashboard.views import group_value
from geo import shapes
from pipelines.slices import CLUSTERS, MACRO_REGIONS, Vocabulary


@dataclass(frozen=True)
class Group:
    """The provinces the page emphasises: a group (长三角) or any list the address named, and what to call it."""

    value: str  # what the picker holds and the address carries: a group token or comma-separated codes
    label: str
    members: tuple[str, ...]
    is_group: bool


def read_group(value: str | None, vocab: Vocabulary) -> Group | None:
    """The provinces a ``region`` value names (groups expanded), or None when it names none on the map."""
    asked = read_regions(value, vocab)
    members = tuple(c for c in asked.codes if c in shapes.province_codes())
    if not members:
        return None
    if len(asked.groups) == 1 and set(members) == set(vocab.expand(asked.groups[0])):
        return Group(asked.groups[0], group_label(asked.groups[0]), members, True)
    label = t("list.separator").join(region_label(vocab, c) for c in members)
    return Group(",".join(members), label, members, False)


def group_problems(value: str | None, vocab: Vocabulary, href: Callable[[str], str]) -> list[LinkProblem | None]:
    """A notice naming ``region`` for each token it could not read, and for a value naming no province
    (the nation, say): the map never quietly outlines nothing."""
    asked = read_regions(value, vocab)
    problems: list[LinkProblem | None] = [unknown_region(vocab, token, href) for token in asked.unknown]
    if asked.codes and read_group(value, vocab) is None:
        problems.append(LinkProblem("region", value or "", t("link.region.not_on_map").format(value=echo(value or ""))))
    return problems


def group_picker(vocab: Vocabulary, group: Group | None) -> html.Label:
    """None, the four macro-regions, the four clusters — and a list of provinces the address named, as it came."""
    options = [{"label": group_label(token), "value": token}
               for token in (*MACRO_REGIONS, *CLUSTERS) if token in vocab.groups]
    if group is not None and not group.is_group:
        options.append({"label": group.label, "value": group.value})
    return html.Label([html.Span(t("map.group"), className="control-label"),
                       dcc.Dropdown(id=ids.MAP_REGION, options=options, value=group.value if group else None,
                                    placeholder=t("map.group.none"), className="group-dropdown",
                                    searchable=False, maxHeight=360)],  # eight groups: all in view, no search
                      className="control inline-control")


def group_line(group: Group | None, frame: pd.DataFrame, ind: pd.Series, year: int) -> list[object] | None:
    """The group's value for the year (``views.group_value``: a mean of the members that report, a sum only
    when all do), how it was made, a badge when it rests on a generated value, and /trends one click away."""
    if group is None:
        return None
    indicator_id = str(ind["indicator_id"])
    row = group_value(frame, group.value, list(group.members), ind)
    reporting = int(frame["region_code"].isin(group.members).sum()) if not frame.empty else 0
    words = {"group": group.label, "year": year, "n": reporting, "m": len(group.members)}
    if row is not None:
        method = t("map.group.sum" if row["method"] == SUM else "map.group.mean").format(
            n=int(row["members"]), m=int(row["members_total"]))
        parts: list[object] = [html.B(t("map.group.value").format(
            **words, value=value_text(float(row["value"]), display_unit(ind), precision_of(ind)))), f" · {method}"]
        if row["status"] == "illustrative":
            parts += [" ", illustrative_badge()]
    elif reporting and ind["aggregation"] == "sum":
        parts = [t("map.group.partial_sum").format(**words)]
    else:
        parts = [t("map.group.no_values").format(**words)]
    links = [dcc.Link(t("map.group.members_link"), className="group-link", href="/trends?" + urlencode(
        {"indicator": indicator_id, "region": ",".join(group.members)}, safe=","))]
    if group.is_group:
        links.append(dcc.Link(t("map.group.line_link"), className="group-link",
                              href="/trends?" + urlencode({"indicator": indicator_id, "region": group.value})))
    return [html.Span(parts, className="group-value"), *links]
