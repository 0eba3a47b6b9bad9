"""Every UI string exists in Chinese and English, and every key the code asks for is defined."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dashboard.i18n import LANGUAGES, STRINGS

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
