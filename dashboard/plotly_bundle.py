"""The plotly.js the dashboard's graphs run on: a partial bundle of the trace types its figures draw.

Dash's ``dcc.Graph`` fetches plotly.js (4.8 MB, 1.4 MB gzipped) from one fixed address the first time a page
draws a graph, and pages without a graph never fetch it. Serving a bundle of only ``TRACES`` at that address
keeps that behaviour and cuts the download to a third; the map, the board and the trends page are first drawn
that much sooner. ``make plotly`` rebuilds it (``dashboard/vendor/build_plotly.mjs``) from the plotly.js
version the installed plotly package ships, which ``tests/dashboard/test_plotly_bundle.py`` holds it to.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
from pathlib import Path

import flask

BUNDLE = Path(__file__).resolve().parent / "vendor" / "plotly-imm.min.js"
#: every trace type a figure builder in dashboard/figures may create ("scatter" is in plotly.js's core)
TRACES = ("scatter", "bar", "choropleth", "scattergeo", "indicator", "heatmap")
ESBUILD = "0.28.2"
ROUTE = "/_dash-component-suites/plotly/package_data/plotly.min.js"  # where dash-renderer points dcc.Graph


@functools.cache
def _encoded() -> tuple[bytes, bytes, str]:
    """The bundle plain and gzipped, compressed once per process rather than per request (1.5 MB), and its tag."""
    raw = BUNDLE.read_bytes()
    return raw, gzip.compress(raw, compresslevel=9, mtime=0), hashlib.sha256(raw).hexdigest()[:32]


def _serve() -> flask.Response:
    raw, packed, tag = _encoded()
    zipped = "gzip" in flask.request.headers.get("Accept-Encoding", "")
    response = flask.Response(packed if zipped else raw, mimetype="application/javascript")
    if zipped:
        response.headers["Content-Encoding"] = "gzip"  # flask-compress leaves encoded responses alone
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["Cache-Control"] = "public, max-age=86400"
    response.set_etag(tag)
    return response.make_conditional(flask.request)


def install(server: flask.Flask, prefix: str = "/") -> None:
    """Answer dcc.Graph's plotly.js request with the partial bundle (a fixed rule beats Dash's pattern)."""
    server.add_url_rule(prefix.rstrip("/") + ROUTE, "plotly_bundle", _serve)


def build(out: Path = BUNDLE) -> None:
    """Rebuild the bundle with npm and esbuild in a scratch directory (needs node, npm and the npm registry)."""
    import shutil
    import subprocess
    import tempfile

    from plotly.offline import get_plotlyjs_version

    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        shutil.copy(BUNDLE.with_name("build_plotly.mjs"), work)
        subprocess.run(["npm", "init", "-y"], cwd=work, check=True, capture_output=True)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", f"plotly.js@{get_plotlyjs_version()}",
                        f"esbuild@{ESBUILD}"], cwd=work, check=True)
        subprocess.run(["node", "build_plotly.mjs", str(out.resolve()), *TRACES], cwd=work, check=True)
    print(f"wrote {out} ({out.stat().st_size:,} bytes): plotly.js {get_plotlyjs_version()}, {', '.join(TRACES)}")


if __name__ == "__main__":
    build()
