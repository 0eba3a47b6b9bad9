"""Distance to target in real headless Chromium: the chart and table draw, deep links restore, no console errors."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from browsing import serve_dashboard, wait
from selenium import webdriver
from selenium.webdriver.common.by import By
from test_accessibility import CONTRAST_JS

from pipelines.build import build
from pipelines.ingest import ingest_file

pytestmark = pytest.mark.browser
BARS_JS = """
const plot = document.querySelector('#distance-graph .js-plotly-plot');
if (!plot || !plot._fullData) return null;
const hatched = new Set(plot._fullData.filter(t => t.name === 'differs').flatMap(t => Array.from(t.y)));
return plot._fullData.filter(t => t.type === 'bar' && t.hoverinfo !== 'skip').flatMap(
  t => Array.from(t.y).map((y, i) => [y, t.x[i], t.name, hatched.has(y)]));
"""
FONT_SIZES_JS = """
const texts = '#distance-graph .bartext, #distance-graph .ytick text, #distance-graph .legendtext';
return [...document.querySelectorAll(texts)].map(e => parseFloat(getComputedStyle(e).fontSize));
"""


@pytest.fixture(scope="module")
def served_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped warehouse plus real CNC rates for three provinces: the two methods disagree on Jiangsu
    (on track by Eurostat's compound ratio, 1.08; moderately improving by SDSN's linear one, 0.97), Zhejiang
    moves away, Guangdong has met the national 2025 target."""
    db = tmp_path_factory.mktemp("distance_e2e") / "warehouse.duckdb"
    build(db, progress=False)
    table = tmp_path_factory.mktemp("distance_input") / "provinces.csv"
    table.write_text("indicator,region,year,value\n"
                     "cnc_rate,江苏,2020,40.0\ncnc_rate,江苏,2023,56.3\n"
                     "cnc_rate,浙江,2020,50.0\ncnc_rate,浙江,2023,47.0\n"
                     "cnc_rate,广东,2020,60.0\ncnc_rate,广东,2024,70.0\n", encoding="utf-8")
    ingest_file(table, db)
    return db


@pytest.fixture(scope="module")
def app_url(served_db: Path) -> Iterator[str]:
    yield from serve_dashboard(served_db)


def _bars(browser: webdriver.Chrome) -> list[list[Any]]:
    return wait(browser, lambda b: b.execute_script(BARS_JS))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_page_draws_sorted_bars_and_a_table_and_says_how_many_regions_lack_real_data(
    browser: webdriver.Chrome, browser_log: Callable[[], Any], screenshot: Callable[[str], Path],
    viewport: Callable[[int, int], None], app_url: str, lang: str,
) -> None:
    viewport(1280, 720)
    browser.get(app_url + f"/distance?indicator=cnc_rate&target=ii_2021_2025&lang={lang}")
    bars = _bars(browser)
    # the nation, Guizhou (real 2020 and 2025 figures) and the three provinces loaded above
    assert len(bars) == 5
    years = [b[1] for b in sorted(bars, key=lambda b: b[1])]
    assert years == sorted(years) and years[0] < 0 < years[-1]
    national = "China" if lang == "en" else "全国"
    ticks = browser.find_element(By.CSS_SELECTOR, "#distance-graph .yaxislayer-above").get_attribute("innerHTML")
    assert national in ticks and "bold" in ticks  # the national bar's name is set in bold
    jiangsu = next(b for b in bars if b[0] in ("Jiangsu", "江苏"))
    assert jiangsu[3] and [b[0] for b in bars if b[3]] == [jiangsu[0]]  # hatched: SDSN differs from Eurostat
    assert min(browser.execute_script(FONT_SIZES_JS)) >= 12
    row = browser.find_element(By.CSS_SELECTOR, '.distance-table tr[data-region="320000"]')
    assert row.get_attribute("data-differs") == "1" and "≠" in row.text
    assert browser.find_elements(By.CSS_SELECTOR, '.distance-table tr[data-differs="1"]') == [row]
    notice = browser.find_element(By.ID, "distance-notice")
    assert notice.find_element(By.CSS_SELECTOR, "a.ingest-link").get_attribute("href").endswith("/guide/ingest")
    if lang == "en":
        assert "Regions with a distance: 5 of 35." in notice.text
        assert "No real data for this target" in notice.text and "of 35 regions." in notice.text
        assert "Eurostat and SDSN disagree: 1." in notice.text
        assert "SDSN status differs" in browser.find_element(By.CSS_SELECTOR, "#distance-graph .legend").text
        zhejiang = browser.find_element(By.CSS_SELECTOR, '.distance-table tr[data-region="330000"]').text
        assert "Moving away" in zhejiang and "Decreasing" in zhejiang and "never at this pace" in zhejiang
        block = browser.find_element(By.CSS_SELECTOR, ".chart-block")
        assert "required path" in block.text and "Sources:" in block.text
        assert [b.text for b in block.find_elements(By.CSS_SELECTOR, ".image-download")] == ["PNG", "SVG"]
    else:
        assert "距目标还有多远" in browser.find_element(By.TAG_NAME, "main").text
        assert "个没有该目标的真实数据" in notice.text
    time.sleep(0.5)
    assert browser.execute_script(CONTRAST_JS) == []  # every text at WCAG AA, badges and notices included
    screenshot(f"distance_{lang}_1280x720")
    viewport(1920, 1080)
    time.sleep(0.8)
    screenshot(f"distance_{lang}_1920x1080")
    log = browser_log()
    assert log.errors == [], log.errors
    assert log.external_requests == [], log.external_requests


