"""Turning the cell text of real-world files into typed values: numbers, years, dates and region codes."""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipelines.catalogue import NATIONAL, Region
from pipelines.limits import MAX_REGION_SUGGESTIONS

if TYPE_CHECKING:
    from pipelines.warehouse.validate import Cell

#: Cell text that means "no value" in statistical yearbooks (compared after NFKC folding and stripping).
# "nan" is not among them: spelled out it is a non-finite number (a computation gone wrong), rejected as such.
NO_VALUE_MARKERS = frozenset({"", "-", "--", "—", "——", "–", "...", "…", "……", "na", "n/a", "null", "none", "x"})

# Traditional forms of the characters that occur in province names; enough to read Taiwanese, Hong Kong
# and older mainland files without a full conversion library.
_TRADITIONAL = str.maketrans({
    "龍": "龙", "東": "东", "廣": "广", "遼": "辽", "寧": "宁", "蘇": "苏", "陝": "陕", "貴": "贵", "雲": "云",
    "臺": "台", "灣": "湾", "門": "门", "慶": "庆", "爾": "尔", "維": "维", "區": "区", "內": "内", "肅": "肃",
    "壯": "壮", "島": "岛", "滬": "沪", "閩": "闽", "粵": "粤", "瓊": "琼", "晉": "晋", "贛": "赣", "魯": "鲁",
    "隴": "陇", "黃": "黄", "國": "国", "別": "别", "龐": "庞", "陽": "阳", "鄉": "乡",
})
# Endings stripped to find a provincial-level name ("广西自治区" → 广西). Not 市: "吉林市" is a city in 吉林省.
_ADMIN_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特区", "省")
_ADMIN_SUFFIXES_EN = ("specialadministrativeregion", "autonomousregion", "municipality", "province", "sar")
# Name endings of units below the provincial level: cities, districts, counties, prefectures, leagues and banners
# (Inner Mongolia), towns. A provincial-level name with such an ending (北京市, 内蒙古自治区) is matched exactly first.
_SUB_PROVINCIAL = ("市", "区", "县", "州", "盟", "旗", "镇", "乡", "街道", "地区")
_SUB_PROVINCIAL_EN = ("city", "district", "county", "prefecture", "league", "banner", "town", "township")
_MUNICIPALITIES = frozenset({"110000", "120000", "310000", "500000"})  # "Beijing City" is the municipality
# A total row: national only when it says so (全国合计) or the file's title does; 全省合计 and subtotals never.
_TOTAL = re.compile(r"(?P<whole>全国|全省|全市|全区|全县|本省|本市|各省|各地区|各地)?"
                    r"(?P<word>合计|总计|总数|汇总|共计|小计|total|totals|grandtotal|sum|subtotal)")
_NOT_NATIONAL_TOTALS = frozenset({"全省", "全市", "全区", "全县", "本省", "本市"})


class CellError(ValueError):
    """A cell that is present but cannot be read as what its column expects (message says what was)."""


def fold(text: object) -> str:
    """NFKC-fold (full-width → ASCII), strip and collapse whitespace; the first step for every cell."""
    if text is None:
        return ""
    return _fold(str(text))


@functools.lru_cache(maxsize=1 << 16)
def _fold(text: str) -> str:
    # cached: a file repeats the same region, indicator and year strings on every row
    return " ".join(unicodedata.normalize("NFKC", text).split())


def shown(text: object, *, limit: int = 80, fold_it: bool = True) -> str:
    """Cell text as a message quotes it: folded, and cut at ``limit`` characters."""
    s = fold(text) if fold_it else str(text)
    return s if len(s) <= limit else s[:limit] + "…"


def ascii_digits(text: str) -> str:
    """``fold(text)`` with every Unicode decimal digit written as its ASCII digit: Python's ``\\d`` and
    ``float()`` read ``٣`` as 3, and the SQL rules see digits this way."""
    folded = fold(text)
    if folded.isascii():
        return folded
    return "".join(str(d) if not ch.isascii() and (d := unicodedata.decimal(ch, None)) is not None else ch
                   for ch in folded)


def has_footnote_mark(text: str) -> bool:
    """A superscript or circled digit (Unicode category No): NFKC would silently turn ``52.1¹`` into 52.11."""
    return not text.isascii() and any(unicodedata.category(ch) == "No" for ch in text)


