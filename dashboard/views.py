"""What each page shows, assembled from warehouse frames: board cards, map frames, trend frames.

Pure functions of the warehouse's answers (and so testable against a small real warehouse); pages only
lay them out. Nothing here builds figures or touches Dash.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from dashboard.deeplinks import group_label
from dashboard.figures.numbers import precision_of, value_text
from dashboard.figures.trend import TargetOverlay, when_label
from dashboard.groups import STATUS_WEIGHT, aggregate, method_of
from dashboard.i18n import current_lang, display_unit, name
from dashboard.progress import COMPARE, Point, Progress, Status, fractional_year
from dashboard.verdicts import Verdict, assess
from pipelines.catalogue import NATIONAL, REAL_STATUSES
from pipelines.warehouse import Warehouse

DEFAULT_INDICATOR = "cnc_rate"  # the headline indicator a page shows when its address names none
COMPARATOR_TEXT = {">": ">", ">=": "≥", "<": "<", "<=": "≤"}
JUDGED = (Status.ON_TRACK, Status.MODERATE, Status.INSUFFICIENT, Status.MOVING_AWAY)  # a trend was computed


def region_labels(df: pd.DataFrame) -> pd.Series:
    """Region names as charts label them, in the visitor's language (江苏 / Jiangsu)."""
    column = "short_zh" if current_lang() == "zh" else "name_en"
    return df[column].astype(str) if not df.empty else pd.Series([], dtype=str)


def pick_indicator(asked: str | None, available: list[str]) -> str | None:
    """The indicator a page shows: the one asked for if it has data, else the headline one, else any."""
    for candidate in (asked, DEFAULT_INDICATOR):
        if candidate in available:
            return candidate
    return available[0] if available else None




def latest_label(frame: pd.DataFrame) -> str | None:
    """The date of the newest figure in a chart's frame (year, as_of), in the visitor's language."""
    real = frame.dropna(subset=["value"]) if "value" in frame else frame
    if real.empty:
        return None
    when = [fractional_year(int(y), a) for y, a in zip(real["year"], real["as_of"], strict=True)]
    newest = real.iloc[max(range(len(when)), key=when.__getitem__)]
    return when_label(newest["year"], newest["as_of"])


def point_year(point: Point) -> int:
    """The calendar year a progress point belongs to (year-end 2020 sits at 2021.0)."""
    return math.ceil(point.when) - 1


def target_text(comparator: str, value: float, unit: str, year: int, precision: int) -> str:
    return f"{COMPARATOR_TEXT[comparator]} {value_text(value, unit, precision)} ({year})"



def cumulative(series: pd.DataFrame) -> pd.DataFrame:
    """Per-batch counts → running totals, the form count targets (305 projects, 421 factories) compare with.

    A total is only as real as its weakest batch: one generated batch makes every later total illustrative,
    one derived batch makes it estimated.
    """
    out = series.sort_values("year").copy()
    out["value"] = out["value"].cumsum()
    weakest = out["status"].map(STATUS_WEIGHT).cummax()
    out["status"] = weakest.map({w: s for s, w in STATUS_WEIGHT.items()})
    return out


@dataclass(frozen=True)
class Card:
    indicator_id: str
    name_zh: str
    name_en: str
    unit: str
    precision: int
    value_kind: str
    region_code: str
    region_name: str
    plan_id: str
    target: str
    target_value: float
    target_source: str
    target_scope: str | None  # the population the target counts, as the plan words it
    is_cumulative: bool
    latest_value: float | None  # of the judged series; None when nothing real was judged
    latest_when: str | None
    latest_source: str | None
    verdict: Verdict
    context: str | None  # for targets not judged: the nearest published figure, e.g. "6,000 (2021)"
    context_illustrative: bool

    @property
    def progress(self) -> Progress:
        return self.verdict.progress

    @property
    def illustrative(self) -> bool:
        return self.context_illustrative


def target_verdict(wh: Warehouse, target: pd.Series) -> Verdict:
    """A target judged on its measure's observations; the board and the trend overlays both come through
    here, so they can never disagree."""
    indicator, breakdown = target["measure_indicator_id"], target["measure_breakdown"]
    observations = wh.measure_observations(indicator, target["region_code"], breakdown)
    scope = target["measure_scope"] if isinstance(target["measure_scope"], str) else None
    anywhere = not observations.empty or wh.measure_is_published(indicator, breakdown, scope)
    return assess(target, observations, measured_anywhere=anywhere)


