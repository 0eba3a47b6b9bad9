"""What "a slice" of the observations is: the one definition the data page, the HTTP API and the CLI share.

A slice is indicators × regions × years × statuses. The three front ends accept the same parameters —
``indicator``, ``region``, ``from``, ``to``, ``status`` — each value comma-separated or repeated, and hand them
to :func:`parse_slice`, which returns a canonical :class:`Slice` (sorted, de-duplicated, groups expanded) or
raises :class:`SliceError` naming the parameter, the bad value and the valid choices. Canonical slices give one
file name, one API URL and one cache key per selection, whichever way it was spelled.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from pipelines.catalogue import STATUSES, Region
from pipelines.errors import PipelineError
from pipelines.normalise import CellError, RegionResolver, fold, parse_year, unknown_region_reason

if TYPE_CHECKING:
    from pipelines.warehouse import Warehouse

SLICE_PARAMS = ("indicator", "region", "from", "to", "status")
FORMATS = ("json", "parquet", "csv", "xlsx")
YEAR_RANGE = (1949, 2100)  # the warehouse's CHECK on observations.year

#: Region groups a ``region`` value may name; each expands to the provinces whose ``regions`` row carries it.
MACRO_REGIONS = {"east": "东部", "central": "中部", "west": "西部", "northeast": "东北"}
CLUSTERS = ("环渤海", "长三角", "珠三角", "中西部")

_MAX_TOKEN = 80  # longer values are never names; refusing them early keeps fuzzy matching cheap
_MAX_ECHO = 200
_MAX_LISTED = 3  # more indicators or regions than this are counted, not listed, in file names


class SliceError(PipelineError):
    """A slice parameter a user got wrong; the API turns it into a 400 body, the CLI into ``error: …``."""

    def __init__(self, param: str, value: object, choices: Sequence[str], message: str) -> None:
        super().__init__(f"{param}: {message}")
        self.param = param
        self.value = str(value)[:_MAX_ECHO]
        self.choices = list(choices)
        self.message = message

    def to_dict(self) -> dict[str, object]:
        return {"parameter": self.param, "value": self.value, "choices": self.choices, "message": self.message}


@dataclass(frozen=True)
class Slice:
    """Observations of these indicators and regions, in ``year_from``–``year_to``, with these statuses.

    An empty tuple or a None year means "no restriction". Construction sorts and de-duplicates, so equal
    selections compare, hash and describe equally.
    """

    indicators: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    statuses: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "indicators", tuple(sorted(set(self.indicators))))
        object.__setattr__(self, "regions", tuple(sorted(set(self.regions))))
        order = {s: n for n, s in enumerate(STATUSES)}
        statuses = sorted(set(self.statuses), key=lambda s: (order.get(s, len(order)), s))
        object.__setattr__(self, "statuses", () if set(statuses) == set(STATUSES) else tuple(statuses))

    def params(self) -> dict[str, str]:
        """The non-default parameters, comma-joined: the canonical spelling for URLs and provenance."""
        out = {"indicator": ",".join(self.indicators), "region": ",".join(self.regions),
               "from": "" if self.year_from is None else str(self.year_from),
               "to": "" if self.year_to is None else str(self.year_to), "status": ",".join(self.statuses)}
        return {k: v for k, v in out.items() if v}

    def to_query_string(self, fmt: str | None = None) -> str:
        """``indicator=a,b&region=…&from=…&to=…&status=…[&format=…]`` — commas left readable."""
        params = self.params() | ({"format": fmt} if fmt else {})
        return urlencode(params, safe=",")

    def describe(self) -> str:
        """A file-name stem such as ``imm_cnc_rate_320000-330000_2015-2024``: only ``[A-Za-z0-9_.-]``."""
        years = {
            (False, False): "all-years", (True, False): f"from-{self.year_from}", (False, True): f"to-{self.year_to}",
        }.get((self.year_from is not None, self.year_to is not None))
        if years is None:
            years = str(self.year_from) if self.year_from == self.year_to else f"{self.year_from}-{self.year_to}"
        parts = ["imm", _listing(self.indicators, "all-indicators", "indicators"),
                 _listing(self.regions, "all-regions", "regions"), years]
        if self.statuses:
            parts.append("-".join(self.statuses))
        return safe_filename("_".join(parts))

    def filename(self, fmt: str) -> str:
        return f"{self.describe()}.{safe_filename(fmt)}"


def _listing(items: tuple[str, ...], everything: str, noun: str) -> str:
    if not items:
        return everything
    return "-".join(items) if len(items) <= _MAX_LISTED else f"{len(items)}-{noun}"


def safe_filename(text: str, *, limit: int = 120) -> str:
    """Keep letters, digits, ``_.-``; everything else becomes ``-``. Never empty, never a dot file or a path."""
    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "-", text)[:limit].strip(".-")
    return cleaned or "imm"


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """What a slice may name, read from the warehouse being served (so API and data never disagree).

    ``groups`` maps each macro-region (``east`` …) and cluster (``长三角`` …) to its member provinces, from
    the ``macro_region`` and ``cluster`` columns of ``regions``.
    """

    indicator_ids: tuple[str, ...]
    regions: tuple[Region, ...]
    years: tuple[int, ...] = ()
    groups: Mapping[str, tuple[str, ...]] = field(init=False)
    resolver: RegionResolver = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "groups", _groups(self.regions))
        object.__setattr__(self, "resolver", RegionResolver(self.regions))

    @classmethod
    def from_warehouse(cls, wh: Warehouse) -> Vocabulary:
        regions = tuple(
            Region(r.region_code, r.level, r.name_zh, r.short_zh, r.name_en, r.pinyin,
                   macro_region=r.macro_region if isinstance(r.macro_region, str) else None,
                   cluster=r.cluster if isinstance(r.cluster, str) else None, aliases=[str(a) for a in r.aliases])
            for r in wh.regions().itertuples()
        )
        return cls(tuple(wh.indicators()["indicator_id"]), regions, tuple(wh.observation_years()))

    @property
    def region_codes(self) -> tuple[str, ...]:
        return tuple(r.region_code for r in self.regions)

    def region_token(self, text: str) -> str | None:
        """A group key (``east``, ``长三角``) or a six-digit code for any name the ingest accepts; else None."""
        folded = fold(text)
        key = folded.lower()
        for macro, zh in MACRO_REGIONS.items():
            if key in (macro, zh) and macro in self.groups:
                return macro
        if folded in self.groups:
            return folded
        return self.resolver.resolve(folded).code

    def expand(self, token: str) -> tuple[str, ...]:
        return self.groups.get(token, (token,))

    def region_choices(self) -> list[str]:
        return [*self.groups, *self.region_codes]


def _groups(regions: Iterable[Region]) -> dict[str, tuple[str, ...]]:
    regions = list(regions)
    groups = {m: tuple(r.region_code for r in regions if r.macro_region == m) for m in MACRO_REGIONS}
    groups |= {c: tuple(r.region_code for r in regions if r.cluster == c) for c in CLUSTERS}
    return {k: v for k, v in groups.items() if v}


_vocabularies: dict[tuple[Path, tuple[int, int]], Vocabulary] = {}


def vocabulary(wh: Warehouse) -> Vocabulary:
    """The warehouse's vocabulary, rebuilt only when a new warehouse file is published."""
    key = (wh.path, wh.version)
    found = _vocabularies.get(key)
    if found is None:
        found = Vocabulary.from_warehouse(wh)
        _vocabularies.clear()
        _vocabularies[key] = found
    return found