def _cell(text: object) -> Cell:
    from pipelines.warehouse.validate import cell  # late: that module calls back into this one

    return cell("" if text is None else str(text))


def number_problem(code: str, text: object) -> str:
    """Why a value cell is not a number, worded for a rejection (``code`` as the SQL rules give it)."""
    if code == "footnote":
        raw = shown(str(text).strip(), fold_it=False)
        return f"{raw!r} carries a footnote mark (a superscript or circled digit); expected a plain number"
    return f"{shown(text)!r} " + {"not_finite": "is not a finite number", "not_number": "is not a number",
                                  "too_large": "is not a finite number (too large)"}[code]


def year_problem(text: object) -> str:
    return f"{shown(text)!r} is not a year between 1949 and 2100"


def date_problem(text: object) -> str:
    return f"{shown(text)!r} is not a date (expected YYYY-MM-DD or YYYY-MM)"


def is_no_value(text: object) -> bool:
    return _cell(text).no_value


def parse_number(text: object) -> float:
    """Read ``52.1``, ``52.1%``, ``５２．１``, ``1,234`` or ``7,500,000``; raise CellError otherwise.

    Only finite numbers are read: ``1e999`` (which overflows), ``inf`` and ``nan`` are refused, and so is a
    superscript or circled digit (a footnote mark: NFKC would silently turn ``52.1¹`` into 52.11). The rule is
    the ingest's own (pipelines/warehouse/validate.sql), applied to one cell.
    """
    cell = _cell(text)
    if cell.number_problem is not None:
        raise CellError(number_problem(cell.number_problem, text))
    return cell.number


def parse_year(text: object) -> int:
    """Read ``2016``, ``2016年``, ``2016.0`` (from spreadsheets); the year must lie in 1949–2100."""
    year = _cell(text).year
    if year is None:
        raise CellError(year_problem(text))
    return year


def parse_date(text: object) -> dt.date:
    """Read an as-of date: ``2020-09-30``, ``2020/9/30``, ``2020年9月30日`` or a month ``2020-09`` (its last day)."""
    as_of = _cell(text).as_of
    if as_of is None:
        raise CellError(date_problem(text))
    return as_of


def _key(text: str) -> str:
    """Comparison key for a region name: folded, lower case, traditional → simplified, no spaces or dots."""
    s = fold(text).translate(_TRADITIONAL).lower()
    return re.sub(r"[\s.·\-_'’()（）]", "", s)


@dataclass(frozen=True)
class RegionMatch:
    code: str | None
    suggestions: tuple[str, ...] = ()
    reason: str | None = None  # why the text is refused when it is recognisably not a provincial-level unit


