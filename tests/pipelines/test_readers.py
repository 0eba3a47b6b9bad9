"""Files of every supported format and encoding read as the same numbered rows of text."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines.errors import InputFileError
from pipelines.readers import read_table

ROWS = [["地区", "2020年"], ["黑龙江省", "52.1"], ["广西壮族自治区", "48.0"]]
TEXT = "\n".join(",".join(r) for r in ROWS) + "\n"


@pytest.mark.parametrize(("encoding", "prefix", "detected"), [
    ("utf-8", b"", "utf-8"),
    ("utf-8", b"\xef\xbb\xbf", "utf-8-sig"),
    ("gbk", b"", "gbk"),
    ("gb18030", b"", "gbk"),  # these characters encode identically in GBK; detection reports the narrower one
])
def test_csv_encodings_are_detected_from_the_bytes(tmp_path: Path, encoding: str, prefix: bytes,
                                                    detected: str) -> None:
    path = tmp_path / "table.txt"  # the extension says nothing; the bytes decide
    path.write_bytes(prefix + TEXT.encode(encoding))
    table = read_table(path)
    assert table.encoding == detected
    assert [list(r.cells) for r in table.rows] == ROWS


def test_gb18030_only_characters_are_read(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes("地区,2020\n\U00020000市,1\n".encode("gb18030"))
    table = read_table(path)
    assert table.encoding == "gb18030"
    assert table.rows[1].cells[0] == "\U00020000市"


def test_semicolon_and_tab_delimited_files(tmp_path: Path) -> None:
    for sep in (";", "\t"):
        path = tmp_path / "t.csv"
        path.write_text(TEXT.replace(",", sep), encoding="utf-8")
        assert [list(r.cells) for r in read_table(path).rows] == ROWS


def test_xlsx_rows_keep_their_sheet_row_numbers(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["表1 标题"])
    sheet.append([])
    for r in [["地区", 2020], ["北京", 52.1], ["天津", 48]]:
        sheet.append(r)
    path = tmp_path / "book.csv"  # misleading extension on purpose
    book.save(path)
    table = read_table(path)
    assert table.file_format == "xlsx"
    assert [(r.number, list(r.cells)) for r in table.rows if not r.blank] == [
        (1, ["表1 标题"]), (3, ["地区", "2020"]), (4, ["北京", "52.1"]), (5, ["天津", "48"]),
    ]


def test_parquet_columns_become_the_header_row(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"region": ["北京", None], "year": [2020, 2021], "value": [52.1, None]}), path)
    table = read_table(path)
    assert table.file_format == "parquet"
    assert [list(r.cells) for r in table.rows] == [["region", "year", "value"], ["北京", "2020", "52.1"],
                                                   ["", "2021", ""]]


@pytest.mark.parametrize(("content", "message"), [
    (None, "no such file"),
    (b"", "file is empty"),
    (b"  \n\n", "file is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "looks binary"),
    (b"PK\x03\x04garbage", "not a readable XLSX"),
    (b"PAR1garbage", "not a readable Parquet"),
    (b"\xff\xfe\xfa\xfb\x80\x81", "cannot be decoded; expected CSV text in UTF-8, GBK or GB18030"),
])
def test_unusable_files_raise_one_clear_error_naming_the_file(tmp_path: Path, content: bytes | None,
                                                               message: str) -> None:
    path = tmp_path / "bad.csv"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputFileError, match=message) as err:
        read_table(path)
    assert str(path) in str(err.value)
