"""The catalogue (config/*.yaml) and the shipped data (data/manifest.yaml, data/raw/) agree."""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import unicodedata
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
    "targets": ["indicator_id", "region_code", "plan_id", "target_year", "comparator", "value", "source_id",
                "note", "measure_kind"],
}
OPTIONAL = {  # fields an entry may leave out (the loader fills the default)
    "sources": set(),
    "indicators": {"unit_zh", "unit_en", "precision"},
    "plans": set(),
    "targets": {"baseline_year", "baseline_value", "measure_indicator_id", "measure_breakdown", "measure_since",
                "measure_scope", "scope", "unmeasured_en", "unmeasured_zh"},
}
NULLABLE = {
    "sources": {"publisher", "published", "url", "document", "note"},
    "indicators": set(),
    "plans": set(),
    "targets": set(),
}
ID_FIELD = {"sources": "source_id", "indicators": "indicator_id", "plans": "plan_id"}
REQUIRED_INDICATORS = [
    "cnc_rate", "design_tool_penetration", "smart_factory_penetration", "talent_gap", "talent_demand",
    "pilot_projects", "demonstration_factories", "equipment_domestic_share", "software_domestic_share",
    "standards", "solution_providers_1bn", "solution_providers", "equipment_types", "test_platforms",
    "service_platforms", "benchmark_enterprises", "pilot_productivity_gain", "pilot_cost_reduction",
    "pilot_rd_cycle_reduction", "pilot_defect_reduction", "pilot_energy_gain", "ii_development_index",
    "ii_development_level", "excellent_smart_factories", "standards_made",
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
MEASURE_KINDS = {"level", "stock", "cumulative"}
CONFIDENCE = re.compile(r"\[(primary|press|reprint)\]")
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
def test_every_entry_has_the_schema_fields_and_no_others(name: str) -> None:
    for entry in load(name):
        assert set(SCHEMAS[name]) <= set(entry) <= set(SCHEMAS[name]) | OPTIONAL[name], entry


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
        assert s["url"] is None or s["url"].startswith(("https://", "http://")), s["source_id"]


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


def test_only_programme_and_standards_counts_are_flows_and_programme_flows_add_up_over_provinces() -> None:
    flows = {i["indicator_id"] for i in load("indicators") if i["accumulation"] == "flow"}
    sums = {i["indicator_id"] for i in load("indicators") if i["aggregation"] == "sum"}
    programmes = {"pilot_projects", "demonstration_factories", "excellent_smart_factories"}
    assert flows == programmes | {"standards_made"}  # national and industry standards have no provinces
    assert sums == programmes


def test_integration_level_and_index_are_distinct_scales() -> None:
    by_id = {i["indicator_id"]: i for i in load("indicators")}
    level, index = by_id["ii_development_level"], by_id["ii_development_index"]
    assert (level["value_kind"], level["aggregation"], level["accumulation"]) == ("index", "none", "level")
    assert "0–100" in level["name_en"] and level["name_zh"] == "两化融合发展水平"
    assert index["name_zh"] == "两化融合发展指数"


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
        assert (t.get("baseline_year") is None) == (t.get("baseline_value") is None), t


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
        if t.get("measure_indicator_id", t["indicator_id"]) in flows:
            assert "umulative" in (t["note"] or ""), t


# --- what measures each target ----------------------------------------------------------------------

def measure(t: dict[str, Any]) -> tuple[str, str, str, int | None]:
    return (t["measure_kind"], t.get("measure_indicator_id", t["indicator_id"]), t.get("measure_breakdown", ""),
            t.get("measure_since"))


def target(indicator: str, region: str, plan: str) -> dict[str, Any]:
    found = [t for t in load("targets")
             if (t["indicator_id"], t["region_code"], t["plan_id"]) == (indicator, region, plan)]
    assert len(found) == 1, (indicator, region, plan)
    return found[0]


def test_every_target_has_a_measure_that_can_be_read_the_way_it_says() -> None:
    accumulation = {i["indicator_id"]: i["accumulation"] for i in load("indicators")}
    for t in load("targets"):
        kind, indicator, _, since = measure(t)
        assert kind in MEASURE_KINDS and indicator in accumulation, t
        assert (kind == "cumulative") == (accumulation[indicator] == "flow"), t
        assert (kind == "cumulative") == (since is not None), t
        if since is not None:
            assert since <= t["target_year"], t


def test_every_target_note_says_what_measures_it() -> None:
    for t in load("targets"):
        assert t["note"] and len(t["note"]) >= 40, (t["indicator_id"], t["region_code"], t["plan_id"])


def test_unmeasured_reasons_come_in_both_languages_or_not_at_all() -> None:
    for t in load("targets"):
        en, zh = t.get("unmeasured_en"), t.get("unmeasured_zh")
        assert (en is None) == (zh is None), t
        if en is not None:
            assert en.endswith(".") and re.search(r"[\u4e00-\u9fff]", zh) and zh.endswith("。"), t


def test_high_level_providers_are_measured_only_by_a_count_of_high_level_providers() -> None:
    t = target("solution_providers", "100000", "imp_2021_2025")
    assert measure(t) == ("stock", "solution_providers", "high_level", None)
    assert "high-level" in t["unmeasured_en"] and "6,000+" in t["unmeasured_en"] and "高水平" in t["unmeasured_zh"]
    assert not [r for r in long_rows() if r["indicator"] == "solution_providers" and r["breakdown"] == "high_level"]


def test_standards_made_in_2021_2025_are_a_flow_since_2021_not_the_national_stock() -> None:
    t = target("standards", "100000", "imp_2021_2025")
    assert measure(t) == ("cumulative", "standards_made", "", 2021)
    assert "285" in t["unmeasured_en"] and "300+" in t["unmeasured_en"]
    assert not [r for r in long_rows() if r["indicator"] == "standards_made"]


def test_the_2016_plan_standards_target_is_judged_on_the_national_stock() -> None:
    assert measure(target("standards", "100000", "imp_2016_2020")) == ("stock", "standards", "", None)


@pytest.mark.parametrize(("plan", "value"), [("imp_2016_2020", 300), ("pilot_programme_2015", 100)])
def test_pilot_targets_count_every_batch_from_2015(plan: str, value: int) -> None:
    t = target("pilot_projects", "100000", plan)
    assert t["value"] == value and t["comparator"] == ">=" and t["target_year"] == 2020
    assert measure(t) == ("cumulative", "pilot_projects", "", 2015)


def test_the_2015_goal_of_100_pilot_projects_cites_seed_001_section_2_2() -> None:
    plan = next(p for p in load("plans") if p["plan_id"] == "pilot_programme_2015")
    source = next(s for s in load("sources") if s["source_id"] == plan["source_id"])
    assert plan["name_zh"] == "智能制造试点示范专项行动" and (plan["start_year"], plan["end_year"]) == (2016, 2020)
    assert source["document"] == "001_19ed599e81536bc1.txt" and source["locator"].startswith("二（二）")
    assert target("pilot_projects", "100000", "pilot_programme_2015")["source_id"] == plan["source_id"]


def test_demonstration_factories_are_counted_from_the_first_batch_of_2021() -> None:
    assert measure(target("demonstration_factories", "100000", "imp_2021_2025")) == (
        "cumulative", "demonstration_factories", "", 2021)


def test_liaonings_cnc_target_is_judged_only_on_equipment_makers() -> None:
    t = target("cnc_rate", "210000", "liaoning_digital_2021_2023")
    assert (t["comparator"], t["value"], t["target_year"]) == (">=", 70, 2023)
    assert t["measure_scope"] == "规上装备制造业企业" and t["unmeasured_en"]
    assert not [r for r in long_rows() if r["indicator"] == "cnc_rate" and r["scope"] == t["measure_scope"]]


def test_a_measure_scope_is_set_where_a_target_names_a_narrower_or_different_population() -> None:
    narrowed = {(t["indicator_id"], t["region_code"], t["target_year"]) for t in load("targets")
                if t.get("measure_scope")}
    assert narrowed == {
        ("cnc_rate", "100000", 2020), ("design_tool_penetration", "100000", 2020),  # key manufacturing fields
        ("cnc_rate", "100000", 2027), ("design_tool_penetration", "100000", 2027),  # above designated size
        ("cnc_rate", "210000", 2023), ("design_tool_penetration", "210000", 2023),
        ("cnc_rate", "640000", 2027), ("design_tool_penetration", "640000", 2027),
        ("cnc_rate", "620000", 2027), ("design_tool_penetration", "620000", 2027),
        ("cnc_rate", "150000", 2025), ("cnc_rate", "110000", 2026),
        ("pilot_cost_reduction", "100000", 2020), ("pilot_rd_cycle_reduction", "100000", 2020),
        ("pilot_productivity_gain", "100000", 2020), ("pilot_defect_reduction", "100000", 2020),
        ("pilot_energy_gain", "100000", 2020),
    }


ABOVE_SIZE = "规模以上工业企业"


def test_every_target_counting_enterprises_above_designated_size_is_judged_only_on_that_population() -> None:
    named = [t for t in load("targets") if ABOVE_SIZE in (t.get("scope") or "")]
    assert len(named) == 8
    for t in named:
        assert t.get("measure_scope") == ABOVE_SIZE == t["scope"], (t["indicator_id"], t["region_code"])
    spelled = {(r["indicator"], r["scope"]) for r in long_rows()}  # the spelling the observations use
    assert {(t["indicator_id"], ABOVE_SIZE) for t in named} <= spelled


def test_a_measure_scope_is_spelled_as_the_observations_of_its_indicator_spell_it_where_any_do() -> None:
    spelled = {(r["indicator"], r["scope"]) for r in long_rows()}
    unmatched = {(t["indicator_id"], t["measure_scope"]) for t in load("targets") if t.get("measure_scope")} - spelled
    assert unmatched == {("cnc_rate", "规上装备制造业企业"), ("cnc_rate", "重点产业领域")}  # no figure of these yet


def test_liaonings_design_tool_target_is_not_judged_on_all_industrial_enterprises() -> None:
    t = target("design_tool_penetration", "210000", "liaoning_digital_2021_2023")
    rows = [r for r in long_rows() if (r["indicator"], r["region"]) == ("design_tool_penetration", "210000")]
    assert [(float(r["value"]), r["scope"]) for r in rows] == [(77.2, "全省工业企业")]
    assert t["measure_scope"] == ABOVE_SIZE and "77.2" in t["note"] and "全省工业企业" in t["note"]
    assert "unmeasured_en" not in t  # the card names the population found by itself


def test_the_2025_platform_adoption_target_is_measured_by_the_national_data_map() -> None:
    t = target("industrial_internet_penetration", "100000", "ii_2021_2025")
    assert "unmeasured_en" not in t and "unmeasured_zh" not in t and not t.get("measure_scope")
    assert "14.67" in t["note"] and "17.5" in t["note"] and "[reprint]" in t["note"]
    rows = [r for r in long_rows() if (r["indicator"], r["region"]) == ("industrial_internet_penetration", "100000")]
    assert sorted((int(r["year"]), float(r["value"]), r["status"], r["scope"]) for r in rows) == [
        (2020, 14.67, "reported", ""), (2021, 17.5, "reported", "")]
    source = next(s for s in load("sources") if s["source_id"] == rows[0]["source"])
    assert source["publisher"] == "国家工业信息安全发展研究中心" and "[reprint]" in source["note"]
    assert all("[reprint]" in r["note"] for r in rows)


# --- provincial targets -----------------------------------------------------------------------------

PROVINCIAL_TARGETS = {  # (indicator, region, year): (comparator, value)
    ("design_tool_penetration", "130000", 2020): (">=", 65), ("cnc_rate", "130000", 2020): (">=", 52),
    ("design_tool_penetration", "640000", 2020): (">=", 62), ("cnc_rate", "640000", 2022): (">=", 56),
    ("design_tool_penetration", "640000", 2022): (">=", 60), ("cnc_rate", "640000", 2027): (">=", 70),
    ("design_tool_penetration", "640000", 2027): (">=", 68), ("ii_development_level", "640000", 2027): (">=", 66),
    ("design_tool_penetration", "210000", 2023): (">=", 84), ("cnc_rate", "210000", 2023): (">=", 70),
    ("cnc_rate", "150000", 2025): (">=", 68), ("cnc_rate", "110000", 2026): (">=", 70),
    ("cnc_rate", "620000", 2027): (">=", 70), ("design_tool_penetration", "620000", 2027): (">=", 80),
    ("ii_development_index", "370000", 2025): (">=", 125), ("cnc_rate", "500000", 2027): (">=", 65),
    ("design_tool_penetration", "500000", 2027): (">=", 87),
}


def test_every_provincial_target_of_the_reference_list_is_present_and_no_other() -> None:
    provincial = {(t["indicator_id"], t["region_code"], t["target_year"]): (t["comparator"], t["value"])
                  for t in load("targets") if t["region_code"] != "100000"}
    assert provincial == PROVINCIAL_TARGETS


def test_provincial_target_sources_carry_a_confidence_tag_and_a_locator() -> None:
    sources = {s["source_id"]: s for s in load("sources")}
    for t in load("targets"):
        if t["region_code"] != "100000":
            s = sources[t["source_id"]]
            assert CONFIDENCE.search(s["note"]) and s["url"] and s["locator"], s["source_id"]


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



# --- real provincial figures ------------------------------------------------------------------------

def province_rows() -> list[dict[str, str]]:
    return [r for r in long_rows() if r["_where"].startswith("raw/province_figures.csv")]


def test_province_figures_come_before_the_generated_panels_in_the_manifest() -> None:
    files = [entry["file"] for entry in manifest()]
    first_generated = min(i for i, entry in enumerate(manifest()) if entry["file"] in {
        "raw/pilot_projects_province.csv", "raw/province_cnc_rate_2015_2024.csv",
        "raw/province_design_tool_penetration_2015_2024.xlsx"})
    assert files.index("raw/province_figures.csv") < first_generated


def test_province_figures_are_real_tagged_and_cite_their_publisher() -> None:
    sources = {s["source_id"]: s for s in load("sources")}
    for row in province_rows():
        s = sources[row["source"]]
        assert row["status"] in {"reported", "estimated"}, row["_where"]
        assert CONFIDENCE.search(row["note"]), f"{row['_where']}: keep the confidence tag in the note"
        assert not re.search(r"\[(secondary|low)\]", row["note"]), row["_where"]
        assert CONFIDENCE.search(s["note"]) and s["publisher"] and s["url"], s["source_id"]
        if "[reprint]" in s["note"]:
            assert "reprint" in s["note"].split("]", 1)[1], f"{s['source_id']}: say the url is a reprint"


@pytest.mark.parametrize(("indicator", "region", "year", "value", "status"), [
    ("cnc_rate", "610000", 2019, 47.7, "reported"),
    ("design_tool_penetration", "610000", 2019, 64, "reported"),
    ("cnc_rate", "630000", 2021, 52.6, "reported"),
    ("industrial_internet_penetration", "630000", 2021, 10.5, "reported"),
    ("cnc_rate", "500000", 2021, 56.6, "reported"),
    ("design_tool_penetration", "500000", 2021, 77.8, "reported"),
    ("management_digital_penetration", "500000", 2021, 67.6, "reported"),
    ("cnc_rate", "210000", 2022, 59.7, "reported"),
    ("design_tool_penetration", "210000", 2022, 77.2, "reported"),
    ("cnc_rate", "140000", 2022, 59.6, "reported"),
    ("cnc_rate", "520000", 2025, 65, "reported"),
    ("design_tool_penetration", "520000", 2025, 81, "reported"),
    ("cnc_rate", "520000", 2020, 38.4, "estimated"),
    ("design_tool_penetration", "520000", 2020, 55, "estimated"),
    ("ii_development_level", "500000", 2020, 58.6, "reported"),
    ("ii_development_level", "500000", 2021, 60.7, "reported"),
    ("ii_development_level", "320000", 2023, 67.9, "reported"),
    ("ii_development_level", "140000", 2022, 54.1, "reported"),
    ("ii_development_index", "370000", 2021, 115.9, "reported"),
    ("excellent_smart_factories", "100000", 2024, 235, "reported"),
    ("excellent_smart_factories", "370000", 2024, 22, "reported"),
    ("excellent_smart_factories", "370000", 2025, 27, "estimated"),
])
def test_each_shippable_provincial_figure_is_shipped_once(indicator: str, region: str, year: int, value: float,
                                                        status: str) -> None:
    found = [r for r in province_rows() if (r["indicator"], r["region"], int(r["year"])) == (indicator, region, year)]
    assert [(float(r["value"]), r["status"]) for r in found] == [(value, status)]


def test_province_figures_hold_nothing_else() -> None:
    assert len(province_rows()) == 22


def test_shandongs_2025_excellent_factories_are_estimated_and_state_their_assumption() -> None:
    row = next(r for r in province_rows()
               if (r["indicator"], r["region"], r["year"]) == ("excellent_smart_factories", "370000", "2025"))
    assert row["status"] == "estimated" and row["as_of"] == "2025-11-07"
    assert "49" in row["note"] and "22" in row["note"] and "= 27" in row["note"]
    assert "Assumes that every recognition after the first batch came in the 2025 batch" in row["note"]


def test_fujians_demonstration_factories_cite_the_list_and_say_how_the_count_is_known() -> None:
    row = next(r for r in long_rows() if r["indicator"] == "demonstration_factories" and r["region"] == "350000")
    source = next(s for s in load("sources") if s["source_id"] == row["source"])
    assert float(row["value"]) == 10 and source["publisher"].startswith("工业和信息化部")
    assert "[reprint]" in source["note"] and CONFIDENCE.search(row["note"]).group(0) == "[reprint]"


def test_provincial_rows_outside_province_figures_carry_a_confidence_tag_too() -> None:
    provincial = [r for r in long_rows() if r["region"] != "100000" and r["status"] in {"reported", "estimated"}]
    untagged = [r["_where"] for r in provincial if not CONFIDENCE.search(r["note"])
                and r["source"] != "miit_pilot_2018_notice"]  # the ministry's own notice, not a copy
    assert untagged == []


# --- corrections of the seed audit ----------------------------------------------------------------

def national_row(indicator: str, year: int, source: str) -> dict[str, str]:
    found = [r for r in long_rows() if (r["indicator"], r["region"], int(r["year"]), r["source"]) == (
        indicator, "100000", year, source)]
    assert len(found) == 1
    return found[0]


def test_nearly_200_test_platforms_is_an_estimated_upper_bound_not_a_reported_count() -> None:
    row = national_row("test_platforms", 2021, "seed004_standards")
    assert (float(row["value"]), row["status"]) == (200, "estimated")
    assert "upper bound" in row["note"].lower() and "below 200" in row["note"]


def test_design_tool_penetration_2019_claims_no_reference_date() -> None:
    row = national_row("design_tool_penetration", 2019, "scio_2019_09_miao_wei")
    assert row["as_of"] == "" and row["scope"] == ""
    assert "neither a statistical scope nor a reference date" in row["note"] and "no as_of is claimed" in row["note"]


def test_derived_2012_design_tool_value_has_no_scope_and_says_it_is_uncertain() -> None:
    row = national_row("design_tool_penetration", 2012, "scio_2022_06_14")
    assert row["scope"] == "" and "uncertain" in row["note"]


def test_the_china_this_decade_conference_is_cited_to_the_cpc_publicity_department() -> None:
    s = next(s for s in load("sources") if s["source_id"] == "scio_2022_06_14")
    assert s["publisher"].startswith("中共中央宣传部") and "国务院新闻办公室" not in s["publisher"] + s["title"]


def test_tian_yulong_spoke_as_chief_engineer_and_spokesperson() -> None:
    s = next(s for s in load("sources") if s["source_id"] == "scio_2022_02_28")
    assert "总工程师" in s["title"] and "新闻发言人" in s["title"] and "副部长" not in s["title"]


# --- our own words: nothing shipped repeats a quote of the reference list -----------------------------

# shared/ stands beside the checkout (in CI too); the workplace keeps its own copy at /work/shared
_REFERENCE_DIRS = [Path(d) for d in (os.environ.get("IMM_REFERENCE_DIR"),) if d] + [
    ROOT.parent / "shared" / "reference", Path("/work/shared/reference")]
REFERENCE = next((d for d in _REFERENCE_DIRS if d.is_dir()), _REFERENCE_DIRS[0]) / "province-figures.md"
SHARED_MIN = 12  # characters in common with a quote that make a copy
HEADLINE_NAMES = (  # indicator names as the plans and releases word them, beyond config/indicators.yaml
    "关键工序数控化率", "关键工序制造装备数控化率", "数字化研发设计工具普及率", "经营管理数字化普及率",
    "工业互联网平台应用普及率", "工业互联网平台普及率", "两化融合发展水平指数", "两化融合发展水平", "两化融合发展指数",
    "信息化和工业化融合发展指数",
)
NAMED = "§"  # stands for a skipped name or title: it neither counts nor breaks a shared run


@cache
def skipped_names() -> tuple[str, ...]:
    """Indicator names and official titles (sources, plans): shared with a quote without being copied from it."""
    names = {*HEADLINE_NAMES, *(i["name_zh"] for i in load("indicators")), *(s["title"] for s in load("sources")),
             *(p["name_zh"] for p in load("plans"))}
    return tuple(sorted({_plain(n) for n in names}, key=len, reverse=True))


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))  # full-width punctuation and digits folded


