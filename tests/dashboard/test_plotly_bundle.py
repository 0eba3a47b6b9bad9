"""The partial plotly.js bundle: the installed plotly's version, every trace type the figures draw, served where
dcc.Graph looks for plotly.js."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

from flask.testing import FlaskClient
from plotly.offline import get_plotlyjs_version

from dashboard import plotly_bundle

FIGURES = Path(plotly_bundle.__file__).parent / "figures"
NOT_TRACES = {"Figure", "Layout"}


def test_the_bundle_is_the_plotly_js_version_the_installed_plotly_ships() -> None:
    text = plotly_bundle.BUNDLE.read_text(encoding="utf-8")
    assert re.findall(r'\.version="(\d+\.\d+\.\d+)"', text)[:1] == [get_plotlyjs_version()]


def test_every_trace_type_a_figure_builder_creates_is_in_the_bundle() -> None:
    used = {m.lower() for path in FIGURES.glob("*.py")
            for m in re.findall(r"\bgo\.([A-Z][A-Za-z]+)\(", path.read_text(encoding="utf-8"))} - {
        n.lower() for n in NOT_TRACES}
    assert used, "no figure builders found"
    assert used <= set(plotly_bundle.TRACES), used - set(plotly_bundle.TRACES)


def test_dcc_graph_is_answered_with_the_partial_bundle_compressed_and_cacheable(client: FlaskClient) -> None:
    response = client.get(plotly_bundle.ROUTE, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and response.mimetype in ("application/javascript", "text/javascript")
    body = gzip.decompress(response.data) if response.headers.get("Content-Encoding") == "gzip" else response.data
    assert body == plotly_bundle.BUNDLE.read_bytes()
    assert response.headers.get("Content-Encoding") == "gzip" and len(response.data) < 600_000
    assert "max-age" in response.headers["Cache-Control"]
    again = client.get(plotly_bundle.ROUTE, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
