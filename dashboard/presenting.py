"""Whether this request renders for presenter mode (``?present=1``): per visitor, like the language.

The page's address says so; the requests its scripts make afterwards say so in the ``X-IMM-Present`` header
(``assets/imm.js``). Figures stay pure: pages enlarge a built figure's type with ``for_screen``.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar

import plotly.graph_objects as go

PRESENT_HEADER = "X-IMM-Present"
PRESENT_FONT = 22  # plotly's base font on a presenter's screen (the page body is ≥ 24 px at 1920×1080)
_presenting: ContextVar[bool] = ContextVar("imm_presenting", default=False)


def use_request_presenting(headers: Mapping[str, str], args: Mapping[str, str]) -> None:
    """Flask ``before_request``, beside the language; ``end_request_presenting`` resets it."""
    _presenting.set((headers.get(PRESENT_HEADER) or args.get("present")) == "1")


def end_request_presenting(_: BaseException | None = None) -> None:
    _presenting.set(False)


def presenting() -> bool:
    return _presenting.get()


def for_screen(fig: go.Figure, *, dense: bool = False) -> go.Figure:
    """Presenter mode reads from across a room: a larger base font (every label scales from it). ``dense``
    figures (a label for each of 34 provinces) grow less, so that no label is dropped at 1280×720."""
    if presenting():
        small = PRESENT_FONT - (8 if dense else 4)
        fig.update_layout(font={"size": PRESENT_FONT}, legend={"font": {"size": small}})
        fig.update_xaxes(tickfont={"size": small})
        fig.update_yaxes(tickfont={"size": small})
        fig.update_traces(textfont={"size": small}, selector={"type": "bar"})
        fig.update_traces(textfont={"size": small}, selector={"mode": "markers+text"})
    return fig
