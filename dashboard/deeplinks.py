"""What a page's address may name (regions, indicators, years), read as the API reads it, and the notice a page
shows when the address names something it does not know — a deep link never quietly shows something else.

Regions resolve through the warehouse's :class:`~pipelines.slices.Vocabulary`, the one the API, the data page and
the ingest use: codes (``320000``, ``32``), Chinese names (江苏, 江苏省), English or pinyin in any case, aliases,
and the groups (``east`` … ``northeast``, 环渤海, 长三角, 珠三角, 中西部). Suggestions ("did you mean") are computed
here, per request and bounded by the length of what was typed, so they never run out.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

import pandas as pd
from dash import dcc, html

from dashboard.i18n import name, t
from pipelines.catalogue import NATIONAL
from pipelines.normalise import fold
from pipelines.slices import MACRO_REGIONS, Vocabulary, split_values

MAX_TOKEN = 80  # as the API: longer values are never names, and are not fuzzily matched
MAX_SUGGESTIONS = 3


@dataclass(frozen=True)
class LinkProblem:
    """One parameter value the page could not use: what the reader sees, and where they might have meant."""

    param: str
    value: str
    message: str  # in the visitor's language, naming the parameter
    suggestions: tuple[tuple[str, str], ...] = ()  # (label, href)
    fallback: str | None = None  # what the page shows instead, e.g. "the national figure"
    lead: str | None = None  # the words before the links; "did you mean" when None


@dataclass(frozen=True)
class RegionRequest:
    """A ``region`` value read token by token: the codes to show (groups expanded, in order, once each), the
    group tokens among them, and the tokens that name nothing."""

    codes: tuple[str, ...]
    groups: tuple[str, ...]
    unknown: tuple[str, ...]


def echo(value: str) -> str:
    """A value as the notice repeats it: folded, and cut short if it is long."""
    text = fold(value)
    return text if len(text) <= MAX_TOKEN else text[:MAX_TOKEN] + "…"


def region_token(vocab: Vocabulary, text: str) -> str | None:
    """A group key or a six-digit code for ``text``, exactly as the API reads a ``region`` value; else None."""
    return vocab.region_token(text) if 0 < len(text) < MAX_TOKEN else None


def read_regions(value: str | None, vocab: Vocabulary) -> RegionRequest:
    """``江苏,浙江``, ``320000、长三角``, ``Jiangsu`` … → codes; unknown tokens are kept to be reported."""
    codes: list[str] = []
    groups: list[str] = []
    unknown: list[str] = []
    for token in split_values(value):
        canonical = region_token(vocab, token)
        if canonical is None:
            unknown.append(token)
            continue
        if canonical in vocab.groups:
            groups.append(canonical)
        codes.extend(vocab.expand(canonical))
    return RegionRequest(tuple(dict.fromkeys(codes)), tuple(dict.fromkeys(groups)), tuple(unknown))


def group_label(token: str) -> str:
    """东部地区 / Eastern region; 长三角 集群 / 长三角 cluster."""
    return t(f"data.macro.{token}") if token in MACRO_REGIONS else f"{token} {t('data.cluster')}"


def region_label(vocab: Vocabulary, token: str) -> str:
    """A code's short name (江苏 / Jiangsu) or a group's label, in the visitor's language."""
    if token in vocab.groups:
        return group_label(token)
    region = next((r for r in vocab.regions if r.region_code == token), None)
    return name(region, short=True) if region is not None else token


def _key(text: str) -> str:
    return re.sub(r"[\s.·\-_'’()（）]", "", fold(text).lower())


@functools.lru_cache(maxsize=4)
def _region_keys(vocab: Vocabulary) -> dict[str, str]:
    """Every spelling a region or group is known by (comparison key) → its code or group token."""
    keys: dict[str, str] = {}
    for r in vocab.regions:
        for spelling in (r.region_code, r.name_zh, r.short_zh, r.name_en, r.pinyin, *r.aliases):
            keys.setdefault(_key(str(spelling)), r.region_code)
    for token in vocab.groups:
        keys.setdefault(_key(token), token)
        if token in MACRO_REGIONS:
            keys.setdefault(_key(MACRO_REGIONS[token]), token)
    return keys


def region_suggestions(vocab: Vocabulary, text: str, *, provinces_only: bool = False) -> list[str]:
    """Codes or group tokens ``text`` may have meant: a province its name starts with (江苏南京 → 江苏), then the
    closest spellings. ``provinces_only`` leaves out the nation and the groups."""
    key = _key(text)
    if not key or len(key) >= MAX_TOKEN:
        return []
    keys = _region_keys(vocab)
    found = [code for spelling, code in sorted(keys.items(), key=lambda kv: -len(kv[0]))
             if len(spelling) >= 2 and not spelling.isdigit() and key.startswith(spelling)]
    found += [keys[c] for c in difflib.get_close_matches(key, list(keys), n=8, cutoff=0.6)]
    if provinces_only:
        found = [c for c in found if c not in vocab.groups and c != NATIONAL]
    return list(dict.fromkeys(found))[:MAX_SUGGESTIONS]


