"""A streaming XLSX writer: Arrow batches in, zip bytes out while the rows are still being read.

openpyxl (even write-only) produces nothing until the whole workbook is saved, and at about 3,000 rows a
second on a small server a large sheet would outlast any HTTP timeout before its first byte. Here each sheet
is a zip member written front to back (the zip's sizes go in data descriptors, so no seeking), and the cells
of a batch are formatted by Arrow compute kernels rather than one Python call per cell.

Cells: text is an inline string (never a formula, whatever it starts with), cut to Excel's 32,767
characters; integers and finite floats are numbers; dates are date serials shown as ``yyyy-mm-dd``;
booleans are booleans; nulls (and non-finite floats) are empty cells. Callers remove XML-illegal control
characters first (``pipelines.export`` does, for every format).
"""

from __future__ import annotations

import datetime as dt
import math
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

import pyarrow as pa
import pyarrow.compute as pc

SHEET_MAX_ROWS = 1_048_576  # Excel's limit, header row included
CELL_MAX_CHARS = 32_767
_CHUNK_ROWS = 16_384  # rows formatted at a time: a few MB of XML
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_UNIX_EPOCH_SERIAL = (dt.date(1970, 1, 1) - _EXCEL_EPOCH).days
_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;"))  # CR would be read back as LF

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_STYLES = (
    f'<styleSheet xmlns="{_MAIN}"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
    '</fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)
_DATE_STYLE = 1


class Sheet(NamedTuple):
    """A sheet to write: its name, its rows as XML chunks, and (when known) its extent, e.g. ``A1:M25``."""

    name: str
    rows: Iterable[bytes]
    extent: str | None = None


def extent(columns: int, rows: int) -> str:
    """The ``A1:…`` reference of a sheet ``columns`` wide and ``rows`` high (header included)."""
    return f"A1:{column_letters(max(columns, 1))[-1]}{max(rows, 1)}"


class ByteSink:
    """A write-only file whose bytes are handed on (and dropped) by :meth:`drain`: zipfile here and the pyarrow
    writers of ``pipelines.export`` write into it, so an export streams instead of growing in memory."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._size = 0
        self.closed = False

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        self._size += len(data)
        return len(data)

    def tell(self) -> int:
        return self._size

    def flush(self) -> None:
        """Nothing is buffered here."""

    def close(self) -> None:
        self.closed = True

    def drain(self) -> bytes:
        out = b"".join(self._parts)
        self._parts.clear()
        return out


def column_letters(n: int) -> list[str]:
    """``A``, ``B``, … ``Z``, ``AA`` … for the first ``n`` columns."""
    letters = []
    for index in range(1, n + 1):
        name = ""
        while index:
            index, rest = divmod(index - 1, 26)
            name = chr(65 + rest) + name
        letters.append(name)
    return letters


def _escape(text: str) -> str:
    for raw, entity in _ESCAPES:
        text = text.replace(raw, entity)
    return text


def _python_cell(ref: str, value: object) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return f'<c r="{ref}" s="{_DATE_STYLE}"><v>{(value - _EXCEL_EPOCH).days}</v></c>'
    text = _escape(str(value)[:CELL_MAX_CHARS])
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def python_rows(rows: Iterable[Sequence[object]], *, first_row: int = 1) -> Iterator[bytes]:
    """Sheet rows from plain Python values (small sheets: provenance, notes)."""
    for number, values in enumerate(rows, start=first_row):
        letters = column_letters(len(values))
        cells = "".join(_python_cell(f"{letter}{number}", v) for letter, v in zip(letters, values, strict=True))
        yield f'<row r="{number}">{cells}</row>'.encode()


def _cells(column: pa.Array, letter: str, refs: pa.Array) -> pa.Array:
    """One column's ``<c>`` elements, formatted by Arrow kernels; '' for empty cells."""
    kind = column.type
    if pa.types.is_boolean(kind):
        parts = ['" t="b"><v>', column.cast(pa.int8()).cast(pa.string()), "</v>"]
    elif pa.types.is_integer(kind):
        parts = ['"><v>', column.cast(pa.string()), "</v>"]
    elif pa.types.is_floating(kind):
        finite = pc.if_else(pc.is_finite(column), column, pa.scalar(None, kind))
        parts = ['"><v>', finite.cast(pa.string()), "</v>"]
    elif pa.types.is_date(kind):
        days = pc.add(column.cast(pa.date32()).cast(pa.int32()), _UNIX_EPOCH_SERIAL)
        parts = [f'" s="{_DATE_STYLE}"><v>', days.cast(pa.string()), "</v>"]
    else:
        text = column if pa.types.is_string(kind) or pa.types.is_large_string(kind) else column.cast(pa.string())
        text = pc.utf8_slice_codeunits(text, 0, CELL_MAX_CHARS)
        for raw, entity in _ESCAPES:
            text = pc.replace_substring(text, raw, entity)
        parts = ['" t="inlineStr"><is><t xml:space="preserve">', text, "</t></is>"]
    cells = pc.binary_join_element_wise(f'<c r="{letter}', refs, *parts, "</c>", "")
    return pc.fill_null(cells, "")


def _joined(strings: pa.Array) -> bytes:
    whole = pc.binary_join(pa.ListArray.from_arrays(pa.array([0, len(strings)], pa.int32()), strings), "")
    return whole[0].as_buffer().to_pybytes()


def table_rows(schema: pa.Schema, batches: Iterable[pa.RecordBatch]) -> Iterator[bytes]:
    """A header row of the column names, then every row of ``batches``, a few thousand rows per chunk."""
    yield from python_rows([schema.names])
    letters = column_letters(len(schema.names))
    number = 2
    for batch in batches:
        for start in range(0, batch.num_rows, _CHUNK_ROWS):
            chunk = batch.slice(start, _CHUNK_ROWS)
            refs = pa.array(range(number, number + chunk.num_rows), pa.int64()).cast(pa.string())
            cells = [_cells(chunk.column(i), letters[i], refs) for i in range(chunk.num_columns)]
            yield _joined(pc.binary_join_element_wise('<row r="', refs, '">', *cells, "</row>", ""))
            number += chunk.num_rows


def workbook(sheets: Sequence[Sheet]) -> Iterator[bytes]:
    """The bytes of an XLSX file with these sheets, yielded as they are compressed."""
    sink = ByteSink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for part, text in _package_parts([sheet.name for sheet in sheets]):
            zf.writestr(part, text)
        yield sink.drain()
        for number, sheet in enumerate(sheets, start=1):
            with zf.open(f"xl/worksheets/sheet{number}.xml", "w") as member:
                dimension = f'<dimension ref="{sheet.extent}"/>' if sheet.extent else ""
                member.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="{_MAIN}">{dimension}'
                             "<sheetData>".encode())
                for chunk in sheet.rows:
                    member.write(chunk)
                    if out := sink.drain():
                        yield out
                member.write(b"</sheetData></worksheet>")
    yield sink.drain()


def _package_parts(names: Sequence[str]) -> list[tuple[str, str]]:
    head = '<?xml version="1.0" encoding="UTF-8"?>\n'
    sheets = range(1, len(names) + 1)
    types = "".join(f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{_CT}.worksheet+xml"/>'
                    for n in sheets)
    workbook_rels = "".join(
        f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" Target="worksheets/sheet{n}.xml"/>' for n in sheets)
    entries = "".join(f'<sheet name="{_escape(name)}" sheetId="{n}" r:id="rId{n}"/>'
                      for n, name in zip(sheets, names, strict=True))
    return [
        ("[Content_Types].xml", f'{head}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
         '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
         '<Default Extension="xml" ContentType="application/xml"/>'
         f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
         f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>{types}</Types>'),
        ("_rels/.rels", f'{head}<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
         f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        ("xl/workbook.xml", f'{head}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>{entries}</sheets></workbook>'),
        ("xl/_rels/workbook.xml.rels", f'{head}<Relationships xmlns="{_PKG_REL}">{workbook_rels}'
         f'<Relationship Id="rId{len(names) + 1}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'),
        ("xl/styles.xml", head + _STYLES),
    ]
