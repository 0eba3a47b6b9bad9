"""Safe exports: no CSV cell a spreadsheet would run as a formula, no control character in any format, numbers
kept as numbers, and XLSX streamed (or refused up front, naming the alternatives) — API and CLI alike."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest
from flask.testing import FlaskClient

from dashboard import data
from pipelines.export import FORMULA_TRIGGERS, iter_export, provenance
from pipelines.slices import Slice
from pipelines.warehouse import Warehouse

REPO = Path(__file__).resolve().parents[2]
QUERY = "indicator=cnc_rate&region=110000&from=1950&to=1959"
SLICE = Slice(indicators=("cnc_rate",), regions=("110000",), year_from=1950, year_to=1959)
TITLE = "<img src=x onerror=alert(1)> 报告\x00\x07"
# year → (value, note, scope): what an ingested file could have put in the text columns
ROWS = {
    1950: (-20.0, '=HYPERLINK("http://evil.example","click")', "+cmd|' /C calc'!A0"),
    1951: (5.5, "-2+3", "@SUM(A1:A9)"),
    1952: (0.0, "\tindented", "\rcarriage"),
    1953: (1.0, "a\x00b\x01c\x1fd\x7fe\x85f tab\tinside\nnew line\r\nend", "规模以上工业企业"),
    1954: (-3.25, "plain <b>text</b> & more", None),
    1955: (12.0, None, "-"),
}
TEXT_COLUMNS = ("indicator_id", "region_code", "region_name_zh", "region_name_en", "breakdown", "unit", "status",
                "source_id", "scope", "note")
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def cleaned(text: str | None) -> str | None:
    return None if text is None else CONTROL.sub("", text)


@pytest.fixture(scope="module")
def hostile_warehouse(tmp_path_factory: pytest.TempPathFactory, shipped_warehouse: Path) -> Path:
    db = tmp_path_factory.mktemp("hostile") / "warehouse.duckdb"
    shutil.copyfile(shipped_warehouse, db)
    with duckdb.connect(str(db)) as con:
        con.execute("INSERT INTO sources (source_id, title, kind) VALUES ('hostile', ?, 'user_file')", [TITLE])
        run = con.execute("SELECT min(run_id) FROM ingest_runs").fetchone()[0]
        for year, (value, note, scope) in ROWS.items():
            con.execute("INSERT INTO observations (indicator_id, region_code, year, breakdown, source_id, value, "
                        "status, scope, note, run_id) VALUES ('cnc_rate', '110000', ?, '', 'hostile', ?, "
                        "'reported', ?, ?, ?)", [year, value, scope, note, run])
        con.execute("CHECKPOINT")
    return db


@pytest.fixture
def hostile_client(client: FlaskClient, hostile_warehouse: Path, shipped_warehouse: Path) -> Iterator[FlaskClient]:
    data.use(hostile_warehouse)
    try:
        yield client
    finally:
        data.use(shipped_warehouse)


def read_csv(body: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(body), encoding="utf-8-sig", keep_default_na=False,
                       dtype=dict.fromkeys(TEXT_COLUMNS, str))


def assert_csv_is_safe(body: bytes) -> None:
    assert not CONTROL.search(body.decode("utf-8-sig").replace("\t", "").replace("\r", "").replace("\n", ""))
    frame = read_csv(body)
    assert frame["value"].tolist() == [v for v, _, _ in ROWS.values()]  # -20 reads back as the number -20
    assert frame["year"].dtype.kind == "i" and frame["value"].dtype.kind == "f"
    for column in TEXT_COLUMNS:
        for cell in frame[column]:
            assert not cell.startswith(FORMULA_TRIGGERS), (column, cell)
    notes = dict(zip(frame["year"], frame["note"], strict=True))
    assert notes[1950] == "'" + ROWS[1950][1]
    assert notes[1951] == "'-2+3"
    assert notes[1952] == "'\tindented"
    assert notes[1953] == cleaned(ROWS[1953][1]) and "tab\tinside\nnew line" in notes[1953]  # inside text: kept
    assert notes[1954] == ROWS[1954][1] and notes[1955] == ""
    scopes = dict(zip(frame["year"], frame["scope"], strict=True))
    assert scopes[1950] == "'" + ROWS[1950][2] and scopes[1951] == "'@SUM(A1:A9)"
    assert scopes[1952] == "'\rcarriage" and scopes[1955] == "'-"


def test_api_csv_neutralises_formulas_in_text_cells_and_keeps_numbers(hostile_client: FlaskClient) -> None:
    response = hostile_client.get(f"/api/v1/observations?{QUERY}&format=csv")
    assert response.status_code == 200
    assert_csv_is_safe(response.data)


def test_cli_csv_is_the_same_safe_file(hostile_warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "slice.csv"
    result = subprocess.run(
        [sys.executable, "-m", "pipelines", "export", "--indicator", "cnc_rate", "--region", "110000", "--from",
         "1950", "--to", "1959", "--format", "csv", "--out", str(out), "--db", str(hostile_warehouse)],
        capture_output=True, text=True, cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr
    assert_csv_is_safe(out.read_bytes())
    sidecar = out.with_name("slice.csv.provenance.json").read_text(encoding="utf-8")
    assert "\\u0000" not in sidecar and "\\u0007" not in sidecar
    assert json.loads(sidecar)["sources"][0]["title"] == cleaned(TITLE)


@pytest.mark.parametrize("fmt", ["json", "parquet", "xlsx"])
def test_typed_formats_keep_text_exact_but_never_control_characters(hostile_client: FlaskClient, fmt: str) -> None:
    response = hostile_client.get(f"/api/v1/observations?{QUERY}&format={fmt}")
    assert response.status_code == 200
    if fmt == "json":
        body = response.get_json()
        rows, titles = body["rows"], [s["title"] for s in body["provenance"]["sources"]]
    elif fmt == "parquet":
        table = pq.read_table(io.BytesIO(response.data))
        rows = table.to_pylist()
        titles = list(json.loads(table.schema.metadata[b"imm:sources"]).values())
    else:
        book = openpyxl.load_workbook(io.BytesIO(response.data))
        header, *cells = list(book["data"].iter_rows())
        names = [c.value for c in header]
        rows = [{n: c.value for n, c in zip(names, row, strict=True)} for row in cells]
        assert {c.data_type for row in cells for c in row if isinstance(c.value, str)} == {"s"}  # never formulas
        titles = [row[1] for row in book["provenance"].iter_rows(values_only=True) if row and row[0] == "hostile"]
    for row in rows:
        value, note, scope = ROWS[row["year"]]
        assert row["value"] == value
        assert row["note"] == cleaned(note) and row["scope"] == cleaned(scope)  # the stored text, less controls
    assert titles == [cleaned(TITLE)]


def test_the_provenance_endpoint_carries_no_control_characters(hostile_client: FlaskClient) -> None:
    raw = hostile_client.get(f"/api/v1/provenance?{QUERY}").get_data(as_text=True)
    assert "\\u0000" not in raw and "\\u0007" not in raw
    assert cleaned(TITLE) in json.loads(raw)["sources"][0]["title"]


def test_an_xlsx_over_the_cap_is_refused_before_any_byte_naming_parquet_and_csv(
    hostile_client: FlaskClient, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(hostile_client.application.config, "IMM_XLSX_ROW_CAP", 3)
    response = hostile_client.get(f"/api/v1/observations?{QUERY}&format=xlsx")
    assert response.status_code == 400
    body = response.get_json()
    assert body["parameter"] == "format" and body["choices"] == ["parquet", "csv"]
    assert "6 rows" in body["message"] and "capped at 3 rows" in body["message"]
    assert "format=parquet" in body["message"] and "format=csv" in body["message"]


@pytest.fixture(scope="module")
def large_warehouse(tmp_path_factory: pytest.TempPathFactory, shipped_warehouse: Path) -> Path:
    """40,000 generated rows of one indicator (years 1949–2100 × 35 regions × 8 breakdowns)."""
    db = tmp_path_factory.mktemp("large") / "warehouse.duckdb"
    shutil.copyfile(shipped_warehouse, db)
    with duckdb.connect(str(db)) as con:
        con.execute("""
            INSERT INTO observations
            SELECT 'talent_gap', r.region_code, y, 'b' || b, 'illustrative_province_rates', y * 1.5 - b, NULL,
                   'illustrative', 'x & <y>', CASE WHEN b = 0 THEN '=1+1' END, (SELECT min(run_id) FROM ingest_runs)
            FROM regions r, range(1949, 2101) t(y), range(0, 8) s(b)
        """)
        con.execute("CHECKPOINT")
    return db


def test_a_large_xlsx_streams_chunk_by_chunk_and_opens_with_every_row(large_warehouse: Path) -> None:
    wh = Warehouse(large_warehouse)
    s = Slice(indicators=("talent_gap",), statuses=("illustrative",))
    prov = provenance(wh, s)
    assert prov.rows >= 40_000
    chunks = iter_export(wh, s, "xlsx", prov)
    first = next(chunks)
    assert first.startswith(b"PK")  # bytes leave before the sheet is written
    rest = list(chunks)
    assert len(rest) >= prov.rows // 20_000  # several chunks, not one buffer at the end
    body = first + b"".join(rest)
    assert zipfile.ZipFile(io.BytesIO(body)).testzip() is None
    sheet = openpyxl.load_workbook(io.BytesIO(body), read_only=True)["data"]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == prov.rows + 1
    header = rows[0]
    sample = dict(zip(header, rows[1], strict=True))
    assert sample["scope"] == "x & <y>" and isinstance(sample["value"], float) and isinstance(sample["year"], int)
    assert {r[header.index("note")] for r in rows[1:]} == {"=1+1", None}
