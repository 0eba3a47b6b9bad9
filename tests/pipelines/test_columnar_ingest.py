"""Whole-file validation: a plain CSV read by DuckDB itself lands exactly as the same table read row by row
(quoted CSV, XLSX, Parquet), row numbers, raw text and reasons included; long files keep their row numbers and
show progress."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.catalogue import load_catalogue
from pipelines.ingest import ingest_file
from pipelines.layouts import Context, Defaults, parse
from pipelines.normalise import RegionResolver
from pipelines.readers import read_table

HEADER = ["indicator", "region", "year", "value", "breakdown", "status", "as_of", "note"]
CELLS = {
    "indicator": ["cnc_rate", "pilot_projects", "CNC_Rate", "关键工序数控化率", "unknown_x", ""],
    "region": ["江苏", "浙江省", "Beijing", "jiang su", "320000", "32", "32.0", "南京市", "黑龙", "合计", "全国",
               "臺灣", "Ｊｉａｎｇｓｕ", "", "江苏南京", "320100", "火星"],
    "year": ["2020", "2016年", "2016.0", "２０１６年", "20x0", "1800", "2 021", ""],
    "value": ["52.1", "52.1%", "５２．１", "7 500 000", "abc", "1e999", "nan", "52.1¹", "-3", "120",
              "", "—", "NA", "x", "0", ".5", "-0", "inf", "12%", "5％", "٣", "  7  "],
    "breakdown": ["", "", "b1", "L 2", "Ｌ３"],
    "status": ["", "", "reported", "ESTIMATED", "illustrative", "bogus"],
    "as_of": ["", "", "2020-09-30", "2020年9月30日", "2025-03", "2010-03-31", "bad", "2020-02-30"],
    "note": ["", "note 1", "说明（一）", "多  空格"],
}
NOTE_LINES = [["注：数据来源"], ["Note: x"], ["＊星号"], [], ["", "  "], HEADER]


def rows_strategy() -> st.SearchStrategy[list[list[str]]]:
    data_row = st.tuples(*(st.sampled_from(CELLS[c]) for c in HEADER)).map(list)
    return st.lists(st.one_of(data_row, data_row, data_row, st.sampled_from(NOTE_LINES)), min_size=1, max_size=40)


def landed(db: Path) -> tuple[list[tuple], list[tuple], tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        rejected = con.execute("SELECT row_number, column_name, raw, reason FROM rejected_rows ORDER BY ALL").fetchall()
        observations = con.execute("SELECT * EXCLUDE (run_id, source_id) FROM observations ORDER BY ALL").fetchall()
        run = con.execute("SELECT rows_read, rows_loaded, rows_revised, rows_rejected, rows_skipped FROM ingest_runs"
                          ).fetchone()
    return rejected, observations, run


def ingest_fresh(path: Path, template: Path, tmp: Path) -> tuple[list[tuple], list[tuple], tuple]:
    db = tmp / f"{path.stem}.duckdb"
    shutil.copyfile(template, db)
    ingest_file(path, db)
    return landed(db)


def write_csv(path: Path, rows: list[list[str]], *, quoting: int, lineterminator: str = "\n") -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, quoting=quoting, lineterminator=lineterminator).writerows([HEADER, *rows])
    return path


@settings(deadline=None, max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=rows_strategy())
def test_a_plain_csv_read_by_duckdb_lands_as_the_same_table_read_row_by_row(
    rows: list[list[str]], empty_warehouse_template: Path, tmp_path_factory: pytest.TempPathFactory,
) -> None:
    tmp = tmp_path_factory.mktemp("paths")
    plain = write_csv(tmp / "plain.csv", rows, quoting=csv.QUOTE_MINIMAL)
    quoted = write_csv(tmp / "quoted.csv", rows, quoting=csv.QUOTE_ALL)
    crlf = write_csv(tmp / "crlf.csv", rows, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    assert read_table(plain).lines is not None and read_table(crlf).lines is not None
    assert read_table(quoted).lines is None  # a quote character: Python's csv module reads it
    expected = ingest_fresh(quoted, empty_warehouse_template, tmp)
    assert ingest_fresh(plain, empty_warehouse_template, tmp) == expected
    assert ingest_fresh(crlf, empty_warehouse_template, tmp) == expected


def test_xlsx_and_parquet_rows_are_judged_by_the_same_rules_as_csv(empty_warehouse: Path, tmp_path: Path) -> None:
    rows = [list(r) for r in zip(*(CELLS[c] * 3 for c in HEADER), strict=False)][:20]
    book = openpyxl.Workbook()
    for row in [HEADER, *rows]:
        book.active.append(row)
    book.save(tmp_path / "t.xlsx")
    pq.write_table(pa.table({c: [r[i] for r in rows] for i, c in enumerate(HEADER)}), tmp_path / "t.parquet")
    expected = ingest_fresh(write_csv(tmp_path / "t.csv", rows, quoting=csv.QUOTE_ALL), empty_warehouse, tmp_path)
    assert expected[2][3] > 0 and expected[2][1] > 0  # the rows mix rejections and loads
    for other in ("t.xlsx", "t.parquet"):
        assert ingest_fresh(tmp_path / other, empty_warehouse, tmp_path) == expected, other


def test_row_numbers_of_a_long_plain_csv_are_its_line_numbers(empty_warehouse: Path, tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    rows = 300_000
    with path.open("w", encoding="utf-8") as fh:
        fh.write("indicator,region,year,value,breakdown\n")
        fh.writelines(f"cnc_rate,江苏,2020,{'bad' if i % 7919 == 0 else i % 100},b{i}\n" for i in range(rows))
    assert read_table(path).lines is not None
    report = ingest_file(path, empty_warehouse)
    bad = [i + 2 for i in range(rows) if i % 7919 == 0]
    assert (report.read, report.rejected, report.loaded) == (rows, len(bad), rows - len(bad))
    rejected = landed(empty_warehouse)[0]
    assert [r[0] for r in rejected] == bad
    assert [r[2] for r in rejected] == [f"cnc_rate,江苏,2020,bad,b{n - 2}" for n in bad]


@pytest.mark.parametrize(("ending", "read_by_duckdb"), [("\n", True), ("\r\n", True), ("\r", False),
                                                        ("mixed", False)])
def test_only_files_with_one_kind_of_line_end_are_split_by_duckdb(tmp_path: Path, ending: str,
                                                                  read_by_duckdb: bool) -> None:
    lines = ["indicator,region,year,value", "cnc_rate,江苏,2020,50", "cnc_rate,浙江,2020,51"]
    text = "\r\n".join(lines[:2]) + "\n" + lines[2] + "\n" if ending == "mixed" else ending.join(lines) + ending
    path = tmp_path / "e.csv"
    path.write_bytes(text.encode())
    assert (read_table(path).lines is not None) == read_by_duckdb
    assert [list(r.cells) for r in read_table(path).rows] == [line.split(",") for line in lines]


def test_an_overlong_field_in_a_plain_csv_is_its_rows_rejection(empty_warehouse: Path, tmp_path: Path) -> None:
    path = tmp_path / "o.csv"
    path.write_text("indicator,region,year,value,note\ncnc_rate,江苏,2020,50," + "说" * 10_001 + "\n"
                    "cnc_rate,浙江,2020,51," + "说" * 10_000 + "\n", encoding="utf-8")
    assert read_table(path).lines is not None
    report = ingest_file(path, empty_warehouse)
    assert (report.rejected, report.loaded) == (1, 1)
    assert "a cell longer than 10,000 characters (MAX_CELL_CHARS)" in report.rejections[0].reason


def test_a_plain_csv_shows_its_progress_when_asked(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "progress_plain.csv"
    path.write_text("indicator,region,year,value\ncnc_rate,江苏,2020,50\n", encoding="utf-8")
    cat = load_catalogue()
    ctx = Context({i.indicator_id: i for i in cat.indicators}, RegionResolver(cat.regions),
                  frozenset(s.source_id for s in cat.sources))
    parsed = parse(read_table(path), ctx, Defaults(None, "plan2016_targets"), progress=True)
    assert "progress_plain.csv" in capsys.readouterr().err
    assert [(c.row_number, c.region_code, c.value) for c in parsed.candidates] == [(2, "320000", 50.0)]
