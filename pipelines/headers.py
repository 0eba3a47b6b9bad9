"""Reading the top of a table: which row is the header, what its columns mean, and what the title lines say."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from pipelines.errors import InputFileError
from pipelines.limits import HEADER_SEARCH_ROWS
from pipelines.normalise import fold
from pipelines.readers import Row, Table

COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "indicator": ("indicator", "indicator_id", "指标", "指标名称", "指标代码", "指标id"),
    "region": ("region", "region_code", "province", "adcode", "地区", "省份", "省", "省市", "地区名称", "区域",
               "行政区划代码", "地区代码", "省份名称"),
    "year": ("year", "年份", "年度", "年"),
    "value": ("value", "数值", "值", "指标值", "数据", "取值"),
    "breakdown": ("breakdown", "分组", "分类", "细分", "维度"),
    "source": ("source", "source_id", "来源", "数据来源", "来源id"),
    "status": ("status", "状态", "数据状态"),
    "as_of": ("as_of", "asof", "截至", "截止日期", "截至日期", "时点"),
    "scope": ("scope", "统计口径", "口径", "范围"),
    "note": ("note", "notes", "备注", "注释", "说明"),
}
#: A row whose first filled cell starts so (folded, in lower case) is a note line, skipped (validate.sql: imm_note).
NOTE_PREFIXES = ("注", "资料来源", "数据来源", "来源", "说明", "备注", "单位", "note", "source", "*")
_YEAR_HEADER = re.compile(r"(\d{4})(\.0+)?年?")


_MAX_HEADER_CHARS = 200  # no column name is longer; the unit-suffix pattern is quadratic in the text


def header_key(cell: str) -> str:
    s = fold(cell).lower().lstrip("\ufeff")
    if len(s) > _MAX_HEADER_CHARS:
        return ""
    s = re.sub(r"[(（\[].*?[)）\]]$", "", s)  # drop a unit suffix: 数值（%）
    return s.replace(" ", "")


def column_roles(cells: Sequence[str]) -> dict[str, int]:
    roles: dict[str, int] = {}
    for i, cell in enumerate(cells):
        key = header_key(cell)
        for role, aliases in COLUMN_ALIASES.items():
            if key in aliases and role not in roles:
                roles[role] = i
    return roles


def year_columns(cells: Sequence[str]) -> dict[int, int]:
    years = {}
    for i, cell in enumerate(cells):
        m = _YEAR_HEADER.fullmatch(header_key(cell))
        if m and 1949 <= int(m[1]) <= 2100:
            years[i] = int(m[1])
    return years


def header_in(rows: Sequence[Row], layout: str | None) -> tuple[int, str, dict[str, int], dict[int, int]] | None:
    for idx, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if row.blank:
            continue
        roles = column_roles(row.cells)
        if layout != "wide" and {"region", "year", "value"} <= roles.keys():
            return idx, "long", roles, {}
        years = year_columns(row.cells)
        if layout != "long" and years:
            if "region" not in roles:
                first = next((i for i in range(len(row.cells)) if i not in years), None)
                if first is None or first > min(years):
                    continue
                roles["region"] = first
            return idx, "wide", roles, years
    return None


def holds_table(rows: Sequence[Row], layout: str | None = None) -> bool:
    """Whether the opening rows of a sheet hold a header this module can read (a cover page does not)."""
    return header_in(rows, layout) is not None


def where(table: Table) -> str:
    return f"{table.path}: sheet {table.sheet!r}" if table.sheet else str(table.path)


def find_header(table: Table, layout: str | None,
                head: Sequence[Row] | None = None) -> tuple[int, str, dict[str, int], dict[int, int]]:
    """Return (row index, layout, column roles, year columns) of the first row that reads as a header."""
    head = list(itertools.islice(table.iter_rows(), HEADER_SEARCH_ROWS)) if head is None else head
    found = header_in(head, layout)
    if found is not None:
        return found
    if len(head) < HEADER_SEARCH_ROWS and all(r.blank for r in head):
        raise InputFileError(f"{where(table)}: contains no rows; expected a table with a header row")
    wanted = {
        None: "columns indicator, region, year, value (or 指标, 地区, 年份, 数值), or a region column and one "
        "column per year (2016, 2016年)",
        "long": "columns region, year and value (or 地区, 年份, 数值)",
        "wide": "a region column and one column per year (2016, 2016年)",
    }[layout]
    raise InputFileError(f"{where(table)}: no header row found in the first {HEADER_SEARCH_ROWS} rows; "
                         f"expected {wanted}")


def unit_multiplier(rows: Sequence[Row]) -> float:
    text = fold(" ".join(c for r in rows for c in r.cells))
    m = re.search(r"单位[:：]?\s*(万|亿)", text)
    return {"万": 1e4, "亿": 1e8}[m[1]] if m else 1.0


def says_national(rows: Sequence[Row]) -> bool:
    """Whether the title lines call the table national (全国…), so that its total row is the national figure."""
    text = fold(" ".join(c for r in rows for c in r.cells)).lower()
    return "全国" in text or re.search(r"\bnation(al|wide)\b", text) is not None


def unit_says_percent(rows: Sequence[Row]) -> bool:
    return re.search(r"单位[:：]?\s*[%％]", fold(" ".join(c for r in rows for c in r.cells))) is not None
