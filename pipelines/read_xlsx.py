"""Reading the sheet a person sees from an XLSX workbook, with its size bounded before and while reading.

The archive's declared sizes are checked before anything is parsed; the sheet's declared dimension is
ignored (A1:XFD1048576 on a handful of cells is common) and only cells actually present are read, each
counted against MAX_XLSX_CELLS. A formula whose result Excel never saved reads as its formula and is a
problem of its row, never a blank.
"""

from __future__ import annotations

import contextlib
import itertools
import warnings
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

from pipelines.errors import InputFileError
from pipelines.limits import (
    HEADER_SEARCH_ROWS,
    MAX_COLUMNS,
    MAX_XLSX_CELLS,
    MAX_XLSX_ROWS,
    MAX_XLSX_UNCOMPRESSED_BYTES,
    size,
)
from pipelines.readers import SAVE_AS, Row, cell_text, text_row


@dataclass(frozen=True)
class ChosenSheet:
    name: str
    open_rows: Callable[[], Iterator[Row]]
    notes: tuple[str, ...] = ()


class _Uncached(str):
    """A formula cell without a saved result: its text is the formula, for the rejection to show."""


class _TooManyCells(Exception):
    pass


class _Budget:
    """Cells and row elements one read may parse (MAX_XLSX_CELLS): the probes of every visible sheet share
    one, and the chosen sheet's read has its own."""

    def __init__(self) -> None:
        self.left = MAX_XLSX_CELLS

    def spend(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise _TooManyCells


class _Parser(WorkSheetParser):
    """openpyxl's streaming sheet parser, counting cells and telling "formula, no saved value" from blank."""

    def __init__(self, *args: Any, budget: _Budget, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.budget = budget

    def parse_row(self, row: Any) -> tuple[int, list[dict[str, Any]]]:
        self.budget.spend()
        return super().parse_row(row)

    def parse_cell(self, element: Any) -> dict[str, Any]:
        self.budget.spend()
        cell = super().parse_cell(element)
        if cell["value"] is None and (formula := element.find(FORMULA_TAG)) is not None:
            # no <v>, or an empty one on a formula not typed as text (t="str" with <v></v> is an empty result)
            if element.find(VALUE_TAG) is None or element.get("t", "n") not in ("str", "inlineStr"):
                cell["value"] = _Uncached("=" + (formula.text or "…"))
        return cell


def _check_archive(path: Path) -> None:
    """Refuse what is not an XLSX, or declares more uncompressed bytes than MAX_XLSX_UNCOMPRESSED_BYTES."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            if "mimetype" in names and zf.getinfo("mimetype").file_size < 200:
                if zf.read("mimetype").startswith(b"application/vnd.oasis.opendocument"):
                    raise InputFileError(f"{path}: an OpenDocument spreadsheet (.ods); {SAVE_AS}")
            if "xl/workbook.bin" in names:
                raise InputFileError(f"{path}: an Excel binary workbook (.xlsb); {SAVE_AS}")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, KeyError, EOFError) as exc:
        raise InputFileError(f"{path}: not a readable XLSX workbook ({exc})") from None
    declared = sum(i.file_size for i in infos)
    if declared > MAX_XLSX_UNCOMPRESSED_BYTES:
        raise InputFileError(f"{path}: the workbook unpacks to {size(declared)}; the limit is "
                             f"{size(MAX_XLSX_UNCOMPRESSED_BYTES)} (MAX_XLSX_UNCOMPRESSED_BYTES) — save the table "
                             "as CSV UTF-8 instead")


@contextlib.contextmanager
def _book(path: Path) -> Iterator[Any]:
    try:
        fh = path.open("rb")  # a file object, so the extension plays no part
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    with fh:
        with warnings.catch_warnings():  # openpyxl warns about every extension it drops; none matters here
            warnings.simplefilter("ignore")
            try:
                book = openpyxl.load_workbook(fh, read_only=True, data_only=True)
            except Exception as exc:  # openpyxl raises many types for a damaged archive
                raise InputFileError(f"{path}: not a readable XLSX workbook ({exc})") from None
        try:
            yield book
        finally:
            book.close()


def _sheet_rows(path: Path, book: Any, ws: Any, budget: _Budget) -> Iterator[Row]:
    """Rows of cells actually present (gaps between them as blank rows; trailing blank rows dropped)."""
    parser = _Parser(ws._get_source(), ws._shared_strings, data_only=True, epoch=book.epoch,
                     date_formats=book._date_formats, timedelta_formats=book._timedelta_formats, budget=budget)
    rows = parser.parse()
    expected = 1
    try:
        while True:
            with warnings.catch_warnings():  # per step, not across the yield: other code's warnings stay on
                warnings.simplefilter("ignore")
                item = next(rows, None)
            if item is None:
                return
            number, cells = item
            if number > MAX_XLSX_ROWS:
                raise InputFileError(f"{path}: sheet {ws.title!r} has a row numbered {number:,}; the limit is "
                                     f"{MAX_XLSX_ROWS:,} rows (MAX_XLSX_ROWS, Excel's own)")
            row = _row(number, cells)
            if row is None:
                continue
            for gap in range(expected, number):
                yield Row(gap, ())
            yield row
            expected = number + 1
    except _TooManyCells:
        raise InputFileError(f"{path}: sheet {ws.title!r} has more than {MAX_XLSX_CELLS:,} cells and rows "
                             "(MAX_XLSX_CELLS); save the table as CSV UTF-8 instead") from None
    except (ValueError, KeyError, IndexError, TypeError, SyntaxError) as exc:  # damaged XML, bad references
        raise InputFileError(f"{path}: sheet {ws.title!r} cannot be read ({exc})") from None
    finally:
        parser.source.close()


def _row(number: int, cells: Sequence[dict[str, Any]]) -> Row | None:
    present = [(c["column"], c["value"]) for c in cells if c["value"] is not None]
    if not present:
        return None
    width = min(max(col for col, _ in present), MAX_COLUMNS)
    texts = [""] * width
    problems: list[tuple[int, str]] = []
    for col, value in present:
        if col > MAX_COLUMNS:  # never a column the header can name (see text_row)
            continue
        where = f"cell {get_column_letter(col)}{number}"
        if isinstance(value, _Uncached):
            problems.append((col - 1, f"{where} is a formula with no saved value ({value[:60]}); open the file in "
                                      "Excel or LibreOffice and save it, so the computed values are stored"))
            texts[col - 1] = str(value)
            continue
        try:
            texts[col - 1] = cell_text(value)
        except TypeError:
            problems.append((col - 1, f"{where} holds a {type(value).__name__}, not text, a number or a date"))
    while texts and not texts[-1]:
        texts.pop()
    if not texts and not problems:
        return None
    return text_row(number, texts, problems)


def _visible(book: Any) -> list[Any]:
    sheets = [ws for ws in book.worksheets if ws.sheet_state == "visible"]
    try:
        active = book.active
    except IndexError:  # an activeTab beyond the sheets
        active = None
    if active in sheets:
        sheets.remove(active)
        sheets.insert(0, active)
    return sheets


def _named(path: Path, book: Any, name: str) -> Any:
    sheets = book.worksheets
    found = [ws for ws in sheets if ws.title == name] or [
        ws for ws in sheets if ws.title.strip().casefold() == name.strip().casefold()]
    if not found:
        titles = ", ".join(repr(ws.title) for ws in sheets[:20])
        raise InputFileError(f"{path}: no sheet named {name!r}; the workbook has {titles}")
    return found[0]


def _rows_of(path: Path, title: str) -> Iterator[Row]:
    with _book(path) as book:
        yield from _sheet_rows(path, book, _named(path, book, title), _Budget())


def open_xlsx(path: Path, *, sheet: str | None = None,
              holds_table: Callable[[Sequence[Row]], bool] | None = None) -> ChosenSheet:
    """Choose the sheet to read: ``sheet`` when given, else the active visible sheet if it holds a table, else
    the first visible one that does (a cover page of prose is passed over); hidden sheets only by name."""
    _check_archive(path)
    accepts = holds_table or (lambda rows: any(not r.blank for r in rows))
    with _book(path) as book:
        if not book.worksheets:
            raise InputFileError(f"{path}: the workbook has no worksheets; expected a table on a sheet")
        if sheet is not None:
            title = _named(path, book, sheet).title
            return ChosenSheet(title, lambda: _rows_of(path, title))
        hidden = [ws.title for ws in book.worksheets if ws.sheet_state != "visible"]
        with_data, with_table, budget = [], [], _Budget()
        for ws in _visible(book):
            head = list(itertools.islice(_sheet_rows(path, book, ws, budget), HEADER_SEARCH_ROWS))
            if any(not r.blank for r in head):
                with_data.append(ws.title)
            if head and accepts(head):
                with_table.append(ws.title)
    if not with_table and (hidden or not with_data):
        what = "any data" if not with_data else "a table"
        also = f" (hidden: {', '.join(map(repr, hidden))}; read one with --sheet NAME)" if hidden else ""
        raise InputFileError(f"{path}: no visible sheet holds {what}{also}; expected a table on a sheet")
    chosen = (with_table or with_data)[0]
    notes = []
    if len(with_table) > 1:
        others = ", ".join(repr(t) for t in with_table[1:])
        notes.append(f"read sheet {chosen!r}; {others} also hold{'s' if len(with_table) == 2 else ''} a table "
                     "(read another with --sheet NAME)")
    if hidden:
        notes.append(f"hidden sheet(s) not read: {', '.join(map(repr, hidden))}")
    return ChosenSheet(chosen, lambda: _rows_of(path, chosen), tuple(notes))