def split_values(value: str | Iterable[str] | None) -> list[str]:
    """``"a,b"``, ``["a", "b,c"]``, full-width commas or ``、`` → ``["a", "b", "c"]`` (blanks dropped)."""
    if value is None:
        return []
    items = [value] if isinstance(value, str) else list(value)
    return [p.strip() for item in items for p in re.split(r"[,、]", fold(item)) if p.strip()]


def check_params(params: Mapping[str, object], allowed: Iterable[str]) -> None:
    """Refuse parameters outside ``allowed``: a typo such as ``indicators=`` must not mean "everything"."""
    allowed = list(allowed)
    for name in params:
        if name not in allowed:
            near = difflib.get_close_matches(str(name), allowed, n=1)
            hint = f" — did you mean {near[0]!r}?" if near else ""
            raise SliceError(name, name, allowed, f"unknown parameter {str(name)[:_MAX_TOKEN]!r}{hint}")


def _indicators(tokens: list[str], vocab: Vocabulary) -> tuple[str, ...]:
    ids = [token.lower() for token in tokens]
    for token, lowered in zip(tokens, ids, strict=True):
        if lowered not in vocab.indicator_ids:
            near = difflib.get_close_matches(lowered, vocab.indicator_ids, n=3) if len(token) < _MAX_TOKEN else []
            hint = f" — did you mean {' / '.join(near)}?" if near else ""
            raise SliceError("indicator", token, vocab.indicator_ids, f"unknown indicator {token!r}{hint}")
    return tuple(ids)


