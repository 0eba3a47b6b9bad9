"""The catalogue of what is measured, read from ``config/*.yaml`` and checked before anything is loaded."""

from __future__ import annotations

import re
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from pipelines.errors import ConfigError

CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"
NATIONAL = "100000"

VALUE_KINDS = ("share", "count", "persons", "change", "index")
SOURCE_KINDS = (
    "policy_document", "official_statement", "official_statistic", "research_article", "illustrative", "user_file",
)
COMPARATORS = (">", ">=", "<", "<=")
STATUSES = ("reported", "estimated", "illustrative", "projected")
REAL_STATUSES = ("reported", "estimated")  # what a verdict may rest on: published, or arithmetic on published
MEASURE_KINDS = ("level", "stock", "cumulative")


@dataclass(frozen=True)
class Source:
    source_id: str
    title: str
    kind: str
    publisher: str | None = None
    published: str | None = None
    locator: str | None = None
    url: str | None = None
    document: str | None = None
    sha256: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Region:
    region_code: str
    level: str
    name_zh: str
    short_zh: str
    name_en: str
    pinyin: str
    macro_region: str | None = None
    cluster: str | None = None
    aliases: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Indicator:
    indicator_id: str
    name_zh: str
    name_en: str
    unit: str
    value_kind: str
    direction: str
    aggregation: str
    accumulation: str
    definition: str
    source_ids: list[str]
    scope: str | None = None
    unit_zh: str | None = None  # the word a count or head-count is read with: 6,000 家 / 6,000 providers
    unit_en: str | None = None
    precision: int = 1  # decimals every view shows a value with: 52.1 %, 421 factories


@dataclass(frozen=True)
class Plan:
    plan_id: str
    name_zh: str
    name_en: str
    start_year: int
    end_year: int
    source_id: str


@dataclass(frozen=True)
class Target:
    """A plan's quantified goal and what measures it.

    The ``measure_*`` fields say which observations count exactly what the target counts: an indicator and
    breakdown, read as a ``level`` (a rate at a time), a ``stock`` (a count standing at a time) or a
    ``cumulative`` sum of per-batch flows since ``measure_since``; ``measure_scope``, when set, admits only
    observations of that statistical population. Nothing matching means the target is not measured, and
    ``unmeasured_en``/``unmeasured_zh`` say why.
    """

    indicator_id: str
    region_code: str
    plan_id: str
    target_year: int
    comparator: str
    value: float
    source_id: str
    measure_kind: str
    baseline_year: int | None = None
    baseline_value: float | None = None
    note: str | None = None
    measure_indicator_id: str | None = None
    measure_breakdown: str = ""
    measure_since: int | None = None
    measure_scope: str | None = None
    scope: str | None = None
    unmeasured_en: str | None = None
    unmeasured_zh: str | None = None

    def __post_init__(self) -> None:
        if self.measure_indicator_id is None:  # frozen: the default is filled in once, here
            object.__setattr__(self, "measure_indicator_id", self.indicator_id)
        if self.measure_breakdown is None:
            object.__setattr__(self, "measure_breakdown", "")


@dataclass(frozen=True)
class Catalogue:
    sources: list[Source]
    regions: list[Region]
    indicators: list[Indicator]
    plans: list[Plan]
    targets: list[Target]

    def indicator(self, indicator_id: str) -> Indicator | None:
        return next((i for i in self.indicators if i.indicator_id == indicator_id), None)


_CHOICES: dict[str, tuple[str, ...]] = {
    "kind": SOURCE_KINDS,
    "value_kind": VALUE_KINDS,
    "direction": ("higher", "lower"),
    "aggregation": ("sum", "none"),
    "accumulation": ("level", "flow"),
    "comparator": COMPARATORS,
    "measure_kind": MEASURE_KINDS,
    "level": ("national", "province"),
    "macro_region": ("east", "central", "west", "northeast"),
}


