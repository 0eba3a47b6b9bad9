"""Deployment defaults for the Dash server: security headers on every response, and request guards.

- **Headers** (every response): a Content-Security-Policy the app passes with — scripts only from this origin
  plus the hashes of Dash's inline scripts (``app.csp_hashes()``: the renderer and inline clientside
  callbacks); inline styles, which plotly.js writes; ``data:``/``blob:`` images and fonts for chart downloads;
  no framing — and ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: strict-origin-when-cross-origin``
  (same-origin requests keep their full referrer and every header, ``X-IMM-Lang`` included) and
  ``X-Frame-Options: DENY`` for browsers older than ``frame-ancestors``.
- **Callback guard** (``/_dash-update-component``): the body must be a JSON object naming a server-side
  callback with exactly its inputs, state and outputs, and each value must be of the JSON type a browser
  sends for that property (:data:`PROPERTY_TYPES`) within :data:`LIMITS`; anything else is a 400 with a JSON
  body, before any callback runs. An exception a callback raises all the same is logged (truncated, with its
  traceback) and answered 400, never 500. Bodies over :data:`MAX_BODY_BYTES` are 413.
- **Component suites**: an unknown package or file under ``/_dash-component-suites/`` is a 404.
- **Logs**: records of the server's loggers are cut to :data:`LOG_EXCERPT` characters a line, so no payload is
  ever written out in full.
"""

from __future__ import annotations

import functools
import json
import logging
import math
import traceback
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import dash
import flask
from dash._utils import split_callback_id
from dash.exceptions import DependencyException, PreventUpdate
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000  # a callback body is a few kB; nothing else here accepts a body
LOG_EXCERPT = 300  # characters of any one logged value (and of each traceback line)
LOG_LINES = 40  # traceback lines kept

#: Bounds on a callback value: JSON.stringify in a browser never makes non-finite numbers, and no control of
#: this app holds more than a few hundred items or nests more than a few levels.
LIMITS = {"depth": 12, "items": 2_000, "text": 10_000, "integer": 2**53}

_DIRECTIVES: dict[str, tuple[str, ...]] = {
    "default-src": ("'self'",),
    "script-src": ("'self'",),  # + the hashes of Dash's inline scripts
    "style-src": ("'self'", "'unsafe-inline'"),  # plotly.js and Dash components write <style> and style=""
    "img-src": ("'self'", "data:", "blob:"),  # chart downloads (PNG/SVG) are made in the page
    "font-src": ("'self'", "data:"),
    "connect-src": ("'self'",),  # callbacks, /geo/*.geojson, /assets/topojson/*
    "worker-src": ("'self'", "blob:"),
    "object-src": ("'none'",),
    "base-uri": ("'self'",),
    "form-action": ("'self'",),
    "frame-ancestors": ("'none'",),
}
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}


def content_security_policy(script_hashes: Iterable[str]) -> str:
    """The policy, with ``script_hashes`` (``'sha256-…'``) allowed as inline scripts."""
    directives = dict(_DIRECTIVES)
    directives["script-src"] = (*directives["script-src"], *script_hashes)
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def install(app: dash.Dash) -> None:
    """Add the headers, the guards and the log truncation to ``app`` (after its routes exist)."""
    server = app.server
    if server.config.get("MAX_CONTENT_LENGTH") is None:  # Flask's default is None: no limit
        server.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    rules = {rule.rule: rule.endpoint for rule in server.url_map.iter_rules()}
    prefix = app.config.routes_pathname_prefix
    update = rules[f"{prefix}_dash-update-component"]
    suites = rules[f"{prefix}_dash-component-suites/<string:package_name>/<path:fingerprinted_path>"]
    server.view_functions[update] = _guard_callbacks(app, server.view_functions[update])
    server.view_functions[suites] = _guard_suites(server.view_functions[suites])

    @server.after_request
    def _security_headers(response: flask.Response) -> flask.Response:
        # Hashed per response (microseconds): Dash registers its pages' inline script on the first request.
        response.headers["Content-Security-Policy"] = content_security_policy(app.csp_hashes())
        for name, value in HEADERS.items():
            response.headers[name] = value
        return response

    for name in ("werkzeug", "gunicorn.error", "gunicorn.access", "dash.dash", "dashboard", "dashboard.api",
                 __name__, server.logger.name):
        logger = logging.getLogger(name)
        if not any(isinstance(f, TruncatingFilter) for f in logger.filters):
            logger.addFilter(TruncatingFilter())


