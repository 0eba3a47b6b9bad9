"""Keyboard and contrast in real headless Chromium: every control reachable, every text at WCAG AA."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from browsing import serve_dashboard, wait
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

pytestmark = pytest.mark.browser
# WCAG 2.1 contrast of every visible HTML text against the background it is drawn on (chart SVG aside:
# plotly's own labels are dark ink on white). Large text (≥ 24 px, or ≥ 18.66 px bold) needs 3:1, other 4.5:1.
CONTRAST_JS = """
function rgba(s) {  // rgb()/rgba(), or color(srgb r g b / a) with channels in 0–1
  const m = s.match(/[\\d.]+/g).map(Number);
  const scale = s.startsWith("color(") ? 255 : 1;
  return [m[0] * scale, m[1] * scale, m[2] * scale, m.length > 3 ? m[3] : 1];
}
function lum([r, g, b]) {
  const f = (c) => { c /= 255; return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
  return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
}
function background(el) {
  for (let e = el; e; e = e.parentElement) {
    const c = rgba(getComputedStyle(e).backgroundColor);
    if (c[3] > 0.5) return c;
  }
  return [255, 255, 255, 1];
}
const failures = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  const el = node.parentElement;
  if (!node.textContent.trim() || !el || el.closest("svg, option")) continue;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  if (style.visibility === "hidden" || style.display === "none" || box.width === 0 || box.height === 0) continue;
  if (parseFloat(style.opacity) < 0.1) continue;
  const fg = rgba(style.color), bg = background(el);
  const mixed = fg.slice(0, 3).map((c, i) => c * fg[3] + bg[i] * (1 - fg[3]));
  const [hi, lo] = [lum(mixed), lum(bg)].sort((a, b) => b - a);
  const ratio = (hi + 0.05) / (lo + 0.05);
  const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight, 10) >= 700;
  const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
  if (ratio < needed) failures.push([node.textContent.trim().slice(0, 40), style.color, Math.round(ratio * 100) / 100]);
}
return failures;
"""
PAGES = ["/?horizon=2025", "/?horizon=2027&region=provinces", "/map?indicator=cnc_rate&year=2021",
         "/trends?indicator=cnc_rate&region=100000,500000", "/data?indicator=cnc_rate", "/guide/ingest",
         "/?horizon=2025&present=1", "/map?indicator=cnc_rate&year=2021&present=1", "/province/320000",
         "/distance?indicator=cnc_rate", "/sources", "/quality"]


@pytest.fixture(scope="module")
def app_url(shipped_warehouse: Path) -> Iterator[str]:
    yield from serve_dashboard(shipped_warehouse)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_every_text_meets_wcag_aa_contrast(browser: webdriver.Chrome, app_url: str, path: str, lang: str) -> None:
    browser.get(f"{app_url}{path}{'&' if '?' in path else '?'}lang={lang}")
    wait(browser, lambda b: len(b.find_element(By.TAG_NAME, "main").text) > 40)
    time.sleep(1.0)
    assert browser.execute_script(CONTRAST_JS) == []


def _tab_to(browser: webdriver.Chrome, predicate: str, limit: int = 80) -> bool:
    """Press Tab until the focused element matches ``predicate`` (a JS expression on ``e``)."""
    for _ in range(limit):
        browser.switch_to.active_element.send_keys(Keys.TAB)
        if browser.execute_script(f"const e = document.activeElement; return !!({predicate});"):
            return True
    return False


def test_the_map_can_be_driven_from_the_keyboard_alone(browser: webdriver.Chrome, app_url: str) -> None:
    browser.get(app_url + "/map?indicator=cnc_rate&year=2021&lang=en")
    wait(browser, lambda b: b.find_element(By.ID, "map-title").text.endswith("2021"))
    browser.find_element(By.TAG_NAME, "body").click()
    for control in ("e.closest('#map-indicator')", "e.closest('#map-mark-target')", "e.closest('#map-reported-only')",
                    "e.id === 'map-play'", "e.id === 'map-prev-year'", "e.id === 'map-next-year'",
                    "e.closest('#map-year')", "e.classList.contains('image-download')", "e.tagName === 'SUMMARY'"):
        assert _tab_to(browser, control), control
    browser.get(app_url + "/map?indicator=cnc_rate&year=2021&lang=en")
    wait(browser, lambda b: b.find_element(By.ID, "map-title").text.endswith("2021"))
    browser.find_element(By.TAG_NAME, "body").click()
    assert _tab_to(browser, "e.id === 'map-next-year'")
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    wait(browser, lambda b: b.find_element(By.ID, "map-title").text.endswith("2022"))
    assert _tab_to(browser, "e.closest('#map-reported-only')")
    browser.switch_to.active_element.send_keys(Keys.SPACE)
    wait(browser, lambda b: "reported=1" in b.current_url)


def test_the_board_and_the_language_switch_work_from_the_keyboard(browser: webdriver.Chrome, app_url: str) -> None:
    browser.get(app_url + "/?horizon=2025&lang=en")
    wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, ".target-card"))
    browser.find_element(By.TAG_NAME, "body").click()
    assert _tab_to(browser, "e.closest('#board-horizon')")
    browser.switch_to.active_element.send_keys(Keys.ARROW_RIGHT)  # radio group: the next year
    wait(browser, lambda b: "horizon=2026" in b.current_url)
    browser.get(app_url + "/?horizon=2025&lang=en")
    wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, ".target-card"))
    browser.find_element(By.TAG_NAME, "body").click()
    assert _tab_to(browser, "e.id === 'lang-zh'")
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    wait(browser, lambda b: b.find_element(By.ID, "nav-board").text == "目标进展")
