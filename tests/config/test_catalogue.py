"""The catalogue (config/*.yaml) and the shipped data (data/manifest.yaml, data/raw/) agree."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "config"
DATA = ROOT / "data"

SCHEMAS = {
    "sources": ["source_id", "title", "publisher", "published", "locator", "url", "kind", "document", "note"],
    "indicators": ["indicator_id", "name_zh", "name_en", "unit", "value_kind", "direction", "aggregation",
                   "accumulation", "definition", "scope", "source_ids"],
    "plans": ["plan_id", "name_zh", "name_en", "start_year", "end_year", "source_id"],
    "targets": ["indicator_id", "region_code", "plan_id", "target_year", "comparator", "value",
                "baseline_year", "baseline_value", "source_id", "note"],
}
NULLABLE = {
    "sources": {"publisher", "published", "url", "document", "note"},
    "indicators": set(),
    "plans": set(),
    "targets": {"baseline_year", "baseline_value", "note"},
}
ID_FIELD = {"sources": "source_id", "indicators": "indicator_id", "plans": "plan_id"}
REQUIRED_INDICATORS = [
    "cnc_rate", "design_tool_penetration", "smart_factory_penetration", "talent_gap", "talent_demand",
    "pilot_projects", "demonstration_factories", "equipment_domestic_share", "software_domestic_share",
    "standards", "solution_providers_1bn", "solution_providers", "equipment_types", "test_platforms",
    "service_platforms", "benchmark_enterprises", "pilot_productivity_gain", "pilot_cost_reduction",
    "pilot_rd_cycle_reduction", "pilot_defect_reduction", "pilot_energy_gain",
]
UNIT_OF_KIND = {"share": "%", "change": "%", "count": "count", "persons": "persons", "index": "index"}
CHOICES = {
    "value_kind": set(UNIT_OF_KIND), "direction": {"higher", "lower"}, "aggregation": {"sum", "none"},
    "accumulation": {"level", "flow"},
}
SOURCE_KINDS = {
    "policy_document", "official_statement", "official_statistic", "research_article", "illustrative",
}
COMPARATORS = {">", ">=", "<", "<="}
STATUSES = {"reported", "estimated", "illustrative", "projected"}
LONG_HEADER = "indicator,region,year,value,breakdown,source,status,as_of,scope,note".split(",")
SNAKE = re.compile(r"[a-z][a-z0-9_]*")
PARTIAL_DATE = re.compile(r"\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?")
SEED_FILE = re.compile(r"\d{3}_[0-9a-f]{16}\.txt")


@cache
def load(name: str) -> list[dict[str, Any]]:
    data = yaml.safe_load((CONFIG / f"{name}.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, list), f"config/{name}.yaml must be a list"
    return data


def ids(name: str) -> set[str]:
    return {entry[ID_FIELD[name]] for entry in load(name)}


@cache
def manifest() -> list[dict[str, Any]]:
    return yaml.safe_load((DATA / "manifest.yaml").read_text(encoding="utf-8"))


@cache
def long_rows() -> list[dict[str, str]]:
    """Every row of every long-layout file in the manifest, tagged with its file and line."""
    rows = []
    for entry in manifest():
        if entry["layout"] != "long":
            continue
        with (DATA / entry["file"]).open(encoding="utf-8", newline="") as fh:
            for line, row in enumerate(csv.DictReader(fh), start=2):
                rows.append({**row, "_where": f"{entry['file']}:{line}"})
    return rows


def region_names() -> dict[str, str]:
    regions = load("regions")
    names = {r["region_code"]: r["region_code"] for r in regions}
    for r in regions:
        for name in (r["name_zh"], r["short_zh"], *r["aliases"]):
            names.setdefault(name, r["region_code"])
    return names


# --- shape of the four catalogue files ------------------------------------------------------------

@pytest.mark.parametrize("name", list(SCHEMAS))
def test_every_entry_has_exactly_the_schema_fields(name: str) -> None:
    for entry in load(name):
        assert set(entry) == set(SCHEMAS[name]), entry


@pytest.mark.parametrize("name", list(SCHEMAS))
def test_required_fields_are_filled(name: str) -> None:
    for entry in load(name):
        empty = [k for k in SCHEMAS[name] if k not in NULLABLE[name] and entry.get(k) in (None, "", [])]
        assert not empty, f"{name}: {entry.get(ID_FIELD.get(name, 'indicator_id'))} leaves {empty} empty"


@pytest.mark.parametrize("name", list(ID_FIELD))
def test_ids_are_unique_snake_case(name: str) -> None:
    values = [entry[ID_FIELD[name]] for entry in load(name)]
    assert not [v for v, n in Counter(values).items() if n > 1]
    assert all(SNAKE.fullmatch(v) for v in values), [v for v in values if not SNAKE.fullmatch(v)]


def test_required_indicators_are_present() -> None:
    assert set(REQUIRED_INDICATORS) <= ids("indicators"), set(REQUIRED_INDICATORS) - ids("indicators")


# --- sources --------------------------------------------------------------------------------------

def test_sources_use_known_kinds_and_partial_iso_dates() -> None:
    for s in load("sources"):
        assert s["kind"] in SOURCE_KINDS, s["source_id"]
        published = s["published"]
        assert published is None or (isinstance(published, str) and PARTIAL_DATE.fullmatch(published)), (
            s["source_id"])


def test_non_illustrative_sources_name_publisher_and_date() -> None:
    for s in load("sources"):
        if s["kind"] != "illustrative":
            assert s["publisher"] and s["published"], s["source_id"]


def test_source_documents_name_seed_files_and_urls_are_absolute() -> None:
    for s in load("sources"):
        assert s["document"] is None or SEED_FILE.fullmatch(s["document"]), s["source_id"]
        assert s["url"] is None or s["url"].startswith("https://"), s["source_id"]


def test_illustrative_sources_say_they_are_generated_and_not_official() -> None:
    illustrative = {s["source_id"]: s for s in load("sources") if s["kind"] == "illustrative"}
    assert set(illustrative) == {"illustrative_province_rates", "illustrative_pilot_panel"}
    for s in illustrative.values():
        assert "示意" in s["title"] and "非官方" in s["title"]
        assert "NOT OFFICIAL" in s["note"] and "pipelines/illustrative.py" in s["note"]


# --- indicators -----------------------------------------------------------------------------------

def test_indicator_enumerations_are_valid() -> None:
    for ind in load("indicators"):
        for field, allowed in CHOICES.items():
            assert ind[field] in allowed, (ind["indicator_id"], field, ind[field])


def test_indicator_unit_matches_its_value_kind() -> None:
    for ind in load("indicators"):
        assert ind["unit"] == UNIT_OF_KIND[ind["value_kind"]], ind["indicator_id"]


def test_indicator_sources_exist() -> None:
    for ind in load("indicators"):
        unknown = set(ind["source_ids"]) - ids("sources")
        assert not unknown, (ind["indicator_id"], unknown)


def test_only_programme_counts_are_flows_and_flows_add_up_over_provinces() -> None:
    flows = {i["indicator_id"] for i in load("indicators") if i["accumulation"] == "flow"}
    sums = {i["indicator_id"] for i in load("indicators") if i["aggregation"] == "sum"}
    assert flows == {"pilot_projects", "demonstration_factories"}
    assert sums == flows


def test_reductions_point_down_and_gains_point_up() -> None:
    for ind in load("indicators"):
        if ind["indicator_id"].endswith("_reduction"):
            assert (ind["value_kind"], ind["direction"]) == ("change", "lower"), ind["indicator_id"]
        if ind["indicator_id"].endswith("_gain"):
            assert (ind["value_kind"], ind["direction"]) == ("change", "higher"), ind["indicator_id"]


# --- plans and targets ----------------------------------------------------------------------------

def test_plans_cite_known_sources_and_span_forward() -> None:
    for p in load("plans"):
        assert p["source_id"] in ids("sources"), p["plan_id"]
        assert 2000 <= p["start_year"] <= p["end_year"] <= 2035, p["plan_id"]


def test_targets_reference_known_indicators_plans_regions_and_sources() -> None:
    regions = {r["region_code"] for r in load("regions")}
    for t in load("targets"):
        assert t["indicator_id"] in ids("indicators"), t
        assert t["plan_id"] in ids("plans"), t
        assert t["source_id"] in ids("sources"), t
        assert isinstance(t["region_code"], str) and t["region_code"] in regions, t


def test_target_comparators_are_ascii_inequalities() -> None:
    assert {t["comparator"] for t in load("targets")} <= COMPARATORS


def test_targets_fall_within_their_plan_and_are_unique() -> None:
    plans = {p["plan_id"]: p for p in load("plans")}
    for t in load("targets"):
        plan = plans[t["plan_id"]]
        assert plan["start_year"] <= t["target_year"] <= plan["end_year"], t
    targets = load("targets")
    keys = Counter((t["indicator_id"], t["region_code"], t["plan_id"], t["target_year"]) for t in targets)
    assert not [k for k, n in keys.items() if n > 1]


def test_target_baselines_are_both_given_or_both_null() -> None:
    for t in load("targets"):
        assert (t["baseline_year"] is None) == (t["baseline_value"] is None), t


def test_target_sources_are_listed_on_their_indicator() -> None:
    cited = {i["indicator_id"]: set(i["source_ids"]) for i in load("indicators")}
    for t in load("targets"):
        assert t["source_id"] in cited[t["indicator_id"]], (t["indicator_id"], t["source_id"])


def test_every_2020_plan_target_of_seed_000_is_present() -> None:
    plan2020 = {t["indicator_id"]: (t["comparator"], t["value"]) for t in load("targets")
                if t["plan_id"] == "imp_2016_2020"}
    assert plan2020 == {
        "cnc_rate": (">", 50), "design_tool_penetration": (">", 70), "smart_factory_penetration": (">", 20),
        "equipment_domestic_share": (">", 50), "software_domestic_share": (">", 30), "standards": (">=", 200),
        "solution_providers_1bn": (">=", 40), "equipment_types": (">=", 60), "test_platforms": (">=", 100),
        "service_platforms": (">=", 50), "pilot_projects": (">=", 300), "benchmark_enterprises": (">=", 150),
        "pilot_cost_reduction": ("<=", -20), "pilot_rd_cycle_reduction": ("<=", -20),
        "pilot_productivity_gain": (">=", 20), "pilot_defect_reduction": ("<=", -10),
        "pilot_energy_gain": (">=", 10),
    }


def test_count_targets_on_flows_explain_that_they_compare_cumulative_totals() -> None:
    flows = {i["indicator_id"] for i in load("indicators") if i["accumulation"] == "flow"}
    for t in load("targets"):
        if t["indicator_id"] in flows:
            assert "umulative" in (t["note"] or ""), t


# --- manifest and shipped files -------------------------------------------------------------------

def test_manifest_lists_every_raw_file_once_and_only_existing_files() -> None:
    listed = [entry["file"] for entry in manifest()]
    assert len(listed) == len(set(listed))
    on_disk = {f"raw/{p.name}" for p in (DATA / "raw").iterdir() if p.is_file()}
    assert set(listed) == on_disk


def test_manifest_entries_say_what_wide_files_cannot() -> None:
    for entry in manifest():
        assert set(entry) == {"file", "layout", "indicator", "source", "status"}, entry
        if entry["layout"] == "long":
            assert entry["indicator"] is entry["source"] is entry["status"] is None, entry
        else:
            assert entry["layout"] == "wide", entry
            assert entry["indicator"] in ids("indicators") and entry["source"] in ids("sources"), entry
            assert entry["status"] in STATUSES, entry


def test_long_files_have_exactly_the_agreed_header() -> None:
    for entry in manifest():
        if entry["layout"] == "long":
            with (DATA / entry["file"]).open(encoding="utf-8", newline="") as fh:
                assert next(csv.reader(fh)) == LONG_HEADER, entry["file"]


def test_long_rows_name_known_indicators_regions_sources_and_statuses() -> None:
    regions = region_names()
    for row in long_rows():
        assert row["indicator"] in ids("indicators"), row["_where"]
        assert row["region"] in regions, row["_where"]
        assert row["source"] in ids("sources"), row["_where"]
        assert row["status"] in STATUSES, row["_where"]
        assert re.fullmatch(r"(19|20)\d\d", row["year"]), row["_where"]
        float(row["value"])


def test_long_row_sources_are_listed_on_their_indicator_and_match_status() -> None:
    cited = {i["indicator_id"]: set(i["source_ids"]) for i in load("indicators")}
    kinds = {s["source_id"]: s["kind"] for s in load("sources")}
    for row in long_rows():
        assert row["source"] in cited[row["indicator"]], row["_where"]
        assert (row["status"] == "illustrative") == (kinds[row["source"]] == "illustrative"), row["_where"]
    for entry in manifest():
        if entry["layout"] == "wide":
            assert entry["source"] in cited[entry["indicator"]], entry["file"]


def test_as_of_dates_are_iso_and_fall_in_the_row_year() -> None:
    for row in long_rows():
        if row["as_of"]:
            day = dt.date.fromisoformat(row["as_of"])
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["as_of"]), row["_where"]
            assert day.year == int(row["year"]), row["_where"]
            assert day != dt.date(day.year, 12, 31), f"{row['_where']}: a year-end figure needs no as_of"


def test_values_respect_their_value_kind() -> None:
    kinds = {i["indicator_id"]: i["value_kind"] for i in load("indicators")}
    for row in long_rows():
        value, kind = float(row["value"]), kinds[row["indicator"]]
        if kind == "share":
            assert 0 <= value <= 100, row["_where"]
        if kind in ("count", "persons"):
            assert value >= 0 and value.is_integer(), row["_where"]


def test_reductions_are_negative_and_gains_positive_in_targets_and_observations() -> None:
    signed = [(t["indicator_id"], float(t["value"]), "targets.yaml") for t in load("targets")]
    signed += [(r["indicator"], float(r["value"]), r["_where"]) for r in long_rows()]
    for indicator, value, where in signed:
        if indicator.endswith("_reduction"):
            assert value < 0, where
        if indicator.endswith("_gain"):
            assert value > 0, where


def test_no_two_long_rows_share_a_warehouse_key() -> None:
    keys = Counter((r["indicator"], region_names()[r["region"]], r["year"], r["breakdown"], r["source"])
                   for r in long_rows())
    assert not [k for k, n in keys.items() if n > 1]


def test_estimated_rows_show_their_arithmetic() -> None:
    for row in long_rows():
        if row["status"] == "estimated":
            assert "=" in row["note"] and re.search(r"\d", row["note"]), row["_where"]


def test_breakdowns_are_maturity_levels_that_sum_to_100() -> None:
    levels = {"level_1_or_below", "level_2", "level_3", "level_4_or_above"}
    totals: Counter[str] = Counter()
    for row in long_rows():
        if row["breakdown"]:
            assert row["indicator"] == "maturity_level_share" and row["breakdown"] in levels, row["_where"]
            totals[row["year"]] += float(row["value"])
        else:
            assert row["indicator"] != "maturity_level_share", row["_where"]
    assert totals and all(abs(v - 100) < 1e-9 for v in totals.values()), totals


def test_flows_are_stored_per_batch_not_as_cumulative_totals() -> None:
    national = {(r["indicator"], r["year"]): float(r["value"]) for r in long_rows()
                if r["region"] == "100000"}
    assert sum(v for (i, _), v in national.items() if i == "pilot_projects") == 305
    assert sum(v for (i, _), v in national.items() if i == "demonstration_factories") == 421