def _records(path: Path, cls: type) -> list[Any]:
    """Turn a YAML list into dataclass records, naming file, entry and field on any mismatch."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read YAML ({exc})") from exc
    if not isinstance(raw, list):
        raise ConfigError(f"{path}: expected a list of entries at the top level")
    known = {f.name: f for f in fields(cls)}
    required = [f.name for f in fields(cls) if f.default is MISSING and f.default_factory is MISSING]
    out = []
    for n, entry in enumerate(raw, start=1):
        where = f"{path}: entry {n}"
        if not isinstance(entry, dict):
            raise ConfigError(f"{where}: expected a mapping, got {type(entry).__name__}")
        extra = sorted(set(entry) - set(known))
        if extra:
            raise ConfigError(f"{where}: unknown field(s) {extra}; expected some of {sorted(known)}")
        missing = [name for name in required if entry.get(name) in (None, "")]
        if missing:
            raise ConfigError(f"{where}: missing required field(s) {missing}")
        for name, choices in _CHOICES.items():
            if name in known and entry.get(name) is not None and entry[name] not in choices:
                raise ConfigError(f"{where}: {name}={entry[name]!r}; expected one of {list(choices)}")
        out.append(cls(**entry))
    return out



def _check_references(cat: Catalogue) -> None:
    source_ids = {s.source_id for s in cat.sources}
    for kind, ids in (
        ("source_id", [s.source_id for s in cat.sources]),
        ("region_code", [r.region_code for r in cat.regions]),
        ("indicator_id", [i.indicator_id for i in cat.indicators]),
        ("plan_id", [p.plan_id for p in cat.plans]),
    ):
        dupes = sorted({x for x in ids if ids.count(x) > 1})
        if dupes:
            raise ConfigError(f"config: duplicate {kind} {dupes}")
    for r in cat.regions:
        if not re.fullmatch(r"\d{6}", str(r.region_code)):
            raise ConfigError(f"config/regions.yaml: region_code {r.region_code!r} is not six digits")
    region_codes = {r.region_code for r in cat.regions}
    indicator_ids = {i.indicator_id for i in cat.indicators}
    plan_ids = {p.plan_id for p in cat.plans}
    for i in cat.indicators:
        for sid in i.source_ids:
            if sid not in source_ids:
                raise ConfigError(f"config/indicators.yaml: {i.indicator_id} cites unknown source_id {sid!r}")
    for p in cat.plans:
        if p.source_id not in source_ids:
            raise ConfigError(f"config/plans.yaml: {p.plan_id} cites unknown source_id {p.source_id!r}")
    for t in cat.targets:
        where = f"config/targets.yaml: target {t.indicator_id}/{t.region_code}/{t.target_year}"
        for value, known, what in (
            (t.indicator_id, indicator_ids, "indicator_id"),
            (t.region_code, region_codes, "region_code"),
            (t.plan_id, plan_ids, "plan_id"),
            (t.source_id, source_ids, "source_id"),
        ):
            if value not in known:
                raise ConfigError(f"{where}: unknown {what} {value!r}")
        _check_measure(t, cat, where)


def _check_measure(t: Target, cat: Catalogue, where: str) -> None:
    """A measure must be readable the way it says: flows summed, levels and stocks read as they stand."""
    measured = cat.indicator(str(t.measure_indicator_id))
    if measured is None:
        raise ConfigError(f"{where}: unknown measure_indicator_id {t.measure_indicator_id!r}")
    cumulative = t.measure_kind == "cumulative"
    if cumulative != (measured.accumulation == "flow"):
        raise ConfigError(f"{where}: measure_kind {t.measure_kind!r} does not fit {measured.indicator_id}, "
                          f"whose accumulation is {measured.accumulation!r}; expected "
                          f"{'cumulative' if measured.accumulation == 'flow' else 'level or stock'}")
    if cumulative != (t.measure_since is not None):
        raise ConfigError(f"{where}: measure_since is required with measure_kind 'cumulative' and only then")
    if (t.unmeasured_en is None) != (t.unmeasured_zh is None):
        raise ConfigError(f"{where}: give unmeasured_en and unmeasured_zh together, or neither")


def load_catalogue(config_dir: Path = CONFIG_DIR) -> Catalogue:
    """Read and cross-check the four catalogue files; raises ConfigError naming the offending entry."""
    cat = Catalogue(
        sources=_records(config_dir / "sources.yaml", Source),
        regions=_records(config_dir / "regions.yaml", Region),
        indicators=_records(config_dir / "indicators.yaml", Indicator),
        plans=_records(config_dir / "plans.yaml", Plan),
        targets=_records(config_dir / "targets.yaml", Target),
    )
    _check_references(cat)
    return cat