def comparable(text: str) -> str:
    text = re.sub(r"《[^》]*》|“[^”]*”", NAMED, _plain(text))  # titles of lists and documents
    for name in skipped_names():
        text = text.replace(name, NAMED)
    return text


@cache
def quoted_runs() -> dict[str, str]:
    """Every SHARED_MIN-character run of the reference list's quotes (names skipped), mapped to its quote."""
    if not REFERENCE.is_file():
        if os.environ.get("CI"):  # CI always has shared/: a missing list there is a broken check, not a skip
            pytest.fail(f"the reference list {REFERENCE} is missing")
        pytest.skip(f"the reference list {REFERENCE} is not on this machine (set IMM_REFERENCE_DIR)")
    runs: dict[str, str] = {}
    column = None
    for line in REFERENCE.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("|") else None
        if cells is None or "quote" in cells:
            column = cells.index("quote") if cells else None
            continue
        if column is None or re.fullmatch(r"[-\s|]+", line) or cells[column].startswith("("):
            continue  # the rule under the header, and "(same sentence as above)"
        quote = comparable(cells[column])
        for i in range(len(quote) - SHARED_MIN + 1):
            if quote[i:i + SHARED_MIN].strip(NAMED):
                runs.setdefault(quote[i:i + SHARED_MIN], cells[column])
    assert len(set(runs.values())) >= 20, "the quote column of the reference list was not found"
    return runs


