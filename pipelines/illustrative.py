"""Generator of the illustrative province panels shipped in data/raw/ (run: python -m pipelines.illustrative).

Why: hardly any province publishes the key-process CNC rate or the design-tool penetration (the few real
figures are in data/raw/province_figures.csv), and no province-by-year table of the 2015-2018 pilot projects
exists, yet the yearbook readers (GBK CSV, XLSX) and the maps need such panels. These are generated, labelled
``illustrative`` (notes, status, source) and reproducible (fixed seeds, sorted rows, fixed XLSX times):
regenerating changes no byte.

Rate panels: one column per year of 2015-2024 that has a real national value in data/raw/national_rates.csv
(the year-end figure, else the latest as-of figure within that year); no national value is interpolated or
extrapolated, so years without one have no column. Each province = national value + an offset + small noise.
The offset is drawn from the province's tier (coastal leaders high, west low) unless the province has real
values in province_figures.csv (reported or estimated): then its offset follows its real deviations
(``real_offsets``), so its generated cells sit where its real ones lead. A real value of a year with a national
value deviates from that value. One of a year without a national value (Shaanxi's CNC rate at the end of June
2019) deviates from the straight line between the national values of the nearest years before and after it
that have one, taken at its date (as_of, else year-end), and that deviation is placed at both those years
(unless the province has a real value there, which wins): the straight line between its generated values in
those years then passes through its real value at its date, before noise and re-centring. No national value
is invented: the line is used only to place the province. Offsets are interpolated linearly between the
years of a province's deviations and held flat beyond them. A province-year with a real value is left empty
("—") so the real row supplies it, and each year the generated cells are shifted together so that the mean
over all 31 provinces, real values included, equals the national value before rounding. The national anchors
mix statistical scopes, and so do the panels.

Pilot panel, 2015-2018: the published yearly totals are allocated project by project with tier weights; a
draw breaking any published constraint (``pilot_violations``) is redrawn from the same generator. Zero cells
are omitted except six that carry information: Gansu, Jilin and Qinghai before their first projects in 2017.
"""

from __future__ import annotations

import argparse
import csv
import io
import logging
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import numpy as np
import yaml
from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
YEARS = tuple(range(2015, 2025))  # the span considered; a year gets a column only if it has a national value
SEEDS = {"cnc_rate": 20151, "design_tool_penetration": 20152, "pilot_projects": 20153}
CNC_CSV = "province_cnc_rate_2015_2024.csv"
DESIGN_XLSX = "province_design_tool_penetration_2015_2024.xlsx"
PILOT_CSV = "pilot_projects_province.csv"
REAL_CSV = "province_figures.csv"  # real provincial values: read here, never written
REAL_STATUSES = ("reported", "estimated")
NATIONAL = "100000"
NO_VALUE = "\u2014"  # the yearbook dash: a cell the real row supplies
STAMP = (2025, 1, 1, 0, 0, 0)  # document times and zip-entry times of the XLSX
# Yearbook text uses full-width punctuation; written here in ASCII and translated, to keep the source plain.
_FULL_WIDTH = str.maketrans({":": "\uff1a", ",": "\uff0c", ";": "\uff1b", "(": "\uff08", ")": "\uff09"})
TEXT = {k: v.translate(_FULL_WIDTH) for k, v in {
    "cnc_rate": "表3-2 各地区关键工序数控化率({first}—{last}年,示意数据)",
    "design_tool_penetration": "表3-3 各地区数字化研发设计工具普及率({first}—{last}年,示意数据)",
    "unit": "单位:%",
    "note": "注:本表为示意数据(illustrative),由 pipelines/illustrative.py 生成,非官方统计;"
            "仅列有全国公布值的年份;“—”处有已公布的实际数值,见 province_figures.csv。",
    "origin": "资料来源:按工业和信息化部等公布的全国数值校准生成的示意数据;各地区数值并非官方统计。",
}.items()}
LONG_HEADER = "indicator,region,year,value,breakdown,source,status,as_of,scope,note".split(",")

