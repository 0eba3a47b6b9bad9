"""The look shared by every figure: one accent colour, quiet axes, system CJK fonts, no chart junk."""

from __future__ import annotations

import plotly.graph_objects as go

ACCENT = "#1f5fa8"
MUTED = "#8a8f98"
ILLUSTRATIVE = "#8fb0d8"  # the accent, lightened: generated values are shown, but never as firmly as real ones
INK = "#1d2430"
GRID = "#e8eaee"
# Okabe–Ito, colour-blind safe, for several regions on one chart (accent first for the national line).
CATEGORICAL = ("#1f5fa8", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000")
# Progress statuses run blue (met, on track) to orange and dark red (behind, moving away): the blue–orange
# axis survives red–green colour blindness, and every pair stays apart under a deuteranopia simulation
# (tests/dashboard/test_theme.py). Each badge's text colour is whichever of white and ink reaches WCAG AA.
STATUS_COLORS = {
    "achieved": "#08519c",
    "on_track": "#4a90c8",
    "moderate": "#f0a33a",
    "insufficient": "#b54708",
    "moving_away": "#7f1d1d",
    "no_data": "#8a8f98",
    "no_real_data": "#6b7280",
    "not_measured": "#4b5563",
}


def relative_luminance(color: str) -> float:
    """WCAG 2 relative luminance of a ``#rrggbb`` colour."""
    channels = [int(color[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    hi, lo = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def text_on(background: str) -> str:
    """White or ink, whichever reads better on ``background``."""
    return "#ffffff" if contrast_ratio(background, "#ffffff") >= contrast_ratio(background, INK) else INK
FONT_FAMILY = ('"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", '
               '"Helvetica Neue", Arial, sans-serif')


def unit_suffix(unit: str) -> str:
    """How a value's display unit follows it: 52.1%, 6,000 家 / 6,000 providers, 115.9 (no word: "" or the
    bare catalogue units ``count`` and ``index``)."""
    if unit == "%":
        return "%"
    return "" if unit in ("", "count", "index") else f" {unit}"


def base_layout(**overrides: object) -> go.Layout:
    layout = go.Layout(
        template="none",  # plotly's default template adds ~10 KB to every figure and every patch
        font={"family": FONT_FAMILY, "color": INK, "size": 14},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        margin={"l": 8, "r": 8, "t": 8, "b": 8},
        hoverlabel={"font": {"family": FONT_FAMILY}},
    )
    layout.update(overrides)
    return layout
