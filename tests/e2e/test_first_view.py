"""What a first visit downloads: each page loads the libraries it uses and no others (issue 12, "first view")."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from browsing import serve_dashboard, wait
from selenium import webdriver
from selenium.webdriver.common.by import By

from dashboard import plotly_bundle

pytestmark = pytest.mark.browser
DRAWN_JS = """
const geo = document.querySelector('#map-graph g.geo');
return geo ? geo.querySelectorAll('path.choroplethlocation[d]').length : 0;
"""


@pytest.fixture(scope="module")
def app_url(shipped_warehouse: Path) -> Iterator[str]:
    yield from serve_dashboard(shipped_warehouse)


def scripts(log: Any) -> list[str]:
    return [urlparse(u).path for u in log.requests if urlparse(u).path.endswith(".js")]


def test_the_map_draws_on_the_partial_plotly_bundle_and_loads_no_grid(
    browser: webdriver.Chrome, browser_log: Callable[[], Any], app_url: str,
) -> None:
    browser_log()
    browser.get(f"{app_url}/map?indicator=cnc_rate&lang=en")
    wait(browser, lambda b: b.execute_script(DRAWN_JS) >= 34)
    loaded = scripts(browser_log())
    assert plotly_bundle.ROUTE in loaded
    assert not [s for s in loaded if "ag_grid" in s or "ag-grid" in s], loaded
    traces = browser.execute_script("return Object.keys(Plotly.PlotSchema.get().traces).sort()")
    assert traces == sorted(plotly_bundle.TRACES)


def test_a_first_visit_to_the_map_asks_the_server_once_for_the_page_and_once_for_the_map(
    browser: webdriver.Chrome, browser_log: Callable[[], Any], app_url: str,
) -> None:
    browser.get("about:blank")
    browser_log()
    browser.get(f"{app_url}/map?indicator=cnc_rate&year=2020&region=长三角&lang=en")
    wait(browser, lambda b: b.execute_script(DRAWN_JS) >= 34)
    wait(browser, lambda b: b.find_element(By.ID, "map-group-line").text)
    time.sleep(0.5)  # a second drawing would follow the first within this
    updates = [u for u in browser_log().requests if urlparse(u).path == "/_dash-update-component"]
    assert len(updates) == 2, updates


def test_a_page_without_charts_never_fetches_plotly(
    browser: webdriver.Chrome, browser_log: Callable[[], Any], app_url: str,
) -> None:
    browser.get("about:blank")
    browser_log()
    browser.get(f"{app_url}/data?indicator=cnc_rate&lang=en")
    wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "#data-grid tbody tr"))
    loaded = scripts(browser_log())
    assert plotly_bundle.ROUTE not in loaded and not browser.execute_script("return typeof Plotly !== 'undefined'")
