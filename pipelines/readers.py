"""Reading CSV (UTF-8, UTF-8 with BOM, GBK, GB18030), XLSX and Parquet into one shape: numbered rows of text.

Rows are streamed, never all held at once. A file is refused as a whole (``InputFileError``) only for what
makes it unusable — its format, encoding or size; a cell that cannot be used (too long, a formula without a
saved value, bytes that are not text) is its row's problem (``Row.problems``), for the layout to reject.
A UTF-8 CSV that Python's csv module would split line by line at its delimiter (no quote character, one kind of
line end) also says so (``Table.lines``): the warehouse then reads it itself, to the same rows.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import decimal
import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from pipelines.errors import InputFileError
from pipelines.limits import MAX_CELL_CHARS, MAX_COLUMNS, MAX_FILE_BYTES, MAX_ROWS, size

_SNIFF_BYTES = 64 * 1024
_DIALECT_BYTES = 8 * 1024
_CHUNK = 1 << 20
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_WIDE_TEXT = (  # byte-order marks of text Excel ("Unicode Text") and Windows tools write; longest first
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32 (little-endian) text"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32 (big-endian) text"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 (little-endian) text"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 (big-endian) text"),
)
_OVERLONG = (f"a cell longer than {MAX_CELL_CHARS:,} characters (MAX_CELL_CHARS); an unclosed quote makes the "
             "lines after it one cell")
SAVE_AS = "save it as CSV UTF-8 (Excel: File → Save As → CSV UTF-8) or as .xlsx and ingest that"


@dataclass(frozen=True, slots=True)
class Row:
    number: int  # 1-based row (line) number in the file or sheet, as a person opening it would count
    cells: tuple[str, ...]
    problems: tuple[tuple[int, str], ...] = ()  # (column index or -1 if unknown, why that cell cannot be used)

    @property
    def blank(self) -> bool:
        return not any(c.strip() for c in self.cells)



#: Rows as the warehouse takes them in batches: (row_number, cells, problems).
ROW_PROBLEMS = pa.list_(pa.struct([("col", pa.int32()), ("why", pa.string())]))
ROWS_SCHEMA = pa.schema([("row_number", pa.int64()), ("cells", pa.list_(pa.string())), ("problems", ROW_PROBLEMS)])


def rows_table(rows: Sequence[Row]) -> pa.Table:
    return pa.table({"row_number": [r.number for r in rows], "cells": [list(r.cells) for r in rows],
                     "problems": [[{"col": c, "why": w} for c, w in r.problems] for r in rows]}, schema=ROWS_SCHEMA)


@dataclass(frozen=True)
class CsvLines:
    """A CSV whose records are its lines, split at ``delimiter`` (no quote character anywhere, one kind of line
    end, UTF-8): read as it is, it gives the rows ``_csv_rows`` gives. The limits are those in force when the
    file was opened."""

    path: Path
    delimiter: str
    lines: int
    folded: bool  # no whitespace but the delimiter and line ends, and only ASCII and CJK ideographs
    max_rows: int
    max_columns: int
    max_cell: int
    overlong_cell: str  # the row a record with an overlong field becomes (as in ``_csv_rows``)
    overlong_why: str

    def check_rows(self, count: int) -> None:
        if count > self.max_rows:
            raise InputFileError(f"{self.path}: more than {self.max_rows:,} rows (MAX_ROWS); split the file")


@dataclass(frozen=True)
class Table:
    """A readable file: what it is, and a way to stream its rows (each call starts a fresh pass)."""

    path: Path
    sha256: str
    file_format: str  # csv | xlsx | parquet
    encoding: str | None
    open_rows: Callable[[], Iterator[Row]]
    sheet: str | None = None  # the XLSX sheet read
    notes: tuple[str, ...] = ()  # what a person should know about how the file was read
    lines: CsvLines | None = None  # set when the warehouse may read the CSV's lines itself
    batches: Callable[[], Iterator[pa.Table]] | None = None  # the rows under row 1 as ``rows_table``s (Parquet)

    def iter_rows(self) -> Iterator[Row]:
        return self.open_rows()

    @property
    def rows(self) -> list[Row]:
        """Every row at once: for small files and tests; the pipeline streams ``iter_rows()``."""
        return list(self.open_rows())


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def cell_text(value: object) -> str:
    """Text of a typed cell (XLSX, Parquet). Never a Python repr: other types are the reader's to refuse."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)  # nan / inf / -inf: spelled out, so the value column rejects them
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, int | decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() and value.tzinfo is None else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    raise TypeError(f"no text for a cell of type {type(value).__name__}")


