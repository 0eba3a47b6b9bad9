"""Every user-facing string of the dashboard, in Chinese and English, looked up by key — per visitor.

Pages call ``t(key)`` when they render, never at import: the language is the visitor's, carried by their
address (``?lang=zh|en``, default Chinese). The page request names it in its query string; every request the
page makes afterwards (layout, callbacks) names it in the ``X-IMM-Lang`` header that ``assets/imm.js`` adds.
``use_request_language`` reads either into a context variable at the start of each request, so two visitors
on one server, one thread each, are served in their own languages at once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from typing import Any

LANGUAGES = ("zh", "en")
DEFAULT_LANG = "zh"
LANG_HEADER = "X-IMM-Lang"
_current: ContextVar[str] = ContextVar("imm_lang", default=DEFAULT_LANG)

STRINGS: dict[str, dict[str, str]] = {
    "app.title": {"en": "Intelligent Manufacturing Monitor", "zh": "智能制造规划指标监测"},
    "nav.board": {"en": "Targets", "zh": "目标进展"},
    "nav.map": {"en": "Province map", "zh": "分省地图"},
    "nav.trends": {"en": "Trends", "zh": "趋势"},
    "nav.data": {"en": "Data", "zh": "数据"},
    "nav.language": {"en": "Language", "zh": "语言"},
    "nav.present": {"en": "Present", "zh": "演示模式"},
    "nav.present.help": {"en": "Full-screen presenter mode (Esc leaves)", "zh": "全屏演示模式（按 Esc 退出）"},
    "present.previous": {"en": "Previous target (← or PageUp)", "zh": "上一个目标（← 或 PageUp）"},
    "present.next": {"en": "Next target (→ or PageDown)", "zh": "下一个目标（→ 或 PageDown）"},
    "present.exit": {"en": "Esc: leave presenter mode", "zh": "Esc：退出演示模式"},
    "map.prev_year": {"en": "Previous year", "zh": "上一年"},
    "map.next_year": {"en": "Next year", "zh": "下一年"},
    "board.heading": {"en": "Progress towards plan targets", "zh": "规划目标进展"},
    "board.horizon": {"en": "Target year", "zh": "目标年份"},
    "board.as_of": {"en": "as of", "zh": "截至"},
    "board.target": {"en": "Target", "zh": "目标"},
    "board.baseline": {"en": "Baseline", "zh": "基期"},
    "board.cumulative": {"en": "cumulative total", "zh": "累计"},
    "board.no_value": {"en": "No figure published yet", "zh": "暂无公开数据"},
    "board.region": {"en": "Region", "zh": "地区"},
    "board.region.all": {"en": "All", "zh": "全部"},
    "board.region.provinces": {"en": "All provinces", "zh": "全部省级地区"},
    "board.no_targets": {"en": "No targets are due in this year for this region.",
                         "zh": "该地区在所选年份没有到期目标。"},
    "board.scope_used": {"en": "Assessed within", "zh": "评估口径"},
    "board.target_scope": {"en": "Target counts", "zh": "目标口径"},
    "board.reason": {"en": "Why", "zh": "原因"},
    "board.context": {"en": "Latest figure (context only)", "zh": "最新数值（仅供参考）"},
    "board.not_measured.generic": {
        "en": "No published figure counts what this target counts.",
        "zh": "尚无公开数据统计该目标所统计的对象。"},
    "board.no_real_data.body": {
        "en": "Only generated (illustrative) values exist here, so no status is given.",
        "zh": "此处只有生成的示意数值，因此不作评估。"},
    "board.other_population": {
        "en": "The target counts {target}; the figures published for this region count {found}.",
        "zh": "目标统计的是{target}，而该地区已公布的数值统计的是{found}。"},
    "board.mixed_scopes": {
        "en": "Since the plan's base year each figure comes from a different statistical scope, so no trend can "
              "be computed.",
        "zh": "自规划基年以来的各个数值统计口径各不相同，无法计算趋势。"},
    "board.ingest_link": {"en": "How to load real data", "zh": "如何导入真实数据"},
    "guide.title": {"en": "Load real data", "zh": "导入真实数据"},
    "guide.missing": {"en": "The guide is in README.md, section “Load a provincial table”.",
                      "zh": "导入说明见 README.md 的 “Load a provincial table” 一节。"},
    "scope.unstated": {"en": "scope not stated", "zh": "口径未说明"},
    "board.method.title": {"en": "How progress is assessed", "zh": "进展评估方法"},
    "board.method.body": {
        "en": "As in Eurostat's SDG monitoring for indicators with quantified targets: the growth rate "
              "observed since the baseline is compared with the rate needed to reach the target by the target "
              "year (compound annual growth where values are positive, otherwise linear). Ratio ≥ 95 %: on track; "
              "60–95 %: moderate progress; 0–60 %: insufficient progress; below 0: moving away. A met target is "
              "achieved. Only real figures (reported, or derived from reported ones) that count exactly what the "
              "target counts are used: a target nothing measures is \"not measured\", one with only generated "
              "values has \"no real data\". Where releases changed their statistical scope, progress is computed "
              "within one scope (the latest figure's, if two or more share it) and the card names it. The baseline "
              "is the plan's base-year value (the year before it starts) or else the first value at or after its "
              "start; where a year has several figures the latest as-of date wins. Counts of projects and factories "
              "compare cumulative totals since the year the target counts from.",
        "zh": "参照欧盟统计局可持续发展目标监测中对有量化目标指标的评估方法：比较自基期以来的实际增速与按期实现目标"
              "所需增速（数值为正时用复合年均增长率，否则用线性增速）。比值≥95%为进展顺利；60%–95%为进展一般；"
              "0–60%为进展不足；小于0为偏离目标；已达到目标为已实现。只采用与目标统计对象完全一致的真实数值"
              "（公布值或据公布值推算的数值）：没有相应统计的目标为“不可评估”，只有示意数值的为“无真实数据”。"
              "各次发布统计口径不同时，在同一口径内计算进展（若最新数值所属口径有两个及以上数值则取该口径），"
              "并在卡片上注明。基期取规划基年（规划起始前一年）数值，否则取规划起始后的首个数值；同一年有多个数值时"
              "取截至日期最晚者。项目、工厂等数量指标比较自目标起算年份以来的累计值。",
    },
    "status.achieved": {"en": "Achieved", "zh": "已实现"},
    "status.on_track": {"en": "On track", "zh": "进展顺利"},
    "status.moderate": {"en": "Moderate progress", "zh": "进展一般"},
    "status.insufficient": {"en": "Insufficient progress", "zh": "进展不足"},
    "status.moving_away": {"en": "Moving away", "zh": "偏离目标"},
    "status.no_data": {"en": "No data", "zh": "无数据"},
    "status.no_trend": {"en": "Too few values to assess", "zh": "数据不足，无法评估"},
    "status.not_measured": {"en": "Not measured", "zh": "不可评估"},
    "status.no_real_data": {"en": "No real data", "zh": "无真实数据"},
    "status.value.estimated": {"en": "estimated (derived)", "zh": "推算值"},
    "status.value.projected": {"en": "projected (forecast)", "zh": "预测值"},
    "badge.illustrative": {"en": "Illustrative data", "zh": "示意数据"},
    "badge.illustrative.help": {
        "en": "Some values shown are generated illustrative values, not official statistics.",
        "zh": "部分数值为生成的示意数据，并非官方统计。",
    },
    "source": {"en": "Source", "zh": "来源"},
    "sources": {"en": "Sources", "zh": "来源"},
    "map.heading": {"en": "Provinces compared", "zh": "分省比较"},
    "map.indicator": {"en": "Indicator", "zh": "指标"},
    "map.year": {"en": "Year", "zh": "年份"},
    "map.play": {"en": "Play", "zh": "播放"},
    "map.pause": {"en": "Pause", "zh": "暂停"},
    "map.mark_target": {"en": "Mark provinces meeting the national target", "zh": "标出达到全国目标的省份"},
    "map.ranking": {"en": "Ranking", "zh": "排名"},
    "map.no_province_data": {"en": "No province-level data for this indicator.", "zh": "该指标暂无分省数据。"},
    "map.click_hint": {"en": "Click a province to open its trend.", "zh": "点击省份查看趋势。"},
    "map.no_data": {"en": "No data", "zh": "无数据"},
    "map.rank": {"en": "Rank", "zh": "排名"},
    "map.illustrative": {"en": "Illustrative value", "zh": "示意数值"},
    "map.target_met": {"en": "Meets national target", "zh": "达到全国目标"},
    "map.outline_unjudged": {
        "en": "Only illustrative province values exist for this year, so no province is outlined as meeting the "
              "target.",
        "zh": "该年份只有示意的分省数值，因此不标出达到目标的省份。"},
    "map.no_real_values": {"en": "No real province values for this year.", "zh": "该年份暂无真实分省数值。"},
    "toggle.reported_only": {"en": "Reported only", "zh": "仅真实数据"},
    "map.inset": {"en": "South China Sea Islands", "zh": "南海诸岛"},
    "trends.heading": {"en": "Trends over time", "zh": "历年趋势"},
    "trends.regions": {"en": "Regions", "zh": "地区"},
    "trends.target": {"en": "Target", "zh": "目标"},
    "trends.required_path": {"en": "Required path", "zh": "达标所需路径"},
    "trends.projection": {"en": "Current trend", "zh": "按当前趋势"},
    "trends.scope": {"en": "Scope", "zh": "统计口径"},
    "trends.no_data": {"en": "No data for this selection.", "zh": "所选范围暂无数据。"},
    "error.no_warehouse.title": {"en": "The data warehouse is not built yet", "zh": "数据仓库尚未生成"},
    "error.no_warehouse.body": {
        "en": "Build it with `make run` or `python -m pipelines build`, then reload this page.",
        "zh": "请运行 `make run` 或 `python -m pipelines build` 生成后刷新本页。",
    },
    "data.heading": {"en": "Data for researchers", "zh": "数据下载"},
    "data.intro": {
        "en": "Choose indicators, regions, years and statuses. The preview, the downloads, the API URL and the "
              "pandas snippet below all describe exactly this slice.",
        "zh": "选择指标、地区、年份和数据状态。下方的预览、下载文件、API 地址和 pandas 代码都对应同一份数据。",
    },
    "data.indicators": {"en": "Indicators", "zh": "指标"},
    "data.regions": {"en": "Regions and groups", "zh": "地区与区域"},
    "data.from": {"en": "From", "zh": "起始年份"},
    "data.to": {"en": "To", "zh": "截止年份"},
    "data.status": {"en": "Status", "zh": "数据状态"},
    "data.all": {"en": "All", "zh": "全部"},
    "data.status.reported": {"en": "Reported", "zh": "公布值"},
    "data.status.estimated": {"en": "Estimated", "zh": "估算值"},
    "data.status.illustrative": {"en": "Illustrative", "zh": "示意值"},
    "data.status.projected": {"en": "Projected", "zh": "预测值"},
    "data.macro.east": {"en": "Eastern region", "zh": "东部地区"},
    "data.macro.central": {"en": "Central region", "zh": "中部地区"},
    "data.macro.west": {"en": "Western region", "zh": "西部地区"},
    "data.macro.northeast": {"en": "Northeast", "zh": "东北地区"},
    "data.cluster": {"en": "cluster", "zh": "集群"},
    "data.members": {"en": "{n} provinces", "zh": "{n} 个省级地区"},
    "data.rows": {"en": "{total} rows", "zh": "共 {total} 行"},
    "data.preview_capped": {"en": "preview shows the first {shown}", "zh": "预览前 {shown} 行"},
    "data.no_rows": {"en": "No observations match this selection.", "zh": "所选范围暂无数据。"},
    "data.no_status": {"en": "Pick at least one status.", "zh": "请至少选择一种数据状态。"},
    "data.bad_link": {"en": "Part of this link was not understood ({message}); showing all data instead.",
                      "zh": "链接中的部分参数无法识别（{message}），已改为显示全部数据。"},
    "data.download": {"en": "Download", "zh": "下载"},
    "data.download.parquet": {"en": "Parquet", "zh": "Parquet"},
    "data.download.csv": {"en": "CSV", "zh": "CSV"},
    "data.download.xlsx": {"en": "Excel", "zh": "Excel"},
    "data.download.json": {"en": "JSON", "zh": "JSON"},
    "data.download.parquet.help": {"en": "zstd-compressed; pandas, polars, R arrow, DuckDB",
                                   "zh": "zstd 压缩；适用于 pandas、polars、R arrow、DuckDB"},
    "data.download.csv.help": {"en": "UTF-8 with BOM: Excel shows Chinese correctly",
                               "zh": "带 BOM 的 UTF-8：Excel 可正确显示中文"},
    "data.download.xlsx.help": {"en": "data sheet plus a provenance sheet", "zh": "数据表及来源说明表"},
    "data.download.json.help": {"en": "rows with their provenance", "zh": "数据行及来源说明"},
    "api.heading": {"en": "Fetch the same slice from a script", "zh": "用代码获取同一份数据"},
    "api.url": {"en": "API URL", "zh": "API 地址"},
    "api.snippet": {"en": "pandas", "zh": "pandas 代码"},
    "api.copy": {"en": "Copy", "zh": "复制"},
    "api.docs": {"en": "API reference (OpenAPI)", "zh": "API 说明（OpenAPI）"},
    "api.provenance": {
        "en": "Every file carries its provenance — the query, indicator names and units, source titles, the "
              "warehouse build time and a licence note: in Parquet metadata, on an Excel sheet, and for CSV at "
              "the URL in the response's Link header.",
        "zh": "每个文件都附带来源说明：查询条件、指标名称与单位、资料来源、数据仓库生成时间及许可说明。"
              "Parquet 写入元数据，Excel 另设工作表，CSV 则见响应 Link 头所指地址。",
    },
}


def parse_lang(value: object) -> str:
    """A visitor's language from an address or header value; anything unknown means the default."""
    return value if isinstance(value, str) and value in LANGUAGES else DEFAULT_LANG


