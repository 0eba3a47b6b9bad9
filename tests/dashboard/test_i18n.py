"""Every UI string exists in Chinese and English, and every key the code asks for is defined."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from dashboard.figures.numbers import value_text
from dashboard.i18n import LANGUAGES, STRINGS, date_label, display_unit, language, t

DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard"
KEY = re.compile(r"""\bt\(\s*f?["']([a-z_.]+)["']""")


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_every_string_has_both_languages(key: str) -> None:
    assert set(STRINGS[key]) == set(LANGUAGES)
    assert all(STRINGS[key][lang].strip() for lang in LANGUAGES)


def test_every_key_the_code_asks_for_is_defined() -> None:
    used = {m for path in DASHBOARD.rglob("*.py") for m in KEY.findall(path.read_text(encoding="utf-8"))}
    # f-string keys such as t(f"status.{status}") appear as their fixed prefix ("status.")
    missing = sorted(k for k in used if not k.endswith(".") and k not in STRINGS)
    assert missing == []
    for prefix in (k for k in used if k.endswith(".")):
        assert any(key.startswith(prefix) for key in STRINGS), prefix


def test_the_default_language_is_chinese_and_english_is_one_parameter_away() -> None:
    assert t("nav.board") == "目标进展"
    with language("en"):
        assert t("nav.board") == "Targets"
    with language("fr"):  # unknown: the default, not an error
        assert t("nav.board") == "目标进展"


@pytest.mark.parametrize(("lang", "unit", "date"), [("zh", "家", "2025年3月"), ("en", "providers", "Mar 2025")])
def test_numbers_units_and_dates_follow_the_visitors_language(lang: str, unit: str, date: str) -> None:
    providers = {"unit": "count", "unit_zh": "家", "unit_en": "providers"}
    with language(lang):
        assert display_unit(providers) == unit
        assert value_text(6000, display_unit(providers), 0) == f"6,000 {unit}"
        assert value_text(52.1, display_unit({"unit": "%"}), 1) == "52.1%"
        assert date_label(2025, 3) == date and date_label(2021) == "2021"


def test_two_visitors_on_one_server_get_their_own_language_at_once(client: FlaskClient) -> None:
    def layout(**kw: object) -> str:
        return json.dumps(client.get("/_dash-layout", **kw).get_json(), ensure_ascii=False)

    zh, en = layout(headers={"X-IMM-Lang": "zh"}), layout(headers={"X-IMM-Lang": "en"})
    assert "目标进展" in zh and "Targets" not in zh
    assert "Targets" in en and "目标进展" not in en
    assert "Targets" in layout(query_string={"lang": "en"})  # the address works too
