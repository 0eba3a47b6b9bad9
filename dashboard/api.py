"""The read-only HTTP API under ``/api/v1/`` (Flask routes on the Dash server); documented in docs/api.md.

Slices are parsed by :mod:`pipelines.slices` and written by :mod:`pipelines.export` — the same code as the data
page and the CLI — so a URL, a page and a command line given the same parameters return the same rows. Every
answer is JSON or a file; a user's mistake is a 400 naming the parameter, never a 500 or a traceback.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import urllib.parse
import zlib
from collections.abc import Callable, Iterable, Iterator
from http import HTTPStatus
from pathlib import Path
from typing import Any

import flask
import pandas as pd
from werkzeug.exceptions import HTTPException

from dashboard import data
from pipelines import __version__, export, slices, xlsx
from pipelines.catalogue import STATUSES
from pipelines.errors import WarehouseError
from pipelines.slices import (
    CLUSTERS,
    FORMATS,
    MACRO_REGIONS,
    SLICE_PARAMS,
    YEAR_RANGE,
    SliceError,
    check_params,
    parse_format,
    parse_slice,
    vocabulary,
)
from pipelines.warehouse import Warehouse

log = logging.getLogger(__name__)

#: Largest slice answered as JSON (documented; ``IMM_JSON_ROW_CAP`` in the Flask config overrides it).
JSON_ROW_CAP = 50_000
#: Browsers and scripts may reuse an answer for five minutes, then revalidate it cheaply with its ETag.
CACHE_CONTROL = "public, max-age=300"
CATALOGUE = ("indicators", "regions", "targets", "sources")
GZIP_WBITS = 16 + zlib.MAX_WBITS
#: The code that turns warehouse rows into bytes: a change to it changes every ETag, as a new warehouse does.
CODE_DIGEST = hashlib.sha256(b"".join(
    Path(module.__file__).read_bytes() for module in (export, xlsx, slices) if module.__file__
) + Path(__file__).read_bytes()).hexdigest()[:12]

bp = flask.Blueprint("api_v1", __name__, url_prefix="/api/v1")


def register(server: flask.Flask) -> None:
    """Attach the API blueprint to the app's Flask server."""
    server.config.setdefault("IMM_JSON_ROW_CAP", JSON_ROW_CAP)
    server.config.setdefault("IMM_XLSX_ROW_CAP", export.XLSX_MAX_ROWS)
    server.register_blueprint(bp)


# -- answers ----------------------------------------------------------------------------------------------
def _json(body: object, status: int = 200) -> flask.Response:
    text = json.dumps(body, ensure_ascii=False, default=str)
    return flask.Response(text, status=status, mimetype="application/json")


def _error(status: int, message: str, **extra: object) -> flask.Response:
    return _json({"error": HTTPStatus(status).phrase.lower(), "message": message, **extra}, status)


def _etag(stamp: tuple[int, int], *parts: str) -> str:
    """Names the bytes of one answer: the warehouse file they are read from (``stamp``, from
    :meth:`Warehouse.pinned` — the file the body's queries read, not whatever is on disk now), the code that
    formats them and the request. One hash, no query."""
    key = "|".join([str(stamp), __version__, CODE_DIGEST, *parts])
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _cached(response: flask.Response, etag: str) -> flask.Response:
    response.set_etag(etag, weak=True)
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


def _not_modified(etag: str) -> flask.Response | None:
    if flask.request.if_none_match.contains_weak(etag):
        return _cached(flask.Response(status=304), etag)
    return None


def _args(allowed: Iterable[str]) -> dict[str, list[str]]:
    """Query parameters read as UTF-8 whether percent-encoded (browsers) or sent raw (``curl '…region=浙江'``);
    the WSGI layer would read raw bytes as Latin-1."""
    query = flask.request.query_string.decode("utf-8", errors="replace")
    args = urllib.parse.parse_qs(query, keep_blank_values=True)
    check_params(args, allowed)
    return args


