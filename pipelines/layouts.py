"""Turning the rows under a table's header into candidate observations (long or wide layout).

Every record under the header ends as exactly one of: a candidate, a rejection or a skip, so the
accounting ``read = loaded + rejected + skipped`` holds by construction. Rows are streamed: candidates and
rejections leave in batches for a ``Sink`` (the warehouse writer, which also settles duplicate keys), so
memory does not grow with the file. Finding the header is ``headers.py``'s.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from tqdm import tqdm

from pipelines.catalogue import STATUSES, Indicator
from pipelines.errors import InputFileError
from pipelines.headers import (
    COLUMN_ALIASES,
    column_roles,
    find_header,
    header_key,
    holds_table,
    is_note,
    says_national,
    unit_multiplier,
    unit_says_percent,
    where,
    year_columns,
)
from pipelines.limits import HEADER_SEARCH_ROWS
from pipelines.normalise import (
    CellError,
    RegionResolver,
    fold,
    has_percent_sign,
    is_no_value,
    parse_date,
    parse_number,
    parse_year,
    shown,
    unknown_region_reason,
)
from pipelines.readers import Row, Table

__all__ = ["Candidate", "Context", "Defaults", "Parsed", "Rejection", "Sink", "find_header", "holds_table", "parse"]

BATCH_ROWS = 20_000  # candidates and rejections handed to the sink at a time
MAX_LISTED_WARNINGS = 50
_COUNTED = {"count": "a count", "persons": "a number of persons"}  # value kinds a % sign never belongs to


@dataclass(frozen=True)
class Defaults:
    """What the command line (or the manifest) says for fields a file leaves out."""

    indicator_id: str | None
    source_id: str
    status: str = "reported"
    layout: str | None = None


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class Rejection:
    row_number: int
    column: str | None
    raw: str
    reason: str


class Sink(Protocol):
    """Where batches of candidates and rejections go (the warehouse writer stages them)."""

    def candidates(self, batch: Sequence[Candidate]) -> None: ...

    def rejections(self, batch: Sequence[Rejection]) -> None: ...


@dataclass
class Parsed:
    """The accounting of one parse. ``candidates``/``rejections`` are filled only when no sink was given
    (duplicate keys are then left unsettled: settling them is the writer's job)."""

    layout: str
    indicator_id: str | None
    read: int = 0
    rejected: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)  # the first MAX_LISTED_WARNINGS
    warning_count: int = 0
    candidates: list[Candidate] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)

    def warn(self, text: str) -> None:
        self.warning_count += 1
        if len(self.warnings) < MAX_LISTED_WARNINGS:
            self.warnings.append(text)


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


def _check_value(value: float, ind: Indicator) -> str | None:
    if ind.value_kind == "share" and not 0 <= value <= 100:
        return f"{value:g} is outside 0–100 for {ind.indicator_id} (a share in %)"
    if ind.value_kind in ("count", "persons", "index") and value < 0:
        return f"{value:g} is negative; {ind.indicator_id} is a {ind.value_kind}"
    return None


def _value(text: str, ind: Indicator, scale: float = 1.0) -> tuple[float | None, str | None]:
    """(value, None) or (None, why it is refused) for a value cell of ``ind``."""
    try:
        value = parse_number(text) * scale
    except CellError as exc:
        return None, str(exc)
    if not math.isfinite(value):
        return None, f"{shown(text)!r} × {scale:g} (the unit line) is not a finite number"
    if ind.value_kind in _COUNTED and has_percent_sign(text):
        return None, (f"{shown(text)!r} carries a % sign but {ind.indicator_id} is {_COUNTED[ind.value_kind]}; "
                      "expected a plain number")
    return (None, why) if (why := _check_value(value, ind)) else (value, None)


def _title_indicator(rows: Sequence[Row], ctx: Context) -> str | None:
    """Find the indicator a wide file's title lines name (longest name first, so 'X率' beats 'X')."""
    text = fold(" ".join(c for r in rows for c in r.cells)).lower()
    names = sorted(
        ((name, ind.indicator_id) for ind in ctx.indicators.values()
         for name in (ind.name_zh, ind.name_en, ind.indicator_id)),
        key=lambda pair: -len(pair[0]),
    )
    return next((iid for name, iid in names if fold(name).lower() in text), None)