TIERS = {  # every other mainland province is "middle"
    "leader": {"110000", "310000", "320000", "330000", "370000", "440000"},
    "strong": {"120000", "130000", "210000", "340000", "350000", "410000", "420000", "430000", "500000",
               "510000", "610000"},
    "west": {"540000", "620000", "630000", "650000"},
}
TIER_OF = {code: tier for tier, codes in TIERS.items() for code in codes}
TIER_OFFSETS = {"leader": (7.0, 11.0), "strong": (1.0, 5.0), "middle": (-6.0, -2.0), "west": (-15.0, -10.0)}

PILOT_TOTALS = {2015: 46, 2016: 63, 2017: 97, 2018: 99}
PILOT_2015_PROVINCES = 21
PILOT_2018_REPORTED = {"370000": 11, "330000": 8, "320000": 7, "430000": 7, "340000": 7}
PILOT_LEADERS = {"370000", "330000", "440000", "320000", "340000"}  # >= 18 projects each over 2015-2018
PILOT_SINGLES = {"460000", "220000", "630000", "540000"}  # exactly 1 project each over 2015-2018
FIRST_IN_2017 = {"620000", "220000", "630000"}
GAINED_4_IN_2017 = {"330000", "320000", "340000", "410000", "430000", "440000"}
PILOT_MAX_PER_YEAR = 15  # each province could recommend at most 15 projects
PILOT_OTHERS_MAX_2018 = 6  # below the smallest count the 2018 notice names (7)
PILOT_SCOPE = "国家级智能制造试点示范项目"


@dataclass(frozen=True, order=True)  # ordered by code first
class Province:
    code: str
    name_zh: str
    short_zh: str


def load_provinces(root: Path = ROOT) -> list[Province]:
    """The 31 mainland provinces of config/regions.yaml (those NBS classifies into macro-regions)."""
    regions = yaml.safe_load((root / "config" / "regions.yaml").read_text(encoding="utf-8"))
    keep = [r for r in regions if r["level"] == "province" and r["macro_region"]]
    return sorted(Province(r["region_code"], r["name_zh"], r["short_zh"]) for r in keep)


def _rows(path: Path, indicator: str) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [r for r in csv.DictReader(fh) if r["indicator"] == indicator]


def national_values(indicator: str, root: Path = ROOT) -> dict[int, float]:
    """The real national value of every year that has one: year-end, else the latest as-of date in the year."""
    rows = [r for r in _rows(root / "data" / "raw" / "national_rates.csv", indicator) if r["region"] == NATIONAL]
    values: dict[int, float] = {}
    for r in sorted(rows, key=lambda r: r["as_of"] or "9999"):  # year-end rows (no as_of) come last and win
        values[int(r["year"])] = float(r["value"])
    year_end = [int(r["year"]) for r in rows if not r["as_of"]]
    if len(year_end) != len(set(year_end)):
        raise ValueError(f"national {indicator} has two year-end values for one year; say which one anchors")
    return dict(sorted(values.items()))


def national_by_year(indicator: str, root: Path = ROOT) -> dict[int, float]:
    """National value of each panel year: the years of YEARS that have a real national value, no others."""
    national = {y: v for y, v in national_values(indicator, root).items() if y in YEARS}
    if not national:
        raise ValueError(f"national {indicator} series has no value in {YEARS[0]}-{YEARS[-1]}")
    return national


def real_values(indicator: str, root: Path = ROOT) -> dict[tuple[str, int], float]:
    """Real (reported or estimated) provincial values of ``indicator`` by (province code, year)."""
    real: dict[tuple[str, int], float] = {}
    for r in _rows(root / "data" / "raw" / REAL_CSV, indicator):
        if r["region"] == NATIONAL or r["status"] not in REAL_STATUSES:
            continue
        key = (r["region"], int(r["year"]))
        if key in real and real[key] != float(r["value"]):
            raise ValueError(f"{REAL_CSV}: two real values for {indicator} {key}")
        real[key] = float(r["value"])
    return real


def real_dates(indicator: str, root: Path = ROOT) -> dict[tuple[str, int], date]:
    """The as_of date of each real provincial value of ``indicator`` that has one (others refer to year-end)."""
    return {(r["region"], int(r["year"])): date.fromisoformat(r["as_of"])
            for r in _rows(root / "data" / "raw" / REAL_CSV, indicator)
            if r["region"] != NATIONAL and r["status"] in REAL_STATUSES and r["as_of"]}