def text_row(number: int, cells: Sequence[str], problems: Sequence[tuple[int, str]] = ()) -> Row:
    """A row of cell text; a cell longer than MAX_CELL_CHARS is its problem (and is cut). Cells beyond
    MAX_COLUMNS are dropped: the header is read within that width too, so no column they hold is ever read."""
    if len(cells) <= MAX_COLUMNS and max(map(len, cells), default=0) <= MAX_CELL_CHARS:
        return Row(number, tuple(cells), tuple(problems))
    cells = list(cells[:MAX_COLUMNS])
    problems = list(problems)
    for i, c in enumerate(cells):
        if len(c) > MAX_CELL_CHARS:
            problems.append((i, f"a cell of {len(c):,} characters; the limit is {MAX_CELL_CHARS:,} "
                                "(MAX_CELL_CHARS)"))
            cells[i] = c[:100] + "…"
    return Row(number, tuple(cells), tuple(problems))


# Bytes of ASCII and of U+4000–U+9FFF (lead bytes E4–E9), text NFKC leaves as it is; and ASCII whitespace.
_PLAIN_BYTES = bytes(range(0xC0)) + bytes(range(0xE4, 0xEA))
_SPACE_BYTES = b"\t\x0b\x0c\r\x1c\x1d\x1e\x1f "


@dataclass(frozen=True)
class _Scan:
    sha256: str
    head: bytes
    nul_at: int | None
    blank: bool
    newlines: int = 0
    last: bytes = b""  # the file's last byte
    crs: int = 0
    crlfs: int = 0
    quotes: frozenset[bytes] = frozenset()  # which of " and ' occur
    spaces: frozenset[int] = frozenset()  # which ASCII whitespace bytes occur (line ends and delimiter included)
    wide: bool = False  # a character outside ASCII and U+4000–U+9FFF occurs (a leading BOM aside)


def _scan(path: Path) -> _Scan:
    """One pass over the bytes: checksum, the first bytes (format), the first NUL, whether all is blank, and what
    says whether the text may be split line by line (line ends, quote characters, whitespace, wide characters)."""
    digest, head, nul_at, blank, offset = hashlib.sha256(), b"", None, True, 0
    newlines = crs = crlfs = 0
    quotes: set[bytes] = set()
    spaces: set[int] = set()
    wide, last = False, b""
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                if not head:
                    head = chunk[:_SNIFF_BYTES]
                    text = chunk.removeprefix(codecs.BOM_UTF8)
                else:
                    text = chunk
                digest.update(chunk)
                if nul_at is None and (i := chunk.find(b"\0")) >= 0:
                    nul_at = offset + i
                blank = blank and not chunk.strip()
                newlines += chunk.count(b"\n")
                if b"\r" in chunk:
                    crs += chunk.count(b"\r")
                    crlfs += chunk.count(b"\r\n")
                if last == b"\r" and chunk.startswith(b"\n"):
                    crlfs += 1
                quotes.update(q for q in (b'"', b"'") if q in chunk)
                spaces.update(b for b in _SPACE_BYTES if b not in spaces and bytes([b]) in chunk)
                wide = wide or bool(text.translate(None, _PLAIN_BYTES))
                last = chunk[-1:]
                offset += len(chunk)
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return _Scan(digest.hexdigest(), head, nul_at, blank, newlines, last, crs, crlfs, frozenset(quotes),
                 frozenset(spaces), wide)


