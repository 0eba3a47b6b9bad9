"""Reading a Parquet file as rows of text: flat columns only, sizes checked from the metadata before reading."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pyarrow.types as pat

from pipelines.errors import InputFileError
from pipelines.limits import MAX_COLUMNS, MAX_PARQUET_UNCOMPRESSED_BYTES, MAX_ROWS, size
from pipelines.readers import Row, cell_text, text_row

_BATCH_ROWS = 65_536
_BATCH_BYTES = 32 * 1024 * 1024
_FLAT = (pat.is_string, pat.is_large_string, pat.is_integer, pat.is_floating, pat.is_decimal, pat.is_boolean,
         pat.is_date, pat.is_timestamp, pat.is_time, pat.is_null, pat.is_binary, pat.is_large_binary,
         pat.is_fixed_size_binary)
_FLATTEN = "expected flat columns of text, numbers or dates (flatten or drop it before saving)"


def _column_problem(field: pa.Field) -> str | None:
    kind = field.type.value_type if pat.is_dictionary(field.type) else field.type
    if pat.is_nested(kind):
        return f"column {field.name!r} is nested ({kind}); {_FLATTEN}"
    if not any(test(kind) for test in _FLAT) and str(kind) not in ("string_view", "binary_view"):
        return f"column {field.name!r} has type {kind}; {_FLATTEN}"
    return None


def _text(value: object) -> tuple[str, str | None]:
    """(text, problem) of one value; bytes must be UTF-8 text."""
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8").strip(), None
        except UnicodeDecodeError:
            return "", "binary data that is not UTF-8 text"
    return cell_text(value), None


def _rows(path: Path, names: tuple[str, ...], batch_rows: int) -> Iterator[Row]:
    yield text_row(1, names)
    number = 2
    try:
        with pq.ParquetFile(path) as pf:
            for batch in pf.iter_batches(batch_size=batch_rows):
                columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
                for values in zip(*columns, strict=True):
                    texts, problems = [], []
                    for i, value in enumerate(values):
                        text, problem = _text(value)
                        texts.append(text)
                        if problem:
                            problems.append((i, f"column {names[i]!r} holds {problem}"))
                    yield text_row(number, texts, problems)
                    number += 1
                if number > MAX_ROWS + 2:  # the metadata said fewer
                    raise InputFileError(f"{path}: more than {MAX_ROWS:,} rows (MAX_ROWS); split the file")
    except (pa.ArrowException, OSError, ValueError, OverflowError) as exc:  # e.g. a timestamp beyond year 9999
        raise InputFileError(f"{path}: row {number} cannot be read ({exc})") from None


def open_parquet(path: Path) -> Callable[[], Iterator[Row]]:
    """Check the schema and the declared sizes, then stream the rows in batches (header first)."""
    try:
        with pq.ParquetFile(path) as pf:
            schema, meta = pf.schema_arrow, pf.metadata
    except Exception as exc:  # pyarrow raises ArrowInvalid/OSError variants
        raise InputFileError(f"{path}: not a readable Parquet file ({exc})") from None
    names = tuple(schema.names)
    if not names:
        raise InputFileError(f"{path}: the Parquet file has no columns; expected a table")
    if dupes := [n for n, k in Counter(names).items() if k > 1]:
        raise InputFileError(f"{path}: column name(s) {', '.join(map(repr, dupes))} appear more than once; "
                             "expected one column per name")
    for field in schema:
        if problem := _column_problem(field):
            raise InputFileError(f"{path}: {problem}")
    if len(names) > MAX_COLUMNS:
        raise InputFileError(f"{path}: {len(names):,} columns; the limit is {MAX_COLUMNS:,} (MAX_COLUMNS)")
    if meta.num_rows > MAX_ROWS:
        raise InputFileError(f"{path}: {meta.num_rows:,} rows; the limit is {MAX_ROWS:,} (MAX_ROWS) — split it")
    unpacked = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    if unpacked > MAX_PARQUET_UNCOMPRESSED_BYTES:
        raise InputFileError(f"{path}: the file unpacks to {size(unpacked)}; the limit is "
                             f"{size(MAX_PARQUET_UNCOMPRESSED_BYTES)} (MAX_PARQUET_UNCOMPRESSED_BYTES)")
    # batches of about _BATCH_BYTES unpacked, so a file of few, huge cells is not read all at once
    batch_rows = max(1, min(_BATCH_ROWS, _BATCH_BYTES * max(meta.num_rows, 1) // max(unpacked, 1)))
    return lambda: _rows(path, names, batch_rows)
