"""The CLI end to end on real files: exit codes, the accounting line, and what lands in the warehouse."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines.catalogue import load_catalogue
from pipelines.layouts import Context, Defaults, parse
from pipelines.normalise import RegionResolver
from pipelines.readers import read_table

FIXTURES = Path(__file__).with_name("fixtures")
REPO = Path(__file__).resolve().parents[2]


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipelines", *map(str, args)], capture_output=True, text=True,
                          cwd=REPO, timeout=120)


def sql(db: Path, query: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(query, params or []).fetchall()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# (fixture, extra args, expected accounting line, expected rejection reasons by row)
CASES = [
    ("long_mixed.csv", [], "read=15 loaded=5 rejected=6 skipped=4", {
        5: "unknown region '黑龙' — did you mean 黑龙江省?",
        6: "'20x0' is not a year between 1949 and 2100",
        7: "120 is outside 0–100 for cnc_rate (a share in %)",
        13: "conflicting values for cnc_rate/510000/2020 in rows 13, 14",
        14: "conflicting values for cnc_rate/510000/2020 in rows 13, 14",
        15: "unknown indicator 'unknown_thing'",
    }),
    ("long_chinese_headers.csv", [], "read=7 loaded=6 rejected=1 skipped=0", {
        7: "-1 is negative; pilot_projects is a count",
    }),
    ("long_bom.csv", [], "read=2 loaded=1 rejected=0 skipped=1", {}),
    ("wide_gbk.csv", [], "read=18 loaded=10 rejected=4 skipped=4", {
        6: "'abc' is not a number",
        8: "unknown region '火星'",
    }),
    ("wide_no_indicator.csv", ["--indicator", "cnc_rate"], "read=2 loaded=2 rejected=0 skipped=0", {}),
]


@pytest.mark.parametrize(("fixture", "extra", "accounting", "reasons"), CASES, ids=[c[0] for c in CASES])
def test_ingest_prints_the_accounting_and_records_every_rejection(
    empty_warehouse: Path, fixture: str, extra: list[str], accounting: str, reasons: dict[int, str],
) -> None:
    result = run_cli("ingest", FIXTURES / fixture, "--db", empty_warehouse, *extra)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == accounting
    stored = sql(empty_warehouse, "SELECT row_number, reason FROM rejected_rows ORDER BY row_number")
    assert dict(stored) == reasons
    loaded = int(accounting.split("loaded=")[1].split()[0])
    assert sql(empty_warehouse, "SELECT count(*) FROM observations")[0][0] == loaded
    run = sql(empty_warehouse, "SELECT file_name, sha256, rows_read, rows_loaded FROM ingest_runs")
    assert run == [(fixture, digest(FIXTURES / fixture), int(accounting.split()[0][5:]), loaded)]


def test_long_file_values_land_with_codes_and_the_file_as_source(empty_warehouse: Path) -> None:
    run_cli("ingest", FIXTURES / "long_mixed.csv", "--db", empty_warehouse)
    rows = sql(empty_warehouse, "SELECT region_code, value, status, source_id FROM observations ORDER BY 1")
    sid = f"file_{digest(FIXTURES / 'long_mixed.csv')[:16]}"
    assert rows == [("100000", 52.1, "reported", sid), ("310000", 61.0, "reported", sid),
                    ("320000", 60.5, "reported", sid), ("330000", 58.2, "reported", sid),
                    ("500000", 50.0, "reported", sid)]
    assert sql(empty_warehouse, "SELECT kind, title, sha256 FROM sources WHERE source_id = ?", [sid]) == [
        ("user_file", "long_mixed.csv", digest(FIXTURES / "long_mixed.csv"))]


def test_wide_gbk_yearbook_takes_its_indicator_from_the_title(empty_warehouse: Path) -> None:
    result = run_cli("ingest", FIXTURES / "wide_gbk.csv", "--db", empty_warehouse, "--status", "illustrative")
    assert "wide layout, csv (gbk)" in result.stdout
    assert sql(empty_warehouse, "SELECT DISTINCT indicator_id, status FROM observations") == [
        ("cnc_rate", "illustrative")]
    assert sql(empty_warehouse, "SELECT value FROM observations WHERE region_code = '150000' ORDER BY year") == [
        (30.0,), (31.0,), (32.0,)]


def test_reingesting_the_same_file_loads_nothing_and_logs_a_run(empty_warehouse: Path) -> None:
    first = run_cli("ingest", FIXTURES / "long_chinese_headers.csv", "--db", empty_warehouse)
    second = run_cli("ingest", FIXTURES / "long_chinese_headers.csv", "--db", empty_warehouse)
    assert first.stdout.splitlines()[-1] == "read=7 loaded=6 rejected=1 skipped=0"
    assert second.stdout.splitlines()[-1] == "read=7 loaded=0 rejected=1 skipped=6"
    assert sql(empty_warehouse, "SELECT outcome FROM ingest_runs ORDER BY run_id") == [("partial",), ("rejected",)]
    assert sql(empty_warehouse, "SELECT count(*) FROM observation_revisions")[0][0] == 0


def test_a_changed_value_supersedes_and_the_old_one_moves_to_revisions(empty_warehouse: Path,
                                                                        tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    path.write_text("indicator,region,year,value,source\ncnc_rate,全国,2021,51.3,plan2016_targets\n", "utf-8")
    run_cli("ingest", path, "--db", empty_warehouse)
    path.write_text("indicator,region,year,value,source\ncnc_rate,全国,2021,55.3,plan2016_targets\n", "utf-8")
    result = run_cli("ingest", path, "--db", empty_warehouse)
    assert result.stdout.splitlines()[-1] == "read=1 loaded=1 rejected=0 skipped=0"
    assert "1 loaded row(s) revised an earlier value" in result.stdout
    assert sql(empty_warehouse, "SELECT value, run_id FROM observations") == [(55.3, 2)]
    assert sql(empty_warehouse, "SELECT value, run_id, superseded_by FROM observation_revisions") == [(51.3, 1, 2)]


def test_xlsx_and_parquet_files_ingest_like_csv(empty_warehouse: Path, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    for row in [["各地区数字化研发设计工具普及率"], ["单位：%"], ["地区", "2020年", "2021年"],
                ["江苏", 80.1, 81.2], ["浙江", 79.0, None], [], ["注：测试"]]:
        book.active.append(row)
    xlsx = tmp_path / "yearbook.xlsx"
    book.save(xlsx)
    result = run_cli("ingest", xlsx, "--db", empty_warehouse)
    assert result.stdout.splitlines()[-1] == "read=6 loaded=3 rejected=0 skipped=3"
    parquet = tmp_path / "slice.parquet"
    pq.write_table(pa.table({"indicator": ["talent_demand"], "region": ["100000"], "year": [2020],
                             "value": [7_500_000.0]}), parquet)
    result = run_cli("ingest", parquet, "--db", empty_warehouse)
    assert result.stdout.splitlines()[-1] == "read=1 loaded=1 rejected=0 skipped=0"
    assert sql(empty_warehouse, "SELECT DISTINCT indicator_id FROM observations ORDER BY 1") == [
        ("design_tool_penetration",), ("talent_demand",)]


@pytest.mark.parametrize(("make_file", "extra", "message"), [
    (lambda p: None, [], "no such file"),
    (lambda p: p.write_bytes(b""), [], "file is empty"),
    (lambda p: p.write_bytes(b"\x00\x01\x02binary"), [], "looks binary"),
    (lambda p: p.write_text("just some prose\nand more\n", "utf-8"), [], "no header row found"),
    (lambda p: p.write_text("name,age\nx,1\n", "utf-8"), [], "no header row found"),
    (lambda p: p.write_text("2019,2020\n1,2\n", "utf-8"), [], "no header row found"),
    (lambda p: p.write_text("地区,2020\n北京,1\n", "utf-8"), [], "pass --indicator"),
    (lambda p: p.write_text("region,year,value\n北京,2020,1\n", "utf-8"), [], "no indicator column"),
    (lambda p: p.write_text("地区,2020\n北京,1\n", "utf-8"), ["--indicator", "nope"], "unknown indicator 'nope'"),
    (lambda p: p.write_text("地区,2020\n北京,1\n", "utf-8"), ["--indicator", "cnc_rate", "--source", "zz"],
     "unknown source id 'zz'"),
])
def test_unusable_files_exit_1_with_one_error_line_and_leave_the_warehouse_untouched(
    empty_warehouse: Path, tmp_path: Path, make_file, extra: list[str], message: str,
) -> None:
    before = digest(empty_warehouse)
    path = tmp_path / "input.csv"
    make_file(path)
    result = run_cli("ingest", path, "--db", empty_warehouse, *extra)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}") and message in lines[0], result.stderr
    assert digest(empty_warehouse) == before
    assert not list(empty_warehouse.parent.glob(".*.tmp"))


def test_a_generated_source_cannot_be_loaded_as_real(empty_warehouse: Path, tmp_path: Path) -> None:
    path = tmp_path / "fake.csv"
    path.write_text("indicator,region,year,value,source\ncnc_rate,江苏,2020,50,illustrative_province_rates\n"
                    "cnc_rate,浙江,2020,51,illustrative_province_rates\n", "utf-8")
    result = run_cli("ingest", path, "--db", empty_warehouse)
    assert result.stdout.splitlines()[-1] == "read=2 loaded=0 rejected=2 skipped=0"
    assert "holds generated values: status must be 'illustrative'" in result.stdout
    wide = tmp_path / "wide.csv"
    wide.write_text("地区,2020\n北京,50\n", "utf-8")
    result = run_cli("ingest", wide, "--db", empty_warehouse, "--indicator", "cnc_rate",
                     "--source", "illustrative_province_rates")
    assert result.returncode == 1 and "pass --status illustrative" in result.stderr


def test_usage_errors_exit_2(empty_warehouse: Path) -> None:
    assert run_cli("ingest").returncode == 2
    assert run_cli("ingest", FIXTURES / "long_bom.csv", "--status", "guess").returncode == 2


def test_ingest_into_a_missing_warehouse_says_how_to_build_one(tmp_path: Path) -> None:
    result = run_cli("ingest", FIXTURES / "long_bom.csv", "--db", tmp_path / "none.duckdb")
    assert result.returncode == 1
    assert "run `python -m pipelines build` first" in result.stderr


@pytest.mark.parametrize("command", ["build", "ingest"])
def test_every_command_has_help(command: str) -> None:
    result = run_cli(command, "--help")
    assert result.returncode == 0 and "--db" in result.stdout


def test_copy_of_fixture_keeps_same_source_id(empty_warehouse: Path, tmp_path: Path) -> None:
    """The default source id derives from content: a renamed copy is the same source, so nothing reloads."""
    copy = tmp_path / "renamed.csv"
    shutil.copy(FIXTURES / "long_bom.csv", copy)
    run_cli("ingest", FIXTURES / "long_bom.csv", "--db", empty_warehouse)
    assert run_cli("ingest", copy, "--db", empty_warehouse).stdout.splitlines()[-1] == (
        "read=2 loaded=0 rejected=0 skipped=2")


def test_long_files_show_a_progress_bar_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    cat = load_catalogue()
    ctx = Context({i.indicator_id: i for i in cat.indicators}, RegionResolver(cat.regions),
                  frozenset(s.source_id for s in cat.sources))
    parse(read_table(FIXTURES / "long_mixed.csv"), ctx, Defaults(None, "plan2016_targets"), progress=True)
    assert "long_mixed.csv" in capsys.readouterr().err