def _context(wh: Warehouse, indicator: pd.Series, target: pd.Series) -> tuple[str | None, bool]:
    """The latest figure of the target's own indicator: what a reader sees when the target is not judged."""
    series = wh.series(indicator["indicator_id"], [target["region_code"]])
    if series.empty:
        return None, False
    if indicator["accumulation"] == "flow":
        series = cumulative(series)
    # the figure nearest the deadline, not later; a real one before a generated one
    due = series[series["year"] <= int(target["target_year"])]
    chosen = due if not due.empty else series.head(1)
    real = chosen[chosen["status"] != "illustrative"]
    last = (real if not real.empty else chosen).iloc[-1]
    text = (f"{value_text(float(last['value']), display_unit(indicator), precision_of(indicator))} "
            f"({when_label(last['year'], last['as_of'])})")
    if isinstance(last["scope"], str) and last["scope"]:
        text += f" · {last['scope']}"
    return text, last["status"] == "illustrative"


def board_cards(wh: Warehouse, target_year: int, region: str | None = None) -> list[Card]:
    """One card per target due in ``target_year`` (national first), optionally for one region or
    ``PROVINCES`` (every provincial target), each with its verdict."""
    indicators = wh.indicators().set_index("indicator_id", drop=False)
    targets = select_targets(wh.targets(), region)
    targets = targets[targets["target_year"] == target_year]
    targets = targets.assign(_national=targets["region_code"] != NATIONAL).sort_values(
        ["_national", "region_code", "plan_id", "indicator_id"], kind="stable")
    regions = wh.regions().set_index("region_code")
    cards = []
    for _, t in targets.iterrows():
        ind = indicators.loc[t["indicator_id"]]
        verdict = target_verdict(wh, t)
        series = verdict.series
        latest = series.iloc[-1] if not series.empty else None
        context, context_illustrative = (None, False) if latest is not None else _context(wh, ind, t)
        cumulative_measure = t["measure_kind"] == "cumulative"
        cards.append(Card(
            indicator_id=ind["indicator_id"], name_zh=ind["name_zh"], name_en=ind["name_en"], unit=display_unit(ind),
            precision=precision_of(ind), value_kind=ind["value_kind"], region_code=t["region_code"],
            region_name=name(regions.loc[t["region_code"]]), plan_id=t["plan_id"],
            target=target_text(t["comparator"], float(t["value"]), display_unit(ind), target_year, precision_of(ind)),
            target_value=float(t["value"]),
            target_source=" · ".join(x for x in (t["source_title"], t["source_locator"]) if isinstance(x, str)),
            target_scope=t["scope"] if isinstance(t["scope"], str) else None,
            is_cumulative=cumulative_measure,
            latest_value=None if latest is None else float(latest["value"]),
            latest_when=None if latest is None else when_label(latest["year"], latest["as_of"]),
            # a cumulative total rests on every batch summed into it, so it cites all their sources
            latest_source=None if latest is None else "；".join(dict.fromkeys(
                series["source_title"] if cumulative_measure else [latest["source_title"]])),
            verdict=verdict, context=context, context_illustrative=context_illustrative,
        ))
    return sorted(cards, key=lambda c: c.latest_value is None)


PROVINCES = "provinces"  # the board's region filter value for "every provincial target"


def select_targets(targets: pd.DataFrame, region: str | None) -> pd.DataFrame:
    if region is None:
        return targets
    if region == PROVINCES:
        return targets[targets["region_code"] != NATIONAL]
    return targets[targets["region_code"] == region]


def target_years(wh: Warehouse, region: str | None = None) -> list[int]:
    return sorted(int(y) for y in select_targets(wh.targets(), region)["target_year"].unique())


def target_regions(wh: Warehouse) -> list[str]:
    """Codes of the regions that have targets, national first."""
    codes = set(wh.targets()["region_code"])
    return sorted(codes, key=lambda c: (c != NATIONAL, c))


