"""Turning the cell text of real-world files into typed values: numbers, years, dates and region codes."""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from pipelines.catalogue import NATIONAL, Region

#: Cell text that means "no value" in statistical yearbooks (compared after NFKC folding and stripping).
NO_VALUE_MARKERS = frozenset({"", "-", "--", "—", "——", "–", "...", "…", "……", "na", "n/a", "nan", "null", "none", "x"})

# Traditional forms of the characters that occur in province names; enough to read Taiwanese, Hong Kong
# and older mainland files without a full conversion library.
_TRADITIONAL = str.maketrans({
    "龍": "龙", "東": "东", "廣": "广", "遼": "辽", "寧": "宁", "蘇": "苏", "陝": "陕", "貴": "贵", "雲": "云",
    "臺": "台", "灣": "湾", "門": "门", "慶": "庆", "爾": "尔", "維": "维", "區": "区", "內": "内", "肅": "肃",
    "壯": "壮", "島": "岛", "滬": "沪", "閩": "闽", "粵": "粤", "瓊": "琼", "晉": "晋", "贛": "赣", "魯": "鲁",
    "隴": "陇", "黃": "黄", "國": "国", "別": "别", "龐": "庞", "陽": "阳", "鄉": "乡",
})
_ADMIN_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市")


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


def is_no_value(text: object) -> bool:
    return fold(text).lower() in NO_VALUE_MARKERS


def parse_number(text: object) -> float:
    """Read ``52.1``, ``52.1%``, ``５２．１``, ``1,234`` or ``7,500,000``; raise CellError otherwise."""
    s = fold(text).replace(" ", "")
    s = s.removesuffix("%")
    if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", s):
        s = s.replace(",", "")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", s):
        raise CellError(f"{fold(text)!r} is not a number")
    return float(s)


def parse_year(text: object) -> int:
    """Read ``2016``, ``2016年``, ``2016.0`` (from spreadsheets); the year must lie in 1949–2100."""
    s = fold(text).replace(" ", "").removesuffix("年")
    if re.fullmatch(r"\d{4}(\.0+)?", s):
        year = int(float(s))
        if 1949 <= year <= 2100:
            return year
    raise CellError(f"{fold(text)!r} is not a year between 1949 and 2100")


def parse_date(text: object) -> dt.date:
    """Read an as-of date: ``2020-09-30``, ``2020/9/30``, ``2020年9月30日`` or a month ``2020-09`` (its last day)."""
    s = fold(text).replace(" ", "")
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?|月)?(?:T00:00:00)?", s)
    if m:
        year, month = int(m[1]), int(m[2])
        try:
            if m[3]:
                return dt.date(year, month, int(m[3]))
            nxt = dt.date(year + month // 12, month % 12 + 1, 1)
            return nxt - dt.timedelta(days=1)
        except ValueError:
            pass
    raise CellError(f"{fold(text)!r} is not a date (expected YYYY-MM-DD or YYYY-MM)")


def _key(text: str) -> str:
    """Comparison key for a region name: folded, lower case, traditional → simplified, no spaces or dots."""
    s = fold(text).translate(_TRADITIONAL).lower()
    return re.sub(r"[\s.·\-_'’()（）]", "", s)


@dataclass(frozen=True)
class RegionMatch:
    code: str | None
    suggestions: tuple[str, ...] = ()


class RegionResolver:
    """Maps every name a file may use for a province (code, zh, en, pinyin, alias) to its six-digit code."""

    def __init__(self, regions: Iterable[Region]) -> None:
        self._index: dict[str, str] = {}
        self._names: dict[str, str] = {}
        for r in regions:
            self._names[r.region_code] = r.name_zh
            names = [r.region_code, r.name_zh, r.short_zh, r.name_en, r.pinyin, *r.aliases]
            if r.region_code != NATIONAL:
                names.append(r.region_code[:2])
                names.append(r.name_zh.removesuffix("省").removesuffix("市"))
            names += [r.name_zh.removesuffix(sfx) for sfx in _ADMIN_SUFFIXES]
            for name in names:
                self._index.setdefault(_key(str(name)), r.region_code)
        self._index.update(dict.fromkeys(("全国", "china", "national", "全国合计", "合计", "总计"), NATIONAL))

    def resolve(self, text: object) -> RegionMatch:
        return self._resolve(fold(text))

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one resolver per ingest; its cache dies with it
    def _resolve(self, folded: str) -> RegionMatch:
        key = folded[:6] if re.fullmatch(r"\d{6}(\.0+)?", folded) else _key(folded)
        code = self._index.get(key)
        if code is not None:
            return RegionMatch(code)
        if not key.isdigit():
            for sfx in _ADMIN_SUFFIXES:
                stripped = key.removesuffix(sfx)
                if stripped != key and stripped in self._index:
                    return RegionMatch(self._index[stripped])
        close = difflib.get_close_matches(key, list(self._index), n=6, cutoff=0.5)
        names = dict.fromkeys(self._names[self._index[c]] for c in close)
        return RegionMatch(None, tuple(list(names)[:3]))



def unknown_region_reason(text: object, match: RegionMatch) -> str:
    hint = f" — did you mean {' / '.join(match.suggestions)}?" if match.suggestions else ""
    return f"unknown region {fold(text)!r}{hint}"
