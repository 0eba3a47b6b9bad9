"""The dashboard in real headless Chromium, served by `python -m dashboard` on a shipped warehouse."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import duckdb
import pytest
from browsing import map_paths, serve_dashboard, wait
from selenium import webdriver
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from pipelines.ingest import ingest_file

pytestmark = pytest.mark.browser
# Record every Dash callback response body, so a test can see what a year step sent over the wire.
RECORD_RESPONSES_JS = """
window.__dashResponses = [];
if (!window.__fetchWrapped) {
  const orig = window.fetch;
  window.fetch = async (...args) => {
    const res = await orig(...args);
    const url = String(args[0] && args[0].url || args[0]);
    if (url.includes('_dash-update-component')) {
      res.clone().text().then(body => window.__dashResponses.push(body));
    }
    return res;
  };
  window.__fetchWrapped = true;
}
"""


@pytest.fixture(scope="module")
def served_db(shipped_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy, so a test may publish into it while the app is running."""
    db = tmp_path_factory.mktemp("served") / "warehouse.duckdb"
    shutil.copyfile(shipped_warehouse, db)
    return db


@pytest.fixture(scope="module")
def app_url(served_db: Path) -> Iterator[str]:
    yield from serve_dashboard(served_db)


def text_of(browser: webdriver.Chrome, css: str) -> str:
    found = browser.find_elements(By.CSS_SELECTOR, css)
    return found[0].text if found else ""


PAGES = [
    ("board", "/", ".target-card"),
    ("map", "/map?indicator=cnc_rate&year=2020", "#map-graph path.choroplethlocation"),
    ("trends", "/trends?indicator=cnc_rate&region=100000,320000", "#trends-graph g.scatterlayer g.trace"),
]


@pytest.mark.parametrize(("name", "path", "ready"), PAGES, ids=[p[0] for p in PAGES])
def test_each_page_loads_with_no_console_errors_or_outside_requests(
    browser: webdriver.Chrome, browser_log: Callable[[], Any], screenshot: Callable[[str], Path],
    app_url: str, name: str, path: str, ready: str,
) -> None:
    browser.set_window_size(1280, 720)
    browser.get(app_url + path + ("&" if "?" in path else "?") + "lang=en")
    wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, ready))
    time.sleep(0.5)  # let late callbacks settle before reading the console
    screenshot(f"page_{name}_1280x720")
    log = browser_log()
    assert log.errors == [], log.errors
    assert log.external_requests == [], log.external_requests


def test_board_shows_a_card_per_2025_target_with_status_and_source(browser: webdriver.Chrome, app_url: str) -> None:
    browser.get(app_url + "/?horizon=2025&lang=en")
    wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, '.target-card[data-indicator="cnc_rate"] text.number'))
    cnc = browser.find_element(By.CSS_SELECTOR, '.target-card[data-indicator="cnc_rate"]')
    assert cnc.get_attribute("data-status") == "on_track"
    assert "66.2%" in cnc.text and "Mar 2025" in cnc.text and "≥ 68.0% (2025)" in cnc.text
    assert "On track" in cnc.text
    factories = browser.find_element(By.CSS_SELECTOR, '.target-card[data-indicator="demonstration_factories"]')
    assert "421" in factories.text and "cumulative" in factories.text


def test_map_draws_all_34_provinces_with_the_inset(browser: webdriver.Chrome, app_url: str) -> None:
    browser.get(app_url + "/map?indicator=cnc_rate&year=2020&lang=en")
    counts = wait(browser, lambda b: (c := map_paths(b)) and sum(c[:2]) == 34 and c)
    no_data, values = counts[0], counts[1]
    assert (no_data, values) == (3, 31)  # Taiwan, Hong Kong, Macao have no figure: grey, not zero
    assert len(browser.find_elements(By.CSS_SELECTOR, "#map-graph g.geo")) == 2  # main map + South China Sea inset
    assert "Illustrative data" in text_of(browser, "#map-caption")


def _title(browser: webdriver.Chrome) -> str:
    return text_of(browser, "#map-title")


def test_a_year_step_changes_the_values_and_sends_no_geometry(browser: webdriver.Chrome, app_url: str) -> None:
    browser.get(app_url + "/map?indicator=cnc_rate&year=2020&lang=en")
    wait(browser, lambda b: (c := map_paths(b)) and sum(c[:2]) == 34)
    wait(browser, lambda b: _title(b).endswith("2020"))
    before = browser.execute_script(
        "return document.getElementById('map-graph').querySelector('.js-plotly-plot').data[1].z")
    browser.execute_script(RECORD_RESPONSES_JS)
    slider = browser.find_element(By.CSS_SELECTOR, "#map-year [role=slider]")
    browser.execute_script("arguments[0].focus()", slider)
    slider.send_keys(Keys.ARROW_LEFT)
    wait(browser, lambda b: _title(b).endswith("2019"))
    wait(browser, lambda b: b.execute_script("return window.__dashResponses.length") > 0)
    after = browser.execute_script(
        "return document.getElementById('map-graph').querySelector('.js-plotly-plot').data[1].z")
    assert after != before
    responses = browser.execute_script("return window.__dashResponses")
    step = [r for r in responses if "map-graph" in r]
    assert step, responses
    for body in step:
        assert '"geojson"' not in body and '"coordinates"' not in body
        assert len(body) < 40_000, len(body)  # values, hover text and ranking; the geometry alone is ~180 KB
    wait(browser, lambda b: parse_qs(urlparse(b.current_url).query).get("year") == ["2019"])  # address follows
    assert parse_qs(urlparse(browser.current_url).query)["indicator"] == ["cnc_rate"]


