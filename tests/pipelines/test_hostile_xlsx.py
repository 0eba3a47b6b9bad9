"""XLSX: the sheet a person sees is read, formulas without saved values are refused, and no sheet is too big
to refuse quickly. Workbooks are built here with openpyxl, then edited as XML where openpyxl would not write it."""

from __future__ import annotations

import hashlib
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import duckdb
import openpyxl
import pytest

import pipelines.read_xlsx

SHEET1 = "xl/worksheets/sheet1.xml"


def sql(db: Path, query: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(query).fetchall()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def workbook(path: Path, sheets: dict[str, list[list[object]]], *, active: int = 0,
             hidden: tuple[str, ...] = ()) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        if name in hidden:
            sheet.sheet_state = "hidden"
    book.active = active
    book.save(path)
    return path


def rewrite(path: Path, member: str, edit: Callable[[bytes], bytes]) -> Path:
    """Rewrite one member of the archive (to write what openpyxl would not)."""
    with zipfile.ZipFile(path) as zin:
        items = [(info, zin.read(info.filename)) for info in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in items:
            zout.writestr(info, edit(data) if info.filename == member else data)
    return path


TABLE = [["地区", "2020"], ["北京", 50], ["天津", 51]]


def test_a_cover_page_and_a_hidden_sheet_are_passed_over_for_the_visible_table(cli, empty_warehouse: Path,
                                                                                 tmp_path: Path) -> None:
    path = workbook(tmp_path / "b.xlsx", {
        "封面": [["2020年各省关键工序数控化率统计"], ["编制单位：某某局"], ["说明：本表数据来自……"]],
        "old": [["地区", "2020"], ["北京", 99]],
        "数据": TABLE,
    }, hidden=("old",))
    result = cli("ingest", path, "--db", empty_warehouse, "--indicator", "cnc_rate")
    assert "xlsx sheet '数据'" in result.out and "hidden sheet(s) not read: 'old'" in result.out
    assert sql(empty_warehouse, "SELECT region_code, value FROM observations ORDER BY 1") == [
        ("110000", 50.0), ("120000", 51.0)]


def test_the_active_sheet_is_read_and_the_report_names_the_other_table(cli, empty_warehouse: Path,
                                                                        tmp_path: Path) -> None:
    path = workbook(tmp_path / "two.xlsx", {"A": TABLE, "B": [["地区", "2021"], ["北京", 60]]}, active=1)
    result = cli("ingest", path, "--db", empty_warehouse, "--indicator", "cnc_rate")
    assert "xlsx sheet 'B'" in result.out
    assert "note: read sheet 'B'; 'A' also holds a table (read another with --sheet NAME)" in result.out
    assert sql(empty_warehouse, "SELECT year FROM observations") == [(2021,)]
    result = cli("ingest", path, "--db", empty_warehouse, "--indicator", "cnc_rate", "--sheet", "A")
    assert result.accounting == "read=2 loaded=2 rejected=0 skipped=0"


def test_a_hidden_sheet_is_read_only_when_named(cli, empty_warehouse: Path, tmp_path: Path) -> None:
    path = workbook(tmp_path / "h.xlsx", {"说明": [["见隐藏表"]], "数据": TABLE}, hidden=("数据",))
    cli("ingest", path, "--db", empty_warehouse, "--indicator", "cnc_rate").one_error_line(
        "no visible sheet holds a table (hidden: '数据'; read one with --sheet NAME)")
    assert cli("ingest", path, "--db", empty_warehouse, "--indicator", "cnc_rate", "--sheet", "数据").code == 0


@pytest.mark.parametrize(("sheet", "file_name", "message"), [
    ("Nope", "b.xlsx", "no sheet named 'Nope'; the workbook has 'A'"),
    ("A", "b.csv", "--sheet 'A' applies to XLSX workbooks only"),
])
def test_a_sheet_that_is_not_there_is_one_error_line(cli, empty_warehouse: Path, tmp_path: Path, sheet: str,
                                                      file_name: str, message: str) -> None:
    path = tmp_path / file_name
    if file_name.endswith(".xlsx"):
        workbook(path, {"A": TABLE})
    else:
        path.write_text("地区,2020\n北京,50\n", encoding="utf-8")
    cli("ingest", path, "--db", empty_warehouse, "--indicator", "cnc_rate", "--sheet", sheet).one_error_line(message)


def test_a_formula_without_a_saved_value_is_a_rejection_not_a_blank(cli, empty_warehouse: Path,
                                                                     tmp_path: Path) -> None:
    path = workbook(tmp_path / "f.xlsx", {"A": [["地区", "2020", "2021"], ["北京", 50, "=B2+1"], ["天津", 52, 53]]})
    result = cli("ingest", path, "--db", empty_warehouse, "--indicator", "cnc_rate")
    assert result.accounting == "read=4 loaded=3 rejected=1 skipped=0"
    ((row, column, reason),) = sql(empty_warehouse, "SELECT row_number, column_name, reason FROM rejected_rows")
    assert (row, column) == (2, "2021")
    assert "cell C2 is a formula with no saved value (=B2+1)" in reason and "open the file in Excel" in reason


def test_a_formula_with_its_saved_value_reads_as_the_value(cli, empty_warehouse: Path, tmp_path: Path) -> None:
    path = workbook(tmp_path / "f.xlsx", {"A": [["地区", "2020", "2021"], ["北京", 50, "=B2+1"], ["天津", 52, "=B3"]]})
    rewrite(path, SHEET1, lambda xml: xml.replace(b"<f>B2+1</f><v />", b"<f>B2+1</f><v>51</v>")
            .replace(b'<c r="C3"><f>B3</f><v />', b'<c r="C3" t="str"><f>B3</f><v></v>'))
    result = cli("ingest", path, "--db", empty_warehouse, "--indicator", "cnc_rate")
    assert result.accounting == "read=4 loaded=3 rejected=0 skipped=1"  # C3: a formula whose result is empty
    assert sql(empty_warehouse, "SELECT value FROM observations WHERE year = 2021") == [(51.0,)]


def test_a_declared_dimension_of_the_whole_grid_costs_nothing(cli, empty_warehouse: Path, tmp_path: Path) -> None:
    path = workbook(tmp_path / "d.xlsx", {"A": TABLE})
    rewrite(path, SHEET1, lambda xml: xml.replace(b'<dimension ref="A1:B3" />', b'<dimension ref="A1:XFD1048576"/>'))
    assert b"XFD1048576" in zipfile.ZipFile(path).read(SHEET1)
    assert path.stat().st_size < 10_000
    start = time.monotonic()
    result = cli("ingest", path, "--db", empty_warehouse, "--indicator", "cnc_rate")
    assert result.accounting == "read=2 loaded=2 rejected=0 skipped=0"
    assert time.monotonic() - start < 10


def test_huge_sparse_coordinates_are_read_in_seconds(cli, empty_warehouse: Path, tmp_path: Path) -> None:
    path = workbook(tmp_path / "s.xlsx", {"A": TABLE})
    far = (b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
           b'<row r="1048575"><c r="A1048575" s="0"/><c r="ZZ1048575"/></row>')
    rewrite(path, SHEET1, lambda xml: xml.replace(b"</sheetData>", far + b"</sheetData>"))
    start = time.monotonic()
    result = cli("ingest", path, "--db", empty_warehouse, "--indicator", "cnc_rate")
    assert result.code == 0 and "loaded=2" in result.accounting
    assert time.monotonic() - start < 30


def test_a_row_beyond_excels_last_is_refused_naming_the_limit(cli, empty_warehouse: Path, tmp_path: Path) -> None:
    path = workbook(tmp_path / "r.xlsx", {"A": TABLE})
    rewrite(path, SHEET1, lambda xml: xml.replace(
        b"</sheetData>", b'<row r="900000000"><c r="A900000000"><v>1</v></c></row></sheetData>'))
    before = digest(empty_warehouse)
    cli("ingest", path, "--db", empty_warehouse, "--indicator", "cnc_rate").one_error_line(
        "row numbered 900,000,000", "MAX_XLSX_ROWS")
    assert digest(empty_warehouse) == before


@pytest.mark.parametrize(("limit", "value", "message"), [
    ("MAX_XLSX_CELLS", 50, "more than 50 cells and rows (MAX_XLSX_CELLS)"),
    ("MAX_XLSX_UNCOMPRESSED_BYTES", 4_000, "(MAX_XLSX_UNCOMPRESSED_BYTES)"),
])
def test_a_workbook_beyond_a_limit_is_refused_naming_it(cli, empty_warehouse: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch, limit: str, value: int,
                                                         message: str) -> None:
    monkeypatch.setattr(pipelines.read_xlsx, limit, value)
    path = workbook(tmp_path / "big.xlsx", {"A": [["地区", "2020"], *[["北京", i] for i in range(40)]]})
    cli("ingest", path, "--db", empty_warehouse, "--indicator", "cnc_rate").one_error_line(message)


@pytest.mark.parametrize(("members", "named"), [
    ({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}, ".ods"),
    ({"[Content_Types].xml": b"<x/>", "xl/workbook.bin": b"\x00"}, ".xlsb"),
    ({"readme.txt": b"hello"}, "not a readable XLSX workbook"),
])
def test_other_zip_spreadsheets_are_named(cli, empty_warehouse: Path, tmp_path: Path, members: dict[str, bytes],
                                          named: str) -> None:
    path = tmp_path / "other.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    cli("ingest", path, "--db", empty_warehouse, "--indicator", "cnc_rate").one_error_line(named)
