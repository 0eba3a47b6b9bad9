"""Turning the rows under a table's header into candidate observations (long or wide layout).

The header and the title lines above it are read here; the rows under it are judged together, in SQL
(pipelines/warehouse/validate.sql), whole columns at a time: a plain CSV is read there by DuckDB itself, any
other file is streamed into it in batches, and the same rules run either way. Python is asked once per distinct
value for what only it knows — region and indicator names, repeated headers, the words of each refusal.
Every record under the header ends as exactly one of: a candidate, a rejection or a skip, so the accounting
``read = loaded + rejected + skipped`` holds by construction. Finding the header is ``headers.py``'s.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from tqdm import tqdm

from pipelines.catalogue import STATUSES, Indicator
from pipelines.errors import InputFileError
from pipelines.headers import (
    COLUMN_ALIASES,
    NOTE_PREFIXES,
    column_roles,
    find_header,
    header_key,
    holds_table,
    says_national,
    unit_multiplier,
    unit_says_percent,
    where,
    year_columns,
)
from pipelines.limits import HEADER_SEARCH_ROWS, MAX_RAW_CHARS
from pipelines.normalise import RegionResolver, fold
from pipelines.readers import Row, Table, rows_table
from pipelines.warehouse import Staging
from pipelines.warehouse.validate import Body, Spec
from pipelines.wording import COUNTED, reason

__all__ = ["Candidate", "Context", "Defaults", "Parsed", "Rejection", "find_header", "holds_table", "parse"]

BATCH_ROWS = 20_000  # rows a Python reader hands to the warehouse at a time
MAX_LISTED_WARNINGS = 50
_STEPS = 5  # what a progress bar counts: reading, names, judging, wording, staging


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


@dataclass(frozen=True, slots=True)
class Rejection:
    row_number: int
    column: str | None
    raw: str
    reason: str


@dataclass
class Parsed:
    """The accounting of one parse. ``candidates``/``rejections`` are filled only when no staging area was given
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


def _title_indicator(rows: Sequence[Row], ctx: Context) -> str | None:
    """Find the indicator a wide file's title lines name (longest name first, so 'X率' beats 'X')."""
    text = fold(" ".join(c for r in rows for c in r.cells)).lower()
    names = sorted(
        ((name, ind.indicator_id) for ind in ctx.indicators.values()
         for name in (ind.name_zh, ind.name_en, ind.indicator_id)),
        key=lambda pair: -len(pair[0]),
    )
    return next((iid for name, iid in names if fold(name).lower() in text), None)


def as_of_warning(row_number: int, year: int, as_of: dt.date) -> str:
    """The words for an as-of date more than a year outside its year (the rules find them)."""
    return f"row {row_number}: as_of {as_of.isoformat()} is more than a year from its year {year}; check both"


@dataclass(frozen=True)
class _Header:
    """The meaning of a table's header and of the title lines above it."""

    layout: str
    index: int  # of the header row among the first rows
    row: Row
    roles: dict[str, int]
    years: dict[int, int]
    indicator_id: str | None
    national: bool
    scale: float

    @functools.cached_property
    def region_keys(self) -> frozenset[str]:
        return frozenset({*COLUMN_ALIASES["region"], header_key(_cell(self.row.cells, self.roles["region"]))})

    def repeated_by(self, cells: Sequence[str]) -> bool:
        """The header again (a table pasted below another, a page break in an export)."""
        if header_key(_cell(cells, self.roles["region"])) not in self.region_keys:
            return False
        if self.years:
            return year_columns(cells) == self.years
        return column_roles(cells) == self.roles


def _header(table: Table, ctx: Context, defaults: Defaults, head: Sequence[Row]) -> _Header:
    header_idx, layout, roles, years = find_header(table, defaults.layout, head)
    above = head[:header_idx]
    indicator_id = defaults.indicator_id
    if layout == "wide":
        indicator_id = indicator_id or _title_indicator(above, ctx)
        if indicator_id is None:
            raise InputFileError(
                f"{where(table)}: wide layout but no indicator: its title lines name none; pass --indicator ID"
            )
        ind = ctx.indicators[indicator_id]
        if ind.value_kind in COUNTED and unit_says_percent(above):
            raise InputFileError(f"{where(table)}: the unit line says % but {indicator_id} is "
                                 f"{COUNTED[ind.value_kind]}; expected a table of plain numbers")
    elif "indicator" not in roles and indicator_id is None:
        raise InputFileError(f"{where(table)}: no indicator column (指标) in the header; pass --indicator ID")
    return _Header(layout, header_idx, head[header_idx], roles, years, indicator_id, says_national(above),
                   unit_multiplier(above))


def _cell(cells: Sequence[str], idx: int | None) -> str:
    return cells[idx] if idx is not None and idx < len(cells) else ""


