"""The sources and data-quality pages, called as plain functions: what they list is exactly what the warehouse holds."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import dash
import duckdb
import pandas as pd
import pytest
import yaml
from component_tree import prop, text_of, walk
from dash.development.base_component import Component

from dashboard import data, ids
from dashboard.i18n import language, t
from pipelines.ingest import ingest_file
from pipelines.warehouse import Warehouse

REPO = Path(__file__).resolve().parents[2]
RANK = {"reported": 0, "estimated": 1, "projected": 2, "illustrative": 3}  # which status describes a cell
BAD_CSV = (
    "indicator,region,year,value\n"
    "cnc_rate,Atlantis,2020,50\n"  # unknown region
    "cnc_rate,江苏,2020,150\n"  # a share above 100
    "cnc_rate,江苏,20x,40\n"  # not a year
    "design_tool_penetration,浙江,2019,NA\n"  # no value: skipped
    "cnc_rate,浙江,2020,61.5\n"  # loaded
)


# -- helpers ---------------------------------------------------------------------------------------
def by_id(tree: Any, component_id: str) -> Component:
    return next(c for c in walk(tree) if getattr(c, "id", None) == component_id)


def by_id_class(tree: Any, class_name: str) -> Component:
    return next(c for c in walk(tree) if prop(c, "className") == class_name)


def with_prop(tree: Any, key: str) -> list[Component]:
    return [c for c in walk(tree) if prop(c, key) is not None]


def rows(db: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


@pytest.fixture
def sources(app: dash.Dash, client: Any) -> ModuleType:
    """The page module as Dash loaded it (``pages.sources``); importing it afresh would register it twice."""
    return sys.modules["pages.sources"]


@pytest.fixture
def quality(app: dash.Dash, client: Any) -> ModuleType:
    return sys.modules["pages.quality"]


@pytest.fixture
def serving(shipped_warehouse: Path) -> Iterator[Any]:
    """Call with a warehouse file to have the pages read it; the shipped warehouse is served again afterwards."""
    yield data.use
    data.use(shipped_warehouse)


@pytest.fixture
def rejecting_warehouse(empty_warehouse: Path, tmp_path: Path) -> Path:
    """The catalogue plus one ingest run of a small file with three bad rows, one blank value and one good row."""
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD_CSV, encoding="utf-8")
    ingest_file(bad, empty_warehouse)
    return empty_warehouse


# -- /sources --------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sources_lists_every_indicator_and_every_target_in_the_warehouse(
    sources: ModuleType, shipped_warehouse: Path, lang: str,
) -> None:
    with language(lang):
        page = sources.layout()
    sections = [prop(c, "data-indicator") for c in walk(page) if prop(c, "className") == "src-section src-indicator"]
    assert sections == [r[0] for r in rows(shipped_warehouse, "SELECT indicator_id FROM indicators ORDER BY rowid")]
    assert all(by_id(page, ids.SOURCES_INDICATOR + iid) for iid in sections)  # the anchors other pages link to
    listed = sorted((prop(c, "data-indicator"), prop(c, "data-region"), prop(c, "data-plan"), int(prop(c, "data-year")))
                    for c in walk(page) if prop(c, "className") == "src-target")
    assert listed == sorted(rows(shipped_warehouse,
                                 "SELECT indicator_id, region_code, plan_id, target_year FROM targets"))
    toc = [prop(c, "href") for c in walk(by_id_class(page, "src-toc")) if prop(c, "href")]
    assert [h for h in toc if h.startswith("#indicator-")] == [f"#indicator-{iid}" for iid in sections]


def test_an_indicator_section_gives_definition_unit_direction_scope_and_linked_sources(
    sources: ModuleType, shipped_warehouse: Path,
) -> None:
    with language("en"):
        section = by_id(sources.layout(), "indicator-cnc_rate")
    text = text_of(section)
    definition, scope = rows(shipped_warehouse,
                             "SELECT definition, scope FROM indicators WHERE indicator_id = 'cnc_rate'")[0]
    assert "Key-process CNC rate" in text and definition in text and scope in text
    assert "share, 0–100 %" in text and "Better when" in text and "higher" in text
    cited = rows(shipped_warehouse, """
        SELECT DISTINCT s.source_id, s.title, s.url FROM sources s
        WHERE s.source_id IN (SELECT unnest(source_ids) FROM indicators WHERE indicator_id = 'cnc_rate')
           OR s.source_id IN (SELECT source_id FROM observations WHERE indicator_id = 'cnc_rate')""")
    listed = {prop(c, "data-source") for c in walk(section) if prop(c, "data-source")}
    assert listed == {source_id for source_id, _, _ in cited}
    links = {prop(c, "href") for c in walk(section) if isinstance(c, dash.html.A)}
    assert {url for _, _, url in cited if url} <= links
    assert all(title in text for _, title, _ in cited)


def test_every_target_row_gives_plan_section_measure_scope_and_the_reasoning(
    sources: ModuleType, shipped_warehouse: Path,
) -> None:
    with language("en"):
        page = sources.layout()
        targets = Warehouse(shipped_warehouse).targets()
        for tg in targets.itertuples():
            row = by_id(page, sources.target_anchor(tg))
            text = text_of(row)
            assert tg.plan_name_en in text and tg.source_locator in text
            for value in (tg.note, tg.scope):
                if isinstance(value, str):
                    assert value in text
            if isinstance(tg.unmeasured_en, str):
                assert f"Not measured: {tg.unmeasured_en}" in text
    cumulative = targets[targets["measure_kind"] == "cumulative"].iloc[0]
    with language("en"):
        assert f"batches summed from {int(cumulative.measure_since)} on" in text_of(
            by_id(page, sources.target_anchor(cumulative)))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_method_and_every_status_are_explained(sources: ModuleType, lang: str) -> None:
    with language(lang):
        page = sources.layout()
        methods = text_of(by_id(page, ids.SOURCES_METHODS))
        assert t("board.method.body") in methods
        for key in ("achieved", "on_track", "moderate", "insufficient", "moving_away", "no_trend", "not_measured",
                    "no_real_data"):
            assert t(f"status.{key}") in methods and t(f"sources.status.{key}") in methods
        values = text_of(by_id(page, ids.SOURCES_VALUES))
        assert all(t(f"sources.value.{s}") in values for s in ("reported", "estimated", "projected", "illustrative"))


def test_illustrative_data_is_explained_with_its_sources_and_the_way_to_replace_it(
    sources: ModuleType, shipped_warehouse: Path,
) -> None:
    with language("en"):
        section = by_id(sources.layout(), ids.SOURCES_ILLUSTRATIVE)
    generated = rows(shipped_warehouse, """
        SELECT s.source_id, count(o.source_id) FROM sources s LEFT JOIN observations o USING (source_id)
        WHERE s.kind = 'illustrative' GROUP BY ALL""")
    assert generated and {prop(c, "data-source") for c in with_prop(section, "data-source")} == {
        source_id for source_id, _ in generated}
    assert all(f"{n} values" in text_of(section) for _, n in generated)
    assert "python -m pipelines ingest" in text_of(section)
    links = [prop(c, "href") for c in walk(section) if isinstance(c, dash.dcc.Link)]
    assert "/guide/ingest?lang=en" in links and "/quality?lang=en" in links  # links keep the visitor's language


@pytest.mark.parametrize(("published", "zh", "en"), [
    ("2021", "2021", "2021"), ("2021-11", "2021年11月", "Nov 2021"), ("2021-11-30", "2021年11月30日", "30 Nov 2021"),
    (None, "—", "—"),
])
def test_source_dates_are_written_the_visitors_way(sources: ModuleType, published: str | None, zh: str,
                                                    en: str) -> None:
    for lang, expected in (("zh", zh), ("en", en)):
        with language(lang):
            assert sources.published_label(published) == expected


@pytest.mark.parametrize(("href", "zh", "en"), [
    ("/sources#indicator-cnc_rate", "/sources#indicator-cnc_rate", "/sources?lang=en#indicator-cnc_rate"),
    ("/quality?indicator=talent_gap", "/quality?indicator=talent_gap", "/quality?indicator=talent_gap&lang=en"),
])
def test_links_between_pages_keep_the_visitors_language(sources: ModuleType, href: str, zh: str, en: str) -> None:
    with language("zh"):
        assert sources.localised(href) == zh
    with language("en"):
        assert sources.localised(href) == en


def test_the_catalogue_keeps_the_order_of_the_config_file(shipped_warehouse: Path) -> None:
    config = yaml.safe_load((REPO / "config" / "indicators.yaml").read_text(encoding="utf-8"))
    entries = config["indicators"] if isinstance(config, dict) else config
    assert list(Warehouse(shipped_warehouse).catalogue()["indicator_id"]) == [e["indicator_id"] for e in entries]


# -- /quality: coverage ----------------------------------------------------------------------------
def expected_grid(db: Path, indicator_id: str) -> dict[tuple[str, int], str]:
    """The cell statuses computed straight from the observations, independently of the page's query."""
    best: dict[tuple[str, int], str] = {}
    for region, year, status in rows(db, "SELECT region_code, year, status FROM observations "
                                         "WHERE indicator_id = ? AND breakdown = ''", [indicator_id]):
        if (region, year) not in best or RANK[status] < RANK[best[region, year]]:
            best[region, year] = status
    lo, hi = rows(db, "SELECT min(year), max(year) FROM observations")[0]
    regions = [r for (r,) in rows(db, "SELECT region_code FROM regions ORDER BY region_code")]
    return {(r, y): best.get((r, y), "missing") for r in regions for y in range(lo, hi + 1)}


