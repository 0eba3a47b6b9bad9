"""The shipped build: every file loads cleanly, every number is cited, illustrative rows are marked."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines.build import DATA_DIR, build, is_up_to_date
from pipelines.catalogue import CONFIG_DIR


def sql(db: Path, query: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(query, params or []).fetchall()


def test_every_shipped_file_loads_without_a_rejection(shipped_warehouse: Path) -> None:
    runs = sql(shipped_warehouse, "SELECT file_name, rows_rejected, outcome FROM ingest_runs ORDER BY run_id")
    assert len(runs) == 10
    assert [(name, rejected) for name, rejected, _ in runs if rejected] == []
    assert {outcome for *_, outcome in runs} == {"loaded"}


def test_every_observation_and_target_cites_a_known_source(shipped_warehouse: Path) -> None:
    orphans = sql(shipped_warehouse, """
        SELECT source_id FROM observations UNION ALL SELECT source_id FROM targets
        EXCEPT SELECT source_id FROM sources""")
    assert orphans == []
    uncited = sql(shipped_warehouse, """
        SELECT source_id FROM sources WHERE kind <> 'illustrative'
          AND coalesce(locator, '') = '' AND coalesce(url, '') = '' AND coalesce(document, '') = ''""")
    assert uncited == [], "a source must resolve to a section, a URL or a seed document"


def test_illustrative_rows_are_flagged_and_cite_illustrative_sources(shipped_warehouse: Path) -> None:
    rows = sql(shipped_warehouse, """
        SELECT o.status, s.kind, count(*) FROM observations o JOIN sources s USING (source_id)
        WHERE o.status = 'illustrative' OR s.kind = 'illustrative' GROUP BY ALL""")
    assert {(status, kind) for status, kind, _ in rows} == {("illustrative", "illustrative")}
    provinces = sql(shipped_warehouse, """
        SELECT DISTINCT status FROM observations
        WHERE indicator_id IN ('cnc_rate', 'design_tool_penetration') AND region_code <> '100000'""")
    assert {status for (status,) in provinces} == {"illustrative", "reported", "estimated"}


def test_no_province_year_with_a_real_value_also_has_a_generated_one(shipped_warehouse: Path) -> None:
    assert sql(shipped_warehouse, """
        SELECT indicator_id, region_code, year FROM observations WHERE region_code <> '100000'
        GROUP BY ALL HAVING bool_or(status = 'illustrative') AND bool_or(status IN ('reported', 'estimated'))
    """) == []


@pytest.mark.parametrize("indicator", ["cnc_rate", "design_tool_penetration"])
def test_province_mean_including_real_values_equals_the_national_value(shipped_warehouse: Path,
                                                                      indicator: str) -> None:
    rows = sql(shipped_warehouse, """
        WITH p AS (
            SELECT year, avg(value) AS mean, count(*) AS n FROM observations
            WHERE indicator_id = ? AND region_code NOT IN ('100000', '710000', '810000', '820000')
              AND year IN (SELECT year FROM observations WHERE indicator_id = ? AND status = 'illustrative')
            GROUP BY year)
        SELECT p.year, p.n, p.mean, n.value FROM p JOIN observations n
          ON n.indicator_id = ? AND n.region_code = '100000' AND n.year = p.year
        QUALIFY row_number() OVER (PARTITION BY p.year ORDER BY n.as_of NULLS FIRST) = 1""",
               [indicator, indicator, indicator])
    assert rows and all(n == 31 and abs(mean - national) <= 0.05 for _, n, mean, national in rows), rows


@pytest.mark.parametrize(("indicator", "region", "year", "value", "status", "source"), [
    ("cnc_rate", "630000", 2021, 52.6, "reported", "qinghai_2022_10_08"),
    ("cnc_rate", "520000", 2020, 38.4, "estimated", "guizhou_2025_11_14"),
    ("design_tool_penetration", "210000", 2022, 77.2, "reported", "liaoning_2023_work_conference"),
    ("ii_development_level", "320000", 2023, 67.9, "reported", "jiangsu_2024_02_04"),
    ("excellent_smart_factories", "370000", 2025, 27.0, "estimated", "shandong_scio_2025_11_07"),
    ("management_digital_penetration", "500000", 2021, 67.6, "reported", "chongqing_datamap_2021_08_23"),
    ("industrial_internet_penetration", "100000", 2020, 14.67, "reported", "cics_platform_datamap_2021"),
    ("industrial_internet_penetration", "100000", 2021, 17.5, "reported", "cics_platform_datamap_2021"),
])
def test_real_provincial_figures_are_loaded_with_their_publisher(shipped_warehouse: Path, indicator: str,
                                                                region: str, year: int, value: float,
                                                                status: str, source: str) -> None:
    rows = sql(shipped_warehouse, """
        SELECT o.value, o.status, o.source_id, s.kind FROM observations o JOIN sources s USING (source_id)
        WHERE o.indicator_id = ? AND o.region_code = ? AND o.year = ?""", [indicator, region, year])
    assert len(rows) == 1 and rows[0][:3] == (value, status, source) and rows[0][3] != "illustrative"


def test_provincial_targets_are_loaded_with_their_measures(shipped_warehouse: Path) -> None:
    rows = sql(shipped_warehouse, """
        SELECT region_code, indicator_id, target_year, measure_kind, measure_scope FROM targets
        WHERE region_code <> '100000' ORDER BY ALL""")
    assert len(rows) == 17 and {kind for *_, kind, _ in rows} == {"level"}
    assert ("210000", "cnc_rate", 2023, "level", "规上装备制造业企业") in rows
    assert ("210000", "design_tool_penetration", 2023, "level", "规模以上工业企业") in rows


def test_a_measure_scope_admits_exactly_the_observations_of_that_population(shipped_warehouse: Path) -> None:
    rows = sql(shipped_warehouse, """
        SELECT t.indicator_id, t.region_code, t.target_year,
               count(o.value) FILTER (WHERE o.scope = t.measure_scope),
               list(DISTINCT coalesce(o.scope, '') ORDER BY coalesce(o.scope, '')) FILTER (
                   WHERE o.scope IS DISTINCT FROM t.measure_scope)
        FROM targets t LEFT JOIN observations o ON o.indicator_id = t.measure_indicator_id
          AND o.region_code = t.region_code AND o.breakdown = t.measure_breakdown
          AND o.status IN ('reported', 'estimated')
        WHERE t.measure_scope = '规模以上工业企业' GROUP BY ALL ORDER BY ALL""")
    found = {(indicator, region, year): (n, others) for indicator, region, year, n, others in rows}
    assert found[("cnc_rate", "100000", 2027)][0] == 1  # 55.3 (2021) only; later releases count other firms
    assert found[("design_tool_penetration", "100000", 2027)][0] == 1  # 74.7 (2021)
    assert found[("design_tool_penetration", "210000", 2023)] == (0, ["全省工业企业"])  # only a wider population
    assert {key for key, (n, _) in found.items() if n == 0} == {
        ("design_tool_penetration", "210000", 2023), ("cnc_rate", "150000", 2025), ("cnc_rate", "620000", 2027),
        ("design_tool_penetration", "620000", 2027), ("cnc_rate", "640000", 2027),
        ("design_tool_penetration", "640000", 2027)}


def test_the_two_named_targets_have_no_matching_observation(shipped_warehouse: Path) -> None:
    rows = sql(shipped_warehouse, """
        SELECT t.indicator_id, t.measure_kind, t.unmeasured_en IS NOT NULL, count(o.value) FROM targets t
        LEFT JOIN observations o ON o.indicator_id = t.measure_indicator_id AND o.breakdown = t.measure_breakdown
          AND o.region_code = t.region_code AND o.status IN ('reported', 'estimated')
        WHERE t.plan_id = 'imp_2021_2025' AND t.indicator_id IN ('solution_providers', 'standards')
        GROUP BY ALL ORDER BY 1""")
    assert rows == [("solution_providers", "stock", True, 0), ("standards", "cumulative", True, 0)]


@pytest.mark.parametrize(("indicator", "year", "as_of", "value", "status"), [
    ("cnc_rate", 2012, None, 24.6, "reported"),
    ("cnc_rate", 2015, None, 45.4, "estimated"),
    ("cnc_rate", 2020, "2020-09-30", 51.7, "reported"),
    ("cnc_rate", 2020, None, 52.1, "reported"),
    ("cnc_rate", 2021, None, 55.3, "reported"),
    ("cnc_rate", 2025, "2025-03-31", 66.2, "reported"),
    ("design_tool_penetration", 2012, None, 48.8, "estimated"),
    ("design_tool_penetration", 2019, None, 69.3, "reported"),
    ("design_tool_penetration", 2024, None, 82.0, "reported"),
])
def test_national_series_values_as_published(shipped_warehouse: Path, indicator: str, year: int,
                                             as_of: str | None, value: float, status: str) -> None:
    rows = sql(shipped_warehouse, """
        SELECT value, status FROM observations WHERE indicator_id = ? AND region_code = '100000'
          AND year = ? AND as_of IS NOT DISTINCT FROM ?::DATE""", [indicator, year, as_of])
    assert rows == [(value, status)]


def test_corrections_of_the_seed_audit_reach_the_warehouse(shipped_warehouse: Path) -> None:
    assert sql(shipped_warehouse, """
        SELECT value, status FROM observations WHERE indicator_id = 'test_platforms' AND year = 2021""") == [
        (200.0, "estimated")]
    assert sql(shipped_warehouse, """
        SELECT as_of, scope FROM observations WHERE indicator_id = 'design_tool_penetration'
          AND region_code = '100000' AND year IN (2012, 2019) ORDER BY year""") == [(None, None), (None, None)]
    publishers = dict(sql(shipped_warehouse, """
        SELECT source_id, publisher || ' ' || title FROM sources
        WHERE source_id IN ('scio_2022_06_14', 'scio_2022_02_28')"""))
    assert publishers["scio_2022_06_14"].startswith("中共中央宣传部") and "国务院" not in publishers["scio_2022_06_14"]
    assert "总工程师" in publishers["scio_2022_02_28"] and "副部长" not in publishers["scio_2022_02_28"]


def test_cumulative_counts_are_derived_not_stored(shipped_warehouse: Path) -> None:
    assert sql(shipped_warehouse, """
        SELECT sum(value) FROM observations WHERE indicator_id = 'pilot_projects' AND region_code = '100000'
    """) == [(305.0,)]
    assert sql(shipped_warehouse, """
        SELECT sum(value) FROM observations WHERE indicator_id = 'demonstration_factories'
          AND region_code = '100000'""") == [(421.0,)]


def test_talent_forecasts_are_projected(shipped_warehouse: Path) -> None:
    assert sql(shipped_warehouse, """
        SELECT indicator_id, value, status FROM observations
        WHERE indicator_id LIKE 'talent_%' AND year = 2025 ORDER BY 1""") == [
        ("talent_demand", 9_000_000.0, "projected"), ("talent_gap", 4_500_000.0, "projected")]


def test_comparators_are_ascii_and_2020_targets_include_seed_000s_list(shipped_warehouse: Path) -> None:
    assert {c for (c,) in sql(shipped_warehouse, "SELECT DISTINCT comparator FROM targets")} <= {">", ">=", "<", "<="}
    ids_2020 = {i for (i,) in sql(shipped_warehouse, "SELECT indicator_id FROM targets WHERE target_year = 2020")}
    assert ids_2020 >= {"cnc_rate", "design_tool_penetration", "smart_factory_penetration", "pilot_projects",
                        "standards", "solution_providers_1bn", "benchmark_enterprises", "pilot_cost_reduction"}


def test_build_info_records_inputs_and_rebuild_is_skipped_only_while_they_are_unchanged(tmp_path: Path) -> None:
    config, data = tmp_path / "config", tmp_path / "data"
    shutil.copytree(CONFIG_DIR, config)
    shutil.copytree(DATA_DIR, data, ignore=shutil.ignore_patterns("*.duckdb*", ".*"))
    db = tmp_path / "warehouse.duckdb"
    build(db, config, data, progress=False)
    info = sql(db, "SELECT code_version, map_keys(input_checksums) FROM build_info")
    assert len(info) == 1 and "config/targets.yaml" in info[0][1] and "data/raw/national_rates.csv" in info[0][1]
    assert is_up_to_date(db, config, data)
    (config / "targets.yaml").write_text((config / "targets.yaml").read_text("utf-8") + "\n", "utf-8")
    assert not is_up_to_date(db, config, data)
