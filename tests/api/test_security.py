"""Deployment defaults: security headers on every kind of response, a CSP whose script hashes cover every inline
script the pages carry, and text from data shown literally by plotly (never read as markup)."""

from __future__ import annotations

import base64
import hashlib
import json
import re

import dash
import pandas as pd
import pytest
from flask.testing import FlaskClient

from dashboard.figures.escape import plotly_text
from dashboard.figures.province_map import map_updates
from dashboard.figures.ranking import ranking_bars
from dashboard.figures.trend import trend_chart
from dashboard.security import HEADERS

HOSTILE = '<img src=x onerror="alert(1)"> & <script>alert(2)</script> <b>bold</b>'
PATHS = [
    ("GET", "/"), ("GET", "/map?indicator=cnc_rate"), ("GET", "/no-such-page"), ("GET", "/_dash-layout"),
    ("GET", "/_dash-dependencies"), ("GET", "/api/v1/indicators"), ("GET", "/api/v1/observations?format=csv"),
    ("GET", "/api/v1/nope"), ("GET", "/api/v1/observations?region=火星"), ("GET", "/geo/provinces.geojson"),
    ("GET", "/geo/nope.geojson"), ("GET", "/assets/style.css"), ("GET", "/_dash-component-suites/dash/nope.js"),
    ("POST", "/_dash-update-component"), ("DELETE", "/api/v1/indicators"),
]


def policy(response) -> dict[str, list[str]]:
    directives = [d.split() for d in response.headers["Content-Security-Policy"].split(";")]
    return {d[0]: d[1:] for d in directives if d}


@pytest.mark.parametrize(("method", "path"), PATHS)
def test_every_response_carries_the_security_headers(client: FlaskClient, method: str, path: str) -> None:
    with client.open(path, method=method, json={} if method == "POST" else None) as response:
        headers = dict(response.headers)
        csp = policy(response)
    for name, value in HEADERS.items():
        assert headers[name] == value, name
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
    assert csp["default-src"] == ["'self'"] and csp["connect-src"] == ["'self'"]
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]


def test_the_csp_allows_exactly_the_inline_scripts_the_page_carries(app: dash.Dash, client: FlaskClient) -> None:
    response = client.get("/")
    html = re.sub(r"<!--.*?-->", "", response.get_data(as_text=True), flags=re.S)  # IE-only comments
    inline = [m.group(2) for m in re.finditer(r"<script([^>]*)>(.*?)</script>", html, re.S)
              if "src=" not in m.group(1) and "application/json" not in m.group(1)]
    assert inline, "Dash's renderer is an inline script"
    allowed = policy(response)["script-src"]
    for script in inline:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in allowed, script[:80]
    assert set(app.csp_hashes()) <= set(allowed)


def test_plotly_text_escapes_markup_and_leaves_other_values_alone() -> None:
    assert plotly_text("<b>x</b> & y") == "&lt;b&gt;x&lt;/b&gt; &amp; y"
    assert plotly_text("规模以上工业企业 \"quoted\"") == "规模以上工业企业 \"quoted\""
    assert plotly_text(None) is None and plotly_text(3.5) == 3.5


def _no_markup(text: object) -> None:
    assert "<img" not in str(text) and "<script" not in str(text) and "<b>bold" not in str(text)


def test_trend_hover_and_legend_show_source_scope_and_region_as_text() -> None:
    frame = pd.DataFrame({
        "region_code": ["100000", "100000"], "label": [HOSTILE, HOSTILE], "year": [2020, 2021],
        "value": [50.0, 52.0], "as_of": [None, None], "status": ["reported", "reported"],
        "source_title": [HOSTILE, HOSTILE], "scope": [HOSTILE, "规模以上工业企业"],
    })
    fig = trend_chart(frame, unit="%")
    for trace in fig.data:
        _no_markup(trace.name)
        for row in trace.customdata:
            _no_markup(row[0])
    hover = fig.data[0].customdata[0][0]
    assert plotly_text(HOSTILE) in hover and "<br>" in hover  # the template's own markup stays


def test_map_and_ranking_hover_show_source_and_names_as_text() -> None:
    frame = pd.DataFrame({"region_code": ["320000"], "value": [60.0], "name_zh": [HOSTILE], "name_en": [HOSTILE],
                          "rank": [1], "source": [HOSTILE], "illustrative": [False], "label": [HOSTILE]})
    updates = map_updates(frame, ["320000", "330000"])
    cells = [cell for props in updates.values() for row in props.get("customdata", []) for cell in row]
    _no_markup(json.dumps(cells, ensure_ascii=False))
    assert cells.count(plotly_text(HOSTILE)) >= 3  # name_zh, name_en and source, on the map and its inset
    bars = ranking_bars(frame, unit="%")
    assert list(bars.data[0].y) == [plotly_text(HOSTILE)]