def rendered_grid(section: Any) -> dict[tuple[str, int], str]:
    table = by_id_class(section, "cov-table")
    years = [int(text_of(th)) for th in table.children[0].children.children[1:]]
    return {(prop(tr, "data-region"), year): prop(td, "data-status")
            for tr in table.children[1].children for year, td in zip(years, tr.children[1:], strict=True)}


@pytest.mark.parametrize("indicator_id", ["cnc_rate", "design_tool_penetration", "pilot_projects", "talent_gap"])
def test_coverage_cells_equal_a_direct_query_of_the_warehouse(
    quality: ModuleType, shipped_warehouse: Path, indicator_id: str,
) -> None:
    section, state = quality.show_coverage(indicator_id)
    expected = expected_grid(shipped_warehouse, indicator_id)
    assert rendered_grid(section) == expected
    legend = {prop(li, "data-status"): int(prop(li, "data-count")) for li in walk(section)
              if isinstance(li, dash.html.Li)}
    assert legend == {s: list(expected.values()).count(s) for s in quality.CELL_STATUSES}
    assert state == {"path": "/quality", "query": f"?indicator={indicator_id}"}


def test_a_real_value_wins_its_cell_over_an_illustrative_one_and_the_tooltip_names_both(
    quality: ModuleType, rejecting_warehouse: Path, tmp_path: Path, serving: Any,
) -> None:
    generated = tmp_path / "generated.csv"
    generated.write_text("indicator,region,year,value\ncnc_rate,浙江,2020,58\ncnc_rate,浙江,2021,59\n",
                         encoding="utf-8")
    ingest_file(generated, rejecting_warehouse, status="illustrative")
    serving(rejecting_warehouse)
    with language("en"):
        section, _ = quality.show_coverage("cnc_rate")
    grid = rendered_grid(section)
    assert grid["330000", 2020] == "reported" and grid["330000", 2021] == "illustrative"
    cell = next(c for c in walk(section)
                if isinstance(c, dash.html.Td) and "Zhejiang, 2020" in (prop(c, "title") or ""))
    assert prop(cell, "title") == "Zhejiang, 2020: Reported — 2 values: Illustrative, Reported" and cell.children == "R"
    assert rendered_grid(section) == expected_grid(rejecting_warehouse, "cnc_rate")


