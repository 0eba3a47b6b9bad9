"""Chart images and chart tables in real headless Chromium: what a presenter saves, what a screen reader reads."""

from __future__ import annotations

import struct
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from browsing import serve_dashboard, wait
from selenium import webdriver
from selenium.webdriver.common.by import By

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def app_url(shipped_warehouse: Path) -> Iterator[str]:
    yield from serve_dashboard(shipped_warehouse)


@pytest.fixture
def downloads(browser: webdriver.Chrome, tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    """Call with a suffix to wait for the next file of that kind the page downloads."""
    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})

    def next_file(suffix: str) -> Path:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            done = [p for p in tmp_path.glob(f"*{suffix}") if p.stat().st_size > 0]
            if done:
                return done[0]
            time.sleep(0.2)
        pytest.fail(f"no {suffix} file was downloaded: {list(tmp_path.iterdir())}")

    yield next_file
    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "default"})


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", head[16:24])


def _tool(browser: webdriver.Chrome, graph: str, fmt: str) -> webdriver.remote.webelement.WebElement:
    css = f'.image-download[data-graph="{graph}"][data-format="{fmt}"]'
    return wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, css))[0]


def test_a_trend_chart_downloads_as_a_large_png_and_an_svg_that_carry_title_sources_and_date(
    browser: webdriver.Chrome, app_url: str, downloads: Callable[[str], Path],
) -> None:
    browser.get(app_url + "/trends?indicator=cnc_rate&region=100000,500000&lang=en")
    wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "#trends-graph g.scatterlayer g.trace"))
    wait(browser, lambda b: "China" in b.find_element(By.ID, "trends-title").text)
    _tool(browser, "trends-graph", "png").click()
    width, height = _png_size(downloads(".png"))
    assert width >= 1600 and height >= 900
    _tool(browser, "trends-graph", "svg").click()
    svg = downloads(".svg").read_text(encoding="utf-8")
    assert "Key-process CNC rate" in svg and "Chongqing" in svg  # the title
    assert "Sources:" in svg and "data as of Mar 2025" in svg  # the source line and the date of the data
    assert "Illustrative data" in svg  # Chongqing's generated values are badged in the picture too


def test_a_gauge_downloads_with_its_target_card_title(
    browser: webdriver.Chrome, app_url: str, downloads: Callable[[str], Path],
) -> None:
    browser.get(app_url + "/?horizon=2025&lang=en")
    button = _tool(browser, "gauge-cnc_rate-100000-ii_2021_2025", "svg")
    wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "#gauge-cnc_rate-100000-ii_2021_2025 .main-svg"))
    button.click()
    svg = downloads(".svg").read_text(encoding="utf-8")
    assert "Key-process CNC rate" in svg and "66.2" in svg


def test_every_chart_can_be_read_as_a_table(browser: webdriver.Chrome, app_url: str) -> None:
    browser.get(app_url + "/map?indicator=cnc_rate&year=2021&lang=en")
    wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "#map-graph path.choroplethlocation"))
    details = browser.find_element(By.CSS_SELECTOR, '.chart-table-details[data-graph="map-graph"]')
    details.find_element(By.TAG_NAME, "summary").click()
    rows = wait(browser, lambda b: details.find_elements(By.CSS_SELECTOR, "tbody tr"))
    assert len(rows) == 31  # one per province with a value, the inset's copies not repeated
    assert "Chongqing" in details.text and "56.6" in details.text
    assert [th.text for th in details.find_elements(By.TAG_NAME, "th")] == ["Series", "Year / region", "Value"]
    browser.get(app_url + "/trends?indicator=cnc_rate&region=100000&lang=en")
    wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "#trends-graph g.scatterlayer g.trace"))
    trends = browser.find_element(By.CSS_SELECTOR, '.chart-table-details[data-graph="trends-graph"]')
    trends.find_element(By.TAG_NAME, "summary").click()
    text = wait(browser, lambda b: trends.find_elements(By.CSS_SELECTOR, "tbody tr") and trends.text)
    assert "Mar 2025" in text and "66.2" in text and "重点工业企业" in text
