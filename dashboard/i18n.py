"""Every user-facing string of the dashboard, in Chinese and English, looked up by key.

Pages call ``t(key)``; nothing user-facing is written inline. The language comes from the ``lang`` setting
(default English); a language switch only has to change it.
"""

from __future__ import annotations

import os

LANGUAGES = ("en", "zh")
DEFAULT_LANG = os.environ.get("IMM_LANG", "en") if os.environ.get("IMM_LANG") in LANGUAGES else "en"

STRINGS: dict[str, dict[str, str]] = {
    "app.title": {"en": "Intelligent Manufacturing Monitor", "zh": "智能制造规划指标监测"},
    "nav.board": {"en": "Targets", "zh": "目标进展"},
    "nav.map": {"en": "Province map", "zh": "分省地图"},
    "nav.trends": {"en": "Trends", "zh": "趋势"},
    "nav.data": {"en": "Data", "zh": "数据"},
    "board.heading": {"en": "Progress towards plan targets", "zh": "规划目标进展"},
    "board.horizon": {"en": "Target year", "zh": "目标年份"},
    "board.as_of": {"en": "as of", "zh": "截至"},
    "board.target": {"en": "Target", "zh": "目标"},
    "board.baseline": {"en": "Baseline", "zh": "基期"},
    "board.cumulative": {"en": "cumulative total", "zh": "累计"},
    "board.no_value": {"en": "No figure published yet", "zh": "暂无公开数据"},
    "board.method.title": {"en": "How progress is assessed", "zh": "进展评估方法"},
    "board.method.body": {
        "en": "As in Eurostat's SDG monitoring for indicators with quantified targets: the growth rate "
              "observed since the baseline is compared with the rate needed to reach the target by the target "
              "year (compound annual growth where values are positive, otherwise linear). Ratio ≥ 95 %: on track; "
              "60–95 %: moderate progress; 0–60 %: insufficient progress; below 0: moving away. A met target is "
              "achieved. The baseline is the plan's base-year value (the year before it starts) or else the first "
              "value at or after its start; where a year has several figures the latest as-of date wins. Counts "
              "of projects and factories compare cumulative totals.",
        "zh": "参照欧盟统计局可持续发展目标监测中对有量化目标指标的评估方法：比较自基期以来的实际增速与按期实现目标"
              "所需增速（数值为正时用复合年均增长率，否则用线性增速）。比值≥95%为进展顺利；60%–95%为进展一般；"
              "0–60%为进展不足；小于0为偏离目标；已达到目标为已实现。基期取规划基年（规划起始前一年）数值，"
              "否则取规划起始后的首个数值；同一年有多个数值时取截至日期最晚者。项目、工厂等数量指标比较累计值。",
    },
    "status.achieved": {"en": "Achieved", "zh": "已实现"},
    "status.on_track": {"en": "On track", "zh": "进展顺利"},
    "status.moderate": {"en": "Moderate progress", "zh": "进展一般"},
    "status.insufficient": {"en": "Insufficient progress", "zh": "进展不足"},
    "status.moving_away": {"en": "Moving away", "zh": "偏离目标"},
    "status.no_data": {"en": "No data", "zh": "无数据"},
    "status.no_trend": {"en": "Too few values to assess", "zh": "数据不足，无法评估"},
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
    "map.inset": {"en": "South China Sea Islands", "zh": "南海诸岛"},
    "trends.heading": {"en": "Trends over time", "zh": "历年趋势"},
    "trends.regions": {"en": "Regions", "zh": "地区"},
    "trends.target": {"en": "Target", "zh": "目标"},
    "trends.required_path": {"en": "Required path", "zh": "达标所需路径"},
    "trends.projection": {"en": "Current trend", "zh": "按当前趋势"},
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


def t(key: str, lang: str = DEFAULT_LANG) -> str:
    """The string for ``key`` in ``lang``; a missing key is a bug, so it raises rather than showing the key."""
    return STRINGS[key][lang]
