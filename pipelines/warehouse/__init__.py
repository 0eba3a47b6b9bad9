"""The warehouse: the only code that imports duckdb. Schema, atomic publishing, every write and every query.

Writers build or update a private copy and publish it with ``os.replace``; readers hold read-only
connections that notice a newly published file and reopen.
"""

from pipelines.warehouse.connection import DEFAULT_DB, SCHEMA_VERSION, duckdb_version, staged
from pipelines.warehouse.reads import Warehouse
from pipelines.warehouse.writes import Staging, Writer

__all__ = ["DEFAULT_DB", "SCHEMA_VERSION", "Staging", "Warehouse", "Writer", "duckdb_version", "staged"]
