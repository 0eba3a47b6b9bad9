"""The sources and data-quality pages in real headless Chromium, on a shipped warehouse with one bad file ingested."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import duckdb
import pytest
from browsing import serve_dashboard, wait
from selenium import webdriver
from selenium.webdriver.common.by import By

from pipelines.ingest import ingest_file

pytestmark = pytest.mark.browser
BAD_CSV = (
    "indicator,region,year,value\n"
    "cnc_rate,Atlantis,2020,50\n"
    "cnc_rate,江苏,2020,150\n"
    "cnc_rate,江苏,20x,40\n"
    "design_tool_penetration,浙江,2019,NA\n"
    "cnc_rate,浙江,2020,61.5\n"  # a real value in a cell the illustrative panel also fills
)
SIZES = ((1280, 720), (1920, 1080))
# Cell statuses as the page draws them, and the same computed straight from the observations.
CELLS_JS = """
const table = document.querySelector('#quality-coverage .cov-table');
const years = [...table.querySelectorAll('thead th')].slice(1).map(th => th.textContent);
return Object.fromEntries([...table.querySelectorAll('tbody tr')].flatMap(tr => {
  return [...tr.querySelectorAll('td')].map((td, i) => [tr.dataset.region + ':' + years[i], td.dataset.status]);
}));
"""
RANK = {"reported": 0, "estimated": 1, "projected": 2, "illustrative": 3}


@pytest.fixture(scope="module")
def served_db(shipped_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("quality")
    db = folder / "warehouse.duckdb"
    shutil.copyfile(shipped_warehouse, db)
    bad = folder / "bad.csv"
    bad.write_text(BAD_CSV, encoding="utf-8")
    ingest_file(bad, db)
    return db


@pytest.fixture(scope="module")
def app_url(served_db: Path) -> Iterator[str]:
    yield from serve_dashboard(served_db)


def query(db: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def viewport(browser: webdriver.Chrome, width: int, height: int) -> None:
    """An exact viewport (window sizes include the browser's frame)."""
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})


@pytest.fixture
def sized(browser: webdriver.Chrome) -> Iterator[Callable[[int, int], None]]:
    yield lambda w, h: viewport(browser, w, h)
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


READY = {"sources": ".src-target", "quality": "#quality-coverage .cov-table td"}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", ["sources", "quality"])
def test_both_pages_load_in_both_languages_with_no_console_errors_and_fit_the_screen(
    browser: webdriver.Chrome, browser_log: Callable[[], Any], screenshot: Callable[[str], Path],
    sized: Callable[[int, int], None], app_url: str, page: str, lang: str,
) -> None:
    for width, height in SIZES:
        sized(width, height)
        browser.get(f"{app_url}/{page}?lang={lang}")
        wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, READY[page]))
        time.sleep(0.5)  # let late callbacks settle before reading the console
        screenshot(f"page_{page}_{lang}_{width}x{height}")
        assert browser.execute_script("return document.documentElement.scrollWidth") <= width, "no sideways scroll"
        heading = browser.find_element(By.CSS_SELECTOR, "h1").text
        assert heading == {"sources": {"zh": "数据来源与方法说明", "en": "Sources and methodology"},
                           "quality": {"zh": "数据质量", "en": "Data quality"}}[page][lang]
        log = browser_log()
        assert log.errors == [], log.errors
        assert log.external_requests == [], log.external_requests


def test_quality_counts_equal_the_warehouse(browser: webdriver.Chrome, app_url: str, served_db: Path) -> None:
    browser.get(f"{app_url}/quality?lang=en")
    wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "#quality-coverage .cov-table td"))
    shown = {e.get_attribute("data-stat"): int(e.find_element(By.CSS_SELECTOR, ".stat-n").text.replace(",", ""))
             for e in browser.find_elements(By.CSS_SELECTOR, "#quality-summary [data-stat]")}
    by_status = dict(query(served_db, "SELECT status, count(*) FROM observations GROUP BY status"))
    [(runs,)] = query(served_db, "SELECT count(*) FROM ingest_runs")
    [(rejected,)] = query(served_db, "SELECT count(*) FROM rejected_rows")
    assert shown == {**{s: by_status.get(s, 0) for s in ("reported", "estimated", "illustrative", "projected")},
                     "total": sum(by_status.values()), "runs": runs, "rejected": rejected}
    assert rejected == 3
    # the run log: every run, newest first, with its accounting
    expected = query(served_db, """SELECT run_id, file_name, rows_read, rows_loaded, rows_revised, rows_rejected,
                                          rows_skipped FROM ingest_runs ORDER BY run_id DESC""")
    table = [[td.text for td in tr.find_elements(By.TAG_NAME, "td")]
             for tr in browser.find_elements(By.CSS_SELECTOR, "#quality-runs tbody tr")]
    assert [(int(r[0]), r[2].splitlines()[0], *(int(v.replace(",", "")) for v in r[4:9])) for r in table] == expected
    assert table[0][9] == "partly rejected"
    # the rejected rows, with their reasons
    reasons = [tr.find_elements(By.TAG_NAME, "td")[-1].text
               for tr in browser.find_elements(By.CSS_SELECTOR, "#quality-rejected tbody tr")]
    assert reasons == [r for (r,) in query(served_db, "SELECT reason FROM rejected_rows ORDER BY row_number")]
    assert browser.find_element(By.CSS_SELECTOR, "#quality-rejected p.hint").text.startswith("3 rejected rows")