# -- map --------------------------------------------------------------------------------------------------
def map_frame(wh: Warehouse, indicator: pd.Series, year: int, *, real_only: bool = False) -> pd.DataFrame:
    """Province values of one year with rank (1 = best for the indicator's direction) and flags.

    A rank is a conclusion, so only real values are ranked, among themselves; generated values are shown
    (flagged) unless ``real_only``, and left unranked.
    """
    return _ranked(wh.series(indicator["indicator_id"], year=year, statuses=REAL_STATUSES if real_only else None),
                   indicator)


def _ranked(series: pd.DataFrame, indicator: pd.Series) -> pd.DataFrame:
    """Province rows of ``series`` with their rank among real values of one year and one scope."""
    df = series[series["region_code"] != NATIONAL].copy()
    df["illustrative"] = df["status"] == "illustrative"
    # ranks compare like with like: real values of one statistical population (scope) among themselves
    real = df["value"].where(~df["illustrative"])
    population = [df["year"], df["scope"].fillna("")]
    df["rank"] = real.groupby(population).rank(ascending=indicator["direction"] != "higher",
                                               method="min").astype("Int64")
    df["rank_of"] = real.groupby(population).transform("count").where(real.notna()).astype("Int64")
    df["source"] = df["source_title"]
    df["label"] = region_labels(df)
    return df.reset_index(drop=True)


def national_target(wh: Warehouse, indicator: pd.Series, year: int) -> pd.Series | None:
    """The national target a province value in ``year`` is best compared with: the next one due, else the last.

    Only rates (shares of enterprises) have one: a province's rate can be held against the national level,
    but a count is a share of the national total (a province's share of 300 projects is not measured against
    300) and provinces publish indices on their own scales.
    """
    if indicator["value_kind"] != "share":
        return None
    t = wh.targets()
    t = t[(t["indicator_id"] == indicator["indicator_id"]) & (t["region_code"] == NATIONAL)].sort_values("target_year")
    if t.empty:
        return None
    upcoming = t[t["target_year"] >= year]
    return (upcoming if not upcoming.empty else t).iloc[0 if not upcoming.empty else -1]


def meeting_target(frame: pd.DataFrame, target: pd.Series | None) -> list[str]:
    """Provinces whose real value meets ``target``: a generated value never earns an outline."""
    if target is None:
        return []
    real = frame[~frame["illustrative"]]
    ok = COMPARE[target["comparator"]](real["value"], float(target["value"]))
    return real.loc[ok.fillna(False), "region_code"].tolist()


def national_value(wh: Warehouse, indicator: pd.Series, year: int, *, real_only: bool = False) -> pd.Series | None:
    """The nation's own figure for the year the map shows (the ranking's reference line), None if unpublished."""
    df = wh.series(indicator["indicator_id"], [NATIONAL], year=year, statuses=REAL_STATUSES if real_only else None)
    return None if df.empty else df.iloc[-1]


def map_history(wh: Warehouse, indicator: pd.Series, years: list[int]) -> pd.DataFrame:
    """Every year's map frame, stacked: a province's series with its rank in each year, as the map ranks it
    (so the hover panel's "3rd of 7" is the ranking's), sent to the page once per indicator."""
    series = wh.series(indicator["indicator_id"])  # one query for every year, not one per year
    series = series[series["year"].isin(years)].sort_values(["year", "region_code"], kind="stable")
    return _ranked(series, indicator)


def group_value(frame: pd.DataFrame, token: str, members: list[str], indicator: pd.Series) -> pd.Series | None:
    """The group's one value for the map's year, aggregated as the indicator's config says (``groups``); None
    when there is none (a sum needs every member, a mean at least one)."""
    out = aggregate(frame, token, members, method_of(indicator))
    return None if out.empty else out.iloc[0]


# -- trends -------------------------------------------------------------------------------------------------
def _region_series(wh: Warehouse, indicator: pd.Series, region_codes: list[str], *, real_only: bool,
                   by_scope: bool) -> pd.DataFrame:
    """Each region's values as a chart compares them: a flow's batches as running totals."""
    flow = indicator["accumulation"] == "flow"
    # a flow's totals are summed over every batch first, so "reported only" drops totals built on generated ones
    statuses = (*REAL_STATUSES, "projected") if real_only and not flow else None
    df = wh.series(indicator["indicator_id"], region_codes, include_projected=True, by_scope=by_scope and not flow,
                   statuses=statuses)
    if flow and not df.empty:
        df = pd.concat([cumulative(g) for _, g in df.groupby("region_code")], ignore_index=True)
        if real_only:
            df = df[df["status"] != "illustrative"].reset_index(drop=True)
    return df


