"""The province profile and deep-link notices in real headless Chromium, served by `python -m dashboard`."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlparse

import pytest
from browsing import serve_dashboard, wait
from selenium import webdriver
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.by import By

pytestmark = pytest.mark.browser
PANELS_JS = """
const plot = document.querySelector('#profile-graph .js-plotly-plot');
return plot && plot.data ? [...new Set(plot.data.filter(t => t.meta && t.meta.panel).map(t => t.meta.panel))] : null;
"""
# The centre of the ranking's top bar, and the region code plotly holds for it (customdata[0]).
TOP_BAR_JS = """
const plot = document.querySelector('#map-ranking .js-plotly-plot');
const bars = plot ? [...plot.querySelectorAll('g.trace.bars g.point path')] : [];
if (!bars.length) return null;
const index = bars.length - 1;  // plotly draws the first category at the bottom: the last is the best
const r = bars[index].getBoundingClientRect();
return [r.x + r.width / 2, r.y + r.height / 2, plot._fullData[0].customdata[index][0], plot._fullData[0].y[index]];
"""
LEGEND_JS = "const l = document.querySelector('#trends-graph .legend'); return l ? l.textContent : '';"


@pytest.fixture(scope="module")
def app_url(shipped_warehouse: Path) -> Iterator[str]:
    yield from serve_dashboard(shipped_warehouse)


def heading(browser: webdriver.Chrome) -> str:
    found = browser.find_elements(By.CSS_SELECTOR, "h1.page-title")
    return found[0].text if found else ""


def query(browser: webdriver.Chrome) -> dict[str, list[str]]:
    return parse_qs(urlparse(browser.current_url).query)


def click_at(browser: webdriver.Chrome, x: float, y: float) -> None:
    """Plotly picks the point under the pointer from its hover state: move, rest, then click."""
    actions = ActionBuilder(browser)
    actions.pointer_action.move_to_location(int(x), int(y)).pause(0.3).move_to_location(int(x) + 1, int(y))
    actions.pointer_action.pause(0.3).click()
    actions.perform()


@pytest.mark.parametrize("spelling", ["320000", "江苏", "Jiangsu"])
def test_the_profile_opens_for_a_province_by_code_chinese_or_english_name(
    browser: webdriver.Chrome, browser_log: Callable[[], Any], app_url: str, spelling: str,
) -> None:
    browser.set_window_size(1280, 720)
    browser.get(f"{app_url}/province/{quote(spelling)}?lang=en")
    wait(browser, lambda b: heading(b) == "Jiangsu · Province profile")
    rows = wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, ".profile-table tr[data-indicator]"))
    by_id = {r.get_attribute("data-indicator"): r for r in rows}
    assert {"cnc_rate", "design_tool_penetration", "pilot_projects", "ii_development_level"} <= set(by_id)
    cnc = by_id["cnc_rate"].text
    assert "Illustrative data" in cnc and "Not ranked" in cnc and "≥ 68.0% (2025)" in cnc and "62.9%" in cnc
    assert "3 of 5 (2018)" in by_id["pilot_projects"].text
    peers = browser.find_element(By.CSS_SELECTOR, ".profile-peers").text
    assert "Eastern region" in peers and "Shanghai" in peers and "长三角" in peers
    panels = wait(browser, lambda b: b.execute_script(PANELS_JS))
    assert panels == [r.get_attribute("data-indicator") for r in rows]  # one panel per row, in order
    trends = browser.find_element(By.CSS_SELECTOR, "a.profile-trends-link").get_attribute("href")
    assert parse_qs(urlparse(trends).query)["region"] == ["100000,320000"]
    assert urlparse(browser.current_url).path == f"/province/{quote(spelling)}"  # the address stays as typed
    wait(browser, lambda b: b.title == "Jiangsu · Province profile")
    time.sleep(0.3)
    assert browser_log().errors == []


def test_a_bad_name_shows_a_notice_with_a_suggestion_that_opens_the_profile(
    browser: webdriver.Chrome, app_url: str,
) -> None:
    browser.get(app_url + "/province/Jaingsu?lang=en")
    notice = wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, '.link-notice [data-param="region"]'))[0]
    assert 'region "Jaingsu" (parameter region)' in notice.text and "Did you mean: Jiangsu" in notice.text
    assert heading(browser) == "Province profile"
    notice.find_element(By.LINK_TEXT, "Jiangsu").click()
    wait(browser, lambda b: urlparse(b.current_url).path == "/province/320000")
    wait(browser, lambda b: heading(b) == "Jiangsu · Province profile")
    assert query(browser).get("lang") == ["en"]  # the visitor's language rides along


def test_the_picker_opens_another_provinces_profile(browser: webdriver.Chrome, app_url: str) -> None:
    browser.get(app_url + "/province/320000?lang=en")
    wait(browser, lambda b: heading(b) == "Jiangsu · Province profile")
    wait(browser, lambda b: b.execute_script(PANELS_JS))
    browser.find_element(By.ID, "profile-region").click()
    wait(browser, lambda b: [o for o in b.find_elements(By.CSS_SELECTOR, "[role=option]") if o.text == "Zhejiang"])[0] \
        .click()
    wait(browser, lambda b: urlparse(b.current_url).path == "/province/330000")
    wait(browser, lambda b: heading(b) == "Zhejiang · Province profile")
    assert query(browser).get("lang") == ["en"]


def test_reported_only_hides_generated_values_and_keeps_the_address(browser: webdriver.Chrome, app_url: str) -> None:
    browser.get(app_url + "/province/江苏?lang=en")
    wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, ".profile-row-illustrative"))
    browser.find_element(By.CSS_SELECTOR, "#profile-reported-only input").click()
    wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, ".profile-table tr[data-indicator]")
         and not b.find_elements(By.CSS_SELECTOR, ".profile-row-illustrative"))
    wait(browser, lambda b: query(b).get("reported") == ["1"])
    assert query(browser).get("lang") == ["en"]
    assert urlparse(browser.current_url).path == f"/province/{quote('江苏')}"
    assert "Illustrative data" not in browser.find_element(By.ID, "profile-body").text


def test_a_bar_in_the_ranking_opens_that_provinces_profile(browser: webdriver.Chrome, app_url: str) -> None:
    browser.set_window_size(1280, 900)
    browser.get(app_url + "/map?indicator=pilot_projects&year=2018&lang=en")
    x, y, code, label = wait(browser, lambda b: b.execute_script(TOP_BAR_JS))
    click_at(browser, x, y)
    wait(browser, lambda b: urlparse(b.current_url).path == f"/province/{code}")
    wait(browser, lambda b: heading(b) == f"{label} · Province profile")
    assert query(browser).get("lang") == ["en"]


NOTICES = [
    ("/trends?region=nope", "region"), ("/trends?indicator=nope", "indicator"),
    ("/map?indicator=nope", "indicator"), ("/map?indicator=cnc_rate&year=1999", "year"),
    ("/?horizon=1999", "horizon"), ("/?region=nope", "region"), ("/province/nope", "region"),
]


@pytest.mark.parametrize(("path", "param"), NOTICES, ids=[p for p, _ in NOTICES])
def test_an_unknown_parameter_shows_a_notice_naming_it(
    browser: webdriver.Chrome, browser_log: Callable[[], Any], app_url: str, path: str, param: str,
) -> None:
    browser.get(app_url + path + ("&" if "?" in path else "?") + "lang=en")
    problem = wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, f'#link-notice [data-param="{param}"]'))[0]
    assert f"(parameter {param})" in problem.text and problem.is_displayed()
    time.sleep(0.3)
    assert browser_log().errors == []


def test_trends_take_a_chinese_name_and_draw_a_group_as_one_line(browser: webdriver.Chrome, app_url: str) -> None:
    browser.get(app_url + "/trends?indicator=cnc_rate&region=江苏&lang=en")
    wait(browser, lambda b: b.find_element(By.ID, "trends-title").text == "Key-process CNC rate · Jiangsu")
    wait(browser, lambda b: query(b).get("region") == ["320000"])  # the address follows, as a code
    assert not browser.find_elements(By.ID, "link-notice")
    browser.get(app_url + "/trends?indicator=cnc_rate&region=100000,长三角&lang=en")
    legend = wait(browser, lambda b: (text := b.execute_script(LEGEND_JS)) and "cluster" in text and text)
    assert "China" in legend and "长三角 cluster" in legend and "Anhui" not in legend
    assert not browser.find_elements(By.ID, "link-notice")  # a group is understood: tests/e2e/test_trend_groups.py


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)], ids=["1280x720", "1920x1080"])
def test_the_profile_fits_the_screen_in_both_languages(
    browser: webdriver.Chrome, viewport: Callable[[int, int], None], screenshot: Callable[[str], Path],
    app_url: str, lang: str, size: tuple[int, int],
) -> None:
    viewport(*size)
    browser.get(f"{app_url}/province/{quote('江苏')}?lang={lang}")
    wait(browser, lambda b: b.execute_script(PANELS_JS))
    time.sleep(0.5)
    assert browser.execute_script("return document.documentElement.scrollWidth") <= size[0]
    table = browser.find_element(By.CSS_SELECTOR, ".profile-table")
    assert browser.execute_script("return arguments[0].getBoundingClientRect().top < window.innerHeight", table)
    screenshot(f"profile_{lang}_{size[0]}x{size[1]}")
    browser.execute_script("document.getElementById('profile-graph').scrollIntoView()")
    time.sleep(0.3)
    screenshot(f"profile_trends_{lang}_{size[0]}x{size[1]}")
