"""No callback request gets a 5xx: every registered callback fuzzed with junk inputs, malformed bodies refused,
unknown component-suite files 404 — and the real inputs of every page still answer without an error logged."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import dash
import pytest
from dash._utils import split_callback_id
from flask.testing import FlaskClient
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

UPDATE = "/_dash-update-component"
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
# Values the app's controls really hold, so a share of the junk gets past type checks into the callbacks.
PLAUSIBLE = st.sampled_from(["cnc_rate", "talent_gap", "100000", "320000", "all", "provinces", "on", 2020, 2025,
                             1949, 0, -1, [], ["on"], ["100000", "320000"], ["reported"], {}, "/map", "?year=2020",
                             "http://localhost/map?indicator=cnc_rate", {"points": [{"location": "320000"}]},
                             {"2015": "2015", "2020": "2020"}, True, False])
LEAVES = (st.none() | st.booleans() | st.integers() | st.integers(-(10**30), 10**30)
          | st.floats(allow_nan=True, allow_infinity=True) | TEXT | PLAUSIBLE)
JUNK = st.recursive(LEAVES, lambda inner: st.lists(inner, max_size=5) | st.dictionaries(TEXT, inner, max_size=5),
                    max_leaves=12)
SCALAR = (st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.floats(allow_nan=False, allow_infinity=False)
          | TEXT | st.sampled_from(["cnc_rate", "talent_gap", "100000", "320000", "all", "provinces", "on", 2020]))
# Values of the JSON type a browser sends for the property, with arbitrary contents: these reach the callbacks.
TYPED = {
    "value": SCALAR | st.lists(SCALAR, max_size=5),
    "n_clicks": st.none() | st.integers(0, 10**6), "n_intervals": st.none() | st.integers(0, 10**6),
    "disabled": st.none() | st.booleans(),
    "href": st.none() | TEXT | st.sampled_from(["http://localhost/map?indicator=cnc_rate", "/trends", "?x=1#y"]),
    "hash": st.none() | TEXT, "search": st.none() | TEXT, "pathname": st.none() | TEXT | st.sampled_from(["/map"]),
    "clickData": st.none() | st.dictionaries(TEXT, JUNK, max_size=3)
    | st.fixed_dictionaries({"points": st.lists(st.dictionaries(st.sampled_from(["location", "x"]), JUNK),
                                                max_size=2)}),
    "marks": st.none() | st.dictionaries(TEXT | st.integers(1949, 2100).map(str), TEXT, max_size=6),
}


def value_for(prop: str) -> st.SearchStrategy[Any]:
    """Junk of any shape one time in three, otherwise a value of the right type with junk contents."""
    typed = TYPED.get(prop, JUNK)
    return st.one_of(JUNK, typed, typed)


def server_callbacks(app: dash.Dash, client: FlaskClient) -> dict[str, dict[str, Any]]:
    """The callbacks Dash runs on the server (clientside ones have no ``callback``); pages register theirs on
    the first request, so one is made first."""
    client.get("/")
    return {output: spec for output, spec in app.callback_map.items() if "callback" in spec}


def body_for(output: str, spec: dict[str, Any], inputs: list[Any], state: list[Any]) -> dict[str, Any]:
    """A request body shaped like the renderer's, with the given values."""
    def deps(declared: list[dict[str, str]], values: list[Any]) -> list[dict[str, Any]]:
        return [{"id": d["id"], "property": d["property"], "value": v} for d, v in zip(declared, values, strict=True)]

    return {"output": output, "outputs": split_callback_id(output), "inputs": deps(spec["inputs"], inputs),
            "state": deps(spec["state"], state),
            "changedPropIds": [f"{d['id']}.{d['property']}" for d in spec["inputs"][:1]]}


def post(client: FlaskClient, body: object, *, raw: bytes | None = None, lang: str = "zh") -> Any:
    data = raw if raw is not None else json.dumps(body, allow_nan=True).encode()
    return client.post(UPDATE, data=data, content_type="application/json", headers={"X-IMM-Lang": lang})


