"""Reading CSV (UTF-8, UTF-8 with BOM, GBK, GB18030), XLSX and Parquet into one shape: numbered rows of text."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import math
from dataclasses import dataclass
from pathlib import Path

from pipelines.errors import InputFileError

_SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True)
class Row:
    number: int  # 1-based row (line) number in the file or sheet, as a person opening it would count
    cells: tuple[str, ...]

    @property
    def blank(self) -> bool:
        return not any(c.strip() for c in self.cells)

    @property
    def raw(self) -> str:
        """The row as CSV text (quoted where needed), trailing empty cells dropped."""
        cells = list(self.cells)
        while cells and not cells[-1]:
            cells.pop()
        out = io.StringIO()
        csv.writer(out, lineterminator="").writerow(cells)
        return out.getvalue()


@dataclass(frozen=True)
class Table:
    path: Path
    sha256: str
    file_format: str  # csv | xlsx | parquet
    encoding: str | None
    rows: list[Row]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    """Detect the encoding from the bytes: BOM, then strict UTF-8, then GB18030 (a superset of GBK)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise InputFileError(
            f"{path}: byte {exc.start} cannot be decoded; expected CSV text in UTF-8, GBK or GB18030"
        ) from None
    try:
        data.decode("gbk")
        return text, "gbk"
    except UnicodeDecodeError:
        return text, "gb18030"


def _read_csv(path: Path, data: bytes) -> tuple[list[Row], str]:
    if b"\x00" in data[:_SNIFF_BYTES]:
        raise InputFileError(f"{path}: looks binary (NUL bytes); expected a CSV, XLSX or Parquet table")
    text, encoding = _decode(path, data)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:_SNIFF_BYTES], delimiters=",\t;|")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = [
            Row(n, tuple(c.strip() for c in cells))
            for n, cells in enumerate(csv.reader(io.StringIO(text, newline=""), dialect), start=1)
        ]
    except csv.Error as exc:
        raise InputFileError(f"{path}: not a readable CSV table ({exc})") from None
    return rows, encoding


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _trim(cells: tuple[str, ...]) -> tuple[str, ...]:
    """Drop the empty cells a sheet pads every row with up to its widest row."""
    end = len(cells)
    while end and not cells[end - 1]:
        end -= 1
    return cells[:end]


def _read_xlsx(path: Path, data: bytes) -> list[Row]:
    import openpyxl  # imported here: only XLSX ingests pay for it

    try:  # from bytes, so the file's extension plays no part
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a corrupt archive
        raise InputFileError(f"{path}: not a readable XLSX workbook ({exc})") from None
    try:
        for sheet in book.worksheets:
            rows = [
                Row(n, _trim(tuple(_cell_text(v) for v in values)))
                for n, values in enumerate(sheet.iter_rows(values_only=True), start=1)
            ]
            if any(not r.blank for r in rows):
                return rows
        return []
    finally:
        book.close()


def _read_parquet(path: Path) -> list[Row]:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid/OSError variants
        raise InputFileError(f"{path}: not a readable Parquet file ({exc})") from None
    columns = [table.column(name).to_pylist() for name in table.column_names]
    header = Row(1, tuple(table.column_names))
    body = [Row(n, tuple(_cell_text(col[i]) for col in columns)) for i, n in enumerate(range(2, table.num_rows + 2))]
    return [header, *body]


def read_table(path: Path) -> Table:
    """Read a file as rows of text, detecting its format from its first bytes rather than its extension."""
    if not path.exists():
        raise InputFileError(f"{path}: no such file")
    if not path.is_file():
        raise InputFileError(f"{path}: not a regular file")
    data = path.read_bytes()
    if not data.strip():
        raise InputFileError(f"{path}: file is empty; expected a table with a header row")
    digest = hashlib.sha256(data).hexdigest()
    encoding = None
    if data.startswith(b"PAR1"):
        file_format, rows = "parquet", _read_parquet(path)
    elif data.startswith(b"PK\x03\x04"):
        file_format, rows = "xlsx", _read_xlsx(path, data)
    else:
        file_format = "csv"
        rows, encoding = _read_csv(path, data)
    if not any(not r.blank for r in rows):
        raise InputFileError(f"{path}: contains no rows; expected a table with a header row")
    return Table(path=path, sha256=digest, file_format=file_format, encoding=encoding, rows=rows)
