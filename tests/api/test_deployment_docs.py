"""The deployment defaults are documented as they are: the production command, the gunicorn settings, the
security headers, the row caps and the safe-export rules fail here when code and docs drift apart."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dashboard import gunicorn_conf, security
from dashboard.api import JSON_ROW_CAP
from pipelines.export import FORMULA_TRIGGERS, XLSX_MAX_ROWS

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf-8")
API_DOC = (REPO / "docs" / "api.md").read_text(encoding="utf-8")
COMMAND = "gunicorn -c python:dashboard.gunicorn_conf dashboard.wsgi:server"


def section(text: str, heading: str) -> str:
    match = re.search(rf"^## {heading}\n.*?(?=^## |\Z)", text, flags=re.S | re.M)
    assert match, f"no '## {heading}' section"
    return " ".join(match.group(0).split())


def test_readme_and_wsgi_give_the_same_production_command() -> None:
    assert COMMAND in section(README, "Deployment")
    wsgi = (REPO / "dashboard" / "wsgi.py").read_text(encoding="utf-8")  # read, not imported: it builds an app
    assert COMMAND in " ".join(wsgi.split())
    assert "gunicorn -w" not in README  # the old sync-worker command is gone


@pytest.mark.parametrize(("setting", "shown"), [
    ("worker_class", "`gthread`"), ("threads", f"{gunicorn_conf.threads} per worker"),
    ("workers", f"| {gunicorn_conf.workers} |"), ("timeout", f"| {gunicorn_conf.timeout} s |"),
    ("keepalive", f"{gunicorn_conf.keepalive} s"), ("limit_request_line", f"{gunicorn_conf.limit_request_line}"),
])
def test_every_gunicorn_setting_is_in_the_deployment_table(setting: str, shown: str) -> None:
    text = section(README, "Deployment")
    assert f"`{setting}`" in text and shown in text


def test_the_documented_policy_is_the_one_sent() -> None:
    text = section(README, "Deployment")
    for directive in security.content_security_policy([]).split("; "):
        assert directive in text, directive
    for name, value in security.HEADERS.items():
        assert f"`{name}: {value}`" in text


def test_the_row_caps_and_their_settings_are_documented() -> None:
    assert f"capped at **{JSON_ROW_CAP:,} rows** and XLSX at **{XLSX_MAX_ROWS:,} rows**" in API_DOC
    assert "`IMM_JSON_ROW_CAP`" in API_DOC and "`IMM_XLSX_ROW_CAP`" in API_DOC


def test_the_safe_export_rules_are_documented() -> None:
    text = section(API_DOC, "Safe exports")
    for trigger in FORMULA_TRIGGERS:
        shown = {"\t": "a tab", "\r": "a carriage return"}.get(trigger, f"`{trigger}`")
        assert shown in text, trigger
    for words in ("NUL", "U+0000", "Parquet", "XLSX", "JSON", "`value`", "-20"):
        assert words in text