def _regions(tokens: list[str], vocab: Vocabulary) -> tuple[str, ...]:
    codes: list[str] = []
    for token in tokens:
        canonical = vocab.region_token(token) if len(token) < _MAX_TOKEN else None
        if canonical is None:
            reason = (unknown_region_reason(token, vocab.resolver.resolve(token))
                      if len(token) < _MAX_TOKEN else "unknown region (value too long)")
            raise SliceError("region", token, vocab.region_choices(),
                             f"{reason}; give a code, a name, or a group ({', '.join(vocab.groups)})")
        codes.extend(vocab.expand(canonical))
    return tuple(codes)


def _year(param: str, values: list[str]) -> int | None:
    if not values:
        return None
    choices = [f"a year from {YEAR_RANGE[0]} to {YEAR_RANGE[1]}"]
    if len(values) > 1:
        raise SliceError(param, ",".join(values), choices, f"give one year, not {len(values)}")
    try:
        return parse_year(values[0][:_MAX_TOKEN])
    except CellError as exc:
        raise SliceError(param, values[0], choices, str(exc)) from None


def _statuses(tokens: list[str]) -> tuple[str, ...]:
    for token in tokens:
        if token.lower() not in STATUSES:
            raise SliceError("status", token, STATUSES, f"unknown status {token!r}")
    return tuple(t.lower() for t in tokens)


def parse_slice(params: Mapping[str, str | Sequence[str] | None], vocab: Vocabulary) -> Slice:
    """The slice ``params`` describe; parameters other than :data:`SLICE_PARAMS` are ignored here.

    Raises SliceError for an unknown indicator, region or status, a year that is not a year in 1949–2100,
    two years for one bound, or ``from`` after ``to``.
    """
    values = {name: split_values(params.get(name)) for name in SLICE_PARAMS}
    year_from, year_to = _year("from", values["from"]), _year("to", values["to"])
    if year_from is not None and year_to is not None and year_from > year_to:
        raise SliceError("to", year_to, [f"a year from {year_from} to {YEAR_RANGE[1]}"],
                         f"to={year_to} is before from={year_from}")
    return Slice(indicators=_indicators(values["indicator"], vocab), regions=_regions(values["region"], vocab),
                 year_from=year_from, year_to=year_to, statuses=_statuses(values["status"]))


def parse_format(value: str | Sequence[str] | None, *, default: str = "json") -> str:
    tokens = split_values(value)
    if not tokens:
        return default
    if len(tokens) > 1 or tokens[0].lower() not in FORMATS:
        raise SliceError("format", ",".join(tokens), FORMATS, f"unknown format {','.join(tokens)!r}")
    return tokens[0].lower()
