"""The HTTP API as a script sees it: same rows as the warehouse in every format, cheap repeats, clear 400s."""

from __future__ import annotations

import gzip
import io
import json
import re
from pathlib import Path
from urllib.parse import quote

import dash
import duckdb
import openpyxl
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from flask.testing import FlaskClient

from dashboard import data

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = "/api/v1/observations?indicator=cnc_rate,design_tool_penetration&region=320000,浙江&from=2015&to=2024"
COLUMNS = ("indicator_id", "region_code", "year", "value", "status", "source_id")
EXPECTED_SQL = """
    SELECT indicator_id, region_code, year, value, status, source_id FROM observations
    WHERE indicator_id IN ('cnc_rate', 'design_tool_penetration') AND region_code IN ('320000', '330000')
      AND year BETWEEN 2015 AND 2024
    ORDER BY indicator_id, region_code, year, breakdown, source_id
"""


def sql(db: Path, query: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(query).fetchall()


def rows_of(records: list[dict]) -> list[tuple]:
    return [tuple(str(r[c]) if c == "region_code" else r[c] for c in COLUMNS) for r in records]


def parse_body(fmt: str, body: bytes) -> list[tuple]:
    if fmt == "json":
        return rows_of(json.loads(body)["rows"])
    if fmt == "parquet":
        return rows_of(pq.read_table(io.BytesIO(body)).to_pylist())
    if fmt == "csv":
        options = pacsv.ConvertOptions(column_types={"region_code": "string", "year": "int32"})
        return rows_of(pacsv.read_csv(io.BytesIO(body), convert_options=options).to_pylist())
    header, *rows = openpyxl.load_workbook(io.BytesIO(body))["data"].values
    return rows_of([dict(zip(header, row, strict=True)) for row in rows])


@pytest.mark.parametrize("table", ["indicators", "regions", "targets", "sources"])
def test_catalogue_endpoints_list_every_row(client: FlaskClient, shipped_warehouse: Path, table: str) -> None:
    response = client.get(f"/api/v1/{table}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["count"] == len(body["data"]) == sql(shipped_warehouse, f"SELECT count(*) FROM {table}")[0][0]


def test_regions_list_the_groups_a_region_value_may_name(client: FlaskClient) -> None:
    groups = client.get("/api/v1/regions").get_json()["groups"]
    assert groups["长三角"] == ["310000", "320000", "330000", "340000"]
    assert set(groups) == {"east", "central", "west", "northeast", "环渤海", "长三角", "珠三角", "中西部"}


@pytest.mark.parametrize("fmt", ["json", "parquet", "csv", "xlsx"])
def test_every_format_returns_the_warehouse_rows_named_after_the_slice(
    client: FlaskClient, shipped_warehouse: Path, fmt: str,
) -> None:
    response = client.get(f"{EXAMPLE}&format={fmt}")
    assert response.status_code == 200, response.data[:300]
    expected = sql(shipped_warehouse, EXPECTED_SQL)
    assert len(expected) == 24
    assert parse_body(fmt, response.data) == expected
    assert response.headers["X-Row-Count"] == "24"
    name = f"imm_cnc_rate-design_tool_penetration_320000-330000_2015-2024.{fmt}"
    assert response.headers["Content-Disposition"].endswith(f'filename="{name}"')


def test_json_is_the_default_and_carries_provenance(client: FlaskClient) -> None:
    response = client.get(EXAMPLE)
    assert response.mimetype == "application/json"
    prov = response.get_json()["provenance"]
    assert prov["rows"] == 24 and prov["query"].startswith("indicator=cnc_rate,design_tool_penetration")
    assert [i["unit"] for i in prov["indicators"]] == ["%", "%"]


def test_a_status_filter_that_matches_nothing_is_empty_not_an_error(client: FlaskClient) -> None:
    response = client.get(f"{EXAMPLE}&status=reported")  # Jiangsu and Zhejiang have no reported CNC or design figure
    assert response.status_code == 200 and response.get_json()["rows"] == []


@pytest.mark.parametrize("region", ["330000", "浙江", "浙江省", "Zhejiang", "zhejiang", "浙"])
def test_region_accepts_the_names_the_ingest_accepts(client: FlaskClient, region: str) -> None:
    body = client.get(f"/api/v1/observations?indicator=cnc_rate&region={quote(region)}").get_json()
    assert {r["region_code"] for r in body["rows"]} == {"330000"} and len(body["rows"]) == 5


def test_a_group_equals_its_member_provinces(client: FlaskClient) -> None:
    group = client.get("/api/v1/observations?indicator=cnc_rate&region=" + quote("长三角") + "&format=csv")
    listed = client.get("/api/v1/observations?indicator=cnc_rate&region=310000,320000,330000,340000&format=csv")
    assert group.data == listed.data and group.headers["ETag"] == listed.headers["ETag"]


def test_repeated_requests_are_cheap(client: FlaskClient) -> None:
    first = client.get(f"{EXAMPLE}&format=parquet")
    etag = first.headers["ETag"]
    assert etag.startswith('W/"') and "max-age" in first.headers["Cache-Control"]
    again = client.get(f"{EXAMPLE}&format=parquet", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    other = client.get(f"{EXAMPLE}&format=parquet&status=illustrative")
    assert other.headers["ETag"] != etag


@pytest.mark.parametrize(("fmt", "gzipped"), [("csv", True), ("json", True), ("parquet", False), ("xlsx", False)])
def test_text_formats_are_gzipped_when_the_client_accepts_it(client: FlaskClient, fmt: str, gzipped: bool) -> None:
    response = client.get(f"{EXAMPLE}&format={fmt}", headers={"Accept-Encoding": "gzip"})
    assert (response.headers.get("Content-Encoding") == "gzip") is gzipped
    if gzipped:
        assert parse_body(fmt, gzip.decompress(response.data)) == parse_body(fmt, client.get(
            f"{EXAMPLE}&format={fmt}").data)


def test_csv_starts_with_a_bom_and_links_its_provenance(client: FlaskClient) -> None:
    response = client.get(f"{EXAMPLE}&format=csv")
    assert response.data.startswith(b"\xef\xbb\xbf") and "江苏省".encode() in response.data
    link = re.fullmatch(r'<([^>]+)>; rel="describedby"; type="application/json"', response.headers["Link"])
    assert link, response.headers["Link"]
    prov = client.get(link[1]).get_json()
    parquet = pq.read_metadata(io.BytesIO(client.get(f"{EXAMPLE}&format=parquet").data)).metadata
    assert prov == json.loads(parquet[b"imm:provenance"])


BAD = [
    ("indicator=cnc", "indicator", "cnc"),
    ("indicator=cnc_rate,nope", "indicator", "nope"),
    ("region=" + quote("火星"), "region", "火星"),
    ("region=999999", "region", "999999"),
    ("from=2024&to=2015", "to", "2015"),
    ("from=abc", "from", "abc"),
    ("to=20.5", "to", "20.5"),
    ("from=1800", "from", "1800"),
    ("from=2015&from=2016", "from", "2015,2016"),
    ("status=published", "status", "published"),
    ("format=pdf", "format", "pdf"),
    ("format=csv,json", "format", "csv,json"),
    ("indicators=cnc_rate", "indicators", "indicators"),
]


@pytest.mark.parametrize(("query", "param", "value"), BAD, ids=[b[0] for b in BAD])
def test_bad_parameters_get_a_400_naming_the_parameter_value_and_choices(
    client: FlaskClient, query: str, param: str, value: str,
) -> None:
    response = client.get(f"/api/v1/observations?{query}")
    assert response.status_code == 400 and response.mimetype == "application/json"
    body = response.get_json()
    assert (body["parameter"], body["value"]) == (param, value)
    assert body["choices"] and body["message"]
    assert "Traceback" not in response.text


def test_json_over_the_row_cap_is_refused_while_parquet_and_csv_stream_it(
    client: FlaskClient, app: dash.Dash, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(app.server.config, "IMM_JSON_ROW_CAP", 10)
    refused = client.get(EXAMPLE)
    assert refused.status_code == 400
    assert refused.get_json()["parameter"] == "format" and "capped at 10 rows" in refused.get_json()["message"]
    assert len(parse_body("parquet", client.get(f"{EXAMPLE}&format=parquet").data)) == 24
    assert len(parse_body("csv", client.get(f"{EXAMPLE}&format=csv").data)) == 24
    assert "at most 10 rows" in json.dumps(client.get("/api/v1/openapi.json").get_json())


@pytest.mark.parametrize("query", [
    "indicator=" + quote("cnc_rate'); DROP TABLE observations; --"),
    "region=" + quote("' OR '1'='1"),
    "from=" + quote("2015 OR 1=1"),
    "status=" + quote("reported' OR status <> '"),
])
def test_sql_in_a_parameter_is_refused_as_a_value(client: FlaskClient, shipped_warehouse: Path, query: str) -> None:
    before = sql(shipped_warehouse, "SELECT count(*) FROM observations")
    assert client.get(f"/api/v1/observations?{query}").status_code == 400
    assert sql(shipped_warehouse, "SELECT count(*) FROM observations") == before


@pytest.mark.parametrize(("method", "path", "status"), [
    ("GET", "/api/v1/nope", 404),
    ("GET", "/api/v1/..%2F..%2Fdata%2Fwarehouse.duckdb", 404),
    ("GET", "/api/v1/observations/../../../etc/passwd", 404),
    ("POST", "/api/v1/observations", 405),
    ("DELETE", "/api/v1/indicators", 405),
    ("PUT", "/api/v1/", 405),
])
def test_unknown_paths_and_writes_answer_in_json(client: FlaskClient, method: str, path: str, status: int) -> None:
    response = client.open(path, method=method)
    assert response.status_code == status and response.mimetype == "application/json"
    assert "root:" not in response.text and "DUCK" not in response.text


def test_a_missing_warehouse_is_a_503_not_a_500(client: FlaskClient, shipped_warehouse: Path, tmp_path: Path) -> None:
    data.use(tmp_path / "none.duckdb")
    try:
        response = client.get("/api/v1/observations?indicator=cnc_rate")
    finally:
        data.use(shipped_warehouse)
    assert response.status_code == 503 and "python -m pipelines build" in response.get_json()["message"]


def test_openapi_and_docs_describe_every_parameter_route_and_the_cap(client: FlaskClient) -> None:
    doc = client.get("/api/v1/openapi.json").get_json()
    observations = doc["paths"]["/observations"]["get"]
    assert [p["name"] for p in observations["parameters"]] == ["indicator", "region", "from", "to", "status", "format"]
    assert "50,000" in observations["description"]
    guide = (REPO / "docs" / "api.md").read_text(encoding="utf-8")
    for path in doc["paths"]:
        assert f"/api/v1{path}" in guide, path
    for param in observations["parameters"]:
        assert f"`{param['name']}`" in guide, param["name"]
    for fact in ("50,000", "1,048,575", "east", "长三角", "ETag", "gzip", "X-Row-Count", "python -m pipelines export"):
        assert fact in guide, fact


def test_raw_utf8_in_the_query_string_reads_like_percent_encoding(client: FlaskClient) -> None:
    """curl sends `region=浙江` unencoded; the answer must match the percent-encoded request."""
    wsgi_raw = "indicator=cnc_rate&region=浙江".encode().decode("latin-1")  # how WSGI hands raw bytes over
    raw = client.get("/api/v1/observations", environ_overrides={"QUERY_STRING": wsgi_raw})
    encoded = client.get("/api/v1/observations?indicator=cnc_rate&region=%E6%B5%99%E6%B1%9F")
    assert raw.status_code == encoded.status_code == 200
    assert raw.get_json() == encoded.get_json()


def test_a_slice_of_only_illustrative_rows_carries_a_warning_header(client: FlaskClient) -> None:
    generated = client.get("/api/v1/observations?indicator=cnc_rate&status=illustrative&format=csv")
    assert generated.status_code == 200
    assert generated.headers["Warning"].startswith('199 imm "every row of this slice is illustrative')
    mixed = client.get("/api/v1/observations?indicator=cnc_rate&format=csv")
    assert "Warning" not in mixed.headers


def test_real_provincial_values_and_targets_are_served_with_their_measure(client: FlaskClient) -> None:
    targets = client.get("/api/v1/targets").get_json()["data"]
    chongqing = next(t for t in targets if t["region_code"] == "500000" and t["indicator_id"] == "cnc_rate")
    assert chongqing["value"] == 65 and chongqing["target_year"] == 2027
    assert chongqing["measure_kind"] == "level" and chongqing["measure_indicator_id"] == "cnc_rate"
    providers = next(t for t in targets if t["indicator_id"] == "solution_providers")
    assert providers["measure_breakdown"] == "high_level" and providers["unmeasured_en"]
    rows = client.get(f"/api/v1/observations?indicator=cnc_rate&region={quote('重庆')}&status=reported"
                      ).get_json()["rows"]
    assert [(r["year"], r["value"]) for r in rows] == [(2021, 56.6)]
    assert rows[0]["source_id"] != "illustrative_province_rates"
