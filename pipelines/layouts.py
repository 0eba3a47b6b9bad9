"""Finding the header of a table and turning its rows into candidate observations (long or wide layout).

Every record under the header ends as exactly one of: a candidate, a rejection or a skip, so the
accounting ``read = loaded + rejected + skipped`` holds by construction.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tqdm import tqdm

from pipelines.catalogue import STATUSES, Indicator
from pipelines.errors import InputFileError
from pipelines.normalise import (
    CellError,
    RegionResolver,
    fold,
    is_no_value,
    parse_date,
    parse_number,
    parse_year,
    unknown_region_reason,
)
from pipelines.readers import Row, Table

HEADER_SEARCH_ROWS = 30
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
NOTE_PREFIXES = ("注", "资料来源", "数据来源", "来源", "说明", "备注", "单位", "note", "source", "*")
_YEAR_HEADER = re.compile(r"(\d{4})(\.0+)?年?")


@dataclass(frozen=True)
class Defaults:
    """What the command line (or the manifest) says for fields a file leaves out."""

    indicator_id: str | None
    source_id: str
    status: str = "reported"
    layout: str | None = None


@dataclass(frozen=True)
class Candidate:
    row_number: int
    column: str | None
    raw: str
    indicator_id: str
    region_code: str
    year: int
    breakdown: str
    source_id: str
    value: float
    as_of: dt.date | None
    status: str
    scope: str | None
    note: str | None

    @property
    def key(self) -> tuple[str, str, int, str, str]:
        return (self.indicator_id, self.region_code, self.year, self.breakdown, self.source_id)

    @property
    def attributes(self) -> tuple[object, ...]:
        return (self.value, self.as_of, self.status, self.scope, self.note)


@dataclass(frozen=True)
class Rejection:
    row_number: int
    column: str | None
    raw: str
    reason: str


@dataclass
class Parsed:
    layout: str
    indicator_id: str | None
    read: int = 0
    candidates: list[Candidate] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Context:
    """What validation needs from the warehouse catalogue."""

    indicators: Mapping[str, Indicator]
    regions: RegionResolver
    source_ids: frozenset[str]
    illustrative_sources: frozenset[str] = frozenset()  # sources of generated values: rows must say so

    def find_indicator(self, text: str) -> Indicator | None:
        """An indicator by id, Chinese or English name, in any case."""
        return self._names.get(fold(text).lower())

    @functools.cached_property
    def _names(self) -> dict[str, Indicator]:
        names: dict[str, Indicator] = {}
        for ind in self.indicators.values():
            for name in (ind.name_en, ind.name_zh, ind.indicator_id):
                names[fold(name).lower()] = ind
        return names


def _header_key(cell: str) -> str:
    s = fold(cell).lower().lstrip("\ufeff")
    s = re.sub(r"[(（\[].*?[)）\]]$", "", s)  # drop a unit suffix: 数值（%）
    return s.replace(" ", "")


def _column_roles(cells: Sequence[str]) -> dict[str, int]:
    roles: dict[str, int] = {}
    for i, cell in enumerate(cells):
        key = _header_key(cell)
        for role, aliases in COLUMN_ALIASES.items():
            if key in aliases and role not in roles:
                roles[role] = i
    return roles


def _year_columns(cells: Sequence[str]) -> dict[int, int]:
    years = {}
    for i, cell in enumerate(cells):
        m = _YEAR_HEADER.fullmatch(_header_key(cell))
        if m and 1949 <= int(m[1]) <= 2100:
            years[i] = int(m[1])
    return years


def find_header(table: Table, layout: str | None) -> tuple[int, str, dict[str, int], dict[int, int]]:
    """Return (row index, layout, column roles, year columns) of the first row that reads as a header."""
    for idx, row in enumerate(table.rows[:HEADER_SEARCH_ROWS]):
        if row.blank:
            continue
        roles = _column_roles(row.cells)
        if layout != "wide" and {"region", "year", "value"} <= roles.keys():
            return idx, "long", roles, {}
        years = _year_columns(row.cells)
        if layout != "long" and years:
            if "region" not in roles:
                first = next((i for i in range(len(row.cells)) if i not in years), None)
                if first is None or first > min(years):
                    continue
                roles["region"] = first
            return idx, "wide", roles, years
    wanted = {
        None: "columns indicator, region, year, value (or 指标, 地区, 年份, 数值), or a region column and one "
        "column per year (2016, 2016年)",
        "long": "columns region, year and value (or 地区, 年份, 数值)",
        "wide": "a region column and one column per year (2016, 2016年)",
    }[layout]
    raise InputFileError(
        f"{table.path}: no header row found in the first {HEADER_SEARCH_ROWS} rows; expected {wanted}"
    )


def _is_note(row: Row) -> bool:
    filled = [c for c in row.cells if c.strip()]
    return bool(filled) and fold(filled[0]).lower().startswith(NOTE_PREFIXES)


def _check_value(value: float, ind: Indicator) -> str | None:
    if ind.value_kind == "share" and not 0 <= value <= 100:
        return f"{value:g} is outside 0–100 for {ind.indicator_id} (a share in %)"
    if ind.value_kind in ("count", "persons", "index") and value < 0:
        return f"{value:g} is negative; {ind.indicator_id} is a {ind.value_kind}"
    return None


def _title_indicator(rows: Sequence[Row], ctx: Context) -> str | None:
    """Find the indicator a wide file's title lines name (longest name first, so 'X率' beats 'X')."""
    text = fold(" ".join(c for r in rows for c in r.cells)).lower()
    names = sorted(
        ((name, ind.indicator_id) for ind in ctx.indicators.values()
         for name in (ind.name_zh, ind.name_en, ind.indicator_id)),
        key=lambda pair: -len(pair[0]),
    )
    return next((iid for name, iid in names if fold(name).lower() in text), None)


