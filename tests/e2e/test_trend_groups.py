"""Region groups on /trends in real headless Chromium: one aggregated line per group, its method and members
under the chart, the members one click away, "compare groups", and "reported only" kept throughout."""

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

pytestmark = pytest.mark.browser
DELTA = ["310000", "320000", "330000", "340000"]
CLUSTERS = ["环渤海", "长三角", "珠三角", "中西部"]
# The chart's lines as plotly holds them: one entry per trace that draws a region's or a group's values.
LINES_JS = """
const plot = document.querySelector('#trends-graph .js-plotly-plot');
if (!plot || !plot._fullData) return null;
return plot._fullData.filter(t => t.meta && t.meta.region_code && !t.meta.role).map(t => ({
  region: t.meta.region_code, group: !!t.meta.group, illustrative: !!t.meta.illustrative, name: t.name,
  points: (t.customdata || []).filter(c => c && typeof c[0] === 'string').map(c => Array.from(c))}));
"""


@pytest.fixture(scope="module")
def app_url(shipped_warehouse: Path) -> Iterator[str]:
    yield from serve_dashboard(shipped_warehouse)


def query(browser: webdriver.Chrome) -> dict[str, list[str]]:
    return parse_qs(urlparse(browser.current_url).query)


def lines(browser: webdriver.Chrome) -> list[dict[str, Any]]:
    return browser.execute_script(LINES_JS) or []


def regions_drawn(browser: webdriver.Chrome) -> list[str]:
    return list(dict.fromkeys(line["region"] for line in lines(browser)))


def test_a_group_in_the_address_is_one_line_with_its_method_and_members_under_it(
    browser: webdriver.Chrome, app_url: str,
) -> None:
    browser.get(app_url + "/trends?indicator=cnc_rate&region=长三角&lang=en")
    wait(browser, lambda b: regions_drawn(b) == ["长三角"])
    drawn = lines(browser)
    assert len(drawn) == 1 and drawn[0]["group"]  # exactly one line for the group, not its four members
    assert drawn[0]["illustrative"] and drawn[0]["name"] == "长三角 cluster (Illustrative value)"
    assert drawn[0]["points"] and all(p[0].endswith("4 of 4 members report") and p[1:] == [4, 4]
                                      for p in drawn[0]["points"])
    wait(browser, lambda b: query(b).get("region") == ["长三角"])  # the address keeps the group
    assert browser.find_element(By.ID, "trends-title").text == "Key-process CNC rate · 长三角 cluster"
    method = browser.find_element(By.CSS_SELECTOR, "#trends-groups .group-method")
    assert "长三角 cluster: the plain mean of the member provinces that report each year (not weighted)" in method.text
    graph = browser.find_element(By.ID, "trends-graph")
    assert method.rect["y"] >= graph.rect["y"] + graph.rect["height"] - 1  # under the chart
    note = browser.find_element(By.CSS_SELECTOR, '#trends-groups .group-note[data-group="长三角"]')
    assert not browser.find_elements(By.ID, "link-notice")
    note.find_element(By.CSS_SELECTOR, "a.group-members-link").click()  # its members, one click away
    wait(browser, lambda b: regions_drawn(b) == DELTA)
    assert query(browser)["region"] == [",".join(DELTA)] and query(browser)["lang"] == ["en"]
    assert not any(line["group"] for line in lines(browser))
    assert not browser.find_elements(By.CSS_SELECTOR, "#trends-groups p")


def test_a_group_mixed_with_provinces_and_picked_from_the_region_list(browser: webdriver.Chrome, app_url: str) -> None:
    browser.get(app_url + "/trends?indicator=cnc_rate&region=长三角,100000,440000&lang=en")
    wait(browser, lambda b: regions_drawn(b) == ["长三角", "100000", "440000"])
    assert [line["region"] for line in lines(browser) if line["group"]] == ["长三角"]
    browser.get(app_url + "/trends?indicator=cnc_rate&region=100000&lang=en")
    wait(browser, lambda b: regions_drawn(b) == ["100000"])
    browser.find_element(By.ID, "trends-regions").click()
    option = wait(browser, lambda b: [o for o in b.find_elements(By.CSS_SELECTOR, "[role=option]")
                                      if o.text == "Western region"])[0]
    option.click()
    wait(browser, lambda b: regions_drawn(b) == ["100000", "west"])
    wait(browser, lambda b: query(b).get("region") == ["100000,west"])


def test_compare_the_four_clusters_then_the_macro_regions_keeping_reported_only(
    browser: webdriver.Chrome, app_url: str,
) -> None:
    browser.get(app_url + "/trends?indicator=cnc_rate&region=100000&lang=en")
    wait(browser, lambda b: regions_drawn(b) == ["100000"])
    browser.find_element(By.ID, "trends-compare-clusters").click()
    wait(browser, lambda b: regions_drawn(b) == ["100000", *CLUSTERS])
    assert query(browser)["region"] == [",".join(["100000", *CLUSTERS])]  # a stable address
    groups = [line["region"] for line in lines(browser) if line["group"]]
    assert list(dict.fromkeys(groups)) == CLUSTERS  # four groups (中西部: its real and its generated segments)
    browser.refresh()  # the address restores the view
    wait(browser, lambda b: regions_drawn(b) == ["100000", *CLUSTERS])
    browser.find_element(By.CSS_SELECTOR, "#trends-reported-only input").click()
    wait(browser, lambda b: query(b).get("reported") == ["1"])
    wait(browser, lambda b: lines(b) and not any(line["illustrative"] for line in lines(b)))
    # 长三角 has no real member figure: no line, and the note says why
    assert "长三角" not in regions_drawn(browser)
    methods = [p.text for p in browser.find_elements(By.CSS_SELECTOR, "#trends-groups .group-method")]
    assert "长三角 cluster, 珠三角 cluster: not drawn — no member province has figures in this selection." in methods
    wait(browser, lambda b: "reported=1" in b.find_element(By.ID, "trends-compare-macro").get_attribute("href"))
    browser.find_element(By.ID, "trends-compare-macro").click()
    wait(browser, lambda b: query(b).get("region") == ["100000,east,central,west,northeast"])
    time.sleep(0.5)
    assert query(browser).get("reported") == ["1"]
    assert browser.find_element(By.CSS_SELECTOR, "#trends-reported-only input").is_selected()
    wait(browser, lambda b: lines(b) and not any(line["illustrative"] for line in lines(b)))
    west = [line for line in lines(browser) if line["region"] == "west"]
    assert west and all(" of 12 members report" in p[0] for line in west for p in line["points"])


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)], ids=["1280x720", "1920x1080"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_group_views_fit_the_screen(
    browser: webdriver.Chrome, viewport: Callable[[int, int], None], screenshot: Callable[[str], Path],
    app_url: str, lang: str, size: tuple[int, int],
) -> None:
    viewport(*size)
    for name, path, drawn in (("group", "region=长三角", ["长三角"]),
                              ("clusters", f"region=100000,{','.join(CLUSTERS)}", ["100000", *CLUSTERS])):
        browser.get(f"{app_url}/trends?indicator=cnc_rate&{path}&lang={lang}")
        wait(browser, lambda b, drawn=drawn: regions_drawn(b) == drawn)
        time.sleep(0.6)  # responsive charts settle to their container
        screenshot(f"trend_groups_{name}_{lang}_{size[0]}x{size[1]}")
        assert browser.execute_script("return document.documentElement.scrollWidth") <= size[0]
        header = browser.find_element(By.CSS_SELECTOR, ".trend-compare").rect
        assert header["x"] + header["width"] <= size[0]  # the compare links are not pushed off screen
