"""``/guide/ingest`` — how to replace generated values with a real table: the README's ingest guide, served.

Notices that say "no real data" link here, so the way out is one click away on the machine the dashboard runs.
"""

from __future__ import annotations

from pathlib import Path

import dash
from dash import dcc, html

from dashboard.i18n import t

dash.register_page(__name__, path="/guide/ingest", title=lambda: t("guide.title"), name="Load real data", order=9)

README = Path(__file__).resolve().parents[2] / "README.md"
SECTION = "## Load a provincial table"


def ingest_guide(readme: Path = README) -> str:
    """The README section on loading a table (its heading included), up to the next section."""
    try:
        text = readme.read_text(encoding="utf-8")
    except OSError:
        return t("guide.missing")
    start = text.find(SECTION)
    if start < 0:
        return t("guide.missing")
    end = text.find("\n## ", start + len(SECTION))
    return text[start:] if end < 0 else text[start:end]


def layout(**_: str) -> html.Div:
    return html.Div([html.H1(t("guide.title"), className="page-title"),
                     dcc.Markdown(ingest_guide(), className="guide")], className="guide-page")