def _unit_multiplier(rows: Sequence[Row]) -> float:
    text = fold(" ".join(c for r in rows for c in r.cells))
    m = re.search(r"单位[:：]?\s*(万|亿)", text)
    return {"万": 1e4, "亿": 1e8}[m[1]] if m else 1.0


def parse(table: Table, ctx: Context, defaults: Defaults, *, progress: bool = False) -> Parsed:
    """Classify every record under the header of ``table`` (with a progress bar on stderr if asked)."""
    header_idx, layout, roles, years = find_header(table, defaults.layout)
    above, header, body = table.rows[:header_idx], table.rows[header_idx], table.rows[header_idx + 1:]
    indicator_id = defaults.indicator_id
    if layout == "wide":
        indicator_id = indicator_id or _title_indicator(above, ctx)
        if indicator_id is None:
            raise InputFileError(
                f"{table.path}: wide layout but no indicator: its title lines name none; pass --indicator ID"
            )
    elif "indicator" not in roles and indicator_id is None:
        raise InputFileError(f"{table.path}: no indicator column (指标) in the header; pass --indicator ID")
    parsed = Parsed(layout=layout, indicator_id=indicator_id)
    body = tqdm(body, desc=table.path.name, unit="row", disable=not progress, leave=False)
    if layout == "long":
        for row in body:
            _long_row(row, roles, ctx, defaults, indicator_id, parsed)
    else:
        scale = _unit_multiplier(above)
        for row in body:
            _wide_row(row, roles["region"], years, header, ctx, defaults, indicator_id, scale, parsed)
    _resolve_duplicates(parsed)
    return parsed


def _cell(row: Row, idx: int | None) -> str:
    return row.cells[idx] if idx is not None and idx < len(row.cells) else ""


