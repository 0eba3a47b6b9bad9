"""Presenter mode of the target board: one target per slide, each at its own address.

A slide is named by its target's key (indicator, region, plan), not its position, so a bookmarked slide
stays the same target when others are added. ←/→ and PageUp/PageDown follow the hidden previous/next links
(``assets/imm.js``); the router renders the next slide from its address.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from dash import dcc, html

from dashboard import ids
from dashboard.components import illustrative_badge, status_badge
from dashboard.figures.gauge import target_gauge
from dashboard.figures.numbers import value_text
from dashboard.figures.theme import STATUS_COLORS
from dashboard.i18n import name, t
from dashboard.views import Card, point_year


def slide_key(card: Card) -> str:
    return f"{card.indicator_id}.{card.region_code}.{card.plan_id}"


def gauge_id(card: Card) -> str:
    """A component id for the card's gauge (Dash ids may not contain dots)."""
    return "gauge-" + slide_key(card).replace(".", "-")


@dataclass(frozen=True)
class Deck:
    cards: list[Card]
    index: int  # the slide shown

    @property
    def card(self) -> Card:
        return self.cards[self.index]

    def key(self, step: int) -> str:
        """The key of the slide ``step`` away, wrapping round like a clicker does at the end of a deck."""
        return slide_key(self.cards[(self.index + step) % len(self.cards)])


def deck(cards: list[Card], slide: str | None) -> Deck | None:
    """The deck of ``cards`` opened at ``slide`` (its key); an unknown or missing key opens the first."""
    if not cards:
        return None
    keys = [slide_key(c) for c in cards]
    return Deck(cards, keys.index(slide) if slide in keys else 0)


def slide_href(params: dict[str, object], key: str) -> str:
    return "/?" + urlencode({**params, "present": 1, "slide": key})


def slide_layout(d: Deck, params: dict[str, object]) -> html.Div:
    """One target, as large as the screen allows: status, gauge, latest figure, target, scope and source."""
    card = d.card
    p = card.progress
    region = "" if card.region_code == "100000" else f"{card.region_name} · "
    has_value = card.latest_value is not None
    facts = [html.Div([html.Span(t("board.target"), className="slide-label"),
                       card.target + (f" · {t('board.cumulative')}" if card.is_cumulative else "")])]
    if has_value:
        facts.append(html.Div([html.Span(t("board.as_of"), className="slide-label"), card.latest_when]))
    if card.verdict.scope:
        facts.append(html.Div([html.Span(t("trends.scope"), className="slide-label"), card.verdict.scope]))
    if p.baseline is not None and p.status != "achieved":
        baseline = value_text(p.baseline.value, card.unit, card.precision)
        facts.append(html.Div([html.Span(t("board.baseline"), className="slide-label"),
                               f"{baseline} ({point_year(p.baseline)})"]))
    if card.context:
        facts.append(html.Div([html.Span(t("board.context"), className="slide-label"), card.context]))
    gauge = dcc.Graph(
        figure=target_gauge(card.latest_value, card.target_value, unit=card.unit, value_kind=card.value_kind,
                            precision=card.precision,
                            color=STATUS_COLORS[p.status], height=None),
        config={"displayModeBar": False, "staticPlot": True, "responsive": True}, className="slide-gauge",
    ) if has_value else None
    return html.Div([
        html.Header([
            html.H1(f"{region}{name(card)}", className="slide-title"),
            html.Div([status_badge(p.status, has_value=has_value),
                      illustrative_badge() if card.illustrative else None], className="badges slide-badges"),
        ]),
        html.Div([gauge, html.Div(facts, className="slide-facts")], className="slide-body"),
        html.Footer([
            html.Div(card.latest_source or card.target_source, className="slide-source"),
            html.Div(f"{d.index + 1} / {len(d.cards)}", id=ids.SLIDE_COUNTER, className="slide-counter",
                     **{"aria-live": "polite"}),
        ], className="slide-footer"),
        dcc.Link("‹", id=ids.SLIDE_PREV, href=slide_href(params, d.key(-1)), className="slide-nav slide-prev",
                 title=t("present.previous")),
        dcc.Link("›", id=ids.SLIDE_NEXT, href=slide_href(params, d.key(1)), className="slide-nav slide-next",
                 title=t("present.next")),
    ], className="slide", **{"data-indicator": card.indicator_id, "data-region": card.region_code,
                             "data-status": p.status})