def time_position(year: int, as_of: date | None = None) -> float:
    """A point on the panels' time axis, on which ``year`` stands for the end of that year (a year-end figure)."""
    if as_of is None:
        return float(year)
    start = date(as_of.year, 1, 1)
    return as_of.year - 1 + ((as_of - start).days + 1) / (date(as_of.year + 1, 1, 1) - start).days


def real_offsets(real: dict[tuple[str, int], float], national: dict[int, float], years: list[int],
                 dates: dict[tuple[str, int], date] | None = None) -> dict[str, list[float]]:
    """Per province with real values: its offset from the national value in each of ``years``.

    ``national`` holds every national value (any year, not only panel years), ``dates`` the as_of dates of
    real values that are not year-end. A real value of a year with a national value deviates from it. One of a
    year without deviates from the straight line between the national values of the nearest years before and
    after it, at its date; that deviation is placed at both those years unless the province has a real value
    there (several such deviations at one year: their mean). A real value beyond the national series gives
    none. Offsets are interpolated linearly between the years of a province's deviations, held flat beyond.
    """
    anchors = sorted(national)
    own: dict[str, dict[int, float]] = {}
    bridged: dict[str, dict[int, list[float]]] = {}
    for (code, year), value in sorted(real.items()):
        if year in national:
            own.setdefault(code, {})[year] = value - national[year]
            continue
        before, after = [y for y in anchors if y < year], [y for y in anchors if y > year]
        if not before or not after:
            continue  # nothing to compare it with short of extrapolating the national series
        y0, y1 = before[-1], after[0]
        t = time_position(year, (dates or {}).get((code, year)))
        line = national[y0] + (national[y1] - national[y0]) * (t - y0) / (y1 - y0)
        for y in (y0, y1):
            bridged.setdefault(code, {}).setdefault(y, []).append(value - line)
    deviations = {code: dict(devs) for code, devs in own.items()}
    for code, by_year in bridged.items():
        mine = deviations.setdefault(code, {})
        for y, devs in by_year.items():
            mine.setdefault(y, float(np.mean(devs)))  # the province's own real value of that year wins
    return {code: np.interp(years, sorted(devs), [devs[y] for y in sorted(devs)]).tolist()
            for code, devs in sorted(deviations.items())}


def rate_panel(provinces: list[Province], national: dict[int, float], seed: int,
               real: dict[tuple[str, int], float] | None = None,
               all_national: dict[int, float] | None = None,
               dates: dict[tuple[str, int], date] | None = None) -> list[list[float | None]]:
    """One row per province, one one-decimal value per panel year, ``None`` where a real value exists.

    ``real`` holds the real provincial values, ``all_national`` every national value (for the deviations of
    real values outside the panel years) and ``dates`` the as_of dates of real values; see ``real_offsets``.
    """
    real = real or {}
    years = sorted(national)
    rng = np.random.default_rng(seed)
    low, high = np.array([TIER_OFFSETS[TIER_OF.get(p.code, "middle")] for p in provinces]).T
    offsets = np.repeat(rng.uniform(low, high)[:, None], len(years), axis=1)
    noise = rng.normal(0.0, 0.4, size=(len(provinces), len(years)))
    fitted = real_offsets(real, all_national or national, years, dates)
    for i, p in enumerate(provinces):
        if p.code in fitted:
            offsets[i] = fitted[p.code]
    values = np.array([national[y] for y in years])[None, :] + offsets + noise
    is_real = np.array([[(p.code, y) in real for y in years] for p in provinces])
    for j, year in enumerate(years):
        free = ~is_real[:, j]
        if not free.any():
            raise ValueError(f"every province has a real value in {year}: nothing to generate")
        real_sum = sum(real[(p.code, year)] for p, r in zip(provinces, is_real[:, j], strict=True) if r)
        excess = real_sum + values[free, j].sum() - len(provinces) * national[year]
        values[free, j] -= excess / free.sum()  # the 31-province mean, real values included, is the national one
    generated = values[~is_real]
    if not ((generated > 0) & (generated < 100)).all():
        raise ValueError("illustrative rate left the open interval (0, 100); adjust TIER_OFFSETS")
    return [[None if r else float(f"{v:.1f}") for v, r in zip(row, flags, strict=True)]
            for row, flags in zip(values, is_real, strict=True)]


