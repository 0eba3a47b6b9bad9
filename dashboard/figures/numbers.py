"""One number format for every view: the indicator's ``precision`` (decimals), thousands separated.

Cards, tables and notices format in Python (``value_text``); charts format in the browser with the d3 format
of the same precision (``d3_format``), so 52.1 % on a card is 52.1 % in a hover, a ranking label and a table.
"""

from __future__ import annotations

from typing import Any

from dashboard.figures.theme import unit_suffix

DEFAULT_PRECISION = 1


def precision_of(indicator: Any) -> int:
    """The decimals of an indicator row (mapping or Series with ``precision``); rates' one when absent."""
    value = indicator.get("precision") if hasattr(indicator, "get") else None
    try:
        return int(value) if value is not None else DEFAULT_PRECISION
    except (TypeError, ValueError):
        return DEFAULT_PRECISION


def number_text(value: float, precision: int) -> str:
    """52.1, 7,500,000: never a bare ``-0.0``."""
    text = f"{value:,.{precision}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.,") else text


def value_text(value: float, unit: str, precision: int) -> str:
    """52.1%, 6,000 家 / 6,000 providers, 115.9: counts need no unit word, percentages no space."""
    return number_text(value, precision) + unit_suffix(unit)


def d3_format(precision: int) -> str:
    """The plotly (d3-format) spelling of the same format, for hovers, labels and gauges."""
    return f",.{precision}f"
