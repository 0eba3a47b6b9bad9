"""The /data page in real headless Chromium: preview, row count, download links, API URL and pandas snippet."""

from __future__ import annotations

import io
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import duckdb
import pyarrow.parquet as pq
import pytest
from browsing import serve_dashboard, wait
from selenium import webdriver
from selenium.webdriver.common.by import By

pytestmark = pytest.mark.browser
SLICE_QUERY = "indicator=cnc_rate&region=320000,330000&from=2015&to=2024"
FILE_STEM = "imm_cnc_rate_320000-330000_2015-2024"


@pytest.fixture(scope="module")
def app_url(shipped_warehouse: Path) -> Iterator[str]:
    """``python -m dashboard`` on a free port, as a user would start it."""
    yield from serve_dashboard(shipped_warehouse)


def count_text(browser: webdriver.Chrome) -> str:
    """The row count, without the illustrative badge that may follow it."""
    found = browser.find_elements(By.ID, "data-count")
    return found[0].text.removesuffix("Illustrative data").strip() if found else ""


def has_illustrative_badge(browser: webdriver.Chrome) -> bool:
    return bool(browser.find_elements(By.CSS_SELECTOR, "#data-count .badge-illustrative"))


def expected_rows(db: Path, where: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(f"SELECT region_code, year, value FROM observations WHERE {where} "
                           "ORDER BY region_code, year").fetchall()


def test_a_deep_link_previews_the_slice_and_offers_it_as_files_and_code(
    browser: webdriver.Chrome, browser_log: Callable[[], Any], screenshot: Callable[[str], Path],
    app_url: str, shipped_warehouse: Path,
) -> None:
    browser.set_window_size(1280, 720)
    browser.get(f"{app_url}/data?indicator=cnc_rate&region=320000,{quote('浙江')}&from=2015&to=2024&lang=en")
    wait(browser, lambda b: count_text(b) == "10 rows" and len(b.find_elements(By.CSS_SELECTOR, "#data-grid tbody tr")))
    time.sleep(0.3)  # let late callbacks settle before the picture and the console
    screenshot("page_data_1280x720")
    assert browser.find_element(By.ID, "data-page-text").text == "rows 1–10 of 10"
    assert len(browser.find_elements(By.CSS_SELECTOR, "#data-grid tbody tr")) == 10
    assert "江苏省" in browser.find_element(By.ID, "data-grid").text

    links = {a.get_attribute("data-format"): a for a in browser.find_elements(By.CSS_SELECTOR, "#data-downloads a")}
    assert list(links) == ["parquet", "csv", "xlsx", "json"]
    for fmt, link in links.items():
        assert unquote(link.get_attribute("href")) == f"{app_url}/api/v1/observations?{SLICE_QUERY}&format={fmt}"
        assert link.get_attribute("download") == f"{FILE_STEM}.{fmt}"
    with urllib.request.urlopen(links["parquet"].get_attribute("href"), timeout=10) as response:
        assert f'filename="{FILE_STEM}.parquet"' in response.headers["Content-Disposition"]
        table = pq.read_table(io.BytesIO(response.read()))
    expected = expected_rows(shipped_warehouse, "indicator_id = 'cnc_rate' AND region_code IN ('320000', '330000') "
                                                "AND year BETWEEN 2015 AND 2024")
    assert [(r["region_code"], r["year"], r["value"]) for r in table.to_pylist()] == expected

    assert browser.find_element(By.ID, "data-api-url").text == f"{app_url}/api/v1/observations?{SLICE_QUERY}"
    snippet = browser.find_element(By.ID, "data-snippet").text
    assert len(snippet.splitlines()) == 3
    namespace: dict[str, Any] = {}
    exec(snippet, namespace)  # the copyable snippet, run as a researcher would run it
    df = namespace["df"]
    assert list(zip(df["region_code"], df["year"], df["value"], strict=True)) == expected
    assert len(browser.find_elements(By.CSS_SELECTOR, ".data-api .copy-button")) == 2
    browser.execute_script("document.querySelector('.data-api').scrollIntoView({block: 'end'})")
    screenshot("page_data_api_1280x720")

    log = browser_log()
    assert log.errors == [], log.errors
    assert log.external_requests == [], log.external_requests


def test_changing_filters_updates_count_links_and_address(
    browser: webdriver.Chrome, browser_log: Callable[[], Any], app_url: str, shipped_warehouse: Path,
) -> None:
    browser.get(f"{app_url}/data?lang=en")
    with duckdb.connect(str(shipped_warehouse), read_only=True) as con:
        total = con.execute("SELECT count(*) FROM observations").fetchall()[0][0]
    wait(browser, lambda b: count_text(b) == f"{total:,} rows")

    browser.get(f"{app_url}/data?indicator=cnc_rate&region={quote('长三角')}&lang=en")
    wait(browser, lambda b: count_text(b) == "20 rows")
    assert has_illustrative_badge(browser)
    parquet = browser.find_element(By.CSS_SELECTOR, '#data-downloads a[data-format="parquet"]')
    assert "region=310000,320000,330000,340000" in unquote(parquet.get_attribute("href"))

    # Province figures are all illustrative: excluding them leaves nothing, and the address says so.
    illustrative = browser.find_element(By.CSS_SELECTOR, '#data-status input[value="illustrative"]')
    illustrative.click()
    wait(browser, lambda b: count_text(b) == "No observations match this selection.")
    assert not has_illustrative_badge(browser)
    wait(browser, lambda b: "status=reported,estimated,projected" in unquote(b.current_url))
    assert "region=长三角" in unquote(browser.current_url)
    assert browser.find_elements(By.CSS_SELECTOR, "#data-grid tbody tr") == []

    browser.get(f"{app_url}/data?indicator=cnc_rate&from=2024&to=2015&lang=en")
    wait(browser, lambda b: "to=2015 is before from=2024" in b.find_element(By.ID, "data-notice").text)
    log = browser_log()
    assert log.errors == [], log.errors


def test_the_preview_pages_through_every_row_of_the_slice_in_order(
    browser: webdriver.Chrome, app_url: str, shipped_warehouse: Path,
) -> None:
    """A plain table of 20 rows a page: ‹ and › walk the slice, a filter change starts again at the top."""
    with duckdb.connect(str(shipped_warehouse), read_only=True) as con:
        expected = [(code, str(year)) for code, year in con.execute(
            "SELECT region_code, year FROM observations WHERE indicator_id = 'cnc_rate' "
            "ORDER BY region_code, year, breakdown, source_id").fetchall()]
    browser.get(f"{app_url}/data?indicator=cnc_rate&lang=en")

    def shown(b: webdriver.Chrome) -> list[tuple[str, str]]:
        return [(tr.find_elements(By.TAG_NAME, "td")[1].text, tr.find_elements(By.TAG_NAME, "td")[4].text)
                for tr in b.find_elements(By.CSS_SELECTOR, "#data-grid tbody tr")]

    total = len(expected)
    wait(browser, lambda b: b.find_element(By.ID, "data-page-text").text == f"rows 1–20 of {total:,}")
    assert shown(browser) == expected[:20]
    browser.find_element(By.ID, "data-page-next").click()
    wait(browser, lambda b: b.find_element(By.ID, "data-page-text").text == f"rows 21–40 of {total:,}")
    assert shown(browser) == expected[20:40]
    pages = (total - 1) // 20
    for _ in range(pages + 2):  # past the end, the last page stays
        browser.find_element(By.ID, "data-page-next").click()
    last = f"rows {pages * 20 + 1:,}–{total:,} of {total:,}"
    wait(browser, lambda b: b.find_element(By.ID, "data-page-text").text == last)
    wait(browser, lambda b: shown(b) == expected[pages * 20:])
    browser.find_element(By.ID, "data-page-prev").click()
    wait(browser, lambda b: shown(b) == expected[(pages - 1) * 20:pages * 20])

    status = browser.find_element(By.CSS_SELECTOR, '#data-status input[value="projected"]')
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", status)
    wait(browser, lambda b: b.find_element(By.ID, "data-page-text").text.startswith("rows 1–20 of"))
