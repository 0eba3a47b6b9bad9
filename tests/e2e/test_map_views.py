"""The map page's tile grid, hover panel, ranking and region groups in real headless Chromium."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from browsing import map_paths, serve_dashboard, wait
from selenium import webdriver
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

pytestmark = pytest.mark.browser

# What plotly computed to paint: filled cells of the no-data and value heatmaps, and the labels it wrote.
SQUARES_JS = """
const gd = document.querySelector('#map-graph .js-plotly-plot');
if (!gd || !gd.calcdata || !gd._fullData || gd._fullData.length < 7 || gd._fullData[1].type !== 'heatmap') return null;
if (gd.calcdata.length < 7 || !gd.calcdata[1][0].z) return null;
const filled = (i) => gd.calcdata[i][0].z.flat().filter(v => v !== null && v !== undefined && !Number.isNaN(v)).length;
const labels = [...gd.querySelectorAll('g.trace.scatter g.textpoint text')].filter(t => t.textContent.trim());
return {no_data: filled(0), values: filled(1), labels: labels.length,
        group: gd.data[3].x.filter(x => x === null).length, image: !!gd.querySelector('g.heatmaplayer image')};
"""
# The screen point at the centre of a tile (row, col) of the grid.
TILE_POINT_JS = """
const [row, col] = arguments;
const gd = document.querySelector('#map-graph .js-plotly-plot');
const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, box = gd.getBoundingClientRect();
return [box.left + xa._offset + xa.l2p(col), box.top + ya._offset + ya.l2p(row)];
"""
# A point inside a province's coloured shape on the map.
PROVINCE_POINT_JS = """
const code = arguments[0];
const gd = document.querySelector('#map-graph .js-plotly-plot');
const index = gd.data[1].locations.indexOf(code);
const path = [...[...document.querySelectorAll('#map-graph g.geo g.trace.choropleth')][1]
  .querySelectorAll('path.choroplethlocation')][index];
const r = path.getBoundingClientRect();
for (let fx = 0.3; fx <= 0.7; fx += 0.1) for (let fy = 0.3; fy <= 0.7; fy += 0.1) {
  const x = r.x + r.width * fx, y = r.y + r.height * fy;
  if (path.isPointInFill(new DOMPoint(x, y).matrixTransform(path.getScreenCTM().inverse()))) return [x, y];
}
return null;
"""
# Every Dash callback response body from now on (the year step's patch is one of them).
RECORD_RESPONSES_JS = """
window.__dashResponses = [];
if (!window.__mapFetchWrapped) {
  const orig = window.fetch;
  window.fetch = async (...args) => {
    const res = await orig(...args);
    const url = String(args[0] && args[0].url || args[0]);
    if (url.includes('_dash-update-component')) res.clone().text().then(body => window.__dashResponses.push(body));
    return res;
  };
  window.__mapFetchWrapped = true;
}
"""
RANKING_JS = """
const gd = document.querySelector('#map-ranking .js-plotly-plot');
if (!gd || !gd._fullLayout) return null;
const sizes = [...gd.querySelectorAll('g.trace.bars text.bartext')].map(t => parseFloat(getComputedStyle(t).fontSize));
const bars = [...gd.querySelectorAll('g.trace.bars g.point path')];
const texts = (css, keep = () => true) => [...gd.querySelectorAll(css)].filter(keep).map(t => t.textContent);
return {sizes: sizes, bars: bars.length, legend: texts('.legend .legendtext'),
        lines: gd._fullLayout.shapes.map(s => s.x0), notes: texts('.annotation-text'),
        bold: texts('.ytick text', t => t.innerHTML.includes('bold'))};
"""
LONGEST_BAR_JS = """
const gd = document.querySelector('#map-ranking .js-plotly-plot');
const bars = gd ? [...gd.querySelectorAll('g.trace.bars g.point path')] : [];
if (!bars.length) return null;
const r = bars[bars.length - 1].getBoundingClientRect();
return [r.x + r.width / 2, r.y + r.height / 2, gd._fullData[0].customdata[bars.length - 1][0]];
"""


@pytest.fixture(scope="module")
def app_url(shipped_warehouse: Path) -> Iterator[str]:
    yield from serve_dashboard(shipped_warehouse)


def _query(browser: webdriver.Chrome) -> dict[str, list[str]]:
    return parse_qs(urlparse(browser.current_url).query)


def _title(browser: webdriver.Chrome) -> str:
    found = browser.find_elements(By.ID, "map-title")
    return found[0].text if found else ""


def _text(browser: webdriver.Chrome, element_id: str) -> str:
    found = browser.find_elements(By.ID, element_id)
    return found[0].text if found else ""


def _squares(browser: webdriver.Chrome) -> dict[str, Any]:
    return wait(browser, lambda b: (s := b.execute_script(SQUARES_JS)) and s["values"] + s["no_data"] == 34 and s)


def _point_at(browser: webdriver.Chrome, x: float, y: float, *, click: bool = False) -> None:
    """Plotly picks the point under the pointer from its hover state: move, rest, nudge (then click)."""
    actions = ActionBuilder(browser)
    actions.pointer_action.move_to_location(int(x), int(y)).pause(0.3).move_to_location(int(x) + 1, int(y) + 1)
    if click:
        actions.pointer_action.pause(0.3).click()
    actions.perform()


def _patches(responses: list[str]) -> list[dict[str, Any]]:
    """The map figure's part of each callback response that updated it."""
    found = []
    for body in responses:
        figure = json.loads(body).get("response", {}).get("map-graph", {}).get("figure")
        if figure is not None:
            found.append(figure)
    return found