class RegionResolver:
    """Maps every name a file may use for a province (code, zh, en, pinyin, alias) to its six-digit code.

    Only provincial-level units and the nation resolve. Text that names a city or county (a six-digit code not
    ending in 0000, a name ending in 市/区/县/州/盟/旗), a number that is not a whole code (``32.0``,
    ``32 0000``) or a total row (合计) is refused with a reason; fuzzy matching only ever suggests.
    """

    def __init__(self, regions: Iterable[Region]) -> None:
        regions = list(regions)
        self._index: dict[str, str] = {}
        self._names: dict[str, str] = {}
        self._suggestions_left = MAX_REGION_SUGGESTIONS
        for r in regions:
            self._names[r.region_code] = r.name_zh
            names = [r.region_code, r.name_zh, r.short_zh, r.name_en, r.pinyin, *r.aliases]
            if r.region_code != NATIONAL:
                names.append(r.region_code[:2])
                names.append(r.name_zh.removesuffix("省").removesuffix("市"))
            names += [r.name_zh.removesuffix(sfx) for sfx in _ADMIN_SUFFIXES]
            for name in names:
                self._index.setdefault(_key(str(name)), r.region_code)
        self._index.update(dict.fromkeys(("全国", "china", "national", "全国合计"), NATIONAL))
        # Chinese province names, longest first: "江苏南京" names a place within 江苏省, not the province
        self._zh_prefixes = sorted(
            {_key(n): r.region_code for r in regions if r.region_code != NATIONAL
             for n in (r.name_zh, r.short_zh) if len(n) >= 2}.items(), key=lambda kv: -len(kv[0]))

    def resolve(self, text: object, *, national_totals: bool = False) -> RegionMatch:
        """The region ``text`` names; ``national_totals`` when the file says it is national (a 全国 title)."""
        return self._resolve(fold(text), national_totals)

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one resolver per ingest; its cache dies with it
    def _resolve(self, folded: str, national_totals: bool) -> RegionMatch:
        if re.search(r"\d", folded):
            return self._resolve_code(folded)
        key = _key(folded)
        code = self._index.get(key)
        if code is not None:
            return RegionMatch(code)
        if total := _TOTAL.fullmatch(key):
            return self._total(folded, total, national_totals)
        for sfx in (*_ADMIN_SUFFIXES, *_ADMIN_SUFFIXES_EN):
            stripped = key.removesuffix(sfx)
            if stripped != key and stripped in self._index:
                return RegionMatch(self._index[stripped])
        city = key.removesuffix("city")
        if city != key and self._index.get(city) in _MUNICIPALITIES:
            return RegionMatch(self._index[city])
        ending = next((e for e in (*_SUB_PROVINCIAL, *_SUB_PROVINCIAL_EN) if key.endswith(e) and key != e), None)
        if ending is not None:
            return RegionMatch(None, reason=(
                f"{shown(folded)!r} is a city, district or county (a name ending in {ending!r}), not a "
                "provincial-level unit; only the 34 provincial-level units and 全国 are loaded"))
        within = next((code for name, code in self._zh_prefixes if key.startswith(name)), None)
        if within is not None:
            return RegionMatch(None, reason=(
                f"{shown(folded)!r} names a place within {self._names[within]}, not a provincial-level unit; "
                "only the 34 provincial-level units and 全国 are loaded"))
        if self._suggestions_left <= 0 or len(key) > 40:  # fuzzy search is costly: bounded per ingest
            return RegionMatch(None)
        self._suggestions_left -= 1
        close = difflib.get_close_matches(key, list(self._index), n=6, cutoff=0.5)
        names = dict.fromkeys(self._names[self._index[c]] for c in close)
        return RegionMatch(None, tuple(list(names)[:3]))

    def _resolve_code(self, folded: str) -> RegionMatch:
        """Text with a digit is read only as a whole code: six digits (``320000``, ``320000.0`` from a
        spreadsheet) or the first two (``32``); never a decimal, a spaced number or a code with words."""
        six = re.fullmatch(r"([0-9]{6})(?:\.0+)?", folded)
        if six and six[1] in self._index:
            return RegionMatch(self._index[six[1]])
        if six and not six[1].endswith("0000"):
            return RegionMatch(None, reason=(
                f"{shown(folded)!r} is the code of a city or county (provincial-level codes end in 0000); only the 34 "
                "provincial-level units and 全国 (100000) are loaded"))
        if six or re.fullmatch(r"[0-9]{2}", folded):
            code = self._index.get(folded) if not six else None
            if code is not None:
                return RegionMatch(code)
            return RegionMatch(None, reason=f"{shown(folded)!r} is not the code of a provincial-level unit (GB/T 2260)")
        return RegionMatch(None, reason=(
            f"{shown(folded)!r} is not a region code: expected a six-digit GB/T 2260 code such as 320000 (or its "
            "first two digits, 32) or a name"))

    def _total(self, folded: str, total: re.Match[str], national_totals: bool) -> RegionMatch:
        whole, word = total["whole"], total["word"]
        if whole == "全国" or (national_totals and whole not in _NOT_NATIONAL_TOTALS and "sub" not in word
                                and word != "小计"):
            return RegionMatch(NATIONAL)
        if whole in _NOT_NATIONAL_TOTALS or word in ("小计", "subtotal"):
            return RegionMatch(None, reason=(
                f"{shown(folded)!r} is a subtotal or a provincial total, not a region; only the 34 provincial-level "
                "units and 全国 are loaded"))
        return RegionMatch(None, reason=(
            f"{shown(folded)!r} is a total row, not a region: it is read as national only when the file's title says "
            "全国; write 全国 in the cell if it is the national figure"))


def unknown_region_reason(text: object, match: RegionMatch) -> str:
    if match.reason:
        return match.reason
    hint = f" — did you mean {' / '.join(match.suggestions)}?" if match.suggestions else ""
    return f"unknown region {shown(text)!r}{hint}"
