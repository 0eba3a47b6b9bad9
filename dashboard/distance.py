"""Distance to target: how many years ahead of or behind its required path a region is, the year its own pace
reaches the target, and its status under two methods side by side (Eurostat's CAGR ratio, SDSN's linear trend).

Which observations count is decided exactly as for every other status (``dashboard.verdicts``): real figures
(reported or estimated) of the target's measure, within one statistical scope, the baseline picked as there.
Generated (illustrative) values never produce a distance: a region that has only those is "no real data".

Notation: B the baseline, L the latest real figure, T the target value, all at fractional years (``progress.
fractional_year``: a year-end figure of 2020 sits at 2021.0, March 2025 at 2025.25); D = target year + 1, the end
of the target year. Growth is compound when B, L and T are all positive, else linear — as ``progress.classify``.

Required path (``progress.py``, drawn on the trends page): P(t) = B·(T/B)^((t − t_B)/(D − t_B)) when compound,
P(t) = B + (T − B)·(t − t_B)/(D − t_B) when linear.

(a) Years ahead (+) or behind (−): the horizontal distance between L's date and the date t* at which the
    required path passes L's value, t* − t_L, with
        compound  t* = t_B + (D − t_B)·ln(L/B)/ln(T/B)
        linear    t* = t_B + (D − t_B)·(L − B)/(T − B).
    Above the path, the path reaches today's value only later: ahead. Undefined with a single figure, and when
    the baseline already meets the target (no path leads towards it).

(b) Year reached at the current pace: the series' own growth between baseline and latest, extended from L:
        compound  g = (L/B)^(1/(t_L − t_B)) − 1 (the CAGR),  t_T = t_L + ln(T/L)/ln(1 + g)
        linear    s = (L − B)/(t_L − t_B),                    t_T = t_L + (T − L)/s
    reported as the calendar year containing t_T. "never" when the pace is zero or points away from the target,
    "achieved" when L already meets it.

(c) Status, two methods:
    Eurostat (``progress.classify``): ratio of the observed to the required growth rate since the baseline,
        compound where possible; ≥ 0.95 on track, ≥ 0.60 moderate, ≥ 0 insufficient, < 0 moving away, as in
        Eurostat's SDG monitoring of the EU for indicators with quantified targets.
    SDSN (Sustainable Development Solutions Network, SDG Trend Dashboards): J. D. Sachs, G. Lafortune, G. Fuller
        et al., Sustainable Development Report (annual), "Methods summary" (dashboards.sdgindex.org/chapters/
        methodology), built on G. Lafortune et al., "SDG Index and Dashboards — Detailed Methodological paper"
        (SDSN/Bertelsmann Stiftung, 2018), §1.5.3 "The SDG Trend Dashboard"; both approaches are compared in
        G. Lafortune et al., "How Is Progress towards the Sustainable Development Goals Measured? Comparing Four
        Approaches for the EU", Sustainability 12(18), 7675 (2020). The trend is linear — the average annual change
        over the recent period — and is compared with the linear annual change needed to reach the goal in time:
            trend = (L − B)/(t_L − t_B),  required = (T − B)/(D − t_B),  r = trend/required
        on track when r ≥ 1 (the trend is at least the required pace); moderately improving when r ≥ 0.5 (above
        half the required pace); stagnating when r ≥ 0 (stagnant, or below half the required pace); decreasing
        when r < 0 (the score falls: the figure moves away from the target). Using the ratio makes "≥ required"
        hold for targets that must fall as well, and it is unchanged by the SDR's rescaling of raw values to
        0–100 scores (an affine map), so it applies to the raw figures as they stand. Here, as in the Eurostat
        column, the period runs from the plan's baseline (not 2015) to the target year (not 2030). The SDR's
        thresholds read "above 50 %" and "below 50 %"; exactly half is read as moderately improving. A met target
        is "achieved" under both (the SDR's "maintaining SDG achievement"). The stored copy of the methods page
        consulted when this was written breaks off before the trend thresholds: check them against the current
        edition's methods summary.
    The two disagree where the bands differ (95 % vs 100 %, 60 % vs 50 %) and where compound and linear rates
    part: a series growing by steady absolute steps towards a compound target, for instance.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

import pandas as pd

from dashboard.figures.numbers import precision_of
from dashboard.figures.trend import when_label
from dashboard.i18n import display_unit
from dashboard.progress import COMPARE, Point, Progress, Status
from dashboard.verdicts import assess
from dashboard.views import JUDGED, point_year, region_labels, target_text
from pipelines.catalogue import NATIONAL, REAL_STATUSES
from pipelines.warehouse import Warehouse

OWN = "own"  # the ``target=`` value for "each region against its own target"
SDSN_ON_TRACK, SDSN_MODERATE = 1.0, 0.5


class Sdsn(StrEnum):
    ON_TRACK = "on_track"
    MODERATELY_IMPROVING = "moderately_improving"
    STAGNATING = "stagnating"
    DECREASING = "decreasing"


# the bands of the two methods, best first: a region whose two statuses fall in different bands "differs"
EUROSTAT_BAND = {Status.ON_TRACK: 0, Status.MODERATE: 1, Status.INSUFFICIENT: 2, Status.MOVING_AWAY: 3}
SDSN_BAND = {Sdsn.ON_TRACK: 0, Sdsn.MODERATELY_IMPROVING: 1, Sdsn.STAGNATING: 2, Sdsn.DECREASING: 3}
SDSN_AS_EUROSTAT = {sdsn: next(e for e, b in EUROSTAT_BAND.items() if b == band) for sdsn, band in SDSN_BAND.items()}


@dataclass(frozen=True)
class Reach:
    kind: str  # "year", "achieved", "never" (zero pace, or away from the target) or "unknown" (no pace)
    year: int | None = None


@dataclass(frozen=True)
class Distance:
    eurostat: Status
    sdsn: str  # an Sdsn value; where no trend is judged, the Eurostat status (achieved, no data, …)
    years_ahead: float | None
    reach: Reach
    compound: bool
    eurostat_ratio: float | None
    sdsn_ratio: float | None

    @property
    def differs(self) -> bool:
        return (self.eurostat in EUROSTAT_BAND and self.sdsn in SDSN_BAND
                and EUROSTAT_BAND[self.eurostat] != SDSN_BAND[Sdsn(self.sdsn)])


def path_time(base: Point, goal: Point, value: float, *, compound: bool) -> float | None:
    """When the required path from ``base`` to ``goal`` passes ``value`` (extended beyond both ends)."""
    if goal.value == base.value:
        return None
    if compound:
        share = math.log(value / base.value) / math.log(goal.value / base.value)
    else:
        share = (value - base.value) / (goal.value - base.value)
    return base.when + share * (goal.when - base.when)


def years_ahead(base: Point, latest: Point, goal: Point, *, compound: bool) -> float | None:
    """(a): positive when the latest figure is ahead of the required path, negative when behind."""
    if latest.when <= base.when:
        return None
    passes = path_time(base, goal, latest.value, compound=compound)
    return None if passes is None else passes - latest.when


def year_reached(base: Point, latest: Point, *, target: float, met: bool, compound: bool) -> Reach:
    """(b): the calendar year the series' own pace (CAGR, else linear slope) from ``base`` to ``latest`` reaches
    ``target``."""
    if met:
        return Reach("achieved")
    span = latest.when - base.when
    if span <= 0:
        return Reach("unknown")
    if compound:
        pace, gap = math.log(latest.value / base.value) / span, math.log(target / latest.value)
    else:
        pace, gap = (latest.value - base.value) / span, target - latest.value
    if gap == 0:
        return Reach("year", point_year(latest))
    if pace == 0 or (pace > 0) != (gap > 0):
        return Reach("never")
    when = round(latest.when + gap / pace, 9)  # 2026.0 is the end of 2025, not a moment of 2026
    return Reach("year", math.ceil(when) - 1)


def sdsn_status(base: Point, latest: Point, *, target: float, deadline: float) -> tuple[Sdsn | None, float | None]:
    """(c), SDSN: the linear trend since the baseline against the linear pace the target needs."""
    span, horizon = latest.when - base.when, deadline - base.when
    if span <= 0 or horizon <= 0 or target == base.value:
        return None, None
    ratio = ((latest.value - base.value) / span) / ((target - base.value) / horizon)
    if ratio >= SDSN_ON_TRACK:
        return Sdsn.ON_TRACK, ratio
    if ratio >= SDSN_MODERATE:
        return Sdsn.MODERATELY_IMPROVING, ratio
    return (Sdsn.STAGNATING if ratio >= 0 else Sdsn.DECREASING), ratio


def measure(progress: Progress, *, comparator: str, target: float, target_year: int) -> Distance:
    """Everything this module computes for one verdict's progress against one target."""
    status, base, latest = progress.status, progress.baseline, progress.latest
    if status not in (*JUDGED, Status.ACHIEVED) or base is None or latest is None:
        return Distance(status, str(status), None, Reach("unknown"), False, None, None)
    compound = base.value > 0 and latest.value > 0 and target > 0
    goal = Point(target_year + 1.0, target)
    towards = not COMPARE[comparator](base.value, target)  # a met baseline has no path towards the target
    ahead = years_ahead(base, latest, goal, compound=compound) if towards else None
    met = status == Status.ACHIEVED
    reach = year_reached(base, latest, target=target, met=met, compound=compound)
    sdsn, sdsn_ratio = (None, None) if met else sdsn_status(base, latest, target=target, deadline=goal.when)
    return Distance(status, str(sdsn or status), ahead, reach, compound, progress.ratio, sdsn_ratio)


