"""Reading CSV (UTF-8, UTF-8 with BOM, GBK, GB18030), XLSX and Parquet into one shape: numbered rows of text.

Rows are streamed, never all held at once. A file is refused as a whole (``InputFileError``) only for what
makes it unusable — its format, encoding or size; a cell that cannot be used (too long, a formula without a
saved value, bytes that are not text) is its row's problem (``Row.problems``), for the layout to reject.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import decimal
import hashlib
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipelines.errors import InputFileError
from pipelines.limits import MAX_CELL_CHARS, MAX_COLUMNS, MAX_FILE_BYTES, MAX_RAW_CHARS, MAX_ROWS, size

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

    @property
    def raw(self) -> str:
        """The row as CSV text (quoted where needed), trailing empty cells dropped, cut at MAX_RAW_CHARS."""
        cells = list(self.cells)
        while cells and not cells[-1]:
            cells.pop()
        out = io.StringIO()
        csv.writer(out, lineterminator="").writerow(cells)
        text = out.getvalue()
        return text if len(text) <= MAX_RAW_CHARS else text[:MAX_RAW_CHARS] + "…"


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


@dataclass(frozen=True)
class _Scan:
    sha256: str
    head: bytes
    nul_at: int | None
    blank: bool


def _scan(path: Path) -> _Scan:
    """One pass over the bytes: checksum, the first bytes (format), the first NUL and whether all is blank."""
    digest, head, nul_at, blank, offset = hashlib.sha256(), b"", None, True, 0
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                head = head or chunk[:_SNIFF_BYTES]
                digest.update(chunk)
                if nul_at is None and (i := chunk.find(b"\0")) >= 0:
                    nul_at = offset + i
                blank = blank and not chunk.strip()
                offset += len(chunk)
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return _Scan(digest.hexdigest(), head, nul_at, blank)


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
                    yield Row(n, (f"<a cell over {MAX_CELL_CHARS:,} characters>",), ((-1, _OVERLONG),))
                else:
                    yield text_row(n, [c.strip() for c in cells])
    except csv.Error as exc:
        raise InputFileError(f"{path}: not a readable CSV table (row {n + 1}: {exc})") from None
    except UnicodeDecodeError:
        raise InputFileError(f"{path}: the file changed while it was being read; ingest it again") from None
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def _open_csv(path: Path, head: bytes) -> tuple[Callable[[], Iterator[Row]], str]:
    encoding = _detect_encoding(path, head)
    # csv.Sniffer's regular expressions are quadratic in the sample (20 s on 64 KB of quotes): a few KB of
    # whole lines say what the delimiter is
    sample = head[:_DIALECT_BYTES].decode(encoding, errors="ignore")
    sample = sample[:sample.rfind("\n") + 1] or sample
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",\t;|")
    except csv.Error:
        dialect = csv.excel
    return (lambda: _csv_rows(path, encoding, dialect)), encoding


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

        return Table(path, scan.sha256, "parquet", None, open_parquet(path))
    try:
        open_rows, encoding = _open_csv(path, scan.head)
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return Table(path, scan.sha256, "csv", encoding, open_rows)