def test_geometry_is_fetched_once_and_no_callback_carries_it(
    browser: webdriver.Chrome, browser_log: Callable[[], Any], app_url: str,
) -> None:
    browser_log()
    browser.get(app_url + "/map?indicator=cnc_rate&year=2020&lang=en")
    wait(browser, lambda b: (c := map_paths(b)) and sum(c[:2]) == 34)
    browser.execute_script(RECORD_RESPONSES_JS)
    browser.find_element(By.ID, "map-indicator").click()  # another indicator: a whole new figure
    wait(browser, lambda b: [o for o in b.find_elements(By.CSS_SELECTOR, "[role=option]")
                             if "Digital R&D design-tool penetration" in o.text])[0].click()
    wait(browser, lambda b: "Digital R&D design-tool penetration" in _title(b))
    wait(browser, lambda b: (c := map_paths(b)) and sum(c[:2]) == 34)
    responses = browser.execute_script("return window.__dashResponses")
    assert any('"figure"' in r and "map-graph" in r for r in responses)
    assert not any('"coordinates"' in r for r in responses)
    fetched = [url for url in browser_log().requests if "/geo/" in url]
    assert sorted(urlparse(u).path for u in fetched) == ["/geo/provinces.geojson", "/geo/south_china_sea.geojson"]


def test_a_deep_link_restores_the_view(browser: webdriver.Chrome, app_url: str, served_db: Path) -> None:
    browser.get(app_url + "/map?indicator=design_tool_penetration&year=2024&mark=1&lang=en")
    wait(browser, lambda b: _title(b).endswith("2024"))
    assert "Digital R&D design-tool penetration" in _title(browser)
    assert browser.find_element(By.CSS_SELECTOR, "#map-mark-target input").is_selected()
    # generated values above the next national target (≥ 85 % by 2025) exist, but earn no outline
    with duckdb.connect(str(served_db), read_only=True) as con:
        real, generated = con.execute("""
            SELECT count(*) FILTER (status IN ('reported', 'estimated')), count(*) FILTER (status = 'illustrative')
            FROM observations WHERE indicator_id = 'design_tool_penetration' AND year = 2024
              AND region_code <> '100000' AND value >= 85""").fetchall()[0]
    assert real == 0 and generated > 0
    wait(browser, lambda b: (c := map_paths(b)) and sum(c[:2]) == 34)
    notice = wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "#map-caption .notice-no-real"))[0]
    assert "no province is outlined" in notice.text
    assert map_paths(browser)[2] == 0
    browser.get(app_url + "/trends?indicator=pilot_projects&region=100000,370000&lang=en")
    legend = wait(browser, lambda b: text_of(b, "#trends-graph .legend"))
    assert "China" in legend and "Shandong" in legend


def test_play_steps_through_the_years_and_pause_stops(browser: webdriver.Chrome, app_url: str) -> None:
    browser.get(app_url + "/map?indicator=cnc_rate&year=2015&lang=en")
    wait(browser, lambda b: _title(b).endswith("2015"))
    play = browser.find_element(By.ID, "map-play")
    play.click()
    wait(browser, lambda b: _title(b).endswith("2019"), timeout=10)  # the next years with province figures
    wait(browser, lambda b: _title(b).endswith("2020"), timeout=10)
    play.click()
    wait(browser, lambda b: play.text == "Play")
    time.sleep(1.5)  # a step already on its way may still land
    stopped = _title(browser)
    time.sleep(2.5)  # two timer periods
    assert _title(browser) == stopped


def test_navigation_keeps_the_chosen_indicator(browser: webdriver.Chrome, app_url: str) -> None:
    browser.get(app_url + "/map?indicator=design_tool_penetration&year=2020&lang=en")
    wait(browser, lambda b: _title(b).endswith("2020"))
    link = browser.find_element(By.ID, "nav-trends")
    wait(browser, lambda b: "indicator=design_tool_penetration" in link.get_attribute("href"))
    link.click()
    wait(browser, lambda b: urlparse(b.current_url).path == "/trends")
    wait(browser, lambda b: "Digital R&D design-tool penetration" in text_of(b, "#trends-indicator"))