def _gzip(chunks: Iterable[bytes]) -> Iterator[bytes]:
    packer = zlib.compressobj(6, zlib.DEFLATED, GZIP_WBITS)
    for chunk in chunks:
        if out := packer.compress(chunk):
            yield out
    yield packer.flush()


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return json.loads(frame.to_json(orient="records", force_ascii=False, date_format="iso"))


# -- errors: always JSON, never a traceback ----------------------------------------------------------------
@bp.errorhandler(SliceError)
def _bad_parameter(exc: SliceError) -> flask.Response:
    return _json({"error": "invalid parameter", **exc.to_dict()}, 400)


@bp.errorhandler(WarehouseError)
def _no_warehouse(exc: WarehouseError) -> flask.Response:
    return _error(503, str(exc))


@bp.errorhandler(HTTPException)
def _http(exc: HTTPException) -> flask.Response:
    return _error(exc.code or 500, exc.description or "")


@bp.errorhandler(Exception)
def _unexpected(exc: Exception) -> flask.Response:
    log.exception("API request failed: %s", flask.request.full_path)
    return _error(500, "the server failed to answer; the error has been logged")


# -- routes -------------------------------------------------------------------------------------------------
@bp.get("/")
def index() -> flask.Response:
    _args(())
    base = flask.url_for("api_v1.index")
    return _json({"version": "v1", "documentation": f"{base}openapi.json",
                  "endpoints": [f"{base}{name}" for name in (*CATALOGUE, "observations", "provenance")]})


@bp.get("/openapi.json")
def openapi() -> flask.Response:
    _args(())
    config = flask.current_app.config
    return _json(openapi_document(config["IMM_JSON_ROW_CAP"], config["IMM_XLSX_ROW_CAP"]))


@bp.get("/<any(indicators, regions, targets, sources):table>")
def catalogue(table: str) -> flask.Response:
    """The catalogue tables as JSON; ``regions`` also lists the groups a ``region`` value may name."""
    _args(())
    wh = data.warehouse()
    with wh.pinned() as stamp:
        etag = _etag(stamp, table)
        if cached := _not_modified(etag):
            return cached
        rows = _records(getattr(wh, table)())
        body: dict[str, Any] = {"count": len(rows), "data": rows}
        if table == "regions":
            body["groups"] = {name: list(codes) for name, codes in vocabulary(wh).groups.items()}
    return _cached(_json(body), etag)


@bp.get("/provenance")
def provenance() -> flask.Response:
    """What a slice's files carry as metadata, for formats (CSV over HTTP) that cannot carry it themselves."""
    args = _args(SLICE_PARAMS)
    wh = data.warehouse()
    with wh.pinned() as stamp:
        s = parse_slice(args, vocabulary(wh))
        etag = _etag(stamp, "provenance", s.to_query_string())
        if cached := _not_modified(etag):
            return cached
        body = export.provenance(wh, s).to_dict()
    return _cached(_json(body), etag)


@bp.get("/observations")
def observations() -> flask.Response:
    """A slice in any format. Text formats are gzipped here when the client accepts it, while streaming.

    The warehouse file stays pinned from the ETag to the body's last byte (released when the body ends or
    the server closes the response), so the tag always names the file the rows were read from, even across a
    publish.
    """
    args = _args((*SLICE_PARAMS, "format"))
    fmt = parse_format(args.get("format"))
    wh = data.warehouse()
    pin = contextlib.ExitStack()
    stamp = pin.enter_context(wh.pinned())
    try:
        response = _observations(wh, stamp, args, fmt)
    except BaseException:
        pin.close()
        raise
    if response.status_code == 304:
        pin.close()
    else:
        response.response = _releasing(response.response, pin.close)
        response.call_on_close(pin.close)  # a body never iterated (HEAD, a client gone before the first byte)
    return response


def _releasing(chunks: Iterable[bytes], release: Callable[[], None]) -> Iterator[bytes]:
    """``chunks``, then ``release()`` — when they run out, fail, or the server closes them half-read."""
    try:
        yield from chunks
    finally:
        release()