# -- one row per region ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TargetChoice:
    """What ``target=`` resolved to: a national target (benchmark for provinces on rates) or ``OWN``."""

    key: str  # the national target's plan_id, or OWN
    national: pd.Series | None  # the national target row, None under OWN
    reference_year: int | None  # the newest real figure's year: which of several targets is "next due"


def targeted_indicators(wh: Warehouse) -> pd.DataFrame:
    """Indicators that some plan sets a target for, in id order."""
    indicators = wh.indicators()
    return indicators[indicators["indicator_id"].isin(set(wh.targets()["indicator_id"]))].reset_index(drop=True)


def _due(targets: pd.DataFrame, year: int | None) -> pd.Series | None:
    """The first target due in or after ``year`` (the newest real figure's), else the last one."""
    if targets.empty:
        return None
    ordered = targets.sort_values(["target_year", "plan_id"])
    upcoming = ordered[ordered["target_year"] >= year] if year is not None else ordered.iloc[0:0]
    return upcoming.iloc[0] if not upcoming.empty else ordered.iloc[-1]


def _reference_year(observations: pd.DataFrame) -> int | None:
    real = observations[observations["status"].isin(REAL_STATUSES)]
    return int(real["year"].max()) if not real.empty else None


def choose_target(wh: Warehouse, indicator_id: str, target: str | None) -> TargetChoice:
    """``target`` as asked (a national target's plan_id, or ``OWN``), else the national target next due after
    the newest real figure of the indicator, else ``OWN`` when the nation has none."""
    targets = wh.targets()
    national = targets[(targets["indicator_id"] == indicator_id) & (targets["region_code"] == NATIONAL)]
    year = _reference_year(wh.measure_observations_by_region(indicator_id))
    if target == OWN or national.empty:
        return TargetChoice(OWN, None, year)
    asked = national[national["plan_id"] == target]
    row = asked.iloc[0] if not asked.empty else _due(national, year)
    return TargetChoice(str(row["plan_id"]), row, year)


