"""Presenter mode and the per-visitor language in real headless Chromium."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import duckdb
import pytest
from browsing import serve_dashboard, wait
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

pytestmark = pytest.mark.browser
SIZES = [(1280, 720), (1920, 1080)]
PRESENTED = [
    ("board", "/?horizon=2025&present=1", ".slide .slide-gauge .main-svg"),
    ("map", "/map?indicator=cnc_rate&year=2021&present=1", "#map-graph path.choroplethlocation"),
    ("trends", "/trends?indicator=cnc_rate&region=100000,500000&present=1", "#trends-graph g.scatterlayer g.trace"),
]
CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture(scope="module")
def app_url(shipped_warehouse: Path) -> Iterator[str]:
    yield from serve_dashboard(shipped_warehouse)


def query(browser: webdriver.Chrome) -> dict[str, list[str]]:
    return parse_qs(urlparse(browser.current_url).query)


@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize(("name", "path", "ready"), PRESENTED, ids=[p[0] for p in PRESENTED])
def test_presenter_mode_fills_the_screen_without_scrolling_or_chrome(
    browser: webdriver.Chrome, viewport: Callable[[int, int], None], screenshot: Callable[[str], Path],
    app_url: str, name: str, path: str, ready: str, width: int, height: int,
) -> None:
    viewport(width, height)
    for lang in ("en", "zh"):
        browser.get(f"{app_url}{path}&lang={lang}")
        wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, ready))
        time.sleep(0.6)  # responsive charts settle to their container
        screenshot(f"present_{name}_{lang}_{width}x{height}")
        size = browser.execute_script("""const e = document.documentElement;
            return [e.scrollWidth, e.scrollHeight, window.innerWidth, window.innerHeight];""")
        assert size[0] <= size[2] and size[1] <= size[3], size  # no scrollbar either way
        assert not browser.find_element(By.ID, "nav").is_displayed()
        font = browser.execute_script("return parseFloat(getComputedStyle(document.body).fontSize)")
        if width >= 1920:
            assert font >= 24
        chart = browser.execute_script(f"""const r = document.querySelector({ready.split()[0]!r})
            .getBoundingClientRect(); return [r.width, r.height];""")
        assert chart[0] * chart[1] >= 0.3 * width * height, chart  # the chart is most of the screen


def test_arrow_keys_and_page_down_step_the_slides_and_their_addresses(
    browser: webdriver.Chrome, app_url: str, shipped_warehouse: Path,
) -> None:
    with duckdb.connect(str(shipped_warehouse), read_only=True) as con:
        due = con.execute("SELECT count(*) FROM targets WHERE target_year = 2025").fetchall()[0][0]
    browser.get(app_url + "/?horizon=2025&present=1&lang=en")
    counter = wait(browser, lambda b: b.find_elements(By.ID, "slide-counter"))[0]
    assert counter.text == f"1 / {due}"
    first = browser.find_element(By.CSS_SELECTOR, ".slide").get_attribute("data-indicator")
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.ARROW_RIGHT)
    wait(browser, lambda b: b.find_element(By.ID, "slide-counter").text == f"2 / {due}")
    second = query(browser)["slide"][0]
    assert query(browser)["present"] == ["1"] and query(browser)["horizon"] == ["2025"]
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.PAGE_DOWN)
    wait(browser, lambda b: b.find_element(By.ID, "slide-counter").text == f"3 / {due}")
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_LEFT)
    wait(browser, lambda b: b.find_element(By.ID, "slide-counter").text == f"2 / {due}")
    assert query(browser)["slide"] == [second]
    browser.get(app_url + f"/?horizon=2025&present=1&lang=en&slide={second}")  # a slide's address is stable
    wait(browser, lambda b: b.find_element(By.ID, "slide-counter").text == f"2 / {due}")
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.PAGE_UP)
    wait(browser, lambda b: b.find_element(By.CSS_SELECTOR, ".slide").get_attribute("data-indicator") == first)
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
    wait(browser, lambda b: "present" not in query(b) and b.find_elements(By.CSS_SELECTOR, ".card-grid"))
    assert browser.find_element(By.ID, "nav").is_displayed()
    assert query(browser)["horizon"] == ["2025"]


def test_arrow_keys_step_the_map_year_in_presenter_mode(browser: webdriver.Chrome, app_url: str) -> None:
    browser.get(app_url + "/map?indicator=cnc_rate&year=2021&present=1&lang=en")
    wait(browser, lambda b: b.find_element(By.ID, "map-title").text.endswith("2021"))
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
    wait(browser, lambda b: b.find_element(By.ID, "map-title").text.endswith("2022"))
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_LEFT)
    wait(browser, lambda b: b.find_element(By.ID, "map-title").text.endswith("2021"))
    wait(browser, lambda b: query(b).get("year") == ["2021"] and query(b).get("present") == ["1"])
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
    wait(browser, lambda b: "present" not in query(b) and b.find_element(By.ID, "nav").is_displayed())


def test_the_present_button_opens_presenter_mode_on_the_same_view(browser: webdriver.Chrome, app_url: str) -> None:
    browser.get(app_url + "/trends?indicator=design_tool_penetration&region=100000&lang=en")
    wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "#trends-graph g.scatterlayer g.trace"))
    link = browser.find_element(By.ID, "present-link")
    wait(browser, lambda b: "present=1" in link.get_attribute("href"))
    link.click()
    wait(browser, lambda b: query(b).get("present") == ["1"] and not b.find_element(By.ID, "nav").is_displayed())
    assert query(browser)["indicator"] == ["design_tool_penetration"] and query(browser)["lang"] == ["en"]


def test_two_visitors_on_one_server_read_it_in_their_own_languages_at_once(
    browser: webdriver.Chrome, second_browser: webdriver.Chrome, app_url: str,
) -> None:
    browser.get(app_url + "/?horizon=2025&lang=en")
    second_browser.get(app_url + "/?horizon=2025")  # no parameter: Chinese, the default
    for _ in range(3):  # interleave their callbacks on the one server
        for b, year in ((browser, "2020"), (second_browser, "2027"), (browser, "2025"), (second_browser, "2025")):
            wait(b, lambda d: d.find_elements(By.CSS_SELECTOR, "#board-horizon label"))
            next(label for label in b.find_elements(By.CSS_SELECTOR, "#board-horizon label")
                 if label.text.strip() == year).click()
    wait(browser, lambda b: "On track" in b.find_element(By.ID, "board-cards").text)
    wait(second_browser, lambda b: "进展顺利" in b.find_element(By.ID, "board-cards").text)
    assert "进展顺利" not in browser.find_element(By.ID, "board-cards").text
    assert "On track" not in second_browser.find_element(By.ID, "board-cards").text
    assert browser.find_element(By.ID, "nav-board").text == "Targets"
    assert second_browser.find_element(By.ID, "nav-board").text == "目标进展"
    assert browser.title == "Targets" and second_browser.title == "目标进展"
    second_browser.find_element(By.ID, "lang-en").click()  # the switch: same view, other language
    wait(second_browser, lambda b: query(b).get("lang") == ["en"] and b.find_element(By.ID, "nav-board").text
         == "Targets")
    assert query(second_browser)["horizon"] == ["2025"]


ENGLISH_PAGES = ["/?horizon=2025", "/?horizon=2027&region=provinces", "/map?indicator=cnc_rate&year=2021&mark=1",
                 "/trends?indicator=cnc_rate&region=100000,500000", "/data?indicator=cnc_rate&region=500000"]


def _names(db: Path) -> list[str]:
    """Every piece of Chinese the warehouse holds as data: names, source titles, scopes, plans, observation notes
    (the data page's preview shows rows as stored)."""
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("""
            SELECT name_zh FROM indicators UNION SELECT name_zh FROM regions UNION SELECT short_zh FROM regions
            UNION SELECT title FROM sources UNION SELECT locator FROM sources UNION SELECT publisher FROM sources
            UNION SELECT scope FROM observations UNION SELECT note FROM observations UNION SELECT scope FROM targets
            UNION SELECT name_zh FROM plans
            UNION SELECT unmeasured_zh FROM targets UNION SELECT unnest(aliases) FROM regions""").fetchall()
    return sorted({r[0] for r in rows if r[0]}, key=len, reverse=True)


@pytest.mark.parametrize("path", ENGLISH_PAGES)
def test_english_pages_show_no_chinese_but_names_and_titles_from_the_data(
    browser: webdriver.Chrome, app_url: str, shipped_warehouse: Path, path: str,
) -> None:
    browser.get(app_url + path + ("&" if "?" in path else "?") + "lang=en")
    wait(browser, lambda b: len(b.find_element(By.TAG_NAME, "main").text) > 200)
    time.sleep(1.0)
    text = browser.find_element(By.TAG_NAME, "body").text
    for name in _names(shipped_warehouse):
        text = text.replace(name, "")
    text = text.replace("中文", "").replace("智", "")  # the language switch's own name; the logo mark
    leftover = sorted(set(CJK.findall(text)))
    assert leftover == [], [line for line in text.splitlines() if CJK.search(line)][:10]
