"""The documented limits on what one ingest reads; each refusal names the constant it hit (README: Limits)."""

from __future__ import annotations

#: Rows searched for the header (title lines above it are fine); also how much of a sheet is probed for a table.
HEADER_SEARCH_ROWS = 30
#: Largest input file. Peak memory of an ingest is a small multiple of the file (README: Limits and refusals).
MAX_FILE_BYTES = 512 * 1024 * 1024
#: Rows (lines) of a CSV, rows of a sheet or of a Parquet file, blank ones included.
MAX_ROWS = 5_000_000
#: Cells in one row; a wider row is rejected (the header is searched in the first columns only).
MAX_COLUMNS = 1_000
#: Characters in one cell; a longer cell is its row's rejection (an unclosed quote makes one huge cell).
MAX_CELL_CHARS = 10_000
#: The row content kept in ``rejected_rows.raw`` and printed beside a rejection.
MAX_RAW_CHARS = 1_000
#: Cells (``<c>`` elements, styled empty ones included) parsed from one XLSX sheet.
MAX_XLSX_CELLS = 2_000_000
#: Row number of an XLSX cell: Excel's own maximum; a cell further down is a damaged or hostile file.
MAX_XLSX_ROWS = 1_048_576
#: Declared uncompressed size of all members of an XLSX archive (sheets, shared strings, styles).
MAX_XLSX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
#: Declared uncompressed size of a Parquet file's row groups.
MAX_PARQUET_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024
#: Distinct unknown region names for which "did you mean" suggestions are computed (each costs a fuzzy search).
MAX_REGION_SUGGESTIONS = 1_000


def size(n: int) -> str:
    """A byte count as people read it: ``512 MB``."""
    for unit, factor in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= factor:
            return f"{n / factor:.3g} {unit}"
    return f"{n} bytes"