@st.composite
def junk_calls(draw: st.DrawFn, callbacks: dict[str, dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    output = draw(st.sampled_from(sorted(callbacks)))
    spec = callbacks[output]
    inputs = [draw(value_for(d["property"])) for d in spec["inputs"]]
    state = [draw(value_for(d["property"])) for d in spec["state"]]
    return output, body_for(output, spec, inputs, state)


def test_every_page_registers_server_callbacks_to_fuzz(app: dash.Dash, client: FlaskClient) -> None:
    outputs = " ".join(server_callbacks(app, client))
    for part in ("map-graph.figure", "trends-graph.figure", "data-grid.children", "board-cards.children",
                 "quality-coverage.children", "_pages_content.children"):
        assert part in outputs


def test_junk_inputs_to_any_callback_never_get_a_5xx(app: dash.Dash, client: FlaskClient) -> None:
    callbacks = server_callbacks(app, client)

    @settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(junk_calls(callbacks), st.sampled_from(["zh", "en", "xx"]))
    def run(call: tuple[str, dict[str, Any]], lang: str) -> None:
        output, body = call
        response = post(client, body, lang=lang)
        event(f"{response.status_code}")
        assert response.status_code < 500, (output, json.dumps(body)[:400], response.data[:300])

    run()


MALFORMED = [
    pytest.param(b"not json", id="not-json"),
    pytest.param(b"[" * 200_000, id="deeply-nested-json"),
    pytest.param(b"[]", id="a-list"),
    pytest.param(b"{}", id="empty-object"),
    pytest.param(b'"text"', id="a-string"),
    pytest.param(b"null", id="null"),
    pytest.param(b'{"output": 5}', id="output-a-number"),
    pytest.param(b'{"output": "nope.children", "outputs": {"id": "nope", "property": "children"}, "inputs": []}',
                 id="unknown-output"),
    pytest.param(b'{"output": "url.href", "outputs": {"id": "url", "property": "href"}, "inputs": "x"}',
                 id="inputs-a-string"),
    pytest.param(b'{"output": "url.href", "outputs": "x", "inputs": []}', id="outputs-a-string"),
    pytest.param(b'{"output": "url.href", "outputs": {"id": "url", "property": "href"}, "inputs": [1, 2]}',
                 id="inputs-not-objects"),
    pytest.param(b'{"output": "url.href", "outputs": {"id": "url", "property": "href"}, '
                 b'"inputs": [{"id": "map-graph", "property": "clickData", "value": {"points": [{}]}}], '
                 b'"state": [{"id": "map-indicator", "property": "value", "value": "cnc_rate"}], '
                 b'"changedPropIds": ["not-an-input.value"]}', id="unknown-changed-prop"),
    pytest.param(b'{"output": "url.href", "outputs": {"id": "url", "property": "href"}, '
                 b'"inputs": [{"id": "map-graph", "property": "clickData", "value": 1e999}], "state": []}',
                 id="infinite-number"),
]


@pytest.mark.parametrize("raw", MALFORMED)
def test_malformed_callback_bodies_are_refused_with_a_400(app: dash.Dash, client: FlaskClient, raw: bytes) -> None:
    server_callbacks(app, client)
    response = post(client, None, raw=raw)
    assert response.status_code == 400, response.data[:300]
    assert response.get_json()["error"] == "bad request"


def test_a_callback_body_that_is_not_json_by_content_type_is_a_415(client: FlaskClient) -> None:
    response = client.post(UPDATE, data=b"{}", content_type="text/plain")
    assert response.status_code == 415


def test_an_oversized_callback_body_is_a_413(client: FlaskClient) -> None:
    response = post(client, None, raw=b'{"output": "' + b"x" * 2_000_000 + b'"}')
    assert response.status_code == 413


@pytest.mark.parametrize("path", [
    "/_dash-component-suites/dash/nope.js", "/_dash-component-suites/nope/x.js",
    "/_dash-component-suites/dash/dcc/nope.v4_4_1m1.js", "/_dash-component-suites/dash/../../etc/passwd",
    "/_dash-component-suites/plotly/package_data/nope.min.js",
])
def test_unknown_component_suite_files_are_404(client: FlaskClient, path: str) -> None:
    assert client.get(path).status_code == 404


def test_nothing_of_a_refused_payload_is_logged_in_full(
    app: dash.Dash, client: FlaskClient, caplog: pytest.LogCaptureFixture,
) -> None:
    callbacks = server_callbacks(app, client)
    output = next(o for o in callbacks if o.startswith("..trends-graph.figure"))
    spec = callbacks[output]
    secret = "S" * 50_000
    values = [secret] * len(spec["inputs"])
    with caplog.at_level(logging.DEBUG):
        post(client, body_for(output, spec, values, []))
        post(client, {"output": secret})
    assert caplog.records, "the refusals are logged"
    assert all(secret not in record.getMessage() and secret not in (record.exc_text or "")
               for record in caplog.records)
    assert max(len(record.getMessage()) for record in caplog.records) < 2_000


# -- what the pages really send still works --------------------------------------------------------------------
def _components(tree: Any) -> Iterator[Any]:
    if isinstance(tree, list | tuple):
        for child in tree:
            yield from _components(child)
    elif isinstance(tree, dash.development.base_component.Component):
        yield tree
        yield from _components(getattr(tree, "children", None))


def _page_at(path: str) -> tuple[dict[str, Any], dict[str, str]]:
    """The registered page serving ``path`` and its path variables (``/province/<region>`` → region)."""
    for page in dash.page_registry.values():
        if page["path"] == path:
            return page, {}
        template = page.get("path_template")
        if template:
            head, _, rest = template.partition("<")
            if path.startswith(head) and len(path) > len(head):
                return page, {rest.rstrip(">"): path[len(head):]}
    raise LookupError(path)


def page_values(app: dash.Dash, path: str, query: dict[str, str]) -> dict[tuple[str, str], Any]:
    """Every (id, property) → value of the shell and of the page at ``path`` as first laid out."""
    page, variables = _page_at(path)
    with app.server.test_request_context(path, query_string=query):
        trees = [app.layout(), page["layout"](**variables, **query)]
    values: dict[tuple[str, str], Any] = {}
    for component in _components(trees):
        cid = getattr(component, "id", None)
        if isinstance(cid, str):
            for prop in component._prop_names:
                values[(cid, prop)] = getattr(component, prop, None)
    return values


PAGES = [("/", {}), ("/map", {"indicator": "cnc_rate", "year": "2020", "mark": "1"}),
         ("/trends", {"indicator": "cnc_rate", "region": "100000,320000"}), ("/data", {"indicator": "cnc_rate"}),
         ("/quality", {"indicator": "cnc_rate"}), ("/province/320000", {}),
         ("/distance", {"indicator": "cnc_rate"})]


@pytest.mark.parametrize(("path", "query"), PAGES, ids=[p for p, _ in PAGES])
def test_the_inputs_a_page_really_has_answer_without_an_error_logged(
    app: dash.Dash, client: FlaskClient, caplog: pytest.LogCaptureFixture, path: str, query: dict[str, str],
) -> None:
    """A callback that raised on real input would be a real bug: it is logged at ERROR, which fails this test."""
    callbacks = server_callbacks(app, client)
    values = page_values(app, path, query)
    values[("url", "href")] = f"http://localhost{path}"
    values[("url", "hash")] = ""
    values[("url", "pathname")] = path
    values[("map-graph", "clickData")] = {"points": [{"location": "320000"}]}
    ran = 0
    with caplog.at_level(logging.ERROR):
        for output, spec in callbacks.items():
            deps = [(d["id"], d["property"]) for d in (*spec["inputs"], *spec["state"])]
            if output.startswith(".._pages_content") or not all(d in values for d in deps):
                continue
            n = len(spec["inputs"])
            response = post(client, body_for(output, spec, [values[d] for d in deps[:n]],
                                             [values[d] for d in deps[n:]]))
            assert response.status_code in (200, 204), (output, response.data[:300])
            ran += 1
        search = "?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""
        pages = next(o for o in callbacks if o.startswith(".._pages_content"))
        response = post(client, body_for(pages, callbacks[pages], [path, search], []))
        assert response.status_code == 200, response.data[:300]
    assert ran >= 1
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], [r.getMessage() for r in caplog.records]