def as_of_warning(row_number: int, year: int, as_of: dt.date) -> str | None:
    """A date more than a year outside its year is probably a typo in one of them: said, not refused."""
    if dt.date(year - 1, 1, 1) <= as_of <= dt.date(year + 1, 12, 31):
        return None
    return f"row {row_number}: as_of {as_of.isoformat()} is more than a year from its year {year}; check both"


class _Collector:
    def __init__(self, parsed: Parsed) -> None:
        self.parsed = parsed

    def candidates(self, batch: Sequence[Candidate]) -> None:
        self.parsed.candidates.extend(batch)

    def rejections(self, batch: Sequence[Rejection]) -> None:
        self.parsed.rejections.extend(batch)


@dataclass
class _Run:
    """One parse in progress: the header's meaning and the batches on their way to the sink."""

    parsed: Parsed
    sink: Sink
    ctx: Context
    defaults: Defaults
    header: Row
    roles: dict[str, int]
    years: dict[int, int]
    national: bool
    scale: float = 1.0
    _candidates: list[Candidate] = field(default_factory=list)
    _rejections: list[Rejection] = field(default_factory=list)

    def accept(self, candidate: Candidate) -> None:
        self._candidates.append(candidate)
        if len(self._candidates) >= BATCH_ROWS:
            self.sink.candidates(self._candidates)
            self._candidates = []

    def reject(self, row_number: int, column: str | None, raw: str, reason: str) -> None:
        self.parsed.rejected += 1
        self._rejections.append(Rejection(row_number, column, raw, reason))
        if len(self._rejections) >= BATCH_ROWS:
            self.sink.rejections(self._rejections)
            self._rejections = []

    def skip(self, why: str) -> None:
        self.parsed.skipped[why] += 1

    def flush(self) -> None:
        if self._candidates:
            self.sink.candidates(self._candidates)
        if self._rejections:
            self.sink.rejections(self._rejections)
        self._candidates, self._rejections = [], []

    def column_name(self, idx: int) -> str | None:
        if idx < 0:
            return None
        return _cell(self.header, idx) or f"column {idx + 1}"

    @functools.cached_property
    def _region_header_keys(self) -> frozenset[str]:
        return frozenset({*COLUMN_ALIASES["region"], header_key(_cell(self.header, self.roles["region"]))})

    def repeated_header(self, row: Row) -> bool:
        """The header again (a table pasted below another, a page break in an export)."""
        if header_key(_cell(row, self.roles["region"])) not in self._region_header_keys:
            return False
        if self.years:
            return year_columns(row.cells) == self.years
        return column_roles(row.cells) == self.roles


def parse(table: Table, ctx: Context, defaults: Defaults, *, progress: bool = False,
          sink: Sink | None = None) -> Parsed:
    """Classify every record under the header of ``table`` (with a progress bar on stderr if asked)."""
    rows = table.iter_rows()
    head = list(itertools.islice(rows, HEADER_SEARCH_ROWS))
    header_idx, layout, roles, years = find_header(table, defaults.layout, head)
    above, header = head[:header_idx], head[header_idx]
    indicator_id = defaults.indicator_id
    if layout == "wide":
        indicator_id = indicator_id or _title_indicator(above, ctx)
        if indicator_id is None:
            raise InputFileError(
                f"{where(table)}: wide layout but no indicator: its title lines name none; pass --indicator ID"
            )
        ind = ctx.indicators[indicator_id]
        if ind.value_kind in _COUNTED and unit_says_percent(above):
            raise InputFileError(f"{where(table)}: the unit line says % but {indicator_id} is "
                                 f"{_COUNTED[ind.value_kind]}; expected a table of plain numbers")
    elif "indicator" not in roles and indicator_id is None:
        raise InputFileError(f"{where(table)}: no indicator column (指标) in the header; pass --indicator ID")
    parsed = Parsed(layout=layout, indicator_id=indicator_id)
    run = _Run(parsed, sink or _Collector(parsed), ctx, defaults, header, roles, years, says_national(above),
               unit_multiplier(above))
    body: Iterable[Row] = itertools.chain(head[header_idx + 1:], rows)
    body = tqdm(body, desc=table.path.name, unit="row", disable=not progress, leave=False)
    handle: Callable[[Row, _Run], None] = _long_row if layout == "long" else _wide_row
    for row in body:
        handle(row, run)
    run.flush()
    return parsed


def _cell(row: Row, idx: int | None) -> str:
    return row.cells[idx] if idx is not None and idx < len(row.cells) else ""