def test_the_coverage_grid_marks_what_is_absent_as_missing(quality: ModuleType) -> None:
    coverage = pd.DataFrame({"region_code": ["100000", "100000", "320000"], "year": [2020, 2021, 2020],
                             "status": ["reported", "estimated", "illustrative"]})
    grid = quality.coverage_grid(coverage, ["100000", "320000", "330000"], [2020, 2021])
    assert grid.to_dict("index") == {"100000": {2020: "reported", 2021: "estimated"},
                                     "320000": {2020: "illustrative", 2021: "missing"},
                                     "330000": {2020: "missing", 2021: "missing"}}


def test_an_indicator_with_only_broken_down_values_says_so(quality: ModuleType) -> None:
    with language("en"):
        section, _ = quality.show_coverage("maturity_level_share")
    assert text_of(section) == t("quality.no_plain", "en")


def test_an_unknown_indicator_in_the_address_shows_the_headline_one(quality: ModuleType) -> None:
    page = quality.layout(indicator=["nope", "also_nope"])
    assert by_id(page, ids.QUALITY_INDICATOR).value == "cnc_rate"
    assert by_id(quality.layout(indicator="talent_gap"), ids.QUALITY_INDICATOR).value == "talent_gap"


# -- /quality: counts, run log, rejected rows --------------------------------------------------------
def stats(page: Any) -> dict[str, int]:
    return {prop(c, "data-stat"): int(prop(c, "data-count")) for c in with_prop(page, "data-stat")}


def run_rows(page: Any) -> list[list[str]]:
    table = by_id_class(by_id(page, ids.QUALITY_RUNS), "q-table q-runs")
    return [[text_of(td) for td in tr.children] for tr in table.children[1].children]


