"""The security headers in real headless Chromium: every page works under the Content-Security-Policy (no
violation, no console error), and a source title or scope holding markup shows as text in a chart's hover."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from browsing import serve_dashboard, wait
from selenium import webdriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

pytestmark = pytest.mark.browser
HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b>bold</b> & co'
# Collect CSP violations from the very start of each document (the console says too, this is exact).
WATCH_CSP_JS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e =>
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || '')));
"""
PAGES = [
    ("board", "/", ".target-card"),
    ("board-en-presenting", "/?lang=en&present=1", ".slide, .target-card"),
    ("map", "/map?indicator=cnc_rate&year=2020", "#map-graph path.choroplethlocation"),
    ("trends", "/trends?indicator=cnc_rate&region=100000,320000", "#trends-graph g.scatterlayer g.trace"),
    ("data", "/data?indicator=cnc_rate", "#data-grid tbody tr"),
    ("sources", "/sources#indicator-cnc_rate", "#sources-page"),
    ("quality", "/quality?indicator=cnc_rate", "#quality-coverage *"),
    ("guide", "/guide/ingest", ".guide-page"),
]


@pytest.fixture(scope="module")
def hostile_db(shipped_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped warehouse plus one national CNC-rate figure whose source title and scope hold markup."""
    db = tmp_path_factory.mktemp("csp") / "warehouse.duckdb"
    shutil.copyfile(shipped_warehouse, db)
    with duckdb.connect(str(db)) as con:
        con.execute("INSERT INTO sources (source_id, title, kind) VALUES ('hostile', ?, 'user_file')", [HOSTILE])
        con.execute("""
            INSERT INTO observations (indicator_id, region_code, year, breakdown, source_id, value, status, scope,
                                      note, run_id)
            VALUES ('cnc_rate', '100000', 2008, '', 'hostile', 40.0, 'reported', ?, ?,
                    (SELECT min(run_id) FROM ingest_runs))
        """, [HOSTILE, HOSTILE])
        con.execute("CHECKPOINT")
    return db


@pytest.fixture(scope="module")
def app_url(hostile_db: Path) -> Iterator[str]:
    yield from serve_dashboard(hostile_db)


@pytest.fixture
def watch_csp(browser: webdriver.Chrome) -> Iterator[None]:
    script = browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": WATCH_CSP_JS})
    yield
    browser.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": script["identifier"]})


@pytest.mark.parametrize(("name", "path", "ready"), PAGES, ids=[p[0] for p in PAGES])
def test_every_page_works_under_the_content_security_policy(
    browser: webdriver.Chrome, browser_log: Callable[[], Any], watch_csp: None, app_url: str,
    name: str, path: str, ready: str,
) -> None:
    browser.get(app_url + path)
    wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, ready), timeout=30)
    time.sleep(1.5)  # lazily loaded chunks (plotly's async graph, the grid) and late callbacks
    violations = browser.execute_script("return window.__csp")
    log = browser_log()
    csp_console = [e["message"] for e in log.console if "Content Security Policy" in e["message"]]
    assert violations == [] and csp_console == [], (violations, csp_console)
    assert log.errors == [], log.errors
    assert log.external_requests == []


def test_markup_in_a_source_title_and_scope_shows_as_text_in_the_trend_hover(
    browser: webdriver.Chrome, browser_log: Callable[[], Any], watch_csp: None, app_url: str,
) -> None:
    browser.get(app_url + "/trends?indicator=cnc_rate&region=100000")
    points = wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "#trends-graph g.scatterlayer path.point"),
                  timeout=30)
    hovered = ""
    for point in points:  # the 2008 figure is the hostile one: hover until its label shows
        ActionChains(browser).move_to_element(point).perform()
        time.sleep(0.2)
        hovered = browser.execute_script(
            "const h = document.querySelector('#trends-graph g.hoverlayer'); return h ? h.textContent : '';")
        if "onerror" in hovered:
            break
    assert '<img src=x onerror="window.__pwned=1">' in hovered and "<b>bold</b> & co" in hovered, hovered
    assert browser.execute_script("return document.querySelectorAll('#trends-graph img, #trends-graph script')"
                                  ".length") == 0
    assert browser.execute_script("return window.__pwned === undefined")
    assert browser.execute_script("return window.__csp") == []
    assert browser_log().errors == []
