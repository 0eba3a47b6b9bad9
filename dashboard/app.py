"""The Dash app: a thin shell (navigation, URL sync) around the pages in ``dashboard/pages``."""

from __future__ import annotations

from pathlib import Path

import dash
import flask
from dash import ClientsideFunction, Input, Output, dcc, html

from dashboard import api, data, ids, plotly_bundle, security
from dashboard.i18n import DEFAULT_LANG, current_lang, end_request_language, t, use_request_language
from dashboard.presenting import end_request_presenting, use_request_presenting
from geo import shapes

PAGES_DIR = Path(__file__).with_name("pages")
NAV_ITEMS = ((ids.NAV_BOARD, "nav.board", "/"), (ids.NAV_MAP, "nav.map", "/map"),
             (ids.NAV_TRENDS, "nav.trends", "/trends"), (ids.NAV_DISTANCE, "nav.distance", "/distance"),
             (ids.NAV_DATA, "nav.data", "/data"),
             (ids.NAV_QUALITY, "nav.quality", "/quality"), (ids.NAV_SOURCES, "nav.sources", "/sources"))


def _shell() -> html.Div:
    """Laid out per visitor (Dash calls it for each page load), so the chrome speaks their language."""
    lang = current_lang()
    switch = html.Div([
        html.A("中文", id=ids.LANG_ZH, href="?lang=zh", lang="zh-CN", hrefLang="zh-CN",
               className="lang-link" + (" lang-current" if lang == "zh" else ""), **{"aria-current": lang == "zh"}),
        html.A("English", id=ids.LANG_EN, href="?lang=en", lang="en", hrefLang="en",
               className="lang-link" + (" lang-current" if lang == "en" else ""), **{"aria-current": lang == "en"}),
    ], className="lang-switch", role="group", **{"aria-label": t("nav.language")})
    nav = html.Nav([
        html.A([html.Span("智", className="logo-mark"), html.Span(t("app.title"), className="brand-name")],
               href="/", className="brand"),
        html.Div([dcc.Link(t(key), id=nav_id, href=href, className="nav-link") for nav_id, key, href in NAV_ITEMS],
                 className="nav-links"),
        html.A(t("nav.present"), id=ids.PRESENT_LINK, href="?present=1", className="present-link",
               title=t("nav.present.help")),
        switch,
    ], id=ids.NAV, className="navbar")
    return html.Div([
        dcc.Location(id=ids.URL, refresh="callback-nav"),
        dcc.Store(id=ids.STATE),
        nav,
        html.Main(dash.page_container, className="page"),
        html.Div(t("present.exit"), className="present-exit", **{"aria-hidden": "true"}),
    ])


GEO_FILES = (shapes.PROVINCES_FILE, shapes.INSET_FILE)


def _geometry(name: str) -> flask.Response:
    """The committed map geometry, fetched once by plotly.js (figures carry only its URL) and cached."""
    if name not in GEO_FILES:
        flask.abort(404)
    response = flask.Response(shapes.raw(name), mimetype="application/json")  # json: gzipped by flask-compress
    response.headers["Cache-Control"] = "public, max-age=86400"
    response.add_etag()
    return response.make_conditional(flask.request)


def create_app(db: Path | None = None) -> dash.Dash:
    if db is not None:
        data.use(db)
    app = dash.Dash(
        __name__, use_pages=True, pages_folder=str(PAGES_DIR), compress=True, title=t("app.title", DEFAULT_LANG),
        update_title=None, serve_locally=True,
    )
    for begin, end in ((use_request_language, end_request_language),
                       (use_request_presenting, end_request_presenting)):
        app.server.before_request(lambda begin=begin: begin(flask.request.headers, flask.request.args))
        app.server.teardown_request(end)
    app.layout = _shell
    api.register(app.server)
    app.server.add_url_rule("/geo/<name>", "geometry", _geometry)
    plotly_bundle.install(app.server, app.config.routes_pathname_prefix)
    security.install(app)  # headers on every response, guarded callback and component-suite routes
    # URL ← page state (replaceState: the router does not re-render) and nav links keep the indicator.
    app.clientside_callback(
        ClientsideFunction(namespace="imm", function_name="syncUrl"),
        [*(Output(nav_id, "href") for nav_id, _, _ in NAV_ITEMS), Output(ids.LANG_ZH, "href"),
         Output(ids.LANG_EN, "href"), Output(ids.PRESENT_LINK, "href")],
        Input(ids.URL, "href"), Input(ids.STATE, "data"),
    )
    return app