def _benchmark(national: pd.Series, region_code: str) -> pd.Series:
    """The national target held against a province: the plan's stated baseline is the nation's, not theirs."""
    row = national.copy()
    row["region_code"] = region_code
    row["baseline_year"], row["baseline_value"] = None, float("nan")
    return row


def _row(target: pd.Series, observations: pd.DataFrame, published: pd.DataFrame, indicator: pd.Series) -> dict:
    scope = target["measure_scope"] if isinstance(target["measure_scope"], str) else None
    anywhere = not observations.empty or not (published if scope is None else
                                              published[published["scope"] == scope]).empty
    verdict = assess(target, observations, measured_anywhere=anywhere)
    d = measure(verdict.progress, comparator=target["comparator"], target=float(target["value"]),
                target_year=int(target["target_year"]))
    latest = verdict.series.iloc[-1] if not verdict.series.empty else None
    base = verdict.progress.baseline
    return {
        "plan_id": target["plan_id"], "target_year": int(target["target_year"]),
        "comparator": target["comparator"], "target_value": float(target["value"]),
        "target_text": target_text(target["comparator"], float(target["value"]), display_unit(indicator),
                                   int(target["target_year"]), precision_of(indicator)),
        "target_source": target["source_title"],
        "eurostat": str(d.eurostat), "sdsn": d.sdsn, "differs": d.differs,
        "years_ahead": d.years_ahead, "reached": d.reach.kind, "reached_year": d.reach.year,
        "method": ("cagr" if d.compound else "linear") if d.eurostat in (*JUDGED, Status.ACHIEVED) else "",
        "eurostat_ratio": d.eurostat_ratio, "sdsn_ratio": d.sdsn_ratio,
        "baseline_value": None if base is None else base.value,
        "baseline_year": None if base is None else point_year(base),
        "latest_value": None if latest is None else float(latest["value"]),
        "latest_year": None if latest is None else int(latest["year"]),
        "latest_as_of": None if latest is None else latest["as_of"],
        "latest_when": None if latest is None else when_label(latest["year"], latest["as_of"]),
        "latest_source": None if latest is None else latest["source_title"],
        "scope": verdict.scope,
        "real": bool(observations["status"].isin(REAL_STATUSES).any()),
    }