def unknown_region(vocab: Vocabulary, value: str, href: Callable[[str], str], *, param: str = "region",
                   fallback: str | None = None, provinces_only: bool = False) -> LinkProblem:
    suggestions = tuple((region_label(vocab, s), href(s))
                        for s in region_suggestions(vocab, value, provinces_only=provinces_only))
    return LinkProblem(param, value, t("link.region.unknown").format(value=echo(value), param=param),
                       suggestions, fallback)


def indicator_suggestions(indicators: pd.DataFrame, text: str) -> list[str]:
    """Indicator ids ``text`` may have meant, by id or by either name."""
    key = _key(text)
    if not key or len(key) >= MAX_TOKEN:
        return []
    spellings: dict[str, str] = {}
    for row in indicators.itertuples():
        for spelling in (row.indicator_id, row.name_zh, row.name_en):
            spellings.setdefault(_key(str(spelling)), row.indicator_id)
    close = difflib.get_close_matches(key, list(spellings), n=8, cutoff=0.6)
    partial = [i for s, i in spellings.items() if len(key) >= 3 and key in s]
    return list(dict.fromkeys([spellings[c] for c in close] + partial))[:MAX_SUGGESTIONS]


def indicator_problem(asked: str | None, chosen: str | None, catalogue: pd.DataFrame, available: pd.DataFrame,
                      href: Callable[[str], str], *, no_data_key: str = "link.indicator.no_data") -> LinkProblem | None:
    """Why the page shows ``chosen`` although the address asked for ``asked``: an unknown id, or one without the
    data this page draws (``available``: the indicators that have it). None when nothing was asked or it is shown."""
    if not asked or asked == chosen:
        return None
    names = catalogue.set_index("indicator_id")
    fallback = name(names.loc[chosen]) if chosen in names.index else None
    if asked in names.index:
        return LinkProblem("indicator", asked, t(no_data_key).format(value=name(names.loc[asked])), (), fallback)
    offered = available[available["indicator_id"].isin(indicator_suggestions(catalogue, asked))]
    suggestions = tuple((name(r._asdict()), href(r.indicator_id)) for r in offered.itertuples())
    return LinkProblem("indicator", asked, t("link.indicator.unknown").format(value=echo(asked)), suggestions,
                       fallback)


def choice_problem(param: str, asked: str | None, shown: object, choices: Sequence[object],
                   key: str) -> LinkProblem | None:
    """A year (or target year) the address asks for that the page cannot show; ``key`` words the message."""
    if asked is None or asked == "" or str(asked) == str(shown):
        return None
    listed = t("list.separator").join(str(c) for c in choices) or "—"
    return LinkProblem(param, asked, t(key).format(value=echo(asked), choices=listed), (),
                       str(shown) if shown is not None else None)


def board_region(asked: str | None, vocab: Vocabulary, with_targets: Sequence[str], *, every: str = "all",
                 provinces: str = "provinces") -> tuple[str, LinkProblem | None]:
    """The target board's region filter from its address: ``every`` (the default), ``provinces``, or one region
    that has targets, named as the API names it; anything else shows every target, with the reason."""
    if asked in (None, "", every, provinces):
        return asked or every, None

    def href(code: str) -> str:
        return f"/?{urlencode({'region': code})}"

    token = region_token(vocab, asked)
    if token is None:
        return every, unknown_region(vocab, asked, href, fallback=t("link.all_targets"))
    if token in vocab.groups:
        members = tuple((region_label(vocab, c), href(c)) for c in vocab.expand(token) if c in with_targets)
        return every, LinkProblem("region", asked, t("link.region.group_board").format(value=echo(asked)), members,
                                  t("link.all_targets"), lead=t("link.members_with_targets"))
    if token in with_targets:
        return token, None
    profile = () if token == NATIONAL else ((f"{region_label(vocab, token)} · {t('profile.title')}",
                                             f"/province/{token}"),)
    return every, LinkProblem("region", asked, t("link.region.no_targets").format(value=region_label(vocab, token)),
                              profile, t("link.all_targets"), lead=t("link.see"))


def link_notice(problems: Sequence[LinkProblem | None], *, component_id: str | None = None) -> html.Div | None:
    """One notice for every parameter the page could not use, each naming the parameter, with what the reader
    may have meant (as links) and what is shown instead. None when the address was understood."""
    shown = [p for p in problems if p is not None]
    if not shown:
        return None
    items = []
    for p in shown:
        parts: list[object] = [p.message]
        if p.suggestions:
            links: list[object] = []
            for label, href in p.suggestions:
                links += [t("list.separator") if links else "", dcc.Link(label, href=href, className="link-suggestion")]
            parts += [" ", html.Span([p.lead or t("link.did_you_mean"), " ", *links], className="link-suggestions")]
        if p.fallback:
            parts += [" ", t("link.showing").format(what=p.fallback)]
        items.append(html.P(parts, className="link-problem", **{"data-param": p.param}))
    extra = {"id": component_id} if component_id else {}
    return html.Div(items, className="notice link-notice", role="status", **extra)
