"""Reading a Parquet file as rows of text: flat columns only, sizes checked from the metadata before reading.

Cells become text a column at a time (Arrow compute where it gives exactly what ``readers.cell_text`` gives —
strings, integers, booleans, whole floats — and ``cell_text`` itself for the rest), in batches the warehouse
takes whole (``Table.batches``); the rows a person would count are the same batches taken apart.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pyarrow.types as pat

from pipelines.errors import InputFileError
from pipelines.limits import MAX_CELL_CHARS, MAX_COLUMNS, MAX_PARQUET_UNCOMPRESSED_BYTES, MAX_ROWS, size
from pipelines.readers import ROW_PROBLEMS, Row, cell_text, rows_table, text_row

_BATCH_ROWS = 65_536
_ROW_BATCH_ROWS = 1_024
_BATCH_BYTES = 32 * 1024 * 1024
_FLAT = (pat.is_string, pat.is_large_string, pat.is_integer, pat.is_floating, pat.is_decimal, pat.is_boolean,
         pat.is_date, pat.is_timestamp, pat.is_time, pat.is_null, pat.is_binary, pat.is_large_binary,
         pat.is_fixed_size_binary)
_WHITESPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())  # what str.strip() strips
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


def _texts(column: pa.Array, name: str) -> tuple[pa.Array, dict[int, str]]:
    """The text of every cell of a column, and the problems by row offset."""
    if pat.is_dictionary(column.type):
        column = column.dictionary_decode()
    kind = column.type
    if pat.is_string(kind) or pat.is_large_string(kind) or str(kind) == "string_view":
        return pc.utf8_trim(pc.cast(column, pa.string()), characters=_WHITESPACE).fill_null(""), {}
    if pat.is_integer(kind):
        return pc.cast(column, pa.string()).fill_null(""), {}
    if pat.is_boolean(kind):
        return pc.if_else(column, "TRUE", "FALSE").fill_null(""), {}
    if pat.is_null(kind):
        return pa.array([""] * len(column), pa.string()), {}
    if pat.is_floating(kind):
        return _float_texts(pc.cast(column, pa.float64())), {}
    texts, problems = [], {}
    for i, value in enumerate(column.to_pylist()):
        text, problem = _text(value)
        texts.append(text)
        if problem:
            problems[i] = f"column {name!r} holds {problem}"
    return pa.array(texts, pa.string()), problems


def _float_texts(column: pa.Array) -> pa.Array:
    """``cell_text`` of floats: whole ones below 1e15 as integers (vectorised), the others as ``repr`` gives."""
    whole = pc.and_kleene(pc.is_finite(column), pc.and_kleene(pc.equal(pc.floor(column), column),
                                                              pc.less(pc.abs(column), 1e15))).fill_null(False)
    texts = pc.cast(pc.cast(pc.if_else(whole, column, 0.0), pa.int64()), pa.string())
    others = pc.and_(pc.invert(whole), pc.is_valid(column))
    if pc.any(others).as_py():
        rest = [cell_text(v) for v in column.filter(others).to_pylist()]
        texts = pc.replace_with_mask(texts, others, pa.array(rest, pa.string()))
    return pc.if_else(pc.is_valid(column), texts, "")


def _table(number: int, names: tuple[str, ...], batch: pa.RecordBatch) -> pa.Table:
    """One batch as (row_number, cells, problems), the rows of ``text_row``."""
    columns, problems = [], {}
    for i in range(batch.num_columns):
        texts, found = _texts(batch.column(i), names[i])
        columns.append(texts)
        for row, why in found.items():
            problems.setdefault(row, []).append((i, why))
    n, k = batch.num_rows, len(columns)  # a Parquet file with no columns is refused
    if pc.any(pc.greater(pc.max_element_wise(*[pc.utf8_length(c) for c in columns]), MAX_CELL_CHARS)).as_py():
        rows = [text_row(number + r, [c[r].as_py() for c in columns], problems.get(r, ())) for r in range(n)]
        return rows_table(rows)
    row_major = pa.array(np.arange(n * k).reshape(k, n).T.ravel())
    cells = pa.ListArray.from_arrays(pa.array(np.arange(0, n * k + 1, k), pa.int32()),
                                     pa.concat_arrays(columns).take(row_major))
    listed = [[{"col": c, "why": w} for c, w in problems.get(r, ())] for r in range(n)] if problems else [[]] * n
    return pa.table({"row_number": pa.array(np.arange(number, number + n), pa.int64()), "cells": cells,
                     "problems": pa.array(listed, ROW_PROBLEMS)})


def _batches(path: Path, names: tuple[str, ...], batch_rows: int) -> Iterator[pa.Table]:
    """The rows under the column names (row 1), a batch at a time."""
    number = 2
    try:
        with pq.ParquetFile(path) as pf:
            for batch in pf.iter_batches(batch_size=batch_rows):
                table = _table(number, names, batch)
                yield table
                number += batch.num_rows
                if number > MAX_ROWS + 2:  # the metadata said fewer
                    raise InputFileError(f"{path}: more than {MAX_ROWS:,} rows (MAX_ROWS); split the file")
    except (pa.ArrowException, OSError, ValueError, OverflowError) as exc:  # e.g. a timestamp beyond year 9999
        raise InputFileError(f"{path}: row {number} cannot be read ({exc})") from None


def _rows(path: Path, names: tuple[str, ...], batch_rows: int) -> Iterator[Row]:
    yield text_row(1, names)
    # small batches: the header search wants 30 rows, and the ingest takes the rest as ``_batches``
    for table in _batches(path, names, min(batch_rows, _ROW_BATCH_ROWS)):
        for number, cells, problems in zip(*(table.column(c).to_pylist() for c in table.column_names),
                                           strict=True):
            yield Row(number, tuple(cells), tuple((p["col"], p["why"]) for p in problems))


def open_parquet(path: Path) -> tuple[Callable[[], Iterator[Row]], Callable[[], Iterator[pa.Table]]]:
    """Check the schema and the declared sizes; then (the rows, header first; the batches under the header)."""
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
    return (lambda: _rows(path, names, batch_rows)), (lambda: _batches(path, names, batch_rows))