COLUMNS = ("region_code", "level", "label", "national", "benchmark", "plan_id", "target_year", "comparator",
           "target_value", "target_text", "target_source", "eurostat", "sdsn", "differs", "years_ahead",
           "reached", "reached_year", "method", "eurostat_ratio", "sdsn_ratio", "baseline_value", "baseline_year",
           "latest_value", "latest_year", "latest_as_of", "latest_when", "latest_source", "scope", "real")


def distance_frame(wh: Warehouse, indicator: str, target: str | None = None) -> pd.DataFrame:
    """One row per region judged on ``target`` (see ``choose_target``): the nation and, for a national target of
    a rate (``value_kind`` share, as ``views.national_target`` decides), every province held against it as a
    benchmark; under ``OWN`` each region with targets of its own, against the one next due. Sorted most ahead
    first, then the regions without one (those with real figures first). Columns: ``COLUMNS``; ``label`` is in
    the visitor's language."""
    ind = wh.indicators().set_index("indicator_id", drop=False).loc[indicator]
    choice = choose_target(wh, indicator, target)
    targets = wh.targets()
    targets = targets[targets["indicator_id"] == indicator]
    regions = wh.regions().set_index("region_code", drop=False)
    if choice.national is not None:
        codes = [NATIONAL] + ([c for c in regions.index if c != NATIONAL] if ind["value_kind"] == "share" else [])
        chosen = {c: choice.national if c == NATIONAL else _benchmark(choice.national, c) for c in codes}
    else:
        chosen = {c: _due(g, choice.reference_year) for c, g in targets.groupby("region_code")}
    cache: dict[tuple[str, str], pd.DataFrame] = {}
    rows = []
    for code, t in sorted(chosen.items(), key=lambda kv: (kv[0] != NATIONAL, kv[0])):
        measure_key = (t["measure_indicator_id"], t["measure_breakdown"])
        if measure_key not in cache:
            cache[measure_key] = wh.measure_observations_by_region(*measure_key)
        published = cache[measure_key]
        observations = published[published["region_code"] == code].drop(columns="region_code").reset_index(drop=True)
        rows.append({"region_code": code, "national": code == NATIONAL,
                     "benchmark": code != NATIONAL and choice.national is not None,
                     **_row(t, observations, published, ind)})
    frame = pd.DataFrame(rows, columns=[c for c in COLUMNS if c not in ("level", "label")])
    frame = frame.join(regions[["level", "short_zh", "name_en"]], on="region_code")
    frame["label"] = region_labels(frame)
    frame = frame.assign(_drawn=frame["years_ahead"].notna()).sort_values(
        ["_drawn", "years_ahead", "national", "real"], ascending=False, kind="stable")
    return frame.loc[:, list(COLUMNS)].reset_index(drop=True).astype({"reached_year": "Int64", "latest_year": "Int64",
                                                                      "baseline_year": "Int64"})


def counts(frame: pd.DataFrame) -> Mapping[str, int]:
    """What the page says about a frame: regions drawn, without real data (only generated values, or nothing),
    with too few real figures of one scope, not measured, and where the two methods disagree."""
    status = frame["eurostat"]
    no_data = status == Status.NO_DATA
    return {"total": len(frame), "drawn": int(frame["years_ahead"].notna().sum()),
            "no_real": int(((status == Status.NO_REAL_DATA) | (no_data & ~frame["real"])).sum()),
            "few": int((no_data & frame["real"]).sum()), "not_measured": int((status == Status.NOT_MEASURED).sum()),
            "differs": int(frame["differs"].sum())}
