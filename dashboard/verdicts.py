"""Whether a target can be judged, and on which observations: the rules behind every status the dashboard shows.

A status is a conclusion, so it rests only on real observations (``reported`` or ``estimated``) of exactly
what the target counts — the target's measure (indicator, breakdown, kind, and a population where the target
names a narrower one). Nothing matching at all is "not measured"; only generated (illustrative) rows matching
is "no real data". A rate whose releases changed their statistical population (scope) is judged within one
scope: the latest figure's scope if two or more figures share it, else the scope with the most recent pair.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboard.progress import COMPARE, Point, Progress, Status, classify, fractional_year
from pipelines.catalogue import REAL_STATUSES

UNSTATED_SCOPE = ""  # observations that name no scope form a scope of their own


@dataclass(frozen=True)
class Verdict:
    """A target's status, the observations it was computed from and, when it could not be, why."""

    progress: Progress
    series: pd.DataFrame  # the points judged (cumulative totals for cumulative measures), oldest first
    scope: str | None  # the scope the status was computed within; None when not judged on one scope
    reason_en: str | None = None  # for not measured: the target's own explanation, when it gives one
    reason_zh: str | None = None
    mixed_scopes: bool = False  # too few values because the figures since the baseline differ in scope
    other_scopes: tuple[str, ...] = ()  # not measured: the populations the region's real figures do count

    @property
    def status(self) -> Status:
        return self.progress.status


def _verdict(status: Status, series: pd.DataFrame, **kw: Any) -> Verdict:
    return Verdict(Progress(status, None, None, None, ""), series, None, **kw)


def _points(series: pd.DataFrame) -> list[Point]:
    return [Point(fractional_year(int(r.year), r.as_of), float(r.value)) for r in series.itertuples()]


def _one_per_time(obs: pd.DataFrame) -> pd.DataFrame:
    """Several sources for one moment and scope: a reported figure beats a derived one, then the source id."""
    keyed = obs.assign(_when=[fractional_year(int(y), a) for y, a in zip(obs["year"], obs["as_of"], strict=True)],
                       _derived=obs["status"] != "reported")
    keyed = keyed.sort_values(["_when", "_derived", "source_id"], kind="stable")
    return keyed.drop_duplicates(["_when", "scope"]).drop(columns=["_when", "_derived"]).reset_index(drop=True)


def _baseline(series: pd.DataFrame, target: Mapping[str, Any]) -> Point | None:
    """The plan's stated baseline, else its base-year value (the year before it starts), else the first value
    at or after its start, all within the scope being judged."""
    if pd.notna(target["baseline_value"]):
        return Point(float(target["baseline_year"]) + 1, float(target["baseline_value"]))
    base_year = int(target["plan_start_year"]) - 1
    at_base = series[series["year"] == base_year]
    chosen = at_base if not at_base.empty else series[series["year"] >= base_year]
    return _points(chosen.head(1))[0] if not chosen.empty else None


def choose_scope(window: pd.DataFrame) -> str | None:
    """The scope a level is judged within: ``window`` holds the figures from the baseline on, one row per
    moment and scope, oldest first. None when no two of them share a scope (no trend can be computed)."""
    scopes = window["scope"]
    if scopes.empty:
        return None
    counts = scopes.value_counts()
    if counts[scopes.iloc[-1]] >= 2:
        return str(scopes.iloc[-1])
    paired = window[scopes.map(counts) >= 2]
    return str(paired["scope"].iloc[-1]) if not paired.empty else None


def _cumulative(real: pd.DataFrame, matching: pd.DataFrame, target: Mapping[str, Any]) -> Verdict:
    """Sum the batches since ``measure_since``; one generated batch in the span makes the total unknowable."""
    since, until = int(target["measure_since"]), int(target["target_year"])
    span = real[(real["year"] >= since) & (real["year"] <= until)]
    real_years = set(span["year"])
    generated = matching[(matching["year"] >= since) & (matching["year"] <= until)
                         & ~matching["status"].isin(REAL_STATUSES)]
    if not set(generated["year"]) <= real_years:
        return _verdict(Status.NO_REAL_DATA, span.iloc[0:0])
    batches = span.assign(_derived=span["status"] != "reported").sort_values(["year", "_derived", "source_id"])
    batches = batches.drop_duplicates("year", keep="first").drop(columns="_derived")
    batches["value"] = batches["value"].cumsum()
    batches = batches.reset_index(drop=True)
    progress = classify(_points(batches), comparator=target["comparator"], target=float(target["value"]),
                        target_year=until, baseline=Point(float(since), 0.0))
    return Verdict(progress, batches, None)


