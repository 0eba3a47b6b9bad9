"""The province map renders in a real browser with every outside host blocked: shapes, inset, line, hover."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly
import plotly.io as pio
import pytest
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from dashboard.figures import province_map as pm
from geo import shapes

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
TOPOJSON_STUB = REPO / "dashboard" / "assets" / "topojson" / "world_110m.json"
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
RENDER_TIMEOUT_S = 20

# Three provinces with values; the national row must be ignored and Beijing's explicit NaN drawn grey.
VALUES = pd.DataFrame(
    {
        "region_code": ["440000", "320000", "510000", "100000", "110000"],
        "value": [78.5, 65.24, 40.0, 61.0, np.nan],
        "name_zh": ["广东省", "江苏省", "四川省", "全国", "北京市"],
        "name_en": ["Guangdong", "Jiangsu", "Sichuan", "China", "Beijing"],
        "rank": pd.array([1, 2, 3, None, None], dtype="Int64"),
        "rank_of": pd.array([3, 3, 3, None, None], dtype="Int64"),
        "source": ["Test source A", "Test source A", "Test source B", "Test source A", ""],
        "illustrative": [True, False, False, False, False],
    }
)
HIGHLIGHT = ("440000",)
GROUP = ("320000", "440000")

# Per trace: how many province paths carry a shape (plotly adds an empty <path> for a None z).
DRAWN_PATHS_JS = """
return [...document.querySelectorAll('g.geo')].map(geo => ({
  geo: geo.getAttribute('class').split(' ').pop(),  // 'geo geo', 'geo geo2'
  choropleth: [...geo.querySelectorAll('g.trace.choropleth')].map(
    t => [...t.querySelectorAll('path.choroplethlocation')].filter(p => p.getAttribute('d')).length),
  lines: [...geo.querySelectorAll('g.trace.scattergeo path.js-line')].filter(p => p.getAttribute('d')).length,
}));
"""


@dataclass(frozen=True)
class Site:
    base_url: str
    inset_features: int


def _figure() -> Any:
    fig = pm.province_map(
        VALUES,
        shapes.provinces(),
        unit="%",
        maritime=shapes.maritime_line(),
        inset=shapes.south_china_sea(),
        highlight=HIGHLIGHT,
        group=GROUP,
    )
    return fig.update_layout(width=1260, height=560)


def _write_page(path: Path, fig: Any, config: dict[str, Any]) -> None:
    html = pio.to_html(fig, include_plotlyjs="/plotly.min.js", config=config, full_html=True)
    # An inline favicon and no body margin: no stray 404 in the console, no scrollbar in the screenshot.
    html = html.replace("<head>", '<head><link rel="icon" href="data:,"><style>body{margin:0}</style>', 1)
    path.write_text(html, encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, serve_directory: Callable[[Path], str]) -> Site:
    """plotly.js, the topojson stub and two pages: with the stub configured and without (the CDN default)."""
    root = tmp_path_factory.mktemp("map-site")
    shutil.copy(PLOTLY_JS, root / "plotly.min.js")
    (root / "assets" / "topojson").mkdir(parents=True)
    shutil.copy(TOPOJSON_STUB, root / "assets" / "topojson" / TOPOJSON_STUB.name)
    fig = _figure()
    _write_page(root / "map.html", fig, pm.graph_config("/assets/topojson/"))
    _write_page(root / "map-cdn-default.html", fig, {})
    return Site(serve_directory(root), len(shapes.south_china_sea()["features"]))


def _open(browser: webdriver.Chrome, url: str, expected_main_paths: int) -> list[dict[str, Any]]:
    browser.get(url)

    def drawn(driver: webdriver.Chrome) -> list[dict[str, Any]] | None:
        result = driver.execute_script(DRAWN_PATHS_JS)
        return result if result and sum(result[0]["choropleth"]) >= expected_main_paths else None

    try:
        return WebDriverWait(browser, RENDER_TIMEOUT_S).until(drawn)
    except TimeoutException:
        state = browser.execute_script(DRAWN_PATHS_JS)
        pytest.fail(f"{url}: map not drawn after {RENDER_TIMEOUT_S} s: {state}")


def test_map_draws_all_34_provinces_inset_and_line_offline(
    browser: webdriver.Chrome,
    browser_log: Callable[[], Any],
    screenshot: Callable[[str], Path],
    site: Site,
) -> None:
    geos = _open(browser, f"{site.base_url}/map.html", 34)
    shot = screenshot("province_map_offline")
    log = browser_log()
    main, inset = geos
    assert [main["geo"], inset["geo"]] == ["geo", "geo2"]
    no_data, values, highlight, group = main["choropleth"]
    assert no_data + values == 34, main  # each province exactly once: grey or coloured, never both
    assert (no_data, values, highlight, group) == (31, 3, 1, 2)
    inset_no_data, inset_values, inset_highlight, inset_group = inset["choropleth"]
    assert inset_no_data + inset_values == site.inset_features
    assert (inset_values, inset_highlight, inset_group) == (1, 1, 1)  # Guangdong: Jiangsu, Sichuan lie outside
    assert main["lines"] >= 1
    assert inset["lines"] >= 1
    assert log.errors == [], log.errors
    assert log.external_requests == [], log.external_requests
    assert log.failed == [], log.failed
    assert shot.stat().st_size > 10_000


@pytest.mark.parametrize(
    ("code", "trace", "expected"),
    [
        (
            "440000",
            pm.VALUE_TRACE,
            ["广东省", "Guangdong", "78.5%", "Rank: 1 / 3", "Source: Test source A", "Illustrative value"],
        ),
        # one decimal, the default precision of a rate, as cards and tables write it
        ("320000", pm.VALUE_TRACE, ["江苏省", "Jiangsu", "65.2%", "Rank: 2 / 3", "Source: Test source A"]),
        ("630000", pm.NO_DATA_TRACE, ["青海省", "Qinghai", "No data"]),
    ],
    ids=["value-with-badge", "value", "no-data"],
)
def test_hover_shows_names_value_rank_source_and_badge(
    browser: webdriver.Chrome, site: Site, code: str, trace: int, expected: list[str]
) -> None:
    _open(browser, f"{site.base_url}/map.html", 34)
    main_geo = browser.find_elements(By.CSS_SELECTOR, "g.geo")[0]
    paths = main_geo.find_elements(By.CSS_SELECTOR, "g.trace.choropleth")[trace].find_elements(
        By.CSS_SELECTOR, "path.choroplethlocation"
    )
    ActionChains(browser).move_to_element(paths[shapes.province_codes().index(code)]).perform()

    def hover_text(driver: webdriver.Chrome) -> str | None:
        labels = driver.find_elements(By.CSS_SELECTOR, ".hoverlayer .hovertext")
        return " ".join(label.text for label in labels) or None

    try:
        text = WebDriverWait(browser, 5).until(hover_text)
    except TimeoutException:
        pytest.fail(f"no hover label over {code}")
    for fragment in expected:
        assert fragment in text, (fragment, text)
    assert ("Illustrative" in text) == (code == "440000")


def test_without_the_topojson_stub_plotly_reaches_for_its_cdn(
    browser: webdriver.Chrome, browser_log: Callable[[], Any], site: Site
) -> None:
    # The control for the offline test: proves that the blocking and the request capture see the trap.
    browser.get(f"{site.base_url}/map-cdn-default.html")
    seen: list[str] = []

    def cdn_requested(_: webdriver.Chrome) -> bool:
        seen.extend(browser_log().external_requests)
        return any(url.startswith("https://cdn.plot.ly/") for url in seen)

    try:
        WebDriverWait(browser, RENDER_TIMEOUT_S).until(cdn_requested)
    except TimeoutException:
        pytest.fail(f"expected a blocked request to cdn.plot.ly, saw {seen}")
    drawn = browser.execute_script(DRAWN_PATHS_JS)
    assert all(sum(geo["choropleth"]) == 0 for geo in drawn), drawn


def test_year_change_needs_only_the_map_updates_arrays(browser: webdriver.Chrome, site: Site) -> None:
    # What a dash.Patch does on a year change, done with Plotly.restyle: no geometry is resent.
    _open(browser, f"{site.base_url}/map.html", 34)
    next_year = pd.DataFrame({"region_code": ["320000", "330000", "630000"], "value": [70.0, 55.0, 12.5]})
    updates = pm.map_updates(next_year, shapes.province_codes(), highlight=["330000", "630000"])
    restyled = browser.execute_async_script(
        """
        const [updates, done] = arguments;
        const gd = document.querySelector('.js-plotly-plot');
        let chain = Promise.resolve();
        for (const [index, props] of Object.entries(updates)) {
          const update = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, [v]]));
          chain = chain.then(() => Plotly.restyle(gd, update, [Number(index)]));
        }
        chain.then(() => done(true), (error) => done(String(error)));
        """,
        {str(index): props for index, props in updates.items()},
    )
    assert restyled is True, restyled
    main, inset = browser.execute_script(DRAWN_PATHS_JS)
    assert main["choropleth"] == [31, 3, 2, 0]  # no group was asked for this time: its outline is gone
    assert sum(inset["choropleth"][:2]) == len(shapes.south_china_sea()["features"])
    assert inset["choropleth"][1:] == [0, 0, 0]  # none of the three lies in the inset
