"""Progress towards a quantified target, classified the way Eurostat's SDG monitoring does.

The ratio of the observed growth rate since the baseline to the rate required to reach the target by the
target year decides the status: ≥ 95 % on track, 60–95 % moderate progress, 0–60 % insufficient progress,
below 0 moving away; a met target is achieved. Growth is compound (CAGR) when baseline, latest value and
target are all positive; otherwise (signed changes, counts starting at zero) it is linear per year.
"""

from __future__ import annotations

import datetime as dt
import math
import operator
from dataclasses import dataclass
from enum import StrEnum

import pandas as pd

ON_TRACK, MODERATE = 0.95, 0.60
COMPARE = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}


class Status(StrEnum):
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    MODERATE = "moderate"
    INSUFFICIENT = "insufficient"
    MOVING_AWAY = "moving_away"
    NO_DATA = "no_data"
    NO_REAL_DATA = "no_real_data"  # only generated (illustrative) values match: never a verdict
    NOT_MEASURED = "not_measured"  # no observation counts what the target counts


@dataclass(frozen=True)
class Point:
    when: float  # fractional year: 2020-12-31 → 2021.0, so a year-end figure sits at the end of its year
    value: float


@dataclass(frozen=True)
class Progress:
    status: Status
    ratio: float | None  # observed ÷ required rate; None when achieved or undecidable
    baseline: Point | None
    latest: Point | None
    method: str  # "cagr", "linear" or "" when not computed


def fractional_year(year: int, as_of: dt.date | None) -> float:
    """Place a figure in time: year-end (no as_of) is the end of its year; as_of dates fall inside it."""
    if as_of is None or pd.isna(as_of):
        return year + 1.0
    start = dt.date(as_of.year, 1, 1)
    days = (dt.date(as_of.year + 1, 1, 1) - start).days
    return as_of.year + ((as_of - start).days + 1) / days


def _rate(a: Point, b: Point, compound: bool) -> float:
    span = b.when - a.when
    if compound:
        return (b.value / a.value) ** (1 / span) - 1
    return (b.value - a.value) / span


def classify(points: list[Point], *, comparator: str, target: float, target_year: int,
             baseline: Point | None = None) -> Progress:
    """Classify progress of ``points`` (ordered in time, already cut at the target year) towards a target.

    ``baseline`` defaults to the first point; pass the plan's base-year value when the plan states one.
    """
    if not points:
        return Progress(Status.NO_DATA, None, baseline, None, "")
    latest = points[-1]
    base = baseline or points[0]
    if COMPARE[comparator](latest.value, target):
        return Progress(Status.ACHIEVED, None, base, latest, "")
    deadline = float(target_year + 1)
    if latest.when <= base.when or deadline <= base.when:
        return Progress(Status.NO_DATA, None, base, latest, "")
    compound = base.value > 0 and latest.value > 0 and target > 0
    required = _rate(base, Point(deadline, target), compound)
    if required == 0:
        return Progress(Status.NO_DATA, None, base, latest, "")
    ratio = _rate(base, latest, compound) / required
    if math.isnan(ratio):
        return Progress(Status.NO_DATA, None, base, latest, "")
    if ratio >= ON_TRACK:
        status = Status.ON_TRACK
    elif ratio >= MODERATE:
        status = Status.MODERATE
    elif ratio >= 0:
        status = Status.INSUFFICIENT
    else:
        status = Status.MOVING_AWAY
    return Progress(status, ratio, base, latest, "cagr" if compound else "linear")