def test_the_chart_offers_its_data_as_a_table(browser: webdriver.Chrome, app_url: str) -> None:
    browser.get(app_url + "/distance?indicator=cnc_rate&lang=en")
    _bars(browser)
    details = browser.find_element(By.CSS_SELECTOR, ".chart-block .chart-table-details")
    details.find_element(By.TAG_NAME, "summary").click()
    table = wait(browser, lambda b: details.find_elements(By.CSS_SELECTOR, ".chart-table tbody tr"))
    assert len(table) == 5 and any("Guizhou" in r.text for r in table)


def test_a_deep_link_restores_the_view_and_the_address_follows_the_controls(
    browser: webdriver.Chrome, browser_log: Callable[[], Any], app_url: str,
) -> None:
    browser.get(app_url + "/distance?indicator=design_tool_penetration&target=own&lang=en")
    title = wait(browser, lambda b: b.find_element(By.ID, "distance-title").text)
    assert title.startswith("Digital R&D design-tool penetration") and "each region's own target" in title
    assert "Each region's own target" in browser.find_element(By.ID, "distance-target").text
    assert browser.find_element(By.CSS_SELECTOR, '.distance-table tr[data-region="640000"]')  # Ningxia, its own
    browser.find_element(By.ID, "distance-target").click()
    option = wait(browser, lambda b: [o for o in b.find_elements(By.CSS_SELECTOR, "[role=option]")
                                      if "≥ 85.0% (2025)" in o.text])[0]
    option.click()
    wait(browser, lambda b: parse_qs(urlparse(b.current_url).query).get("target") == ["ii_2021_2025"])
    query = parse_qs(urlparse(browser.current_url).query)
    assert query["indicator"] == ["design_tool_penetration"] and query["lang"] == ["en"]
    wait(browser, lambda b: "national target ≥ 85.0% (2025)" in b.find_element(By.ID, "distance-title").text)
    browser.get(browser.current_url)  # the address alone brings the same view back
    wait(browser, lambda b: "national target ≥ 85.0% (2025)" in b.find_element(By.ID, "distance-title").text)
    assert len(_bars(browser)) == 2  # the nation and Guizhou have two real figures of one scope
    time.sleep(0.5)
    assert browser_log().errors == []


def test_an_unknown_parameter_is_named_rather_than_silently_replaced(browser: webdriver.Chrome, app_url: str) -> None:
    browser.get(app_url + "/distance?indicator=nope&target=zzz&lang=en")
    main = wait(browser, lambda b: (m := b.find_element(By.TAG_NAME, "main")) and "“nope”" in m.text and m)
    assert "indicator “nope”" in main.text and "showing Key-process CNC rate instead" in main.text
    assert "target “zzz”" in main.text
    _bars(browser)
