"""The README is the schema's contract: a table, column or command it does not document fails here."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from pipelines.cli import parser

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _schema_section(table: str) -> str:
    match = re.search(rf"^### `{table}`.*?(?=^### |^## )", README, flags=re.S | re.M)
    assert match, f"README has no '### `{table}`' section"
    return match.group(0)


def test_every_warehouse_table_and_column_is_documented(empty_warehouse: Path) -> None:
    with duckdb.connect(str(empty_warehouse), read_only=True) as con:
        columns = con.execute(
            "SELECT table_name, column_name FROM information_schema.columns ORDER BY table_name").fetchall()
    missing = [f"{table}.{column}" for table, column in columns
               if f"`{column}`" not in _schema_section(table)
               and not (table == "observation_revisions" and f"`{column}`" in _schema_section("observations"))]
    assert missing == []


@pytest.mark.parametrize("command", ["make run", "make test", "python -m pipelines ingest", "python -m pipelines build",
                                     "python -m pipelines export", "gunicorn"])
def test_readme_shows_how_to(command: str) -> None:
    assert command in README


def test_every_cli_command_is_in_the_readme() -> None:
    sub = next(a for a in parser()._actions if a.dest == "command")
    for name in sub.choices:
        assert f"python -m pipelines {name}" in README, name