# -- logs ----------------------------------------------------------------------------------------------------
def excerpt(value: object, limit: int = LOG_EXCERPT) -> str:
    """``value`` as text (JSON where it can be), cut to ``limit`` characters with a note of the full length."""
    if isinstance(value, str):
        text = value
    else:
        try:
            text = json.dumps(value, ensure_ascii=False, default=repr)
        except (TypeError, ValueError, RecursionError):
            text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


class TruncatingFilter(logging.Filter):
    """Cuts a record's message and traceback so that no request payload reaches a log in full."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if len(message) > LOG_EXCERPT * 4:
            record.msg, record.args = excerpt(message, LOG_EXCERPT * 4), None
        if record.exc_info and not record.exc_text:
            lines = "".join(traceback.format_exception(*record.exc_info)).splitlines()
            kept = [excerpt(line) for line in lines[-LOG_LINES:]]
            record.exc_text = "\n".join(kept)
        return True


# -- callback requests ------------------------------------------------------------------------------------------
class CallbackRequestError(ValueError):
    """A callback request the app cannot have sent: the message says which part and what was expected."""


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return _is_int(value) or isinstance(value, float)


def _scalar(value: object) -> bool:
    return value is None or isinstance(value, str | bool) or _is_number(value)


#: The JSON a browser sends for each property the app's callbacks read (Dash's prop types for dcc/html).
#: Properties not listed may hold any JSON within :data:`LIMITS`.
PROPERTY_TYPES: dict[str, tuple[str, Callable[[Any], bool]]] = {
    **dict.fromkeys(("n_clicks", "n_intervals"), ("a count", lambda v: v is None or (_is_int(v) and v >= 0))),
    "disabled": ("true or false", lambda v: v is None or isinstance(v, bool)),
    **dict.fromkeys(("href", "search", "hash"), ("text", lambda v: v is None or isinstance(v, str))),
    "pathname": ("a path starting with /", lambda v: isinstance(v, str) and v.startswith("/")),  # a location's
    "value": ("a value or a list of values",
              lambda v: _scalar(v) or (isinstance(v, list) and all(_scalar(x) for x in v))),
    **dict.fromkeys(("clickData", "hoverData", "selectedData", "relayoutData", "marks"),
                    ("an object", lambda v: v is None or isinstance(v, dict))),
    **dict.fromkeys(("min", "max", "step"), ("a number", lambda v: v is None or _is_number(v))),
}


def _check_json(where: str, value: object, depth: int = 0) -> None:
    if depth > LIMITS["depth"]:
        raise CallbackRequestError(f"{where}: nested deeper than {LIMITS['depth']} levels")
    if isinstance(value, float) and not math.isfinite(value):
        raise CallbackRequestError(f"{where}: {value} is not a number a browser sends")
    if _is_int(value) and abs(value) > LIMITS["integer"]:
        raise CallbackRequestError(f"{where}: {excerpt(value, 40)} is larger than any value a control holds")
    if isinstance(value, str) and len(value) > LIMITS["text"]:
        raise CallbackRequestError(f"{where}: text of {len(value):,} characters (at most {LIMITS['text']:,})")
    if isinstance(value, list | dict):
        if len(value) > LIMITS["items"]:
            raise CallbackRequestError(f"{where}: {len(value):,} items (at most {LIMITS['items']:,})")
        for item in value.values() if isinstance(value, dict) else value:
            _check_json(where, item, depth + 1)


def _check_dependencies(part: str, given: object, expected: Sequence[dict[str, Any]]) -> None:
    """``inputs`` or ``state``: one entry per declared dependency, same id and property, a value of its type."""
    if not isinstance(given, list) or len(given) != len(expected):
        raise CallbackRequestError(f"{part}: expected a list of {len(expected)} {{id, property, value}} objects")
    for item, spec in zip(given, expected, strict=True):
        entries = item if isinstance(item, list) and str(spec["id"]).startswith("{") else [item]  # pattern ids
        for entry in entries:
            if not isinstance(entry, dict) or not isinstance(entry.get("property"), str):
                raise CallbackRequestError(f"{part}: each entry must be an {{id, property, value}} object")
            name = f"{excerpt(entry.get('id'), 60)}.{excerpt(entry['property'], 60)}"
            if not str(spec["id"]).startswith("{") and (entry.get("id"), entry["property"]) != (
                    spec["id"], spec["property"]):
                raise CallbackRequestError(f"{part}: {name} is not {spec['id']}.{spec['property']}")
            value = entry.get("value")
            _check_json(f"{part} {name}", value)
            kind = PROPERTY_TYPES.get(entry["property"])
            if kind is not None and not kind[1](value):
                raise CallbackRequestError(f"{part} {name}: expected {kind[0]}, got {excerpt(value, 60)}")


def _check_outputs(given: object, output: str) -> None:
    expected = split_callback_id(output)
    if not isinstance(given, dict | list):
        raise CallbackRequestError("outputs: expected the {id, property} objects of the callback's outputs")
    given_list = given if isinstance(given, list) else [given]
    expected_list = expected if isinstance(expected, list) else [expected]
    if len(given_list) != len(expected_list) or isinstance(given, list) != isinstance(expected, list):
        raise CallbackRequestError(f"outputs: expected {len(expected_list)} outputs for {excerpt(output, 80)}")
    for item, spec in zip(given_list, expected_list, strict=True):
        if str(spec["id"]).startswith("{"):
            if not isinstance(item, dict | list):
                raise CallbackRequestError("outputs: expected {id, property} objects")
        elif not isinstance(item, dict) or (item.get("id"), item.get("property")) != (spec["id"], spec["property"]):
            raise CallbackRequestError(f"outputs: {excerpt(item, 80)} is not {spec['id']}.{spec['property']}")


def check_callback_body(app: dash.Dash, body: object) -> dict[str, Any]:
    """``body`` if it is a request the app's renderer could send; else :class:`CallbackRequestError`."""
    if not isinstance(body, dict):
        raise CallbackRequestError("the body must be a JSON object with output, outputs and inputs")
    output = body.get("output")
    spec = app.callback_map.get(output) if isinstance(output, str) else None
    if spec is None or "callback" not in spec:
        raise CallbackRequestError(f"output: no server callback updates {excerpt(output, 120)}")
    _check_outputs(body.get("outputs"), output)
    _check_dependencies("inputs", body.get("inputs"), spec["inputs"])
    _check_dependencies("state", body.get("state", []), spec.get("state", []))
    changed = body.get("changedPropIds", [])
    known = {f"{d['id']}.{d['property']}" for d in spec["inputs"]}
    patterned = any(str(d["id"]).startswith("{") for d in spec["inputs"])  # ids resolved by the renderer
    if not isinstance(changed, list) or not all(isinstance(c, str) and (patterned or c in known) for c in changed):
        raise CallbackRequestError("changedPropIds: expected a list of the callback's inputs (id.property)")
    return body