def expected_cells(db: Path, indicator_id: str) -> dict[str, str]:
    best: dict[tuple[str, int], str] = {}
    for region, year, status in query(db, "SELECT region_code, year, status FROM observations "
                                          "WHERE indicator_id = ? AND breakdown = ''", [indicator_id]):
        if (region, year) not in best or RANK[status] < RANK[best[region, year]]:
            best[region, year] = status
    [(lo, hi)] = query(db, "SELECT min(year), max(year) FROM observations")
    regions = [r for (r,) in query(db, "SELECT region_code FROM regions ORDER BY region_code")]
    return {f"{r}:{y}": best.get((r, y), "missing") for r in regions for y in range(lo, hi + 1)}


def test_the_coverage_matrix_is_the_warehouse_and_follows_the_picker(
    browser: webdriver.Chrome, app_url: str, served_db: Path,
) -> None:
    browser.get(f"{app_url}/quality?indicator=cnc_rate&lang=en")
    wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, '#quality-coverage [data-indicator="cnc_rate"] td'))
    cells = browser.execute_script(CELLS_JS)
    assert cells == expected_cells(served_db, "cnc_rate")
    zhejiang = browser.find_element(By.CSS_SELECTOR, '#quality-coverage tr[data-region="330000"] td:nth-of-type(9)')
    assert zhejiang.get_attribute("title") == "Zhejiang, 2020: Reported — 2 values: Illustrative, Reported"
    assert zhejiang.text == "R"
    browser.find_element(By.ID, "quality-indicator").click()
    wait(browser, lambda b: [o for o in b.find_elements(By.CSS_SELECTOR, "[role=option]")
                             if o.text == "Digital R&D design-tool penetration"])[0].click()
    wait(browser, lambda b: b.find_elements(
        By.CSS_SELECTOR, '#quality-coverage [data-indicator="design_tool_penetration"] td'))
    assert browser.execute_script(CELLS_JS) == expected_cells(served_db, "design_tool_penetration")
    wait(browser, lambda b: parse_qs(urlparse(b.current_url).query).get("indicator") == ["design_tool_penetration"])
    assert parse_qs(urlparse(browser.current_url).query)["lang"] == ["en"]  # the visitor's language stays


def test_sources_lists_every_indicator_and_target(browser: webdriver.Chrome, app_url: str, served_db: Path) -> None:
    browser.get(f"{app_url}/sources?lang=en")
    wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, ".src-target"))
    catalogue = query(served_db, "SELECT indicator_id, name_en FROM indicators ORDER BY rowid")
    sections = [e.get_attribute("id") for e in browser.find_elements(By.CSS_SELECTOR, "section.src-indicator")]
    assert sections == [f"indicator-{i}" for i, _ in catalogue]
    names = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "section.src-indicator h3")]
    assert names == [f"{n} {i}" for i, n in catalogue]
    rows = browser.find_elements(By.CSS_SELECTOR, "tr.src-target")
    targets = sorted((e.get_attribute("data-indicator"), e.get_attribute("data-region"), e.get_attribute("data-plan"),
                      int(e.get_attribute("data-year"))) for e in rows)
    assert targets == sorted(query(served_db, "SELECT indicator_id, region_code, plan_id, target_year FROM targets"))
    counts = browser.find_element(By.CSS_SELECTOR, ".src-count").text
    [(n_ind, n_tg, n_plans)] = query(served_db, "SELECT (SELECT count(*) FROM indicators), (SELECT count(*) FROM "
                                                "targets), (SELECT count(*) FROM plans)")
    assert counts == f"{n_ind} indicators · {n_tg} targets · {n_plans} plans"


def test_a_link_to_an_indicator_opens_the_sources_page_at_its_section(browser: webdriver.Chrome, app_url: str) -> None:
    browser.get(f"{app_url}/quality?indicator=talent_gap&lang=en")
    link = wait(browser, lambda b: b.find_elements(By.LINK_TEXT, "Definition and sources of this indicator"))[0]
    assert link.get_attribute("href").endswith("/sources?lang=en#indicator-talent_gap")
    link.click()
    wait(browser, lambda b: urlparse(b.current_url).path == "/sources")
    section = wait(browser, lambda b: b.find_elements(By.ID, "indicator-talent_gap"))[0]
    top = wait(browser, lambda b: (y := b.execute_script("return arguments[0].getBoundingClientRect().top", section))
               < 200 and y)
    assert 0 <= top < 200  # scrolled to it, below the sticky bar
    assert section.find_element(By.TAG_NAME, "h3").text.startswith("Shortfall")  # still in English


@pytest.fixture(scope="module")
def app_without_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from serve_dashboard(tmp_path_factory.mktemp("none") / "missing.duckdb")


@pytest.mark.parametrize("path", ["/sources", "/quality"])
def test_a_missing_warehouse_gives_the_notice_and_no_console_errors(
    browser: webdriver.Chrome, browser_log: Callable[[], Any], app_without_warehouse: str, path: str,
) -> None:
    browser.get(app_without_warehouse + path + "?lang=en")
    panel = wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, ".error-panel"))[0]
    assert "The data warehouse is not built yet" in panel.text
    assert "Traceback" not in browser.page_source
    time.sleep(0.5)
    assert browser_log().errors == []
