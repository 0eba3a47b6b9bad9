"""The colour scale the province map and the tile grid share, so one colour means one value in both views.

Sequential blues for levels (darker = better), a blue–orange diverging scale for quantities around a midpoint
(years ahead of / behind a target path: orange behind, blue ahead — the status colours' axis, which survives
red–green colour blindness). Both avoid the no-data grey at their ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from plotly.colors import sample_colorscale, unlabel_rgb

from dashboard.figures.theme import text_on

# Single-hue sequential blues (ColorBrewer, colour-blind safe), without the two near-white steps so the
# lowest value stays darker than the no-data grey; "darker = better" once reversed for lower-is-better.
COLORSCALE: Sequence[str] = (
    "rgb(198,219,239)",
    "rgb(158,202,225)",
    "rgb(107,174,214)",
    "rgb(66,146,198)",
    "rgb(33,113,181)",
    "rgb(8,81,156)",
    "rgb(8,48,107)",
)
# ColorBrewer PuOr's orange arm and RdBu's blue arm around a cream centre that is not the no-data grey.
DIVERGING_COLORSCALE: Sequence[str] = (
    "rgb(179,88,6)",
    "rgb(224,130,20)",
    "rgb(253,184,99)",
    "rgb(250,245,225)",
    "rgb(146,197,222)",
    "rgb(67,147,195)",
    "rgb(33,102,172)",
)
NO_DATA_COLOR = "rgb(232,232,232)"
HIGHLIGHT_COLOR = "rgb(230,97,1)"  # provinces meeting the national target
# Members of the region group picked on the page: a dark pink (ColorBrewer PiYG), apart from every blue of the
# scales, from the target orange and, by lightness, under red–green colour blindness too.
GROUP_COLOR = "rgb(197,27,125)"


def plotly_scale(colors: Sequence[str]) -> list[list[Any]]:
    """Evenly spaced stops, as plotly wants them."""
    return [[i / (len(colors) - 1), c] for i, c in enumerate(colors)]


def symmetric_range(value_range: tuple[float, float], midpoint: float) -> tuple[float, float]:
    """The smallest range centred on ``midpoint`` that holds ``value_range``: on a diverging scale the centre
    colour must sit at the midpoint, so one year behind and one year ahead are equally strong."""
    half = max(abs(value_range[0] - midpoint), abs(value_range[1] - midpoint))
    return midpoint - half, midpoint + half


def color_axis(*, unit: str, direction: str = "higher", colorscale: Sequence[str] = COLORSCALE,
               value_range: tuple[float, float] | None = None, midpoint: float | None = None,
               colorbar: dict[str, Any] | None = None) -> dict[str, Any]:
    """``layout.coloraxis`` for a map or tile grid: the scale, its direction, its pinned range and colour bar.

    ``value_range`` pins the scale (the indicator's range over all years, so a year step never recolours the
    legend); with ``midpoint`` the range is made symmetric around it, and without a range the midpoint alone
    centres plotly's automatic one.
    """
    if direction not in ("higher", "lower"):
        raise ValueError(f"direction must be 'higher' or 'lower', got {direction!r}")
    axis: dict[str, Any] = {
        "colorscale": plotly_scale(colorscale),
        "reversescale": direction == "lower",
        "colorbar": {
            "title": {"text": unit, "side": "top"},
            "orientation": "h",
            "x": 0.01,
            "xanchor": "left",
            "y": 0.02,
            "yanchor": "bottom",
            "len": 0.28,
            "thickness": 10,
            "outlinewidth": 0,
            **(colorbar or {}),
        },
    }
    if value_range is not None:
        lo, hi = symmetric_range(value_range, midpoint) if midpoint is not None else value_range
        axis |= {"cmin": lo, "cmax": hi}
    elif midpoint is not None:
        axis["cmid"] = midpoint
    return axis


def scale_color(value: float, axis: dict[str, Any]) -> str:
    """The colour (``#rrggbb``) that ``axis`` (from :func:`color_axis`, with ``cmin``/``cmax``) paints
    ``value`` with, as plotly interpolates it."""
    lo, hi = axis["cmin"], axis["cmax"]
    share = 0.5 if hi == lo else min(max((value - lo) / (hi - lo), 0.0), 1.0)
    if axis.get("reversescale"):
        share = 1 - share
    r, g, b = unlabel_rgb(sample_colorscale(axis["colorscale"], [share], colortype="rgb")[0])
    return f"#{round(r):02x}{round(g):02x}{round(b):02x}"


def ink_on(value: float, axis: dict[str, Any]) -> str:
    """White or ink, whichever reads better on the cell that ``value`` colours: labels on dark blues stay legible."""
    return text_on(scale_color(value, axis))