def _wide_text(head: bytes) -> str | None:
    """Name UTF-16/UTF-32 text (with or without a byte-order mark) from the first bytes, else None."""
    for bom, codec, name in _WIDE_TEXT:
        if head.startswith(bom) and _reads_as_text(head[len(bom):], codec):
            return f"{name} with a byte-order mark"
    pairs = len(head) // 2
    if pairs >= 2:
        even, odd = head[0:pairs * 2:2].count(0), head[1:pairs * 2:2].count(0)
        if odd >= pairs * 0.1 and even <= pairs * 0.01 and _reads_as_text(head, "utf-16-le"):
            return "UTF-16 (little-endian) text without a byte-order mark"
        if even >= pairs * 0.1 and odd <= pairs * 0.01 and _reads_as_text(head, "utf-16-be"):
            return "UTF-16 (big-endian) text without a byte-order mark"
    return None


def _reads_as_text(data: bytes, codec: str) -> bool:
    try:
        text = codecs.getincrementaldecoder(codec)().decode(data, final=False)
    except UnicodeDecodeError:
        return False
    controls = sum(1 for ch in text if ch < " " and ch not in "\t\r\n")
    return any(sep in text for sep in ",\t;\n") and controls == 0


def _first_undecodable(path: Path, codec: str) -> int | None:
    """Offset of the first byte ``codec`` cannot decode (streamed), or None when the whole file decodes."""
    decoder = codecs.getincrementaldecoder(codec)()
    offset = 0
    with path.open("rb") as fh:
        while True:
            chunk = fh.read(_CHUNK)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                return max(0, offset + exc.start - (len(exc.object) - len(chunk)))
            if not chunk:
                return None
            offset += len(chunk)


def _detect_encoding(path: Path, head: bytes) -> str:
    """BOM, then strict UTF-8, then GB18030 (a superset of GBK), each checked over the whole file."""
    if head.startswith(codecs.BOM_UTF8):
        if (bad := _first_undecodable(path, "utf-8-sig")) is not None:
            raise InputFileError(f"{path}: byte {bad} cannot be decoded although the file starts with a UTF-8 "
                                 "byte-order mark; expected CSV text in UTF-8, GBK or GB18030")
        return "utf-8-sig"
    if _first_undecodable(path, "utf-8") is None:
        return "utf-8"
    if (bad := _first_undecodable(path, "gb18030")) is not None:
        raise InputFileError(f"{path}: byte {bad} cannot be decoded; expected CSV text in UTF-8, GBK or GB18030")
    return "gbk" if _first_undecodable(path, "gbk") is None else "gb18030"


def _overlong_cell() -> str:
    return f"<a cell over {MAX_CELL_CHARS:,} characters>"


def _csv_rows(path: Path, encoding: str, dialect: type[csv.Dialect] | csv.Dialect) -> Iterator[Row]:
    """Records of a CSV. A field longer than MAX_CELL_CHARS stops there (the csv module's own field limit,
    set around each record and restored, as it is process-wide) and is its record's problem: an unclosed quote
    costs the lines it swallowed up to that length, and memory stays bounded."""
    n = 0
    try:
        with path.open(encoding=encoding, newline="") as fh:
            records = csv.reader(fh, dialect)
            while True:
                previous = csv.field_size_limit(MAX_CELL_CHARS)
                try:
                    cells = next(records)
                except StopIteration:
                    return
                except csv.Error as exc:
                    if "field larger than field limit" not in str(exc):
                        raise
                    cells = None
                finally:
                    csv.field_size_limit(previous)
                n += 1
                if n > MAX_ROWS:
                    raise InputFileError(f"{path}: more than {MAX_ROWS:,} rows (MAX_ROWS); split the file")
                if cells is None:
                    yield Row(n, (_overlong_cell(),), ((-1, _OVERLONG),))
                else:
                    yield text_row(n, [c.strip() for c in cells])
    except csv.Error as exc:
        raise InputFileError(f"{path}: not a readable CSV table (row {n + 1}: {exc})") from None
    except UnicodeDecodeError:
        raise InputFileError(f"{path}: the file changed while it was being read; ingest it again") from None
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def _lines(path: Path, scan: _Scan, encoding: str, dialect: type[csv.Dialect] | csv.Dialect) -> CsvLines | None:
    """The file as lines the warehouse may split itself, when that reads exactly what ``_csv_rows`` reads."""
    if encoding not in ("utf-8", "utf-8-sig") or dialect.quotechar.encode() in scan.quotes or dialect.escapechar:
        return None
    if scan.crs and not scan.crs == scan.crlfs == scan.newlines:  # lone CRs, or CRLF mixed with LF
        return None
    ends = {ord(dialect.delimiter)} if len(dialect.delimiter.encode()) == 1 else set()
    ends |= {ord("\r")} if scan.crs else set()
    lines = scan.newlines + (scan.last != b"\n")
    return CsvLines(path, dialect.delimiter, lines, not scan.wide and scan.spaces <= ends, MAX_ROWS, MAX_COLUMNS,
                    MAX_CELL_CHARS, _overlong_cell(), _OVERLONG)