def parse(table: Table, ctx: Context, defaults: Defaults, *, progress: bool = False,
          sink: Staging | None = None) -> Parsed:
    """Classify every record under the header of ``table`` (with a progress bar on stderr if asked).

    With ``sink`` (the writer's staging area) candidates and rejections stay in the warehouse for it to settle;
    without, they are judged in a scratch database and returned in ``Parsed``.
    """
    rows = table.iter_rows()
    head = list(itertools.islice(rows, HEADER_SEARCH_ROWS))
    header = _header(table, ctx, defaults, head)
    staging = sink or Staging.scratch()
    steps = tqdm(total=_STEPS, desc=table.path.name, unit="step", disable=not progress, leave=False)
    try:
        body = staging.body(NOTE_PREFIXES)
        _load(body, table, header.row, head[header.index + 1:], rows, progress)
        steps.update()
        parsed = _judge(body, header, ctx, defaults, steps)
        if sink is None:
            parsed.candidates, parsed.rejections = _collect(staging, body)
        return parsed
    finally:
        steps.close()
        if sink is None:
            staging.close()


def _load(body: Body, table: Table, header: Row, after: Sequence[Row], rest: Iterator[Row], progress: bool) -> None:
    """Stage the rows under the header: DuckDB reads a plain CSV's lines itself, other files come in batches."""
    if table.lines is not None and (count := body.read_lines(table.lines, header.number)) is not None:
        _close(rest)
        table.lines.check_rows(count)
        return
    if table.batches is not None and header.number == 1:  # Parquet: its column names are the header
        _close(rest)
        for batch in tqdm(table.batches(), desc=table.path.name, unit="batch", disable=not progress, leave=False):
            body.append(batch)
        return
    stream: Iterable[Row] = tqdm(itertools.chain(after, rest), desc=table.path.name, unit="row",
                                 disable=not progress, leave=False)
    iterator = iter(stream)
    while batch := list(itertools.islice(iterator, BATCH_ROWS)):
        body.append(rows_table(batch))


def _close(rows: Iterator[Row]) -> None:
    """Let go of a reader whose rows are read another way (the file it holds open)."""
    close = getattr(rows, "close", None)
    if close is not None:
        close()


def _judge(body: Body, header: _Header, ctx: Context, defaults: Defaults, steps: tqdm) -> Parsed:
    region_col = header.roles["region"]
    texts = body.texts(region_col)
    like_header = [t for t, _ in texts if header_key(t) in header.region_keys]
    repeated = [n for n, cells in body.rows_with(region_col, like_header) if header.repeated_by(cells)]
    if repeated:
        body.mark_repeated(repeated)
        texts = body.texts(region_col)
    # names are resolved in the order rows hold them (fuzzy suggestions are bounded per ingest); a long row the
    # reader found a problem in is rejected before its region is read, a wide one is not
    if header.layout == "long":
        texts = sorted(((t, first) for t, first in texts if first is not None), key=lambda pair: pair[1])
    regions = {t: ctx.regions.resolve(t, national_totals=header.national).code for t, _ in texts}
    indicators = {}
    if "indicator" in header.roles:
        indicators = {t: ind.indicator_id if (ind := ctx.find_indicator(t)) else None
                      for t, first in body.texts(header.roles["indicator"]) if first is not None}
    steps.update()
    kinds = {i.indicator_id: i.value_kind for i in ctx.indicators.values()}
    outcome = body.classify(Spec(
        layout=header.layout, header=header.row.cells, roles=header.roles, years=header.years,
        indicator_id=header.indicator_id, source_id=defaults.source_id, status=defaults.status,
        scale=header.scale, value_kinds=kinds, sources=ctx.source_ids, statuses=STATUSES,
        illustrative=ctx.illustrative_sources, max_raw=MAX_RAW_CHARS,
    ), regions, indicators)
    steps.update()
    body.word((issue, reason(issue, regions=ctx.regions, national=header.national, value_kinds=kinds,
                             scale=header.scale)) for issue in body.issues())
    steps.update()
    listed, count = body.warnings(MAX_LISTED_WARNINGS)
    body.stage()
    steps.update()
    return Parsed(layout=header.layout, indicator_id=header.indicator_id, read=outcome.read,
                  rejected=outcome.rejected, skipped=outcome.skipped,
                  warnings=[as_of_warning(*w) for w in listed], warning_count=count)


def _collect(staging: Staging, body: Body) -> tuple[list[Candidate], list[Rejection]]:
    body.fill_raw()
    candidates = [Candidate(*r) for r in staging.candidate_rows()]
    rejections = [Rejection(*r) for r in staging.rejection_rows()]
    body.drop()
    return candidates, rejections