def _long_row(row: Row, roles: dict[str, int], ctx: Context, defaults: Defaults, indicator_id: str | None,
              out: Parsed) -> None:
    out.read += 1
    if row.blank:
        out.skipped.append((row.number, "blank row"))
        return
    if _is_note(row):
        out.skipped.append((row.number, "note line"))
        return
    folded = {role: fold(_cell(row, idx)) for role, idx in roles.items()}

    def get(role: str) -> str:
        return folded.get(role, "")

    problems: list[tuple[str, str]] = []
    ind = ctx.find_indicator(get("indicator")) if get("indicator") else ctx.indicators.get(indicator_id or "")
    if ind is None:
        problems.append(("indicator", f"unknown indicator {get('indicator')!r}"))
    match = ctx.regions.resolve(get("region"))
    if match.code is None:
        problems.append(("region", unknown_region_reason(get("region"), match)))
    year = _try(parse_year, get("year"), "year", problems)
    source_id = get("source") or defaults.source_id
    if source_id not in ctx.source_ids:
        problems.append(("source", f"unknown source id {source_id!r}"))
    status = get("status").lower() or defaults.status
    if status not in STATUSES:
        problems.append(("status", f"status {status!r}; expected one of {', '.join(STATUSES)}"))
    elif source_id in ctx.illustrative_sources and status != "illustrative":
        problems.append(("status", f"source {source_id!r} holds generated values: status must be 'illustrative', "
                                   f"not {status!r}"))
    as_of = _try(parse_date, get("as_of"), "as_of", problems) if get("as_of") else None
    value = None
    if is_no_value(get("value")):
        if not problems:
            out.skipped.append((row.number, "no value"))
            return
    else:
        value = _try(parse_number, get("value"), "value", problems)
        if value is not None and ind is not None and (why := _check_value(value, ind)):
            problems.append(("value", why))
    if problems:
        out.rejections.append(Rejection(row.number, problems[0][0], row.raw, "; ".join(p for _, p in problems)))
        return
    assert ind is not None and match.code is not None and year is not None and value is not None
    out.candidates.append(Candidate(
        row.number, None, row.raw, ind.indicator_id, match.code, year, get("breakdown"), source_id, value,
        as_of, status, get("scope") or None, get("note") or None,
    ))


def _try(fn: Callable[[str], Any], text: str, column: str, problems: list[tuple[str, str]]) -> Any:
    try:
        return fn(text)
    except CellError as exc:
        problems.append((column, str(exc)))
        return None


def _wide_row(row: Row, region_idx: int, years: dict[int, int], header: Row, ctx: Context, defaults: Defaults,
              indicator_id: str, scale: float, out: Parsed) -> None:
    if row.blank or _is_note(row):
        out.read += 1
        out.skipped.append((row.number, "blank row" if row.blank else "note line"))
        return
    ind = ctx.indicators[indicator_id]
    region_text = fold(_cell(row, region_idx))
    match = ctx.regions.resolve(region_text)
    for col, year in years.items():
        out.read += 1
        text = fold(_cell(row, col))
        column = header.cells[col]
        raw = f"{region_text},{column}={_cell(row, col)}"
        if match.code is None:
            out.rejections.append(Rejection(row.number, column, raw, unknown_region_reason(region_text, match)))
            continue
        if is_no_value(text):
            out.skipped.append((row.number, "no value"))
            continue
        try:
            value = parse_number(text) * scale
        except CellError as exc:
            out.rejections.append(Rejection(row.number, column, raw, str(exc)))
            continue
        if why := _check_value(value, ind):
            out.rejections.append(Rejection(row.number, column, raw, why))
            continue
        out.candidates.append(Candidate(
            row.number, column, raw, indicator_id, match.code, year, "", defaults.source_id, value, None,
            defaults.status, None, None,
        ))


def _resolve_duplicates(parsed: Parsed) -> None:
    """Exact repeats of a key are skipped; a key given two different values is rejected in every row."""
    by_key: dict[tuple, list[Candidate]] = {}
    for c in parsed.candidates:
        by_key.setdefault(c.key, []).append(c)
    kept: list[Candidate] = []
    for group in by_key.values():
        if len({c.attributes for c in group}) > 1:
            rows = ", ".join(str(c.row_number) for c in group)
            for c in group:
                parsed.rejections.append(Rejection(
                    c.row_number, c.column or "value", c.raw,
                    f"conflicting values for {c.indicator_id}/{c.region_code}/{c.year} in rows {rows}",
                ))
            continue
        kept.append(group[0])
        parsed.skipped.extend((c.row_number, f"duplicate of row {group[0].row_number}") for c in group[1:])
    parsed.candidates = kept