def _open_csv(path: Path, scan: _Scan) -> tuple[Callable[[], Iterator[Row]], str, CsvLines | None]:
    encoding = _detect_encoding(path, scan.head)
    # csv.Sniffer's regular expressions are quadratic in the sample (20 s on 64 KB of quotes): a few KB of
    # whole lines say what the delimiter is
    sample = scan.head[:_DIALECT_BYTES].decode(encoding, errors="ignore")
    sample = sample[:sample.rfind("\n") + 1] or sample
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",\t;|")
    except csv.Error:
        dialect = csv.excel
    return (lambda: _csv_rows(path, encoding, dialect)), encoding, _lines(path, scan, encoding, dialect)


def _refuse_named_formats(path: Path, head: bytes, nul_at: int | None) -> None:
    """Files that are recognisably something else get an error naming it and saying what to save as."""
    if head.startswith(_OLE2_MAGIC):
        raise InputFileError(f"{path}: an old binary Excel workbook (.xls, an OLE2 compound file — or a "
                             f"password-protected workbook); {SAVE_AS}")
    if (wide := _wide_text(head)) is not None:
        raise InputFileError(f"{path}: {wide}; {SAVE_AS}")
    if nul_at is not None:
        raise InputFileError(f"{path}: looks binary (a NUL byte at byte {nul_at}); expected a CSV, XLSX or Parquet "
                             "table")


def read_table(path: Path, *, sheet: str | None = None,
               holds_table: Callable[[Sequence[Row]], bool] | None = None) -> Table:
    """Read a file as rows of text, detecting its format from its first bytes rather than its extension.

    ``sheet`` names the XLSX sheet to read; without it the visible sheet a person sees is chosen, the first
    whose opening rows ``holds_table`` accepts (any non-blank row when not given).
    """
    if not path.exists():
        raise InputFileError(f"{path}: no such file")
    if not path.is_file():
        raise InputFileError(f"{path}: not a regular file")
    if (length := path.stat().st_size) > MAX_FILE_BYTES:
        raise InputFileError(f"{path}: the file is {size(length)}; the limit is {size(MAX_FILE_BYTES)} "
                             "(MAX_FILE_BYTES) — split it")
    scan = _scan(path)
    if scan.blank:
        raise InputFileError(f"{path}: file is empty; expected a table with a header row")
    if scan.head.startswith(b"PK\x03\x04"):
        from pipelines.read_xlsx import open_xlsx

        chosen = open_xlsx(path, sheet=sheet, holds_table=holds_table)
        return Table(path, scan.sha256, "xlsx", None, chosen.open_rows, chosen.name, chosen.notes)
    if not scan.head.startswith(b"PAR1"):
        _refuse_named_formats(path, scan.head, scan.nul_at)
    if sheet is not None:
        raise InputFileError(f"{path}: --sheet {sheet!r} applies to XLSX workbooks only; this file is not one")
    if scan.head.startswith(b"PAR1"):
        from pipelines.read_parquet import open_parquet

        open_rows, batches = open_parquet(path)
        return Table(path, scan.sha256, "parquet", None, open_rows, batches=batches)
    try:
        open_rows, encoding, lines = _open_csv(path, scan)
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return Table(path, scan.sha256, "csv", encoding, open_rows, lines=lines)