def _text(value: object) -> str | None:
    """A text field of a target row; missing ones arrive as None or NaN."""
    return value if isinstance(value, str) and value.strip() else None


def _unmatched(target: Mapping[str, Any], observations: pd.DataFrame, measured_anywhere: bool) -> Verdict:
    """Nothing in the region matches the measure: not measured when that is known (the target says why, the
    region publishes only other populations, or no region publishes the measure at all), else no data yet."""
    empty = observations.iloc[0:0]
    reason_en, reason_zh = _text(target.get("unmeasured_en")), _text(target.get("unmeasured_zh"))
    if reason_en or reason_zh:
        return _verdict(Status.NOT_MEASURED, empty, reason_en=reason_en, reason_zh=reason_zh)
    real = observations[observations["status"].isin(REAL_STATUSES)]
    if not observations.empty and real.empty:  # generated values only, whatever population they claim
        return _verdict(Status.NO_REAL_DATA, empty)
    if _text(target.get("measure_scope")) and not real.empty:
        others = tuple(sorted({s if isinstance(s, str) else UNSTATED_SCOPE for s in real["scope"]}))
        return _verdict(Status.NOT_MEASURED, empty, other_scopes=others)
    return _verdict(Status.NO_DATA if measured_anywhere else Status.NOT_MEASURED, empty)


def assess(target: Mapping[str, Any], observations: pd.DataFrame, *, measured_anywhere: bool = True) -> Verdict:
    """Judge ``target`` (a row of ``Warehouse.targets()``) on ``observations`` of its measure in its region
    (``Warehouse.measure_observations``: year, value, as_of, status, scope, source_id, source_title).

    ``measured_anywhere``: whether any region has observations of the measure; if none does, a target with
    nothing to go on is "not measured" rather than waiting for data.
    """
    matching = observations
    if _text(target.get("measure_scope")):
        matching = matching[matching["scope"] == target["measure_scope"]]
    matching = matching.assign(scope=matching["scope"].fillna(UNSTATED_SCOPE))
    if matching.empty:
        return _unmatched(target, observations, measured_anywhere)
    real = matching[matching["status"].isin(REAL_STATUSES)]
    if real.empty:
        return _verdict(Status.NO_REAL_DATA, real)
    if target["measure_kind"] == "cumulative":
        return _cumulative(real, matching, target)
    target_year = int(target["target_year"])
    series = _one_per_time(real[real["year"] <= target_year])
    if series.empty:
        return _verdict(Status.NO_DATA, series)
    latest = series.iloc[-1]
    comparator, value = target["comparator"], float(target["value"])
    met = COMPARE[comparator](float(latest["value"]), value)  # a met target needs no trend, just its figure
    scope = str(latest["scope"]) if met else choose_scope(_window(series, target))
    if scope is None:  # at most one figure per scope since the baseline: too few comparable values
        window = _window(series, target)
        return Verdict(Progress(Status.NO_DATA, None, None, None, ""), series.tail(1).reset_index(drop=True),
                       str(latest["scope"]), mixed_scopes=len(set(window["scope"])) > 1)
    within = series[series["scope"] == scope].reset_index(drop=True)
    progress = classify(_points(within), comparator=comparator, target=value, target_year=target_year,
                        baseline=_baseline(within, target))
    return Verdict(progress, within, scope)


def _window(series: pd.DataFrame, target: Mapping[str, Any]) -> pd.DataFrame:
    """The figures a trend can be computed from: those from the baseline's year on (all, if the plan states
    its own baseline, since that value stands in for the first point)."""
    if pd.notna(target["baseline_value"]):
        return series
    return series[series["year"] >= int(target["plan_start_year"]) - 1]