def test_clicking_a_province_opens_its_profile(browser: webdriver.Chrome, app_url: str) -> None:
    browser.set_window_size(1280, 900)
    browser.get(app_url + "/map?indicator=cnc_rate&year=2020&lang=en")
    wait(browser, lambda b: (c := map_paths(b)) and sum(c[:2]) == 34)
    x, y = browser.execute_script("""
        // a point that really lies on a coloured province (a bounding-box centre may fall outside it)
        const paths = [...[...document.querySelectorAll('#map-graph g.geo g.trace.choropleth')][1]
            .querySelectorAll('path.choroplethlocation')].filter(p => p.getAttribute('d'));
        for (const p of paths) {
            const r = p.getBoundingClientRect();
            for (let fx = 0.3; fx <= 0.7; fx += 0.1) for (let fy = 0.3; fy <= 0.7; fy += 0.1) {
                const x = r.x + r.width * fx, y = r.y + r.height * fy;
                const local = new DOMPoint(x, y).matrixTransform(p.getScreenCTM().inverse());
                if (p.isPointInFill(local)) return [x, y];
            }
        }
        return null;""")
    # plotly geo picks the province under the pointer from its hover state: move, rest, then click
    actions = ActionBuilder(browser)
    actions.pointer_action.move_to_location(int(x), int(y)).pause(0.3).move_to_location(int(x) + 2, int(y) + 1)
    actions.pointer_action.pause(0.3).click()
    actions.perform()
    wait(browser, lambda b: urlparse(b.current_url).path.startswith("/province/"))
    code = urlparse(browser.current_url).path.removeprefix("/province/")
    assert len(code) == 6 and code.isdigit() and code != "100000"
    wait(browser, lambda b: parse_qs(urlparse(b.current_url).query).get("lang") == ["en"])  # the visitor's own
    wait(browser, lambda b: text_of(b, "h1.page-title").endswith("· Province profile"))
    trends = wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "a.profile-trends-link"))[0]
    assert parse_qs(urlparse(trends.get_attribute("href")).query)["region"] == [f"100000,{code}"]  # one click on


def test_a_newly_published_warehouse_is_picked_up_without_a_restart(
    browser: webdriver.Chrome, app_url: str, served_db: Path, tmp_path: Path,
) -> None:
    new = tmp_path / "cnc_2025.csv"
    new.write_text("indicator,region,year,value,note\ncnc_rate,全国,2025,68.5,test figure\n", encoding="utf-8")
    ingest_file(new, served_db)
    browser.get(app_url + "/?horizon=2025&lang=en")
    card = wait(browser, lambda b: b.find_elements(
        By.CSS_SELECTOR, '.target-card[data-indicator="cnc_rate"] text.number'))[0].find_element(
        By.XPATH, "ancestor::article")
    assert card.get_attribute("data-status") == "achieved"
    assert "68.5%" in card.text


@pytest.fixture(scope="module")
def app_without_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from serve_dashboard(tmp_path_factory.mktemp("none") / "missing.duckdb")


@pytest.mark.parametrize("path", ["/", "/map", "/trends", "/data"])
def test_a_missing_warehouse_gives_a_clear_page_not_a_traceback(
    browser: webdriver.Chrome, browser_log: Callable[[], Any], app_without_warehouse: str, path: str,
) -> None:
    browser.get(app_without_warehouse + path + "?lang=en")
    panel = wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, ".error-panel"))[0]
    assert "The data warehouse is not built yet" in panel.text
    assert "python -m pipelines build" in panel.text
    assert "Traceback" not in browser.page_source
    time.sleep(0.5)
    assert browser_log().errors == []


def test_layout_fits_a_shared_1280x720_screen(browser: webdriver.Chrome, app_url: str,
                                              screenshot: Callable[[str], Path]) -> None:
    browser.set_window_size(1280, 720)
    browser.get(app_url + "/map?indicator=cnc_rate&year=2023&lang=en")
    wait(browser, lambda b: (c := map_paths(b)) and sum(c[:2]) == 34)
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= 1280, "no horizontal scrolling on a shared screen"
    badge = wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "#map-caption .badge-illustrative"))[0]
    assert browser.execute_script("return arguments[0].getBoundingClientRect().bottom <= window.innerHeight", badge)
    screenshot("map_1280x720")


@pytest.fixture(scope="module")
def app_with_catalogue_only(empty_warehouse_template: Path) -> Iterator[str]:
    yield from serve_dashboard(empty_warehouse_template)


def test_a_warehouse_without_province_data_says_so_on_the_map(
    browser: webdriver.Chrome, browser_log: Callable[[], Any], app_with_catalogue_only: str,
) -> None:
    browser.get(app_with_catalogue_only + "/map?lang=en")
    notice = wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, ".notice"))[0]
    assert notice.text == "No province-level data for this indicator."
    time.sleep(0.5)
    assert browser_log().errors == []


def test_a_repeated_parameter_takes_the_last_value(browser: webdriver.Chrome, app_url: str) -> None:
    browser.get(app_url + "/map?indicator=cnc_rate&year=2019&year=2021&lang=en")
    wait(browser, lambda b: _title(b).endswith("2021"))