def _skip_reason(row: Row, run: _Run) -> str | None:
    if row.blank:
        return "blank row"
    if is_note(row):
        return "note line"
    if run.repeated_header(row):
        return "repeated header row"
    return None


def _long_row(row: Row, run: _Run) -> None:
    out, ctx, defaults = run.parsed, run.ctx, run.defaults
    out.read += 1
    if why := _skip_reason(row, run):
        run.skip(why)
        return
    if row.problems:
        idx, _ = row.problems[0]
        run.reject(row.number, run.column_name(idx), row.raw, "; ".join(p for _, p in row.problems[:3]))
        return
    folded = {role: fold(_cell(row, idx)) for role, idx in run.roles.items()}

    def get(role: str) -> str:
        return folded.get(role, "")

    problems: list[tuple[str, str]] = []
    ind = ctx.find_indicator(get("indicator")) if get("indicator") else ctx.indicators.get(out.indicator_id or "")
    if ind is None:
        problems.append(("indicator", f"unknown indicator {shown(get('indicator'))!r}"))
    match = ctx.regions.resolve(get("region"), national_totals=run.national)
    if match.code is None:
        problems.append(("region", unknown_region_reason(get("region"), match)))
    year = _try(parse_year, get("year"), "year", problems)
    source_id = get("source") or defaults.source_id
    if source_id not in ctx.source_ids:
        problems.append(("source", f"unknown source id {shown(source_id)!r}"))
    status = get("status").lower() or defaults.status
    if status not in STATUSES:
        problems.append(("status", f"status {shown(status)!r}; expected one of {', '.join(STATUSES)}"))
    elif source_id in ctx.illustrative_sources and status != "illustrative":
        problems.append(("status", f"source {source_id!r} holds generated values: status must be 'illustrative', "
                                   f"not {status!r}"))
    as_of = _try(parse_date, get("as_of"), "as_of", problems) if get("as_of") else None
    value = None
    if is_no_value(get("value")):
        if not problems:
            run.skip("no value")
            return
    elif ind is not None:
        value, why = _value(_cell(row, run.roles["value"]), ind)  # unfolded: NFKC would hide a footnote mark
        if why:
            problems.append(("value", why))
    else:
        _try(parse_number, get("value"), "value", problems)
    if problems:
        run.reject(row.number, problems[0][0], row.raw, "; ".join(p for _, p in problems))
        return
    assert ind is not None and match.code is not None and year is not None and value is not None
    if as_of is not None and (warning := as_of_warning(row.number, year, as_of)):
        out.warn(warning)
    run.accept(Candidate(
        row.number, None, row.raw, ind.indicator_id, match.code, year, get("breakdown"), source_id, value,
        as_of, status, get("scope") or None, get("note") or None,
    ))


def _try(fn: Callable[[str], Any], text: str, column: str, problems: list[tuple[str, str]]) -> Any:
    try:
        return fn(text)
    except CellError as exc:
        problems.append((column, str(exc)))
        return None


def _wide_row(row: Row, run: _Run) -> None:
    out, region_idx = run.parsed, run.roles["region"]
    if why := _skip_reason(row, run):
        out.read += 1
        run.skip(why)
        return
    assert out.indicator_id is not None
    ind = run.ctx.indicators[out.indicator_id]
    cell_problems = dict(reversed(row.problems))  # the first problem of each cell
    row_problem = next((p for i, p in row.problems if i not in run.years), None)  # region or another column
    region_text = fold(_cell(row, region_idx))
    match = run.ctx.regions.resolve(region_text, national_totals=run.national)
    for col, year in run.years.items():
        out.read += 1
        text = fold(_cell(row, col))
        column = run.header.cells[col]
        raw = f"{region_text},{column}={_cell(row, col)}"
        if why := row_problem or cell_problems.get(col):
            run.reject(row.number, column, raw, why)
            continue
        if match.code is None:
            run.reject(row.number, column, raw, unknown_region_reason(region_text, match))
            continue
        if is_no_value(text):
            run.skip("no value")
            continue
        value, why = _value(_cell(row, col), ind, run.scale)
        if why:
            run.reject(row.number, column, raw, why)
            continue
        run.accept(Candidate(
            row.number, column, raw, out.indicator_id, match.code, year, "", run.defaults.source_id, value, None,
            run.defaults.status, None, None,
        ))
