"""Exports round-trip: what a researcher reads back equals what the warehouse holds, with provenance attached."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import openpyxl
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from pipelines.cli import main
from pipelines.export import LICENCE_NOTE, iter_export, provenance, write_export
from pipelines.ingest import ingest_file
from pipelines.slices import Slice
from pipelines.warehouse import Warehouse

REPO = Path(__file__).resolve().parents[2]
COLUMNS = ["indicator_id", "region_code", "year", "value", "status", "source_id"]
# The slice of the example, spelled as the test's own SQL (not the slice code under test).
SLICE = Slice(indicators=("cnc_rate", "design_tool_penetration"), regions=("320000", "330000"),
              year_from=2015, year_to=2024)
EXPECTED_SQL = """
    SELECT indicator_id, region_code, year, value, status, source_id FROM observations
    WHERE indicator_id IN ('cnc_rate', 'design_tool_penetration') AND region_code IN ('320000', '330000')
      AND year BETWEEN 2015 AND 2024
    ORDER BY indicator_id, region_code, year, breakdown, source_id
"""


def expected(db: Path, sql: str = EXPECTED_SQL) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def wh(shipped_warehouse: Path) -> Warehouse:
    return Warehouse(shipped_warehouse)


def rows_of(table: pa.Table) -> list[tuple]:
    data = table.select(COLUMNS).to_pylist()
    return [(r["indicator_id"], str(r["region_code"]), r["year"], r["value"], r["status"], r["source_id"])
            for r in data]


def read_back(path: Path, fmt: str) -> list[tuple]:
    if fmt == "parquet":
        return rows_of(pq.read_table(path))
    if fmt == "csv":
        types = {"region_code": "string", "year": "int32"}
        return rows_of(pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(column_types=types)))
    if fmt == "json":
        rows = json.loads(path.read_text(encoding="utf-8"))["rows"]
        return [tuple(r[c] for c in COLUMNS) for r in rows]
    header, *body = list(openpyxl.load_workbook(path)["data"].values)
    index = [header.index(c) for c in COLUMNS]
    return [tuple(row[i] for i in index) for row in body]


@pytest.mark.parametrize("fmt", ["parquet", "csv", "xlsx", "json"])
def test_every_format_reads_back_to_the_warehouse_rows(
    wh: Warehouse, shipped_warehouse: Path, tmp_path: Path, fmt: str,
) -> None:
    out = tmp_path / SLICE.filename(fmt)
    result = write_export(wh, SLICE, fmt, out)
    rows = expected(shipped_warehouse)
    assert len(rows) == 24
    assert read_back(out, fmt) == rows
    assert result.provenance.rows == 24
    assert out.name == f"imm_cnc_rate-design_tool_penetration_320000-330000_2015-2024.{fmt}"


def test_parquet_is_zstd_and_carries_its_provenance(wh: Warehouse, shipped_warehouse: Path, tmp_path: Path) -> None:
    out = write_export(wh, SLICE, "parquet", tmp_path / "slice.parquet").paths[0]
    meta = pq.read_metadata(out)
    assert {meta.row_group(0).column(i).compression for i in range(meta.num_columns)} == {"ZSTD"}
    kv = {k.decode(): v.decode() for k, v in meta.metadata.items()}
    assert kv["imm:query"] == "indicator=cnc_rate,design_tool_penetration&region=320000,330000&from=2015&to=2024"
    assert json.loads(kv["imm:indicators"])["cnc_rate"] == {"unit": "%", "name_en": "Key-process CNC rate",
                                                            "name_zh": "关键工序数控化率"}
    titles = json.loads(kv["imm:sources"])
    assert titles == {"illustrative_province_rates": expected(
        shipped_warehouse, "SELECT title FROM sources WHERE source_id = 'illustrative_province_rates'")[0][0]}
    built = expected(shipped_warehouse, "SELECT strftime(built_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ') "
                                        "FROM build_info")[0][0]
    assert kv["imm:built_at"] == built
    assert kv["imm:licence"] == LICENCE_NOTE and "not official statistics" in LICENCE_NOTE
    record = json.loads(kv["imm:provenance"])
    assert record["rows"] == 24 and record["years"] == [2015, 2024] and record["warehouse"]["built_at"] == built


def test_csv_opens_in_excel_as_utf8_and_has_a_provenance_sidecar(wh: Warehouse, tmp_path: Path) -> None:
    csv_path, sidecar = write_export(wh, SLICE, "csv", tmp_path / "slice.csv").paths
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert "江苏省" in raw.decode("utf-8-sig")
    assert sidecar.name == "slice.csv.provenance.json"
    record = json.loads(sidecar.read_text(encoding="utf-8"))
    assert record == provenance(wh, SLICE).to_dict()
    assert [s["source_id"] for s in record["sources"]] == ["illustrative_province_rates"]


def test_xlsx_has_a_provenance_sheet(wh: Warehouse, tmp_path: Path) -> None:
    out = write_export(wh, SLICE, "xlsx", tmp_path / "slice.xlsx").paths[0]
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["data", "provenance"]
    facts = {row[0]: row[1] for row in book["provenance"].iter_rows(max_col=2, values_only=True) if row[0]}
    assert facts["query"].startswith("indicator=cnc_rate,design_tool_penetration")
    assert facts["licence"] == LICENCE_NOTE
    assert "warehouse built_at" in facts and "indicators" in facts and "sources" in facts


def test_text_that_looks_like_a_formula_stays_text_in_excel(empty_warehouse: Path, tmp_path: Path) -> None:
    source = tmp_path / "notes.csv"
    source.write_text("indicator,region,year,value,note\ncnc_rate,全国,2021,55.0,=HYPERLINK(\"x\")\n", "utf-8")
    ingest_file(source, empty_warehouse)
    out = write_export(Warehouse(empty_warehouse), Slice(), "xlsx", tmp_path / "notes.xlsx").paths[0]
    sheet = openpyxl.load_workbook(out)["data"]
    note = sheet.cell(row=2, column=[c.value for c in sheet[1]].index("note") + 1)
    assert (note.value, note.data_type) == ('=HYPERLINK("x")', "s")


@pytest.mark.parametrize("fmt", ["parquet", "csv", "xlsx", "json"])
def test_an_empty_slice_is_a_valid_empty_file(wh: Warehouse, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"empty.{fmt}"
    write_export(wh, Slice(indicators=("talent_gap",), year_from=1950, year_to=1950), fmt, out)
    assert read_back(out, fmt) == []


def test_slices_stream_in_bounded_batches(wh: Warehouse, shipped_warehouse: Path) -> None:
    with wh.slice_stream(Slice(), batch_rows=100) as reader:
        sizes = [batch.num_rows for batch in reader]
    total = expected(shipped_warehouse, "SELECT count(*) FROM observations")[0][0]
    assert max(sizes) <= 100 and sum(sizes) == total and len(sizes) >= total // 100
    chunks = list(iter_export(wh, Slice(), "parquet", provenance(wh, Slice())))
    assert pq.read_table(io.BytesIO(b"".join(chunks))).num_rows == total


def test_cli_export_writes_the_slice_named_like_the_api(shipped_warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.parquet"
    result = subprocess.run(
        [sys.executable, "-m", "pipelines", "export", "--indicator", "cnc_rate,design_tool_penetration",
         "--region", "江苏", "--region", "330000", "--from", "2015", "--to", "2024", "--format", "parquet",
         "--out", str(out), "--db", str(shipped_warehouse)],
        capture_output=True, text=True, cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"wrote {out}: 24 rows"
    assert rows_of(pq.read_table(out)) == expected(shipped_warehouse)


def test_cli_csv_writes_its_sidecar_and_defaults_to_the_slice_name(
    shipped_warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["export", "--indicator", "talent_gap", "--format", "csv", "--db", str(shipped_warehouse)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "imm_talent_gap_all-regions_all-years.csv", "imm_talent_gap_all-regions_all-years.csv.provenance.json"]
    assert capsys.readouterr().out.startswith("wrote imm_talent_gap_all-regions_all-years.csv: 2 rows")


@pytest.mark.parametrize(("args", "message"), [
    (["--region", "火星"], "error: region: unknown region '火星'"),
    (["--from", "2024", "--to", "2015"], "error: to: to=2015 is before from=2024"),
    (["--out", "missing-dir/x.parquet"], "cannot write the export"),
])
def test_cli_bad_parameters_fail_with_one_error_line(
    shipped_warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    args: list[str], message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["export", *args, "--db", str(shipped_warehouse)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0], err
    assert not list(tmp_path.iterdir())


def test_cli_refuses_an_unknown_format(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["export", "--format", "pdf"])
    assert caught.value.code == 2 and "invalid choice: 'pdf'" in capsys.readouterr().err


def test_cli_warns_when_every_exported_row_is_illustrative(
    shipped_warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    generated = ["export", "--indicator", "cnc_rate", "--status", "illustrative", "--db", str(shipped_warehouse)]
    assert main(generated) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["warning: every row of this slice is illustrative: generated example values, not official "
                   "statistics"]
    assert main(["export", "--indicator", "cnc_rate", "--db", str(shipped_warehouse)]) == 0  # mixed: no warning
    assert capsys.readouterr().err == ""