def test_the_tile_toggle_draws_34_equal_squares_and_the_address_keeps_it(
    browser: webdriver.Chrome, browser_log: Callable[[], Any], app_url: str,
) -> None:
    browser.set_window_size(1280, 720)
    browser.get(app_url + "/map?indicator=cnc_rate&year=2020&lang=en")
    wait(browser, lambda b: (c := map_paths(b)) and sum(c[:2]) == 34)
    browser.find_element(By.CSS_SELECTOR, "#map-view input[value='tiles']").click()
    squares = _squares(browser)
    assert (squares["no_data"], squares["values"]) == (3, 31)  # Taiwan, Hong Kong, Macao: grey, not zero
    assert squares["labels"] == 34 and squares["image"]
    wait(browser, lambda b: _query(b).get("tiles") == ["1"])
    cell = browser.execute_script("""
        const gd = document.querySelector('#map-graph .js-plotly-plot'), xa = gd._fullLayout.xaxis,
              ya = gd._fullLayout.yaxis;
        return [xa.l2p(2) - xa.l2p(1), ya.l2p(2) - ya.l2p(1)];""")
    assert cell[0] == pytest.approx(cell[1], abs=0.5) and cell[0] > 30  # squares, large enough to read
    browser.find_element(By.CSS_SELECTOR, "#map-view input[value='map']").click()
    wait(browser, lambda b: (c := map_paths(b)) and sum(c[:2]) == 34)
    wait(browser, lambda b: "tiles" not in _query(b))
    time.sleep(0.3)
    assert browser_log().errors == []


def test_a_year_step_on_the_tiles_patches_data_arrays_and_sends_no_layout(
    browser: webdriver.Chrome, app_url: str,
) -> None:
    browser.get(app_url + "/map?indicator=cnc_rate&year=2020&tiles=1&region=长三角&mark=1&lang=en")
    _squares(browser)
    wait(browser, lambda b: _title(b).endswith("2020"))
    before = browser.execute_script("return document.querySelector('#map-graph .js-plotly-plot').data[1].z")
    browser.execute_script(RECORD_RESPONSES_JS)
    slider = browser.find_element(By.CSS_SELECTOR, "#map-year [role=slider]")
    browser.execute_script("arguments[0].focus()", slider)
    slider.send_keys(Keys.ARROW_LEFT)
    wait(browser, lambda b: _title(b).endswith("2019"))
    patches = wait(browser, lambda b: _patches(b.execute_script("return window.__dashResponses")))
    after = browser.execute_script("return document.querySelector('#map-graph .js-plotly-plot').data[1].z")
    assert after != before
    for patch in patches:
        assert "__dash_patch_update" in patch, "a year step must patch, not resend the figure"
        locations = [op["location"] for op in patch["operations"]]
        assert locations and all(loc[0] == "data" for loc in locations), locations  # no layout, ever
        assert {loc[-1] for loc in locations} <= {"x", "y", "z", "customdata", "text", "name", "showlegend"}
    assert _squares(browser)["group"] == 4  # the group's outline survived the step
    wait(browser, lambda b: _query(b).get("year") == ["2019"] and _query(b).get("tiles") == ["1"])


def test_a_tile_click_opens_its_province_profile(browser: webdriver.Chrome, app_url: str) -> None:
    browser.get(app_url + "/map?indicator=cnc_rate&year=2020&tiles=1&lang=en")
    _squares(browser)
    x, y = browser.execute_script(TILE_POINT_JS, 6, 6)  # Jiangsu's square
    _point_at(browser, x, y, click=True)
    wait(browser, lambda b: urlparse(b.current_url).path == "/province/320000")
    wait(browser, lambda b: _query(b).get("tiles") == ["1"])  # the visitor's view setting rides along


