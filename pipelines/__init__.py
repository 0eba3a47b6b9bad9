"""Ingestion pipelines: config and shipped files in, validated, loaded into the DuckDB warehouse."""

__version__ = "0.1.0"