def trend_frame(wh: Warehouse, indicator: pd.Series, region_codes: list[str], *, real_only: bool = False,
                groups: Mapping[str, Sequence[str]] | None = None) -> pd.DataFrame:
    """Every region's series, one value per year and statistical scope, so a change of scope can be drawn.

    A token of ``groups`` among ``region_codes`` (长三角 → its member codes) is one series, its members' values
    aggregated as the indicator says (:mod:`dashboard.groups`) from one value per member and year — a flow's
    running totals per member first, so the group's total is the sum of its members' totals.
    """
    asked = {token: tuple(members) for token, members in (groups or {}).items() if token in region_codes}
    codes = [c for c in region_codes if c not in asked]
    parts = []
    if codes:
        df = _region_series(wh, indicator, codes, real_only=real_only, by_scope=True)
        parts.append(df.assign(label=region_labels(df)))
    if asked:
        members = _region_series(wh, indicator, sorted({m for ms in asked.values() for m in ms}),
                                 real_only=real_only, by_scope=False)
        parts += [aggregate(members, token, ms, method_of(indicator)).assign(label=group_label(token))
                  for token, ms in asked.items()]
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame(columns=["region_code", "label", "year", "value", "as_of", "status", "source_title",
                                     "scope"])
    df = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    order = {code: i for i, code in enumerate(region_codes)}
    return df.sort_values(["region_code", "year"], key=lambda s: s.map(order) if s.name == "region_code" else s,
                          ignore_index=True)


def _path(a: Point, b: Point, compound: bool, steps: int = 12) -> list[tuple[float, float]]:
    """Points from ``a`` to ``b`` in axis units (end of year Y at x = Y), growing as the method assumes."""
    out = []
    for k in range(steps + 1):
        f = k / steps
        value = a.value * (b.value / a.value) ** f if compound else a.value + f * (b.value - a.value)
        out.append((a.when - 1 + f * (b.when - a.when), value))
    return out


def trend_overlays(wh: Warehouse, indicator: pd.Series, region_codes: list[str]) -> list[TargetOverlay]:
    """Targets of the chosen regions; the next unmet one also gets its required path and current-trend line.
    Groups have no targets. Where several regions have targets, each label names its region."""
    t = wh.targets()
    t = t[(t["indicator_id"] == indicator["indicator_id"]) & t["region_code"].isin(region_codes)]
    regions = wh.regions()
    several = len(set(t["region_code"])) > 1
    names = dict(zip(regions["region_code"], region_labels(regions), strict=True)) if several else None
    overlays = []
    for _, row in t.sort_values("target_year").iterrows():
        target_year, value = int(row["target_year"]), float(row["value"])
        verdict = target_verdict(wh, row)
        progress = verdict.progress
        label = target_text(row["comparator"], value, display_unit(indicator), target_year, precision_of(indicator))
        if names is not None:
            label = f"{names[row['region_code']]} {label}"
        required: list[tuple[float, float]] = []
        projection: list[tuple[float, float]] = []
        # paths are drawn only where the chart plots what the verdict judged
        drawn = row["measure_indicator_id"] == indicator["indicator_id"] and row["measure_breakdown"] == ""
        if drawn and progress.status in JUDGED and progress.baseline and progress.latest:
            compound = progress.method == "cagr"
            goal = Point(target_year + 1.0, value)
            required = _path(progress.baseline, goal, compound)
            rate_span = progress.latest.when - progress.baseline.when
            if compound:
                growth = (progress.latest.value / progress.baseline.value) ** (1 / rate_span)
                end = progress.latest.value * growth ** (goal.when - progress.latest.when)
            else:
                slope = (progress.latest.value - progress.baseline.value) / rate_span
                end = progress.latest.value + slope * (goal.when - progress.latest.when)
            projection = _path(progress.latest, Point(goal.when, end), compound)
        overlays.append(TargetOverlay(float(target_year), value, label, required, projection))
    return overlays