def test_hovering_a_tile_shows_its_sparkline_and_rank_without_asking_the_server(
    browser: webdriver.Chrome, app_url: str,
) -> None:
    browser.get(app_url + "/map?indicator=cnc_rate&year=2020&tiles=1&lang=en")
    _squares(browser)
    assert "Point at a province" in _text(browser, "map-hover")
    browser.execute_script(RECORD_RESPONSES_JS)
    x, y = browser.execute_script(TILE_POINT_JS, 6, 6)
    _point_at(browser, x, y)
    wait(browser, lambda b: _text(b, "map-hover-name") == "Jiangsu")
    assert _text(browser, "map-hover-value").startswith("2020: 59.0%")
    assert "Illustrative value" in _text(browser, "map-hover-value")
    assert _text(browser, "map-hover-rank") == "Not ranked: illustrative value"
    assert "values, 2015–2023" in _text(browser, "map-hover-series")
    spark = wait(browser, lambda b: b.execute_script("const g = document.querySelector('#map-spark .js-plotly-plot');"
                                                     "return g && g.data && g.data.map(t => t.x.length)"))
    points = len(json.loads(browser.execute_script(
        "return JSON.stringify(document.querySelector('#map-spark .js-plotly-plot').data[2].x)")))
    assert spark[0] == points + spark[1] and spark[2] == points and spark[3] == 1  # generated points marked apart
    assert browser.execute_script("return window.__dashResponses.length") == 0  # drawn in the browser


def test_the_hover_panel_gives_a_real_provinces_rank_and_follows_the_year(
    browser: webdriver.Chrome, app_url: str,
) -> None:
    browser.get(app_url + "/map?indicator=cnc_rate&year=2020&lang=en")
    wait(browser, lambda b: (c := map_paths(b)) and sum(c[:2]) == 34)
    x, y = wait(browser, lambda b: b.execute_script(PROVINCE_POINT_JS, "520000"))  # Guizhou: a derived 2020 figure
    _point_at(browser, x, y)
    wait(browser, lambda b: _text(b, "map-hover-name") == "Guizhou")
    assert _text(browser, "map-hover-rank") == "Rank 1 of 1 reporting (same scope)"
    assert "Illustrative" not in _text(browser, "map-hover-value")
    browser.find_element(By.ID, "map-next-year").click()
    wait(browser, lambda b: _title(b).endswith("2021"))
    wait(browser, lambda b: _text(b, "map-hover-value").startswith("2021: "))
    assert _text(browser, "map-hover-name") == "Guizhou"


def test_a_region_group_is_outlined_on_map_and_tiles_emphasised_in_the_ranking_and_given_its_value(
    browser: webdriver.Chrome, app_url: str,
) -> None:
    browser.get(app_url + "/map?indicator=cnc_rate&year=2020&region=长三角&lang=en")
    counts = wait(browser, lambda b: (c := map_paths(b)) and sum(c[:2]) == 34 and c)
    assert counts[3] == 4  # Shanghai, Jiangsu, Zhejiang, Anhui
    line = wait(browser, lambda b: _text(b, "map-group-line"))
    assert line.startswith("长三角 cluster, 2020: ") and "mean of the 4 of 4 members that report" in line
    assert "Illustrative data" in line  # built on generated member values, so badged
    links = {a.text: a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#map-group-line a")}
    assert parse_qs(urlparse(links["Members on Trends"]).query)["region"] == ["310000,320000,330000,340000"]
    assert parse_qs(urlparse(links["Group line on Trends"]).query) == {"indicator": ["cnc_rate"],
                                                                        "region": ["长三角"]}
    ranking = wait(browser, lambda b: (r := b.execute_script(RANKING_JS)) and r["bold"] and r)
    assert sorted(ranking["bold"]) == ["Anhui", "Jiangsu", "Shanghai", "Zhejiang"]
    browser.find_element(By.ID, "map-region").click()
    wait(browser, lambda b: [o for o in b.find_elements(By.CSS_SELECTOR, "[role=option]")
                             if o.text == "Northeast"])[0].click()
    wait(browser, lambda b: _query(b).get("region") == ["northeast"])
    wait(browser, lambda b: (c := map_paths(b)) and c[3] == 3)
    assert _text(browser, "map-group-line").startswith("Northeast, 2020: ")
    browser.find_element(By.CSS_SELECTOR, "#map-view input[value='tiles']").click()
    assert _squares(browser)["group"] == 3


@pytest.mark.parametrize(("region", "expected"), [("atlantis", 'region "atlantis" (parameter region)'),
                                                  ("100000", "(parameter region) is not a province")],
                         ids=["unknown", "the-nation"])
def test_a_region_the_map_cannot_outline_shows_a_notice_naming_the_parameter(
    browser: webdriver.Chrome, browser_log: Callable[[], Any], app_url: str, region: str, expected: str,
) -> None:
    browser.get(app_url + f"/map?indicator=cnc_rate&region={region}&lang=en")
    problem = wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, '#link-notice [data-param="region"]'))[0]
    assert expected in problem.text and problem.is_displayed()
    wait(browser, lambda b: (c := map_paths(b)) and sum(c[:2]) == 34)
    assert map_paths(browser)[3] == 0 and not _text(browser, "map-group-line")
    time.sleep(0.3)
    assert browser_log().errors == []


