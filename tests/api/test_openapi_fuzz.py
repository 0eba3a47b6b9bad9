"""No input produces a 5xx: requests generated from the served OpenAPI document, valid and hostile alike."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from dashboard.api import JSON_ROW_CAP, openapi_document
from pipelines.export import XLSX_MAX_ROWS

DOC = openapi_document(JSON_ROW_CAP, XLSX_MAX_ROWS)
GET_PATHS = sorted(path for path, item in DOC["paths"].items() if "get" in item)
# Plausible values, so a good share of requests get past validation and exercise the writers too.
EXAMPLES = {"indicator": ["cnc_rate", "talent_gap", "maturity_level_share", "CNC_RATE"],
            "region": ["浙江", "east", "长三角", "100000", "Zhejiang", "32"]}
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=20)


def value_for(param: dict[str, Any]) -> st.SearchStrategy[str]:
    schema = param["schema"]
    if schema.get("type") == "integer":
        typed = st.integers(schema["minimum"] - 50, schema["maximum"] + 50).map(str)
    elif schema.get("type") == "array":
        item = schema["items"]
        pool = item.get("enum") or EXAMPLES.get(param["name"], [])
        typed = st.lists(st.sampled_from(pool), min_size=1, max_size=3).map(",".join)
    else:
        typed = st.sampled_from(schema.get("enum") or [""])
    return st.one_of(typed, typed, typed, TEXT)  # mostly well-typed, so requests also reach the writers


@st.composite
def requests(draw: st.DrawFn) -> tuple[str, list[tuple[str, str]]]:
    """Half the requests go to /observations; each documented parameter is sent or not; sometimes a stray one."""
    path = draw(st.sampled_from(GET_PATHS) | st.just("/observations"))
    pairs = [(param["name"], draw(value_for(param)))
             for param in DOC["paths"][path]["get"]["parameters"] if draw(st.booleans())]
    if draw(st.integers(0, 5)) == 0:
        pairs.append((draw(TEXT), draw(TEXT)))
    return path, draw(st.permutations(pairs))


def documented_types(path: str) -> set[str]:
    content = DOC["paths"][path]["get"]["responses"]["200"].get("content", {"application/json": {}})
    return {media.split(";")[0] for media in content}


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests())
def test_no_generated_request_gets_a_5xx(client: FlaskClient, call: tuple[str, list[tuple[str, str]]]) -> None:
    path, pairs = call
    response = client.get(f"/api/v1{path}?{urlencode(pairs)}")
    event(f"{path} {response.status_code}")
    assert response.status_code < 500, (path, pairs, response.data[:500])
    if response.status_code == 400:
        body = response.get_json()
        assert {"parameter", "value", "choices", "message"} <= set(body), body
    else:
        assert response.status_code == 200, (path, pairs, response.status_code)
        assert response.mimetype in documented_types(path)


@pytest.mark.parametrize("query", [
    "indicator=%FF%FE", "region=%E6%B5", "from=%00", "to=%", "status=%%", "format=%0A", "region=" + "x" * 5000,
    "indicator=" + ",".join(["cnc_rate"] * 2000), "a[]=1&a[]=2", "=&=&", "region=,,,", "from=9" * 400,
])
def test_hostile_query_strings_get_an_answer_not_a_crash(client: FlaskClient, query: str) -> None:
    response = client.get(f"/api/v1/observations?{query}")
    assert response.status_code in (200, 400), (query, response.status_code, response.data[:300])
    assert response.mimetype == "application/json"
