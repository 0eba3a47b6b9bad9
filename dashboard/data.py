"""The one warehouse the app reads, set at start-up; pages and the API ask it through here."""

from __future__ import annotations

from pathlib import Path

from pipelines.warehouse import DEFAULT_DB, Warehouse

_warehouse = Warehouse(DEFAULT_DB)


def use(db: Path) -> None:
    """Point the app at another warehouse file (``--db``); called once before serving."""
    global _warehouse
    _warehouse.close()
    _warehouse = Warehouse(db)


def warehouse() -> Warehouse:
    return _warehouse