def _observations(wh: Warehouse, stamp: tuple[int, int], args: dict[str, list[str]], fmt: str) -> flask.Response:
    s = parse_slice(args, vocabulary(wh))
    kind = export.EXPORT_FORMATS[fmt]
    gzipped = kind.is_text and flask.request.accept_encodings["gzip"] > 0
    etag = _etag(stamp, "observations", s.to_query_string(fmt), "gzip" if gzipped else "identity")
    if cached := _not_modified(etag):
        return cached
    prov = export.provenance(wh, s)
    config = flask.current_app.config
    export.check_size(fmt, prov, json_row_cap=config["IMM_JSON_ROW_CAP"], xlsx_row_cap=config["IMM_XLSX_ROW_CAP"])
    body = export.iter_export(wh, s, fmt, prov)
    response = flask.Response(_gzip(body) if gzipped else body, content_type=kind.media_type)
    disposition = "inline" if fmt == "json" else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{s.filename(fmt)}"'
    query = s.to_query_string()
    link = flask.url_for("api_v1.provenance") + (f"?{query}" if query else "")
    response.headers["Link"] = f'<{link}>; rel="describedby"; type="application/json"'
    response.headers["X-Row-Count"] = str(prov.rows)
    if prov.all_illustrative:  # RFC 7234 warn-code 199: miscellaneous warning, for a human to read
        response.headers["Warning"] = f'199 imm "{export.ALL_ILLUSTRATIVE_WARNING}"'
    if kind.is_text:
        response.vary.add("Accept-Encoding")
    if gzipped:
        response.headers["Content-Encoding"] = "gzip"
    return _cached(response, etag)


@bp.route("/", defaults={"unknown": ""}, methods=["POST", "PUT", "PATCH", "DELETE"])
@bp.route("/<path:unknown>", methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])
def not_found(unknown: str) -> flask.Response:
    """Unknown paths and write methods answer in JSON too (the API has no writes and no file paths)."""
    if flask.request.method not in ("GET", "HEAD"):
        response = _error(405, f"{flask.request.method} is not allowed: the API is read-only")
        response.headers["Allow"] = "GET, HEAD"
        return response
    return _error(404, f"no endpoint {flask.request.path}; see {flask.url_for('api_v1.openapi')}",
                  choices=[flask.url_for("api_v1.catalogue", table=t) for t in CATALOGUE]
                  + [flask.url_for(f"api_v1.{n}") for n in ("observations", "provenance", "openapi")])


# -- the OpenAPI document -------------------------------------------------------------------------------------
def _param(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    list_style = {"style": "form", "explode": False} if schema.get("type") == "array" else {}
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema,
            **list_style}


def _slice_parameters() -> list[dict[str, Any]]:
    text = {"type": "array", "items": {"type": "string"}}
    year = {"type": "integer", "minimum": YEAR_RANGE[0], "maximum": YEAR_RANGE[1]}
    groups = ", ".join(f"{en} ({zh})" for en, zh in MACRO_REGIONS.items())
    return [
        _param("indicator", "Indicator ids from /indicators, comma-separated or repeated. Default: all.", text),
        _param("region", "Regions, comma-separated or repeated: six-digit codes (320000), or any name the ingest "
               "accepts (浙江, 浙江省, Zhejiang, 浙; 全国 or national for 100000), or a group that expands to its "
               f"member provinces: macro-regions {groups}; clusters {', '.join(CLUSTERS)}. Default: all "
               "regions including the national figure.", text),
        _param("from", "First year, inclusive (2016 or 2016年).", year),
        _param("to", "Last year, inclusive; not before `from`.", year),
        _param("status", "Statuses to keep, comma-separated; drop `illustrative` to exclude generated values. "
               "Default: all.", {"type": "array", "items": {"type": "string", "enum": list(STATUSES)}}),
    ]


