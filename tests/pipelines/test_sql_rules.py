"""The ingest rules in SQL (pipelines/warehouse/validate.sql) read cells exactly as the Python rules they replaced:
Python's whitespace, NFKC folding, numbers and years, the raw text of a rejected row, Parquet cell text."""

from __future__ import annotations

import csv
import io
import math
import re
import sys
import unicodedata

import duckdb
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.normalise import CellError, ascii_digits, fold, parse_number, parse_year
from pipelines.read_parquet import _float_texts
from pipelines.readers import cell_text
from pipelines.warehouse.validate import install_rules

CODE_POINTS = [c for c in range(1, sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]
# text that mixes what real files hold: ASCII, CJK, full-width forms, every kind of space, footnote marks, digits
# of other scripts
TEXT = st.text(alphabet=st.sampled_from(
    "0123456789.,+-eE%年 abcXYZ江苏省" "\t\x0b\x0c\x1c\u00a0\u2003\u3000" "５２．１％，Ｎ" "¹²①" "٣٤" "ﬁ㎏"
), max_size=12)


SQL = duckdb.connect()  # one connection for the module: Hypothesis calls a test hundreds of times
install_rules(SQL)


@pytest.fixture
def sql() -> duckdb.DuckDBPyConnection:
    return SQL


def one(con: duckdb.DuckDBPyConnection, expr: str, text: str) -> object:
    return con.execute(f"SELECT {expr} FROM (SELECT imm_strip($t) AS t)", {"t": text}).fetchall()[0][0]


def test_sql_strips_exactly_pythons_whitespace(sql: duckdb.DuckDBPyConnection) -> None:
    stripped = {r[0] for r in sql.execute(
        "SELECT i FROM unnest($cps) AS t(i) WHERE imm_strip(chr(i) || 'a' || chr(i)) = 'a'",
        {"cps": CODE_POINTS}).fetchall()}
    assert stripped == {c for c in CODE_POINTS if chr(c).isspace()}


def test_plain_text_is_what_nfkc_leaves_alone_so_sql_may_fold_it_itself(sql: duckdb.DuckDBPyConnection) -> None:
    plain = {r[0] for r in sql.execute("SELECT i FROM unnest($cps) AS t(i) WHERE imm_plain(chr(i))",
                                       {"cps": CODE_POINTS}).fetchall()}
    assert plain == set(range(1, 0x80)) | set(range(0x4000, 0xA000))
    for c in map(chr, sorted(plain)):
        assert unicodedata.normalize("NFKC", c) == c and c.lower() == (c.lower() if c.isascii() else c), hex(ord(c))
        assert c.isascii() or not (c.isspace() or unicodedata.category(c) in ("Nd", "No", "Mn")), hex(ord(c))


@settings(deadline=None, max_examples=300)
@given(TEXT)
def test_sql_folds_as_normalise_fold_does(text: str) -> None:
    got = SQL.execute("SELECT imm_fold(t, false), imm_fold_lower(t, false), imm_digits(t, false) "
                      "FROM (SELECT imm_strip($t) AS t)", {"t": text}).fetchall()[0]
    assert got == (fold(text), fold(text).lower(), ascii_digits(text))


# The Python rules the SQL replaced (as they were before the columnar ingest), kept to hold the SQL to them.
_NON_FINITE = re.compile(r"[+-]?(inf|infinity|nan|∞)", re.IGNORECASE)
_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_YEAR = re.compile(r"\d{4}(\.0+)?")


def python_number(text: str) -> float | str:
    s = fold(text).replace(" ", "").removesuffix("%")
    if _GROUPED.fullmatch(s):
        s = s.replace(",", "")
    if _NON_FINITE.fullmatch(s):
        return "is not a finite number"
    if not _NUMBER.fullmatch(s):
        return "is not a number"
    if (not s.isascii() or not text.isascii()) and any(unicodedata.category(ch) == "No" for ch in text):
        return "expected a plain number"
    value = float(s)
    return value if math.isfinite(value) else "is not a finite number (too large)"


def python_year(text: str) -> int | None:
    s = fold(text).replace(" ", "").removesuffix("年")
    if _YEAR.fullmatch(s) and 1949 <= int(float(s)) <= 2100:
        return int(float(s))
    return None


@settings(deadline=None, max_examples=500)
@given(st.one_of(TEXT, st.floats(allow_nan=True).map(repr),
                 st.floats(min_value=-1e9, max_value=1e9).map("{:,.3f}".format),
                 st.from_regex(r"[+-]?\d{1,4}(\.\d{0,3})?([eE][+-]?\d{1,3})?%?", fullmatch=True)))
def test_numbers_are_read_as_the_python_rules_read_them(text: str) -> None:
    expected = python_number(text)
    try:
        got: float | str = parse_number(text)
    except CellError as exc:
        got = str(exc)
    if isinstance(expected, float):
        assert got == expected or (got == 0 and expected == 0), text
    else:
        assert isinstance(got, str) and got.endswith(expected), (text, got, expected)


@settings(deadline=None, max_examples=300)
@given(st.one_of(TEXT, st.integers(1900, 2200).map(str), st.integers(1900, 2200).map("{}.0年".format),
                 st.integers(1900, 2200).map(lambda y: "".join(chr(0xFF10 + int(d)) for d in str(y)))))
def test_years_are_read_as_the_python_rules_read_them(text: str) -> None:
    try:
        got: int | None = parse_year(text)
    except CellError:
        got = None
    assert got == python_year(text), text


@pytest.mark.parametrize(("text", "reason"), [
    ("2020-13", "month 13 is no month (read as 2021-01-31 before)"),
    ("2020-00", "month 0 is no month (read as 2019-12-31 before)"),
    ("0001-00", "month 0 of year 1 (crashed the ingest before)"),
])
def test_an_as_of_month_outside_1_to_12_is_refused(sql: duckdb.DuckDBPyConnection, text: str, reason: str) -> None:
    assert one(sql, "imm_date(t)", text) is None, reason


def python_raw(cells: list[str]) -> str:
    while cells and not cells[-1]:
        cells = cells[:-1]
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    text = out.getvalue()
    return text if len(text) <= 40 else text[:40] + "…"


@settings(deadline=None, max_examples=300)
@given(st.lists(st.text(alphabet=st.sampled_from('ab,"江 \'x'), max_size=6), max_size=8))
def test_the_raw_text_of_a_rejected_row_is_its_cells_as_csv(cells: list[str]) -> None:
    (raw,), = SQL.execute("SELECT imm_raw($cells::VARCHAR[], 40)", {"cells": cells}).fetchall()
    assert raw == python_raw(cells)


@settings(deadline=None, max_examples=300)
@given(st.lists(st.one_of(st.none(), st.floats(),
                          st.floats(min_value=-1e16, max_value=1e16).map(lambda x: float(round(x))),
                          st.sampled_from([1e15, 1e15 - 1, -0.0, 5e-324, 1e16])), min_size=1, max_size=20))
def test_parquet_floats_become_the_text_cell_text_gives(values: list[float | None]) -> None:
    assert _float_texts(pa.array(values, pa.float64())).to_pylist() == [cell_text(v) for v in values]