def _bad_request(message: str) -> flask.Response:
    body = json.dumps({"error": "bad request", "message": message}, ensure_ascii=False)
    return flask.Response(body, status=400, mimetype="application/json")


def _guard_callbacks(app: dash.Dash, dispatch: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(dispatch)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        request = flask.request
        if not request.is_json:
            return flask.Response(json.dumps({"error": "unsupported media type",
                                              "message": "send the callback as application/json"}),
                                  status=415, mimetype="application/json")
        try:
            body = check_callback_body(app, json.loads(request.get_data(cache=True)))
        except (ValueError, RecursionError) as exc:  # CallbackRequestError, bad JSON, absurd nesting
            message = str(exc) if isinstance(exc, CallbackRequestError) else "the body is not JSON"
            log.info("refused a callback request: %s", excerpt(message))
            return _bad_request(message)
        try:
            return dispatch(*args, **kwargs)
        except (PreventUpdate, HTTPException):
            raise  # Dash answers PreventUpdate with 204; HTTP errors answer themselves
        except Exception as exc:
            log.error("callback %s failed on inputs %s state %s: %s", excerpt(body["output"], 120),
                      excerpt(body.get("inputs")), excerpt(body.get("state")), excerpt(repr(exc)),
                      exc_info=exc)
            return _bad_request("the callback could not use its inputs; the error has been logged")

    return guarded


def _guard_suites(serve: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(serve)
    def guarded(package_name: str, fingerprinted_path: str) -> Any:
        try:
            return serve(package_name=package_name, fingerprinted_path=fingerprinted_path)
        except (DependencyException, OSError, KeyError):
            log.info("no component-suite file %s/%s", excerpt(package_name, 80), excerpt(fingerprinted_path, 120))
            return flask.Response("not found\n", status=404, mimetype="text/plain")

    return guarded