def _cell_text(value: float | None) -> str:
    return NO_VALUE if value is None else f"{value:.1f}"


def write_rate_csv(path: Path, provinces: list[Province], years: list[int],
                   panel: list[list[float | None]]) -> None:
    """A GBK yearbook CSV: title, unit line, header 地区,2015年…, province rows, note lines."""
    body = [",".join([p.short_zh, *(_cell_text(v) for v in r)]) for p, r in zip(provinces, panel, strict=True)]
    header = ",".join(["地区", *(f"{y}年" for y in years)])
    title = TEXT["cnc_rate"].format(first=years[0], last=years[-1])
    lines = [title, TEXT["unit"], header, *body, TEXT["note"], TEXT["origin"]]
    path.write_bytes(("\n".join(lines) + "\n").encode("gbk"))


def write_rate_xlsx(path: Path, provinces: list[Province], years: list[int],
                    panel: list[list[float | None]]) -> None:
    """The same yearbook shape as an XLSX sheet, with fixed document times and zip timestamps."""
    book = Workbook()
    sheet = book.active
    sheet.title = "表3-3"
    title = TEXT["design_tool_penetration"].format(first=years[0], last=years[-1])
    for line in ([title], [TEXT["unit"]], ["地区", *years]):
        sheet.append(line)
    for p, row in zip(provinces, panel, strict=True):
        sheet.append([p.name_zh, *(NO_VALUE if v is None else v for v in row)])
        for cell in sheet[sheet.max_row][1:]:
            cell.number_format = "0.0"
    for line in (TEXT["note"], TEXT["origin"]):
        sheet.append([line])
    book.properties.creator = "pipelines/illustrative.py"
    book.properties.title = "Illustrative data, not official statistics"
    book.properties.created = book.properties.modified = datetime(*STAMP)
    raw = io.BytesIO()
    ExcelWriter(book, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)).save()  # save() would stamp "now"
    stable = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(stable, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():  # zip entries otherwise carry the current time
            dst.writestr(zipfile.ZipInfo(name, STAMP), src.read(name), zipfile.ZIP_DEFLATED)
    path.write_bytes(stable.getvalue())


def _pilot_draw(codes: list[str], rng: np.random.Generator) -> dict[tuple[str, int], int]:
    weight = {c: 6.0 if c in PILOT_LEADERS else 1.0 if TIER_OF.get(c, "middle") in ("middle", "west") else 2.0
              for c in codes}
    single_year = {"220000": 2017, "630000": 2017}
    single_year |= {c: int(rng.choice(list(PILOT_TOTALS))) for c in sorted(PILOT_SINGLES - set(single_year))}

    def active(year: int) -> list[str]:
        late = FIRST_IN_2017 if year < 2017 else set()
        return [c for c in codes if single_year.get(c, year) == year and c not in late]

    forced = [c for c in active(2015) if c in PILOT_LEADERS or single_year.get(c) == 2015]
    rest = [c for c in active(2015) if c not in forced]
    p = np.array([weight[c] for c in rest])
    drawn = rng.choice(len(rest), size=PILOT_2015_PROVINCES - len(forced), replace=False, p=p / p.sum())
    first_batch = set(forced) | {rest[i] for i in drawn}
    panel: dict[tuple[str, int], int] = {}
    for year, total in PILOT_TOTALS.items():
        fixed = PILOT_2018_REPORTED if year == 2018 else {}
        free = [c for c in active(year) if c not in fixed and (year > 2015 or c in first_batch)]
        counts = {c: 4 if year == 2017 and c in GAINED_4_IN_2017 else 1 for c in free} | fixed
        cap = {c: 1 if c in PILOT_SINGLES else PILOT_OTHERS_MAX_2018 if year == 2018 else PILOT_MAX_PER_YEAR
               for c in free}
        for _ in range(total - sum(counts.values())):
            open_ = [c for c in free if counts[c] < cap[c]]
            w = np.array([weight[c] for c in open_])
            counts[open_[rng.choice(len(open_), p=w / w.sum())]] += 1
        panel |= {(c, year): n for c, n in counts.items()}
    return panel


def pilot_violations(panel: dict[tuple[str, int], int], codes: list[str]) -> list[str]:
    """Names of the published constraints the panel breaks (others lie between seed 001's extremes)."""
    def total(code: str) -> int:
        return sum(panel.get((code, y), 0) for y in PILOT_TOTALS)

    checks = {
        "yearly totals": all(sum(panel.get((c, y), 0) for c in codes) == n for y, n in PILOT_TOTALS.items()),
        "21 provinces in 2015": sum(panel.get((c, 2015), 0) > 0 for c in codes) == PILOT_2015_PROVINCES,
        "2018 notice cells": all(panel.get((c, 2018)) == n for c, n in PILOT_2018_REPORTED.items()),
        "leaders ≥ 18": all(total(c) >= 18 for c in PILOT_LEADERS),
        "singles = 1": all(total(c) == 1 for c in PILOT_SINGLES),
        "others 2 to 17": all(2 <= total(c) <= 17 for c in codes if c not in PILOT_LEADERS | PILOT_SINGLES),
        "first in 2017": all(panel.get((c, y), 0) == 0 for c in FIRST_IN_2017 for y in (2015, 2016))
        and all(panel.get((c, 2017), 0) > 0 for c in FIRST_IN_2017),
        "gained ≥ 4 in 2017": all(panel.get((c, 2017), 0) >= 4 for c in GAINED_4_IN_2017),
        "≤ 15 a year": all(n <= PILOT_MAX_PER_YEAR for n in panel.values()),
    }
    return [name for name, ok in checks.items() if not ok]


def pilot_panel(codes: list[str], seed: int, attempts: int = 1000) -> dict[tuple[str, int], int]:
    """Projects per (province code, year), the first draw from ``seed`` that meets every constraint."""
    rng = np.random.default_rng(seed)
    for _ in range(attempts):
        panel = _pilot_draw(codes, rng)
        if not pilot_violations(panel, codes):
            return panel
    raise RuntimeError(f"no pilot panel met every constraint in {attempts} draws (seed {seed})")


def write_pilot_csv(path: Path, panel: dict[tuple[str, int], int]) -> None:
    """Long layout; only the five 2018 notice cells are ``reported``."""
    cells = {k: n for k, n in panel.items() if n} | {(c, y): 0 for c in FIRST_IN_2017 for y in (2015, 2016)}
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(LONG_HEADER)
        for (code, year), n in sorted(cells.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            if year == 2018 and code in PILOT_2018_REPORTED:
                source, status, note = "miit_pilot_2018_notice", "reported", "2018 batch, public notice"
            else:
                source, status = "illustrative_pilot_panel", "illustrative"
                note = "generated value, not official" if n else "0: first project came in the 2017 batch"
            out.writerow(["pilot_projects", code, year, n, "", source, status, "", PILOT_SCOPE, note])


def generate(out_dir: Path, root: Path = ROOT) -> list[Path]:
    """Write the three illustrative files into ``out_dir``; inputs (national and real values) are read from ``root``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    provinces = load_provinces(root)
    for name, indicator, write in ((CNC_CSV, "cnc_rate", write_rate_csv),
                                   (DESIGN_XLSX, "design_tool_penetration", write_rate_xlsx)):
        national = national_by_year(indicator, root)
        panel = rate_panel(provinces, national, SEEDS[indicator], real_values(indicator, root),
                           national_values(indicator, root), real_dates(indicator, root))
        write(out_dir / name, provinces, sorted(national), panel)
    write_pilot_csv(out_dir / PILOT_CSV, pilot_panel([p.code for p in provinces], SEEDS["pilot_projects"]))
    return [out_dir / name for name in (CNC_CSV, DESIGN_XLSX, PILOT_CSV)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Regenerate the illustrative province panels.")
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "raw", help="default: data/raw")
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for path in generate(parser.parse_args(argv).out):
        logger.info("wrote %s", path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