def _responses(content: dict[str, Any], description: str) -> dict[str, Any]:
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    return {
        "200": {"description": description, "content": content, "headers": {
            "ETag": {"schema": {"type": "string"}, "description": "weak validator; send it as If-None-Match"},
            "Cache-Control": {"schema": {"type": "string"}, "description": CACHE_CONTROL}}},
        "304": {"description": "Not modified since the ETag sent in If-None-Match"},
        "400": {"description": "A bad parameter: the body names it, the value and the valid choices",
                "content": error},
        "503": {"description": "No warehouse has been built on the server", "content": error},
    }


def openapi_document(json_row_cap: int, xlsx_row_cap: int) -> dict[str, Any]:
    """The API described for people and for tools (client generators, schema-driven fuzzers)."""
    obj = {"type": "object"}
    listing = {"application/json": {"schema": {"type": "object", "properties": {
        "count": {"type": "integer"}, "data": {"type": "array", "items": obj}}}}}
    slice_content = {
        "application/json": {"schema": {"type": "object", "properties": {
            "provenance": {"$ref": "#/components/schemas/Provenance"}, "rows": {"type": "array", "items": obj}}}},
        **{export.EXPORT_FORMATS[f].media_type: {"schema": {"type": "string", "format": "binary"}}
           for f in ("parquet", "csv", "xlsx")},
    }
    fmt = _param("format", f"json (the default; at most {json_row_cap:,} rows, otherwise 400), parquet (zstd; "
                 "provenance in the key-value metadata), csv (UTF-8 with BOM; provenance at the Link header's "
                 f"URL) or xlsx (a data sheet and a provenance sheet; at most {xlsx_row_cap:,} rows). Parquet and "
                 "CSV stream slices of any size.", {"type": "string", "enum": list(FORMATS), "default": "json"})
    paths: dict[str, Any] = {
        f"/{table}": {"get": {"summary": f"All {table}" + (" and the region groups" if table == "regions" else ""),
                              "operationId": table, "parameters": [],
                              "responses": _responses(listing, f"The {table} table")}}
        for table in CATALOGUE
    }
    paths["/observations"] = {"get": {
        "summary": "A slice of the observations", "operationId": "observations",
        "description": f"JSON answers are capped at {json_row_cap:,} rows. Text formats are gzip-compressed when "
                       "the client sends Accept-Encoding: gzip. Content-Disposition names the slice, X-Row-Count "
                       "gives its size and Link (rel=describedby) points at its provenance.",
        "parameters": [*_slice_parameters(), fmt],
        "responses": _responses(slice_content, "The slice, sorted by indicator, region, year, breakdown, source")}}
    paths["/provenance"] = {"get": {
        "summary": "Provenance of a slice: query, row count, indicators, sources, build time, licence",
        "operationId": "provenance", "parameters": _slice_parameters(),
        "responses": _responses({"application/json": {"schema": {"$ref": "#/components/schemas/Provenance"}}},
                                "The provenance record every export carries")}}
    paths["/openapi.json"] = {"get": {"summary": "This document", "operationId": "openapi", "parameters": [],
                                      "responses": {"200": {"description": "OpenAPI 3.1"}}}}
    paths["/"] = {"get": {"summary": "The list of endpoints", "operationId": "index", "parameters": [],
                          "responses": {"200": {"description": "Endpoints and the documentation's URL"}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Intelligent Manufacturing Monitor API", "version": "v1",
                 "description": "Read-only access to the warehouse. Unknown parameters are refused (400) so a "
                                f"typo never silently returns everything. JSON row cap: {json_row_cap:,}."},
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {"schemas": {
            "Error": {"type": "object", "required": ["error", "message"], "properties": {
                "error": {"type": "string"}, "parameter": {"type": "string"}, "value": {"type": "string"},
                "choices": {"type": "array", "items": {"type": "string"}}, "message": {"type": "string"}}},
            "Provenance": {"type": "object", "properties": {
                "query": {"type": "string"}, "api": {"type": "string"}, "parameters": obj,
                "rows": {"type": "integer"}, "years": {"type": "array", "items": {"type": ["integer", "null"]}},
                "indicators": {"type": "array", "items": obj}, "sources": {"type": "array", "items": obj},
                "warehouse": obj, "columns": obj, "licence": {"type": "string"}}},
        }},
    }
