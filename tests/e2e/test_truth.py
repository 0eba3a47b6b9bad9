"""Truthful verdicts in real headless Chromium: statuses only from real measures, scope breaks, reported only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import duckdb
import pytest
from browsing import serve_dashboard, wait
from selenium import webdriver
from selenium.webdriver.common.by import By

pytestmark = pytest.mark.browser
MAP_COUNTS_JS = """
const geo = document.querySelector('#map-graph g.geo');
if (!geo) return null;
return [...geo.querySelectorAll('g.trace.choropleth')].map(
  t => [...t.querySelectorAll('path.choroplethlocation')].filter(p => p.getAttribute('d')).length);
"""
TREND_TRACES_JS = """
const plot = document.querySelector('#trends-graph .js-plotly-plot');
return plot && plot.data ? plot.data.filter(t => t.meta && t.meta.region_code).map(
  t => [t.meta.region_code, t.meta.scope, t.name, t.line.color]) : null;
"""


@pytest.fixture(scope="module")
def app_url(shipped_warehouse: Path) -> Iterator[str]:
    yield from serve_dashboard(shipped_warehouse)


def _card(browser: webdriver.Chrome, indicator: str, region: str = "100000") -> webdriver.remote.webelement.WebElement:
    css = f'.target-card[data-indicator="{indicator}"][data-region="{region}"]'
    return wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, css))[0]


def test_targets_nothing_measures_say_not_measured_with_the_reason(browser: webdriver.Chrome, app_url: str) -> None:
    browser.get(app_url + "/?horizon=2025&lang=en")
    providers = _card(browser, "solution_providers")
    assert providers.get_attribute("data-status") == "not_measured"
    assert "Not measured" in providers.text
    assert "high-level" in providers.text  # the target's own reason
    assert "6,000" in providers.text  # the published count stays visible, as context
    standards = _card(browser, "standards")
    assert standards.get_attribute("data-status") == "not_measured"
    assert "Why" in standards.text


def test_a_province_target_on_generated_values_only_says_no_real_data_and_links_the_guide(
    browser: webdriver.Chrome, app_url: str, shipped_warehouse: Path,
) -> None:
    with duckdb.connect(str(shipped_warehouse), read_only=True) as con:
        region, indicator, year = con.execute("""
            SELECT t.region_code, t.indicator_id, t.target_year FROM targets t
            WHERE t.region_code <> '100000' AND t.measure_scope IS NULL AND NOT EXISTS (
                SELECT 1 FROM observations o WHERE o.indicator_id = t.measure_indicator_id
                  AND o.region_code = t.region_code AND o.status IN ('reported', 'estimated'))
              AND EXISTS (SELECT 1 FROM observations o WHERE o.indicator_id = t.measure_indicator_id
                  AND o.region_code = t.region_code AND o.status = 'illustrative')
            ORDER BY ALL LIMIT 1""").fetchall()[0]
    browser.get(app_url + f"/?horizon={year}&region={region}&lang=en")
    card = _card(browser, indicator, region)
    assert card.get_attribute("data-status") == "no_real_data"
    assert "No real data" in card.text and "Illustrative data" in card.text
    card.find_element(By.CSS_SELECTOR, "a.ingest-link").click()
    guide = wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, ".guide"))[0]
    assert "python -m pipelines ingest" in guide.text


def test_a_real_provincial_value_and_target_appear_under_the_region_filter(
    browser: webdriver.Chrome, app_url: str,
) -> None:
    browser.get(app_url + "/?horizon=2027&region=500000&lang=en")  # Chongqing: 2027 targets, a real 2021 value
    card = _card(browser, "cnc_rate", "500000")
    wait(browser, lambda b: "56.6%" in card.text)  # the gauge draws its number once plotly has run
    assert "≥ 65.0% (2027)" in card.text and "2021" in card.text
    assert "Illustrative data" not in card.text
    assert parse_qs(urlparse(browser.current_url).query)["region"] == ["500000"]
    assert not browser.find_elements(By.CSS_SELECTOR, '.target-card[data-region="100000"]')


def test_a_change_of_scope_splits_the_national_trend_line(browser: webdriver.Chrome, app_url: str) -> None:
    browser.get(app_url + "/trends?indicator=cnc_rate&region=100000&lang=en")
    traces = wait(browser, lambda b: b.execute_script(TREND_TRACES_JS))
    national = [t for t in traces if t[0] == "100000"]
    scopes = {t[1] for t in national}
    assert {"制造业重点领域企业", "规模以上工业企业", "重点工业企业", "全国工业企业"} <= scopes
    assert len({t[3] for t in national}) == 1  # one colour for the region
    legend = browser.find_element(By.CSS_SELECTOR, "#trends-graph .legend").text
    assert "重点工业企业" in legend and "全国工业企业" in legend


def test_reported_only_greys_out_provinces_without_real_data(
    browser: webdriver.Chrome, app_url: str, shipped_warehouse: Path,
) -> None:
    with duckdb.connect(str(shipped_warehouse), read_only=True) as con:
        real = con.execute("""SELECT count(DISTINCT region_code) FROM observations WHERE indicator_id = 'cnc_rate'
                              AND year = 2021 AND region_code <> '100000'
                              AND status IN ('reported', 'estimated')""").fetchall()[0][0]
    assert 0 < real < 31
    browser.get(app_url + "/map?indicator=cnc_rate&year=2021&lang=en")
    wait(browser, lambda b: (c := b.execute_script(MAP_COUNTS_JS)) and sum(c[:2]) == 34 and c[1] == 31)
    toggle = browser.find_element(By.CSS_SELECTOR, "#map-reported-only input")
    toggle.click()
    counts = wait(browser, lambda b: (c := b.execute_script(MAP_COUNTS_JS)) and c[1] == real and c)
    assert counts[0] == 34 - real  # everything else is grey "no data"
    wait(browser, lambda b: parse_qs(urlparse(b.current_url).query).get("reported") == ["1"])
    link = browser.find_element(By.ID, "nav-trends")
    assert "reported=1" in link.get_attribute("href")  # the visitor's choice follows them
    link.click()
    wait(browser, lambda b: urlparse(b.current_url).path == "/trends")
    assert wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "#trends-reported-only input"))[0].is_selected()
    assert parse_qs(urlparse(browser.current_url).query).get("reported") == ["1"]