def current_lang() -> str:
    return _current.get()


@contextlib.contextmanager
def language(lang: str) -> Iterator[None]:
    """Render in ``lang`` inside the block (tests, exports); requests set it with ``use_request_language``."""
    token = _current.set(parse_lang(lang))
    try:
        yield
    finally:
        _current.reset(token)


def use_request_language(headers: Mapping[str, str], args: Mapping[str, str]) -> None:
    """Flask ``before_request``: the header the page's scripts send wins, else the address's ``lang``."""
    _current.set(parse_lang(headers.get(LANG_HEADER) or args.get("lang")))


def end_request_language(_: BaseException | None = None) -> None:
    """Flask ``teardown_request``: the thread goes back to the default, so nothing outlives its request."""
    _current.set(DEFAULT_LANG)


def t(key: str, lang: str | None = None) -> str:
    """The string for ``key`` in ``lang`` (default: the visitor's); a missing key raises, never shows the key."""
    return STRINGS[key][lang or _current.get()]


def display_unit(indicator: Any) -> str:
    """What follows a value of ``indicator`` (a row with ``unit``, ``unit_zh``, ``unit_en``): "%", the count
    word in the visitor's language (家 / providers), or nothing (indices)."""
    if indicator["unit"] == "%":
        return "%"
    word = indicator.get(f"unit_{current_lang()}") if hasattr(indicator, "get") else None
    return word if isinstance(word, str) and word else ""


MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def date_label(year: int, month: int | None = None) -> str:
    """A figure's date as each language writes it: 2025年3月 / Mar 2025; a year-end figure is its year."""
    if month is None:
        return str(year)
    return f"{year}年{month}月" if current_lang() == "zh" else f"{MONTHS_EN[month - 1]} {year}"


def name(row: Any, *, short: bool = False) -> str:
    """A catalogue name in the visitor's language: ``name_zh`` (or ``short_zh``) / ``name_en`` of a row,
    record or mapping. English has no short form; Chinese short names (江苏) are how people say them."""
    key = ("short_zh" if short else "name_zh") if current_lang() == "zh" else "name_en"
    return str(row[key] if isinstance(row, Mapping) or hasattr(row, "__getitem__") else getattr(row, key))