def test_the_tile_view_is_the_visitors_setting_kept_across_pages(browser: webdriver.Chrome, app_url: str) -> None:
    browser.get(app_url + "/map?indicator=design_tool_penetration&year=2020&tiles=1&lang=en")
    _squares(browser)
    trends = browser.find_element(By.ID, "nav-trends")
    wait(browser, lambda b: "tiles=1" in trends.get_attribute("href"))
    trends.click()
    wait(browser, lambda b: urlparse(b.current_url).path == "/trends")
    wait(browser, lambda b: _query(b).get("tiles") == ["1"])
    browser.find_element(By.ID, "nav-map").click()
    wait(browser, lambda b: urlparse(b.current_url).path == "/map")
    _squares(browser)
    assert browser.find_element(By.CSS_SELECTOR, "#map-view input[value='tiles']").is_selected()


def test_the_ranking_reads_at_1280x720_with_reference_lines_a_legend_and_bars_that_open_profiles(
    browser: webdriver.Chrome, viewport: Callable[[int, int], None], app_url: str,
) -> None:
    viewport(1280, 720)
    browser.get(app_url + "/map?indicator=cnc_rate&year=2020&tiles=1&region=east&lang=en")
    _squares(browser)
    ranking = wait(browser, lambda b: (r := b.execute_script(RANKING_JS)) and r["bars"] == 31 and r)
    assert min(ranking["sizes"]) >= 11 and len(ranking["sizes"]) == 31
    assert ranking["legend"] == ["Reported or estimated", "Illustrative (not ranked)"]
    assert ranking["lines"] == [52.1, 50.0]  # China 2020, and the 2020 target (> 50%)
    assert ranking["notes"] == ["China 52.1%", "Target > 50.0% (2020)"]
    x, y, code = browser.execute_script(LONGEST_BAR_JS)
    _point_at(browser, x, y, click=True)
    wait(browser, lambda b: urlparse(b.current_url).path == f"/province/{code}")


VIEWS = [("map", "/map?indicator=cnc_rate&year=2020&region=长三角&mark=1"),
         ("tiles", "/map?indicator=cnc_rate&year=2020&region=长三角&mark=1&tiles=1")]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)], ids=["1280x720", "1920x1080"])
@pytest.mark.parametrize(("view", "path"), VIEWS, ids=[v for v, _ in VIEWS])
def test_each_view_fits_the_screen_with_the_hover_panel_open(
    browser: webdriver.Chrome, browser_log: Callable[[], Any], viewport: Callable[[int, int], None],
    screenshot: Callable[[str], Path], app_url: str, view: str, path: str, lang: str, size: tuple[int, int],
) -> None:
    viewport(*size)
    browser.get(f"{app_url}{path}&lang={lang}")
    if view == "tiles":
        _squares(browser)
        x, y = browser.execute_script(TILE_POINT_JS, 6, 6)
    else:
        wait(browser, lambda b: (c := map_paths(b)) and sum(c[:2]) == 34)
        x, y = wait(browser, lambda b: b.execute_script(PROVINCE_POINT_JS, "320000"))
    _point_at(browser, x, y)
    wait(browser, lambda b: _text(b, "map-hover-rank"))
    assert browser.execute_script("return document.documentElement.scrollWidth") <= size[0]
    panel, graph = (browser.find_element(By.ID, i).rect for i in ("map-hover", "map-graph"))
    assert panel["x"] + panel["width"] <= graph["x"] + graph["width"] + 1  # beside the map, inside its column
    badge = browser.find_element(By.CSS_SELECTOR, "#map-caption .badge-illustrative")
    assert browser.execute_script("return arguments[0].getBoundingClientRect().bottom <= window.innerHeight", badge)
    time.sleep(0.3)
    screenshot(f"map_views_{view}_{lang}_{size[0]}x{size[1]}")
    assert browser_log().errors == []
