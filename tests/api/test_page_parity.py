"""The data page, called as plain functions, describes the very slice the API serves for the same parameters."""

from __future__ import annotations

import sys
from types import ModuleType
from urllib.parse import quote

import dash
import pytest
from flask.testing import FlaskClient

from pipelines.catalogue import STATUSES


def table_rows(table: object) -> list[list[str]]:
    """The region_code and year cells of each row of the preview table."""
    body = table.children[1]
    return [[row.children[1].children, row.children[4].children] for row in body.children]


@pytest.fixture
def page(app: dash.Dash) -> ModuleType:
    """The page module as Dash loaded it (``pages.data``); importing it afresh would register it twice."""
    return sys.modules["pages.data"]


def test_the_page_preview_and_links_match_the_api(app: dash.Dash, client: FlaskClient, page: ModuleType) -> None:
    with app.server.test_request_context("/_dash-update-component", base_url="http://example.org"):
        table, first, total, _, count, downloads, api_url, snippet, error, state = page.show_slice(
            ["cnc_rate"], ["长三角"], 2015, 2024, list(STATUSES), 0)
    assert error is None and count[0] == "共 20 行"  # the default language is Chinese
    assert count[2] is not None  # illustrative province rows: the badge shows
    assert state == {"path": "/data", "query": f"?indicator=cnc_rate&region={quote('长三角')}&from=2015&to=2024"}
    query = "indicator=cnc_rate&region=310000,320000,330000,340000&from=2015&to=2024"
    assert api_url == f"http://example.org/api/v1/observations?{query}"
    assert [a.href for a in downloads] == [f"/api/v1/observations?{query}&format={f}"
                                           for f in ("parquet", "csv", "xlsx", "json")]
    assert f'url = "http://example.org/api/v1/observations?{query}&format=parquet"' in snippet
    api_rows = client.get(api_url.removeprefix("http://example.org")).get_json()["rows"]
    assert (first, total) == (0, len(api_rows))
    assert table_rows(table) == [[str(r[c]) if r[c] is not None else "" for c in ("region_code", "year")]
                                 for r in api_rows][:page.PAGE_ROWS]


def test_reversed_years_on_the_page_show_the_same_message_as_the_api(
    app: dash.Dash, client: FlaskClient, page: ModuleType,
) -> None:
    with app.server.test_request_context("/_dash-update-component"):
        table, *_, error, _state = page.show_slice(["cnc_rate"], [], 2024, 2015, list(STATUSES), 0)
    assert table_rows(table) == []
    assert error.children == client.get("/api/v1/observations?from=2024&to=2015").get_json()["message"]


def test_unchecking_every_status_asks_for_one_instead_of_showing_everything(app: dash.Dash, page: ModuleType) -> None:
    with app.server.test_request_context("/_dash-update-component"):
        table, _, _, _, count, downloads, *_, error, _state = page.show_slice(["cnc_rate"], [], None, None, [], 0)
    assert (table_rows(table), count, downloads) == ([], "", [])
    assert error.children == "请至少选择一种数据状态。"