def copied(text: str) -> str | None:
    """The first run ``text`` shares with a quote (the longest common substring reaches SHARED_MIN), if any."""
    plain = comparable(text)
    return next((plain[i:i + SHARED_MIN] for i in range(len(plain) - SHARED_MIN + 1)
                 if plain[i:i + SHARED_MIN] in quoted_runs()), None)


def shipped_texts(where: str) -> list[tuple[str, str]]:
    if where == "rows":
        return [(r["_where"], r["note"]) for r in long_rows()]
    if where == "docs":
        return [(name, (ROOT / name).read_text(encoding="utf-8")) for name in ("README.md", "data/README.md")]
    fields = {"sources": ("title", "locator", "note"), "targets": ("note", "scope", "unmeasured_en", "unmeasured_zh"),
              "indicators": ("definition", "scope")}[where]
    return [(f"{where}: {e[ID_FIELD.get(where, 'indicator_id')]}", e[f]) for e in load(where) for f in fields
            if e.get(f)]


@pytest.mark.parametrize("where", ["sources", "targets", "indicators", "rows", "docs"])
def test_notes_titles_and_locators_are_our_own_words_not_quotes_of_the_reference_list(where: str) -> None:
    copies = [(name, run, quoted_runs()[run]) for name, text in shipped_texts(where) if (run := copied(text))]
    assert copies == []


def test_the_copy_check_catches_a_copied_quote_but_not_names_and_titles() -> None:
    quotes = set(quoted_runs().values())  # read from the reference at run time: no quote is kept in this file
    for number in ("59.7", "59.6", "52.6"):  # quotes that are mostly indicator names and numbers
        quote = next(q for q in quotes if number in q)
        assert copied(f"[reprint] As stated: {quote}."), number
        assert copied(quote.replace(",", "\uff0c").replace("%", "\uff05")), number  # full-width forms too
    ours = "规模以上工业企业数字化研发设计工具普及率与关键工序数控化率；《甘肃省推进工业领域设备更新专项行动方案》"
    assert not copied(ours)  # names and a document title, however long, are not a copy


def test_every_count_and_head_count_names_its_unit_word_in_both_languages() -> None:
    for entry in load("indicators"):
        if entry["unit"] in ("count", "persons"):
            assert entry.get("unit_zh") and entry.get("unit_en"), entry["indicator_id"]