def assert_page_matches(page: Any, db: Path) -> None:
    by_status = dict(rows(db, "SELECT status, count(*) FROM observations GROUP BY status"))
    [(runs,)] = rows(db, "SELECT count(*) FROM ingest_runs")
    [(rejected,)] = rows(db, "SELECT count(*) FROM rejected_rows")
    assert stats(page) == {"reported": by_status.get("reported", 0), "estimated": by_status.get("estimated", 0),
                           "illustrative": by_status.get("illustrative", 0),
                           "projected": by_status.get("projected", 0), "total": sum(by_status.values()),
                           "runs": runs, "rejected": rejected}
    expected = rows(db, """SELECT run_id, file_name, rows_read, rows_loaded, rows_revised, rows_rejected, rows_skipped
                           FROM ingest_runs ORDER BY run_id DESC""")
    shown = run_rows(page)
    assert [int(r[0]) for r in shown] == [e[0] for e in expected]
    assert [r[2].startswith(e[1]) for r, e in zip(shown, expected, strict=True)] == [True] * len(expected)
    assert [[int(v.replace(",", "")) for v in r[4:9]] for r in shown] == [list(e[2:]) for e in expected]


def test_counts_and_the_run_log_equal_the_shipped_warehouse(quality: ModuleType, shipped_warehouse: Path) -> None:
    with language("en"):
        page = quality.layout()
    assert_page_matches(page, shipped_warehouse)
    assert text_of(with_prop(by_id(page, ids.QUALITY_REJECTED), "data-count")[0]) == "No row has been rejected."


def test_rejected_rows_are_listed_with_their_reasons_and_counted(
    quality: ModuleType, rejecting_warehouse: Path, serving: Any,
) -> None:
    serving(rejecting_warehouse)
    with language("en"):
        page = quality.layout()
    assert_page_matches(page, rejecting_warehouse)
    [(outcome,)] = rows(rejecting_warehouse, "SELECT outcome FROM ingest_runs WHERE command = 'ingest'")
    assert outcome == "partial" and run_rows(page)[0][9] == "partly rejected"
    section = by_id(page, ids.QUALITY_REJECTED)
    table = by_id_class(section, "q-table q-rejected")
    shown = [[text_of(td) for td in tr.children] for tr in table.children[1].children]
    expected = rows(rejecting_warehouse, "SELECT run_id, row_number, column_name, raw, reason FROM rejected_rows "
                                         "ORDER BY row_number")
    assert len(expected) == 3
    assert shown == [[str(r), "bad.csv", str(n), c, raw, reason] for r, n, c, raw, reason in expected]
    assert text_of(with_prop(section, "data-count")[0]).startswith("3 rejected rows, newest run first.Correct")


def test_a_long_list_of_rejected_rows_is_capped_and_says_how_many_there_are(
    quality: ModuleType, rejecting_warehouse: Path, serving: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    serving(rejecting_warehouse)
    monkeypatch.setattr(quality, "REJECTED_SHOWN", 2)
    with language("en"):
        section = by_id(quality.layout(), ids.QUALITY_REJECTED)
    assert len(by_id_class(section, "q-table q-rejected").children[1].children) == 2
    assert text_of(with_prop(section, "data-count")[0]).startswith(
        "3 rejected rows, newest run first; the first 2 are shown.")


def test_warehouse_methods_count_exactly_what_the_tables_hold(rejecting_warehouse: Path) -> None:
    wh = Warehouse(rejecting_warehouse)
    assert wh.rejected_count() == 3 and len(wh.rejected_rows()) == 3 and len(wh.rejected_rows(limit=1)) == 1
    assert wh.status_counts() == {"reported": 1}
    assert list(wh.ingest_runs()["rows_read"]) == [5]
    assert wh.coverage("cnc_rate").to_dict("records") == [
        {"region_code": "330000", "year": 2020, "status": "reported", "statuses": ["reported"], "n_rows": 1}]


@pytest.mark.parametrize("page_name", ["sources", "quality"])
def test_a_missing_warehouse_shows_the_notice_not_a_traceback(
    page_name: str, app: dash.Dash, client: Any, tmp_path: Path, serving: Any,
) -> None:
    serving(tmp_path / "missing.duckdb")
    page = sys.modules[f"pages.{page_name}"]
    with language("en"):
        layout = page.layout()
        assert any(prop(c, "className") == "error-panel" for c in walk(layout))
        if page_name == "quality":
            assert by_id(layout, ids.QUALITY_INDICATOR).value is None  # the callback then does nothing
            with pytest.raises(dash.exceptions.PreventUpdate):
                page.show_coverage(None)


@pytest.mark.parametrize(("lang", "sources_title", "quality_title"), [
    ("zh", "数据来源与方法说明", "数据质量"), ("en", "Sources and methodology", "Data quality")])
def test_both_pages_speak_the_visitors_language(
    sources: ModuleType, quality: ModuleType, lang: str, sources_title: str, quality_title: str,
) -> None:
    with language(lang):
        assert text_of(next(c for c in walk(sources.layout()) if isinstance(c, dash.html.H1))) == sources_title
        assert text_of(next(c for c in walk(quality.layout()) if isinstance(c, dash.html.H1))) == quality_title
