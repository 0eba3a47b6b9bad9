"""What a province profile shows, assembled from warehouse frames: each indicator beside the nation and the national
target, the province's rank and how it moved, its own targets with their verdicts, its peers, and the frame the
small multiples draw.

Pure functions of the warehouse's answers, like :mod:`dashboard.views`, whose rules they reuse so that the profile
never disagrees with another page: ranks are the map's (``map_frame``: real values of one scope), verdicts the
board's (``board_cards``), trend frames the trends page's (``trend_frame``). A generated value is shown, badged,
where nothing real exists; it never earns a rank.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.figures.numbers import precision_of
from dashboard.figures.trend import when_label
from dashboard.i18n import display_unit, name
from dashboard.views import Card, board_cards, map_frame, national_target, target_text, target_years, trend_frame
from pipelines.catalogue import NATIONAL, REAL_STATUSES
from pipelines.warehouse import Warehouse


@dataclass(frozen=True)
class Figure:
    """One published (or generated) value with its date, status, scope and source."""

    value: float
    year: int
    when: str  # 2023, or 2025年3月 / Mar 2025 for an as-of figure
    status: str
    scope: str | None
    source: str

    @property
    def illustrative(self) -> bool:
        return self.status == "illustrative"


@dataclass(frozen=True)
class Rank:
    """The province's place among the provinces with real values of one scope (1 = best for the indicator) in the
    latest year it could be ranked, and in the first such year of that scope. ``reason`` says why it is not ranked:
    ``illustrative`` (only generated values), ``alone`` (no other province's real value of its scope that year)."""

    rank: int | None = None
    of: int | None = None
    year: int | None = None
    scope: str | None = None
    first_rank: int | None = None
    first_year: int | None = None
    reason: str = "ranked"

    @property
    def ranked(self) -> bool:
        return self.rank is not None

    @property
    def change(self) -> int | None:
        """Places gained since the first ranked year (negative: lost); None when ranked in one year only."""
        if self.rank is None or self.first_rank is None or self.first_year == self.year:
            return None
        return self.first_rank - self.rank


@dataclass(frozen=True)
class IndicatorRow:
    indicator_id: str
    name_zh: str
    name_en: str
    unit: str  # the display unit (%, 家 / providers, or nothing)
    precision: int  # decimals its values are shown with
    flow: bool  # values are per batch or year (a count of projects), not levels
    province: Figure
    national: Figure | None  # the national figure of the same year, else of the nearest one
    national_target: str | None  # e.g. "≥ 68% (2025)": only rates are held against the national target
    rank: Rank

    @property
    def real(self) -> bool:
        return not self.province.illustrative


@dataclass(frozen=True)
class Peers:
    """The province's NBS macro-region and "3+1" cluster, and the other provinces in each (codes)."""

    macro_region: str | None
    macro_peers: tuple[str, ...]
    cluster: str | None
    cluster_peers: tuple[str, ...]


@dataclass(frozen=True)
class ProvinceTarget:
    """One of the province's own targets: its year and the board's card for it (verdict included)."""

    year: int
    card: Card


@dataclass(frozen=True)
class Profile:
    region_code: str
    region: pd.Series  # the province's ``regions`` row
    rows: tuple[IndicatorRow, ...]  # real figures first, then illustrative ones; catalogue order within
    targets: tuple[ProvinceTarget, ...]  # the province's own targets, as the board judges them
    peers: Peers
    trends: pd.DataFrame  # the small multiples' frame (see ``trend_panels``)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _figure(row: pd.Series) -> Figure:
    return Figure(float(row["value"]), int(row["year"]), when_label(row["year"], row["as_of"]), str(row["status"]),
                  _text(row["scope"]), str(row["source_title"]))


def latest_figure(series: pd.DataFrame, *, year: int | None = None, real_only: bool = False) -> Figure | None:
    """The figure a row shows from one region's series (oldest first): the newest real one — or, given ``year``,
    the newest of the year nearest to it (the later one on a tie) — and a generated one only where nothing real
    exists (never with ``real_only``)."""
    series = series[series["status"] != "projected"]
    real = series[series["status"].isin(REAL_STATUSES)]
    chosen = real if not real.empty or real_only else series
    if year is not None and not chosen.empty:
        distance = (chosen["year"] - year).abs()
        chosen = chosen[distance == distance.min()]
    return _figure(chosen.iloc[-1]) if not chosen.empty else None


def province_rank(wh: Warehouse, indicator: pd.Series, code: str, real_years: list[int]) -> Rank:
    """The map's rank (``views.map_frame``) in each year the province has a real value; a rank among one value is
    no rank. The change is measured within the scope of the latest rank, from the first year ranked in it."""
    ranked = []
    for year in sorted(real_years):
        frame = map_frame(wh, indicator, year, real_only=True)
        mine = frame[frame["region_code"] == code]
        if mine.empty or pd.isna(mine["rank"].iloc[0]) or int(mine["rank_of"].iloc[0]) < 2:
            continue
        ranked.append((year, int(mine["rank"].iloc[0]), int(mine["rank_of"].iloc[0]), _text(mine["scope"].iloc[0])))
    if not ranked:
        return Rank(reason="alone" if real_years else "illustrative")
    year, rank, of, scope = ranked[-1]
    first_year, first_rank, _, _ = next(r for r in ranked if r[3] == scope)
    return Rank(rank, of, year, scope, first_rank, first_year)


def indicator_row(wh: Warehouse, indicator: pd.Series, code: str, *, real_only: bool = False) -> IndicatorRow | None:
    """One indicator for the province, beside the nation; None when the province has nothing to show for it."""
    series = wh.series(indicator["indicator_id"], [code, NATIONAL])
    mine = series[series["region_code"] == code]
    figure = latest_figure(mine, real_only=real_only)
    if figure is None:
        return None
    national = latest_figure(series[series["region_code"] == NATIONAL], year=figure.year, real_only=real_only)
    unit = display_unit(indicator)
    target = national_target(wh, indicator, figure.year)
    real_years = sorted({int(y) for y in mine.loc[mine["status"].isin(REAL_STATUSES), "year"]})
    return IndicatorRow(
        indicator_id=str(indicator["indicator_id"]), name_zh=str(indicator["name_zh"]),
        name_en=str(indicator["name_en"]), unit=unit, precision=precision_of(indicator),
        flow=indicator["accumulation"] == "flow",
        province=figure, national=national,
        national_target=None if target is None else target_text(
            target["comparator"], float(target["value"]), unit, int(target["target_year"]), precision_of(indicator)),
        rank=province_rank(wh, indicator, code, real_years),
    )


def province_peers(regions: pd.DataFrame, code: str) -> Peers:
    provinces = regions[regions["level"] == "province"]
    me = provinces.set_index("region_code").loc[code]
    macro, cluster = _text(me["macro_region"]), _text(me["cluster"])

    def others(column: str, value: str | None) -> tuple[str, ...]:
        if value is None:
            return ()
        return tuple(c for c in provinces.loc[provinces[column] == value, "region_code"] if c != code)

    return Peers(macro, others("macro_region", macro), cluster, others("cluster", cluster))


def province_targets(wh: Warehouse, code: str) -> list[ProvinceTarget]:
    """The province's own targets, every target year, judged exactly as the board judges them."""
    return [ProvinceTarget(year, card) for year in target_years(wh, code) for card in board_cards(wh, year, code)]


def trend_panels(wh: Warehouse, rows: tuple[IndicatorRow, ...], code: str, *, real_only: bool = False) -> pd.DataFrame:
    """The small multiples' frame: per indicator (``panel``, ``title``, ``unit``, ``flow``) the province's and the
    nation's series (``role``) as the trends page draws them (flows as running totals, one row per scope)."""
    indicators = wh.indicators().set_index("indicator_id", drop=False)
    frames = []
    for row in rows:
        ind = indicators.loc[row.indicator_id]
        frame = trend_frame(wh, ind, [code, NATIONAL], real_only=real_only)
        if frame.empty:
            continue
        frames.append(frame.assign(panel=row.indicator_id, title=name(ind), unit=row.unit, precision=row.precision,
                                   flow=row.flow,
                                   role=["province" if c == code else "national" for c in frame["region_code"]]))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["panel", "title", "unit", "precision", "flow", "role", "region_code", "label", "year", "value",
                 "as_of", "status", "source_title", "scope"])


def province_profile(wh: Warehouse, code: str, *, real_only: bool = False) -> Profile:
    """Everything the profile of province ``code`` shows; ``real_only`` leaves generated values out."""
    regions = wh.regions()
    indicators = wh.indicators().set_index("indicator_id", drop=False)
    rows = []
    for held in wh.region_indicators(code).itertuples():
        if held.n_real + (0 if real_only else held.n_illustrative) == 0:
            continue  # forecasts only, or generated values hidden
        row = indicator_row(wh, indicators.loc[held.indicator_id], code, real_only=real_only)
        if row is not None:
            rows.append(row)
    ordered = tuple(sorted(rows, key=lambda r: not r.real))  # stable: catalogue order within each
    return Profile(code, regions.set_index("region_code", drop=False).loc[code], ordered,
                   tuple(province_targets(wh, code)), province_peers(regions, code),
                   trend_panels(wh, ordered, code, real_only=real_only))
