"""Text from data made literal for plotly, whose hover text, trace names and tick labels read a little HTML.

plotly.js turns ``<b>``, ``<br>``, ``<a href=…>``, ``<span style=…>`` and friends in these strings into
formatting and drops tags it does not know, so a source title or scope containing ``<img onerror=…>`` would
vanish or restyle the hover. :func:`plotly_text` escapes ``&``, ``<`` and ``>`` as entities, which plotly
decodes back to the characters: the reader sees exactly the stored text. Only data goes through it — the
figure modules' own templates (``<br>``, ``<b>``, ``%{…}``) stay markup.
"""

from __future__ import annotations

import html
from typing import TypeVar

T = TypeVar("T")


def plotly_text(value: T) -> T | str:
    """``value`` escaped for plotly's pseudo-HTML when it is text; anything else (None, NaN, numbers) as is."""
    return html.escape(value, quote=False) if isinstance(value, str) else value
