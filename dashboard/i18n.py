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
    "chart.png": {"en": "PNG", "zh": "PNG 图片"},
    "chart.svg": {"en": "SVG", "zh": "SVG 矢量图"},
    "chart.download.help": {"en": "Download this chart at 1920×1080 with its title, sources and date",
                            "zh": "下载本图（1920×1080，含标题、来源和数据日期）"},
    "chart.table": {"en": "Show as table", "zh": "以表格显示"},
    "chart.data_as_of": {"en": "data as of {date}", "zh": "数据截至 {date}"},
    "chart.table.series": {"en": "Series", "zh": "系列"},
    "chart.table.x": {"en": "Year / region", "zh": "年份 / 地区"},
    "chart.table.value": {"en": "Value", "zh": "数值"},
    "trends.title": {"en": "{indicator} · {regions}", "zh": "{indicator} · {regions}"},
    "list.separator": {"en": ", ", "zh": "、"},
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
    "map.no_data": {"en": "No data", "zh": "无数据"},
    "map.rank": {"en": "Rank", "zh": "排名"},
    "map.illustrative": {"en": "Illustrative value", "zh": "示意数值"},
    "map.target_met": {"en": "Meets national target", "zh": "达到全国目标"},
    "map.outline_unjudged": {
        "en": "Only illustrative province values exist for this year, so no province is outlined as meeting the "
              "target.",
        "zh": "该年份只有示意的分省数值，因此不标出达到目标的省份。"},
    "map.no_real_values": {"en": "No real province values for this year.", "zh": "该年份暂无真实分省数值。"},
    "map.unranked": {
        "en": "Illustrative values are drawn lighter and never ranked; ranks compare real values of one statistical "
              "scope.",
        "zh": "示意数值以浅色显示且不参与排名；排名只比较同一统计口径的真实数值。"},
    "toggle.reported_only": {"en": "Reported only", "zh": "仅真实数据"},
    "map.inset": {"en": "South China Sea Islands", "zh": "南海诸岛"},
    # map page: tile grid, hover panel, ranking lines, region groups
    "map.view.map": {"en": "Map", "zh": "地图"},
    "map.view.tiles": {"en": "Tile grid", "zh": "方格图"},
    "map.view.help": {"en": "Tile grid: one equal square per province, so small provinces are as visible as large "
                              "ones", "zh": "方格图：每个省级地区一个同样大小的方格，小省份与大省份一样醒目"},
    "map.group": {"en": "Region group", "zh": "区域"},
    "map.group.none": {"en": "None", "zh": "不突出显示"},
    "map.group.members": {"en": "{group}: members", "zh": "{group}成员"},
    "map.group.value": {"en": "{group}, {year}: {value}", "zh": "{group}（{year}年）：{value}"},
    "map.group.mean": {"en": "mean of the {n} of {m} members that report", "zh": "{m} 个成员中有数值的 {n} 个的平均值"},
    "map.group.sum": {"en": "sum of all {m} members", "zh": "全部 {m} 个成员之和"},
    "map.group.partial_sum": {
        "en": "{group}, {year}: no total — only {n} of {m} members report, and a partial sum would read as a fall",
        "zh": "{group}（{year}年）：不计算合计——{m} 个成员中只有 {n} 个有数值，部分加总会被误读为下降"},
    "map.group.no_values": {"en": "{group}, {year}: no member reports a value",
                            "zh": "{group}（{year}年）：没有成员有数值"},
    "map.group.members_link": {"en": "Members on Trends", "zh": "在趋势页查看各成员"},
    "map.group.line_link": {"en": "Group line on Trends", "zh": "在趋势页查看区域合计线"},
    "map.hover.hint": {"en": "Point at a province to see its series and rank.",
                       "zh": "将鼠标移到省份上，查看其历年数值与排名。"},
    "map.hover.rank_of": {"en": "Rank {rank} of {n} reporting (same scope)",
                          "zh": "第 {rank} 名，共 {n} 个真实数值（同一统计口径）"},
    "map.hover.not_ranked": {"en": "Not ranked: illustrative value", "zh": "不参与排名：示意数值"},
    "map.hover.year_point": {"en": "Year on the map", "zh": "地图所示年份"},
    "map.hover.no_value": {"en": "{year}: no value", "zh": "{year}年：无数值"},
    "map.hover.series": {"en": "{n} values, {first}–{last}", "zh": "{first}–{last}年共 {n} 个数值"},
    "map.hover.series_illustrative": {"en": "{k} of them illustrative", "zh": "其中 {k} 个为示意数值"},
    "map.ranking.real": {"en": "Reported or estimated", "zh": "报告值或估算值"},
    "map.ranking.illustrative": {"en": "Illustrative (not ranked)", "zh": "示意数值（不参与排名）"},
    "map.ranking.national": {"en": "China {value}", "zh": "全国 {value}"},
    "map.ranking.target": {"en": "Target {target}", "zh": "目标 {target}"},
    "link.region.not_on_map": {
        "en": "\"{value}\" (parameter region) is not a province or a group of provinces, so the map cannot outline "
              "it.",
        "zh": "“{value}”（参数 region）不是省级地区或区域，地图无法突出显示。"},
    "trends.heading": {"en": "Trends over time", "zh": "历年趋势"},
    "trends.regions": {"en": "Regions", "zh": "地区"},
    "trends.target": {"en": "Target", "zh": "目标"},
    "trends.required_path": {"en": "Required path", "zh": "达标所需路径"},
    "trends.projection": {"en": "Current trend", "zh": "按当前趋势"},
    "trends.scope": {"en": "Scope", "zh": "统计口径"},
    "trends.no_data": {"en": "No data for this selection.", "zh": "所选范围暂无数据。"},
    # -- region groups on /trends: one aggregated line each, the method under the chart, members a click away --
    "trends.group.members": {"en": "{n} of {total} members report", "zh": "{total} 个成员中 {n} 个有数据"},
    "trends.group.mean": {
        "en": "{group}: the plain mean of the member provinces that report each year (not weighted); the hover "
              "says how many report.",
        "zh": "{group}：各年有数据的成员省份的简单平均（未加权），悬停可见有数据的成员数。"},
    "trends.group.sum": {
        "en": "{group}: the sum of the member provinces, drawn only in years where all of them report.",
        "zh": "{group}：成员省份之和，仅绘制全部成员均有数据的年份。"},
    "trends.group.sum_none": {
        "en": "{group}: not drawn — a group is the sum of its member provinces, and no year in this selection has "
              "figures for all of them.",
        "zh": "{group}：未绘制——区域数值为成员省份之和，而所选范围内没有哪一年全部成员均有数据。"},
    "trends.group.mean_none": {"en": "{group}: not drawn — no member province has figures in this selection.",
                               "zh": "{group}：未绘制——所选范围内成员省份均无数据。"},
    "trends.group.weakest": {
        "en": "A group value is only as real as its members' values: one generated member value makes it "
              "illustrative.",
        "zh": "区域数值的真实程度取决于其成员：任一成员为示意数值，该年区域数值即为示意数值。"},
    "trends.group.members_list": {"en": "Members:", "zh": "成员："},
    "trends.group.show_members": {"en": "Draw its members instead", "zh": "改为分别绘制成员省份"},
    "trends.compare": {"en": "Compare:", "zh": "比较："},
    "trends.compare.clusters": {"en": "the four clusters", "zh": "四大集群"},
    "trends.compare.macro": {"en": "the four macro-regions", "zh": "四大区域"},
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
    "data.preview": {"en": "Preview of the selected rows", "zh": "所选数据预览"},
    "data.page": {"en": "rows {first}–{last} of {total}", "zh": "第 {first}–{last} 行，共 {total} 行"},
    "data.page.prev": {"en": "Previous rows", "zh": "上一页"},
    "data.page.next": {"en": "Next rows", "zh": "下一页"},
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
    # -- sources & methodology (/sources) and data quality (/quality) --
    "nav.sources": {"en": "Sources & methods", "zh": "来源与方法"},
    "nav.quality": {"en": "Data quality", "zh": "数据质量"},
    "sources.heading": {"en": "Sources and methodology", "zh": "数据来源与方法说明"},
    "sources.intro": {
        "en": "Where every indicator and target comes from, how the plans' wording was read, how progress is "
              "assessed and which values are generated. Everything here is read from the warehouse; definitions "
              "and notes appear in the language the catalogue records them in.",
        "zh": "每个指标和目标的出处、规划条文的解读方式、进展评估方法，以及哪些数值是生成的示意数据。本页内容均读自"
              "数据仓库；定义和说明按目录记录时所用的语言显示。"},
    "sources.counts": {"en": "{indicators} indicators · {targets} targets · {plans} plans",
                       "zh": "{indicators} 个指标 · {targets} 个目标 · {plans} 项规划"},
    "sources.toc": {"en": "Contents", "zh": "目录"},
    "sources.indicators": {"en": "Indicators", "zh": "指标"},
    "sources.plans": {"en": "Plans", "zh": "规划"},
    "sources.values": {"en": "What a value's status means", "zh": "数值状态的含义"},
    "sources.illustrative": {"en": "Illustrative data and how to replace it", "zh": "示意数据及其替换"},
    "sources.unit": {"en": "Unit", "zh": "单位"},
    "sources.kind.share": {"en": "share, 0–100 %", "zh": "占比（0–100%）"},
    "sources.kind.count": {"en": "count", "zh": "数量"},
    "sources.kind.persons": {"en": "head-count", "zh": "人数"},
    "sources.kind.change": {"en": "percent change (may be negative)", "zh": "变化率（%，可为负）"},
    "sources.kind.index": {"en": "index", "zh": "指数"},
    "sources.direction": {"en": "Better when", "zh": "方向"},
    "sources.direction.higher": {"en": "higher", "zh": "越高越好"},
    "sources.direction.lower": {"en": "lower", "zh": "越低越好"},
    "sources.aggregation": {"en": "Province values", "zh": "分省数值"},
    "sources.aggregation.sum": {"en": "add up to the national figure", "zh": "加总即为全国数值"},
    "sources.aggregation.none": {"en": "do not add up; the national figure is published separately",
                                 "zh": "不可加总，全国数值单独公布"},
    "sources.accumulation": {"en": "Each value", "zh": "每个数值"},
    "sources.accumulation.level": {"en": "is the level at that time", "zh": "为当时的水平"},
    "sources.accumulation.flow": {"en": "counts one batch or year; totals are the sums of batches",
                                  "zh": "为当批（当年）的数量，累计值为各批之和"},
    "sources.scope": {"en": "Statistical scope", "zh": "统计口径"},
    "sources.col.publisher": {"en": "Publisher", "zh": "发布机构"},
    "sources.col.date": {"en": "Date", "zh": "日期"},
    "sources.col.locator": {"en": "Section or occasion", "zh": "章节或场合"},
    "sources.col.role": {"en": "Used for", "zh": "用途"},
    "sources.role.defines": {"en": "defines the indicator", "zh": "定义指标"},
    "sources.role.values": {"en": "{n} values", "zh": "{n} 个数值"},
    "sources.day": {"en": "{day} {date}", "zh": "{date}{day}日"},
    "sources.targets": {"en": "Targets", "zh": "目标"},
    "sources.no_targets": {"en": "No tracked plan sets a target for this indicator.",
                           "zh": "所跟踪的规划没有为该指标设定目标。"},
    "sources.coverage_link": {"en": "Which regions and years hold data", "zh": "查看哪些地区和年份有数据"},
    "sources.col.plan": {"en": "Plan and section", "zh": "规划及条款"},
    "sources.col.measure": {"en": "Measured by", "zh": "衡量方式"},
    "sources.col.note": {"en": "How the wording was read", "zh": "条文解读"},
    "sources.measure.level": {"en": "{indicator}: its level at a time", "zh": "{indicator}：某一时点的水平值"},
    "sources.measure.stock": {"en": "{indicator}: the count standing at a time", "zh": "{indicator}：某一时点的存量"},
    "sources.measure.cumulative": {"en": "{indicator}: batches summed from {since} on",
                                   "zh": "{indicator}：自 {since} 年起各批次累计"},
    "sources.measure.breakdown": {"en": "breakdown “{breakdown}”", "zh": "分组“{breakdown}”"},
    "sources.measure.scope": {"en": "only figures of scope “{scope}”", "zh": "仅限口径为“{scope}”的数值"},
    "sources.col.status": {"en": "Status", "zh": "状态"},
    "sources.col.meaning": {"en": "Meaning", "zh": "含义"},
    "sources.status.achieved": {"en": "The latest real figure meets the target.", "zh": "最新真实数值已达到目标。"},
    "sources.status.on_track": {
        "en": "Growth since the baseline is at least 95 % of the growth needed to reach the target in time.",
        "zh": "自基期以来的增速不低于按期达标所需增速的 95%。"},
    "sources.status.moderate": {"en": "Growth is 60–95 % of the growth needed.",
                                "zh": "增速为所需增速的 60%–95%。"},
    "sources.status.insufficient": {"en": "Growth is under 60 % of the growth needed, but in the right direction.",
                                    "zh": "增速方向正确，但低于所需增速的 60%。"},
    "sources.status.moving_away": {"en": "Since the baseline the figure has moved away from the target.",
                                   "zh": "自基期以来数值朝偏离目标的方向变化。"},
    "sources.status.no_trend": {
        "en": "One real figure in the scope used, or none since the baseline: no growth rate can be computed.",
        "zh": "所用口径内只有一个真实数值，或基期以来没有数值：无法计算增速。"},
    "sources.status.no_data": {"en": "No figure has been published yet.", "zh": "尚无公开数值。"},
    "sources.status.not_measured": {
        "en": "No published figure counts what the target counts; the target says why.",
        "zh": "没有公开数据统计该目标所统计的对象；目标处注明原因。"},
    "sources.status.no_real_data": {
        "en": "Only illustrative (generated) values match what the target counts, so no status is given.",
        "zh": "与目标统计对象对应的只有示意（生成）数值，因此不作评估。"},
    "sources.value.reported": {"en": "Published by the source cited.", "zh": "由所引来源公布。"},
    "sources.value.estimated": {
        "en": "Derived from reported figures, with the arithmetic in the value's note; counts as real.",
        "zh": "据公布数值推算，算法见该数值的备注；视为真实数据。"},
    "sources.value.illustrative": {
        "en": "Generated, not an official statistic: shown so that maps and trends can be read before real data "
              "is loaded, never used for a status, a rank or a map outline.",
        "zh": "生成的数值，并非官方统计：用于在导入真实数据之前展示地图和趋势，不用于评估、排名或地图标注。"},
    "sources.value.projected": {"en": "A forecast published by the source; never used to assess progress.",
                                "zh": "来源发布的预测值；不用于评估进展。"},
    "sources.illustrative.body": {
        "en": "Where no province publishes a series, the province panels are filled with generated values so that "
              "the map and the trends can be read. They respect every published constraint (for example, each "
              "year's mean over the provinces equals the national figure) and leave to real figures every cell "
              "those fill. Every chart that shows them carries this badge. The generated sources in this warehouse:",
        "zh": "在没有省份公布系列数据的地方，分省面板以生成的数值填充，使地图和趋势可以阅读。这些数值符合所有已公布的"
              "约束（例如各年分省均值等于全国数值），并把有真实数值的格子留给真实数值。凡展示这些数值的图表都带有"
              "此标记。本数据仓库中的示意数据来源："},
    "sources.illustrative.none": {"en": "This warehouse holds no illustrative values.",
                                  "zh": "本数据仓库没有示意数值。"},
    "sources.illustrative.replace": {
        "en": "To replace them, load a real provincial table (CSV, XLSX or Parquet) with {command}: for the same "
              "region and year a real value wins over an illustrative one.",
        "zh": "如需替换，请用 {command} 导入真实的分省数据表（CSV、XLSX 或 Parquet）："
              "同一地区同一年份，真实数值优先于示意数值。"},
    "sources.quality_link": {"en": "Which cells are real: data quality", "zh": "哪些数值为真实数据：数据质量"},
    "sources.col.plan_name": {"en": "Plan", "zh": "规划"},
    "sources.col.years": {"en": "Years", "zh": "年份"},
    "sources.col.document": {"en": "Document and section", "zh": "文件及条款"},
    "sources.col.n_targets": {"en": "Targets", "zh": "目标数"},
    "sources.plan_span": {"en": "{start}–{end}", "zh": "{start}–{end} 年"},
    "quality.heading": {"en": "Data quality", "zh": "数据质量"},
    "quality.intro": {
        "en": "Read directly from the warehouse: how many values it holds of each status, which regions and years "
              "of a series are real, every file loaded and every row rejected.",
        "zh": "直接读自数据仓库：各状态数值的数量、各系列哪些地区和年份为真实数据、每次导入的文件以及"
              "每一条被拒绝的行。"},
    "quality.total": {"en": "All values", "zh": "全部数值"},
    "quality.runs": {"en": "Ingest runs", "zh": "导入记录"},
    "quality.rejected": {"en": "Rejected rows", "zh": "被拒绝的行"},
    "quality.coverage": {"en": "Coverage by region and year", "zh": "分地区、分年份的数据覆盖"},
    "quality.coverage.hint": {
        "en": "The series without breakdown, one cell per region and year. Where a cell holds several values, a "
              "real one (reported, then estimated) wins over a forecast and a forecast over an illustrative one. "
              "Point at a cell to see everything it holds.",
        "zh": "不分组的系列，每个地区每个年份一格。一格有多个数值时，真实数值（先公布值、后推算值）优先于预测值，"
              "预测值优先于示意值。鼠标指向格子可查看其全部数值。"},
    "quality.no_plain": {"en": "This indicator has no values without a breakdown, so there is nothing to show by "
                               "region and year.",
                         "zh": "该指标没有不分组的数值，无法按地区和年份展示。"},
    "quality.legend": {"en": "What the cells show", "zh": "图例"},
    "quality.cells": {"en": "{n} cells", "zh": "{n} 格"},
    "quality.cell": {"en": "{region}, {year}: {status}", "zh": "{region}，{year} 年：{status}"},
    "quality.cell.rows": {"en": "{n} values: {statuses}", "zh": "共 {n} 个数值：{statuses}"},
    "quality.list_sep": {"en": ", ", "zh": "、"},
    "quality.status.missing": {"en": "Missing", "zh": "缺失"},
    "quality.abbr.reported": {"en": "R", "zh": "公"},
    "quality.abbr.estimated": {"en": "E", "zh": "估"},
    "quality.abbr.illustrative": {"en": "I", "zh": "示"},
    "quality.abbr.projected": {"en": "P", "zh": "预"},
    "quality.abbr.missing": {"en": "·", "zh": "·"},
    "quality.definition_link": {"en": "Definition and sources of this indicator", "zh": "该指标的定义与来源"},
    "quality.runs.hint": {
        "en": "One row per file processed, newest first. Read = loaded + rejected + skipped; revised values are "
              "counted among the loaded.",
        "zh": "每处理一个文件记一行，最新的在前。读取 = 导入 + 拒绝 + 跳过；修订的数值计入导入。"},
    "quality.no_runs": {"en": "No file has been loaded.", "zh": "尚未导入任何文件。"},
    "quality.col.run": {"en": "Run", "zh": "批次"},
    "quality.col.command": {"en": "Command", "zh": "命令"},
    "quality.col.file": {"en": "File", "zh": "文件"},
    "quality.col.options": {"en": "Options", "zh": "选项"},
    "quality.col.read": {"en": "Read", "zh": "读取"},
    "quality.col.loaded": {"en": "Loaded", "zh": "导入"},
    "quality.col.revised": {"en": "Revised", "zh": "修订"},
    "quality.col.rejected": {"en": "Rejected", "zh": "拒绝"},
    "quality.col.skipped": {"en": "Skipped", "zh": "跳过"},
    "quality.col.outcome": {"en": "Outcome", "zh": "结果"},
    "quality.col.finished": {"en": "Finished (UTC)", "zh": "完成时间（UTC）"},
    "quality.col.row": {"en": "Row", "zh": "行号"},
    "quality.col.column": {"en": "Column", "zh": "列"},
    "quality.col.raw": {"en": "Content", "zh": "内容"},
    "quality.col.reason": {"en": "Reason", "zh": "原因"},
    "quality.outcome.loaded": {"en": "loaded", "zh": "已导入"},
    "quality.outcome.partial": {"en": "partly rejected", "zh": "部分拒绝"},
    "quality.outcome.rejected": {"en": "all rejected", "zh": "全部拒绝"},
    "quality.outcome.no_change": {"en": "no change", "zh": "无变化"},
    "quality.no_rejected": {"en": "No row has been rejected.", "zh": "没有被拒绝的行。"},
    "quality.rejected.all": {"en": "{total} rejected rows, newest run first.",
                             "zh": "共 {total} 行被拒绝，最新批次在前。"},
    "quality.rejected.shown": {"en": "{total} rejected rows, newest run first; the first {shown} are shown.",
                               "zh": "共 {total} 行被拒绝，最新批次在前；显示前 {shown} 行。"},
    "quality.rejected.hint": {"en": "Correct them in the file and ingest it again: rows already loaded are skipped.",
                              "zh": "在文件中改正后重新导入即可：已导入的行会被跳过。"},
    # -- deep links (every page) and the province profile (/province/<region>) --
    "link.did_you_mean": {"en": "Did you mean:", "zh": "您是否要找："},
    "link.showing": {"en": "Showing {what} instead.", "zh": "现显示{what}。"},
    "link.national": {"en": "the national series", "zh": "全国数据"},
    "link.all_targets": {"en": "all targets", "zh": "全部目标"},
    "link.region.unknown": {
        "en": "The address names the region \"{value}\" (parameter {param}), which is not a region code, name or "
              "group.",
        "zh": "地址中的地区“{value}”（参数 {param}）不是可识别的地区代码、名称或区域。"},
    "link.region.group_board": {
        "en": "\"{value}\" (parameter region) is a group of provinces; this page shows one region at a time.",
        "zh": "“{value}”（参数 region）是由多个省级地区组成的区域；本页一次只显示一个地区。"},
    "link.region.no_targets": {"en": "{value} (parameter region) has no tracked targets.",
                               "zh": "{value}（参数 region）没有跟踪的规划目标。"},
    "link.members_with_targets": {"en": "Its provinces with targets:", "zh": "其中有目标的省份："},
    "link.see": {"en": "See:", "zh": "参见："},
    "link.indicator.unknown": {
        "en": "The address names the indicator \"{value}\" (parameter indicator), which does not exist.",
        "zh": "地址中的指标“{value}”（参数 indicator）不存在。"},
    "link.indicator.no_data": {"en": "\"{value}\" (parameter indicator) has no figures to draw yet.",
                               "zh": "“{value}”（参数 indicator）暂无可绘制的数据。"},
    "link.indicator.no_province_data": {"en": "\"{value}\" (parameter indicator) has no province figures to map yet.",
                                        "zh": "“{value}”（参数 indicator）暂无可绘制地图的分省数据。"},
    "link.year.unknown": {
        "en": "The address asks for the year \"{value}\" (parameter year), which has no province figures for this "
              "indicator; years with figures: {choices}.",
        "zh": "地址中的年份“{value}”（参数 year）没有该指标的分省数据；有数据的年份：{choices}。"},
    "link.horizon.unknown": {
        "en": "The address asks for the target year \"{value}\" (parameter horizon), in which no target is due; target "
              "years: {choices}.",
        "zh": "地址中的目标年份“{value}”（参数 horizon）没有到期的目标；目标年份：{choices}。"},
    "map.click_profile": {"en": "Click a province or a ranking bar to open its profile.",
                          "zh": "点击省份或排名条，查看该省概况。"},
    "profile.title": {"en": "Province profile", "zh": "省份概况"},
    "profile.region": {"en": "Province", "zh": "省份"},
    "profile.pick": {"en": "Pick a province", "zh": "选择省份"},
    "profile.pick_hint": {"en": "Pick a province above to see its profile, or click one on the map.",
                          "zh": "请在上方选择省份查看概况，或在分省地图上点击省份。"},
    "profile.group": {
        "en": "\"{value}\" (parameter region) is a group of {n} provinces; a profile is of one province.",
        "zh": "“{value}”（参数 region）是由 {n} 个省级地区组成的区域；概况页面只针对单个省级地区。"},
    "profile.members": {"en": "Its members:", "zh": "成员："},
    "profile.national": {
        "en": "\"{value}\" (parameter region) is the nation as a whole; a profile is of one province.",
        "zh": "“{value}”（参数 region）指全国；概况页面只针对单个省级地区。"},
    "profile.see": {"en": "For the nation, see:", "zh": "全国情况请见："},
    "profile.macro_region": {"en": "Macro-region", "zh": "所属地区"},
    "profile.cluster": {"en": "Cluster", "zh": "所属集群"},
    "profile.unclassified": {"en": "not classified by the NBS", "zh": "国家统计局未划分"},
    "profile.no_cluster": {"en": "named in no cluster", "zh": "未列入集群"},
    "profile.open_trends": {"en": "Open in Trends", "zh": "在趋势页查看"},
    "profile.open_trend": {"en": "Trend", "zh": "趋势"},
    "profile.on_board": {"en": "On the Targets page", "zh": "在目标进展页查看"},
    "profile.indicators": {"en": "Indicators", "zh": "各项指标"},
    "profile.indicators.hint": {
        "en": "The province's latest figure of each indicator beside the national figure of the same (or the "
              "nearest) year and the national target it is held against. Real figures come first; illustrative "
              "ones are badged and never ranked. Ranks compare real values of one statistical scope.",
        "zh": "各项指标该省的最新数值，与同一年份（或最近年份）的全国数值及对照的全国目标并列。真实数值在前；"
              "示意数值带有标记且不参与排名。排名只比较同一统计口径的真实数值。"},
    "profile.col.indicator": {"en": "Indicator", "zh": "指标"},
    "profile.col.target": {"en": "National target", "zh": "全国目标"},
    "profile.col.rank": {"en": "Rank among provinces", "zh": "省际排名"},
    "profile.col.latest": {"en": "Latest figure", "zh": "最新数值"},
    "profile.per_batch": {"en": "one batch", "zh": "当批"},
    "profile.rank": {"en": "{rank} of {of} ({year})", "zh": "{year} 年第 {rank} 位（共 {of} 个）"},
    "profile.rank.up": {"en": "up {n} since {year}", "zh": "较 {year} 年上升 {n} 位"},
    "profile.rank.down": {"en": "down {n} since {year}", "zh": "较 {year} 年下降 {n} 位"},
    "profile.rank.same": {"en": "unchanged since {year}", "zh": "与 {year} 年持平"},
    "profile.rank.once": {"en": "ranked in one year only", "zh": "仅一个年份有排名"},
    "profile.not_ranked": {"en": "Not ranked", "zh": "不参与排名"},
    "profile.not_ranked.illustrative": {"en": "only illustrative values, which are never ranked",
                                        "zh": "只有示意数值，示意数值不参与排名"},
    "profile.not_ranked.alone": {"en": "no other province has a real value of the same scope in the same year",
                                 "zh": "同一年份没有其他省份的同口径真实数值"},
    "profile.targets": {"en": "Targets of {region}", "zh": "{region}的规划目标"},
    "profile.targets.none": {"en": "No plan target of {region} is tracked here.",
                             "zh": "本系统暂未跟踪{region}的规划目标。"},
    "profile.trends": {"en": "{region} and the nation over time", "zh": "{region}与全国历年走势"},
    "profile.trends.hint": {
        "en": "One panel per indicator. Each statistical scope is its own segment; illustrative values are drawn "
              "lighter; counts of batches are running totals.",
        "zh": "每项指标一幅小图。每个统计口径单独成段；示意数值以浅色显示；分批数量为累计值。"},
    "profile.scope_break": {"en": "dashed: another statistical scope", "zh": "虚线：另一统计口径"},
    "profile.no_data": {"en": "No figures for {region} yet.", "zh": "暂无{region}的数据。"},
    "profile.directory.other": {"en": "Not classified by the NBS", "zh": "国家统计局未划分"},
    # -- distance to target (/distance) --
    "nav.distance": {"en": "Distance", "zh": "距目标"},
    "distance.heading": {"en": "Distance to target", "zh": "距目标还有多远"},
    "distance.target": {"en": "Held against", "zh": "对照目标"},
    "distance.target.national": {"en": "National: {target} · {plan}", "zh": "全国：{target} · {plan}"},
    "distance.target.own": {"en": "Each region's own target", "zh": "各地区自身目标"},
    "distance.title": {"en": "{indicator}: years ahead of (+) or behind (−) the path to {target}",
                       "zh": "{indicator}：距{target}达标路径领先（+）或落后（−）的年数"},
    "distance.title.national": {"en": "the national target {target}", "zh": "全国目标 {target} 的"},
    "distance.title.own": {"en": "each region's own target", "zh": "各地区自身目标的"},
    "distance.bad_param": {
        "en": "The address asks for {param} “{value}”, which this page does not know; showing {shown} instead.",
        "zh": "链接中的参数 {param}=“{value}” 无法识别，已改为显示：{shown}。"},
    "distance.benchmark": {"en": "national target as benchmark", "zh": "以全国目标为基准"},
    "distance.years": {"en": "{value} yr", "zh": "{value} 年"},
    "distance.differs.yes": {"en": "differs", "zh": "不同"},
    "distance.sdsn.on_track": {"en": "On track", "zh": "按期达标"},
    "distance.sdsn.moderately_improving": {"en": "Moderately improving", "zh": "适度改善"},
    "distance.sdsn.stagnating": {"en": "Stagnating", "zh": "停滞"},
    "distance.sdsn.decreasing": {"en": "Decreasing", "zh": "倒退"},
    "distance.reached.achieved": {"en": "achieved", "zh": "已实现"},
    "distance.reached.never": {"en": "never at this pace", "zh": "按当前速度无法实现"},
    "distance.reached.unknown": {"en": "—", "zh": "—"},
    "distance.col.region": {"en": "Region", "zh": "地区"},
    "distance.col.latest": {"en": "Latest real figure", "zh": "最新真实数值"},
    "distance.col.target": {"en": "Target", "zh": "目标"},
    "distance.col.ahead": {"en": "Years ahead (+) / behind (−)", "zh": "领先（+）/ 落后（−）年数"},
    "distance.col.reached": {"en": "Year reached at current pace", "zh": "按当前速度达标年份"},
    "distance.col.eurostat": {"en": "Eurostat status", "zh": "欧盟统计局方法"},
    "distance.col.sdsn": {"en": "SDSN status", "zh": "SDSN 方法"},
    "distance.col.differs": {"en": "Methods differ?", "zh": "结论是否不同"},
    "distance.chart.differs": {"en": "SDSN status differs (hatched)", "zh": "SDSN 方法结论不同（斜线）"},
    "distance.chart.axis": {"en": "Years ahead (+) / behind (−) the required path",
                            "zh": "领先（+）或落后（−）达标所需路径的年数"},
    "distance.chart.ahead": {"en": "ahead →", "zh": "领先 →"},
    "distance.chart.behind": {"en": "← behind", "zh": "← 落后"},
    "distance.chart.zero": {"en": "required path", "zh": "所需路径"},
    "distance.chart.latest": {"en": "Latest real figure", "zh": "最新真实数值"},
    "distance.chart.reached": {"en": "Target reached at current pace", "zh": "按当前速度达标"},
    "distance.chart.eurostat": {"en": "Eurostat", "zh": "欧盟统计局"},
    "distance.chart.sdsn": {"en": "SDSN", "zh": "SDSN"},
    "distance.chart.empty": {
        "en": "No region has two real figures of one scope since the baseline, so no distance can be drawn yet.",
        "zh": "尚无地区自基期以来有两个同一口径的真实数值，暂无法绘制距目标差距。"},
    "distance.summary": {"en": "Regions with a distance: {drawn} of {total}.",
                         "zh": "{total} 个地区中有 {drawn} 个可计算距目标差距。"},
    "distance.few": {
        "en": "Too few real figures of one scope (a single figure, or figures counting different populations): "
              "{few}.",
        "zh": "{few} 个地区同一口径的真实数值不足（只有一个数值，或各数值统计口径不同）。"},
    "distance.not_measured": {"en": "Not measured (no published figure counts what the target counts): {not_measured}.",
                              "zh": "{not_measured} 个地区不可评估（没有公开数据统计该目标所统计的对象）。"},
    "distance.differs_count": {"en": "Eurostat and SDSN disagree: {differs}.",
                               "zh": "欧盟统计局与 SDSN 方法对其中 {differs} 个地区的结论不同。"},
    "distance.national_only": {
        "en": "National targets for counts are not benchmarks for provinces, so only the nation is shown.",
        "zh": "数量类的全国目标不作为各省的对照基准，因此只显示全国。"},
    "distance.no_real": {
        "en": "No real data for this target — only generated (illustrative) values, or nothing — so no distance "
              "is computed: {no_real} of {total} regions.",
        "zh": "{total} 个地区中有 {no_real} 个没有该目标的真实数据（只有生成的示意数值或没有数值），因此不计算"
              "距目标差距。"},
    "distance.method.short": {
        "en": "Bar: the years between the latest real figure's date and the date the required path (baseline → "
              "target; compound growth where all values are positive, else linear) reaches that figure — right of "
              "zero ahead, left behind. Colour: the Eurostat status; hatched: the SDSN status differs. Regions "
              "without a bar are listed in the table.",
        "zh": "条形：最新真实数值的日期与达标所需路径（从基期到目标；数值均为正时按复合增长，否则按线性）达到该数值的"
              "日期之间相差的年数，零线右侧为领先，左侧为落后。颜色为欧盟统计局方法的结论；斜线表示 SDSN 方法结论"
              "不同。没有条形的地区列在下表中。"},
    "distance.method.title": {"en": "How distance, year reached and the two statuses are computed",
                              "zh": "距目标差距、达标年份和两种评估方法的计算方式"},
    "distance.method.body": {
        "en": "**Years ahead or behind.** The required path runs from the baseline to the target at the end of the "
              "target year: compound growth when the baseline, the latest figure and the target are all positive, "
              "otherwise linear, as drawn on the Trends page. The bar is the horizontal distance between the date of "
              "the latest real figure and the date the path reaches that figure: +1 year means the region stands "
              "where the path expects it a year from now, −1 year where the path expected it a year ago. There is "
              "no bar with a single figure, or where the baseline already meets the target.\n\n"
              "**Year reached at the current pace.** The series' own growth between its baseline and its latest "
              "figure (the compound annual growth rate, or the change per year when not all values are positive), "
              "extended until it meets the target. \"Never\" when the figure stands still or moves away.\n\n"
              "**Eurostat (ratio of growth rates).** The growth rate observed since the baseline divided by the rate "
              "needed to reach the target in time: 95 % or more on track, 60–95 % moderate progress, 0–60 % "
              "insufficient progress, below 0 moving away, as in Eurostat's SDG monitoring of the EU for indicators "
              "with quantified targets — the status on the Targets page.\n\n"
              "**SDSN (linear trend).** As in the SDG Trend Dashboards of the Sustainable Development Report "
              "(J. D. Sachs, G. Lafortune, G. Fuller et al., SDSN; methods summary at dashboards.sdgindex.org, "
              "detailed in Lafortune et al., SDG Index and Dashboards: Detailed Methodological Paper, 2018): the "
              "average change per year since the baseline, (latest − baseline) ÷ years elapsed, against the change "
              "per year needed, (target − baseline) ÷ (target year − baseline year). At least the pace needed: on "
              "track; at least half of it: moderately improving; less, or none: stagnating; moving away from the "
              "target: decreasing. The two approaches are compared in Lafortune et al., Sustainability 12 (2020), "
              "7675.\n\n"
              "**Methods differ.** The two statuses fall in different bands (on track, moderate, insufficient, "
              "moving away against on track, moderately improving, stagnating, decreasing): the thresholds differ "
              "(95 % against 100 %, 60 % against 50 %) and compound and linear rates part.\n\n"
              "**Which figures count.** Only real figures (reported, or derived from reported ones) of exactly what "
              "the target counts, within one statistical scope, with the baseline chosen as on the Targets page; "
              "generated (illustrative) values never produce a distance. A national target is held against "
              "provinces as a benchmark only for rates, since a province's count is a share of the national total. "
              "Under \"each region's own target\" a region with several targets is held against the first due in or "
              "after the year of the newest real figure, else its last.",
        "zh": "**领先或落后年数。** 达标所需路径从基期出发，到目标年末达到目标值：基期值、最新值和目标值均为正时按复合"
              "增长，否则按线性增长，与趋势页所画路径相同。条形长度为最新真实数值的日期与该路径达到这一数值的日期之间"
              "的水平距离：+1 年表示该地区已达到路径预计一年后才达到的水平，−1 年表示只达到路径预计一年前的水平。只有"
              "一个数值或基期已达到目标时不画条形。\n\n"
              "**按当前速度的达标年份。** 以该系列自身从基期到最新值的增速（复合年均增长率；数值不全为正时用每年变化"
              "量）向后延伸，直到达到目标。数值不变或朝偏离目标方向变化时为“按当前速度无法实现”。\n\n"
              "**欧盟统计局方法（增速之比）。** 自基期以来的实际增速除以按期达标所需增速：95% 及以上为进展顺利，"
              "60%–95% 为进展一般，0–60% 为进展不足，小于 0 为偏离目标（欧盟统计局可持续发展目标监测中对量化目标的"
              "评估方法），即目标进展页所用的结论。\n\n"
              "**SDSN 方法（线性趋势）。** 参照《可持续发展报告》（Sustainable Development Report，J. D. Sachs、"
              "G. Lafortune、G. Fuller 等，联合国可持续发展解决方案网络 SDSN；方法概要见 dashboards.sdgindex.org，"
              "详见 Lafortune 等 2018 年《SDG Index and Dashboards: Detailed Methodological Paper》）中的趋势仪表盘："
              "比较自基期以来的年均变化量（最新值 − 基期值）÷ 经过年数，与所需的年均变化量（目标值 − 基期值）÷"
              "（目标年 − 基期年）。达到所需速度为按期达标；达到一半及以上为适度改善；不足一半或没有变化为停滞；"
              "朝偏离目标方向变化为倒退。两种方法的比较见 Lafortune 等，Sustainability 第 12 卷（2020）7675。\n\n"
              "**结论不同。** 两种方法的结论分属不同档次（进展顺利、进展一般、进展不足、偏离目标，对应按期达标、适度"
              "改善、停滞、倒退）：两者的阈值不同（95% 与 100%，60% 与 50%），复合增速与线性增速也会分化。\n\n"
              "**采用哪些数值。** 只采用与目标统计对象完全一致、属于同一统计口径的真实数值（公布值或据公布值推算的数值"
              "），基期的选取与目标进展页相同；生成的示意数值从不用于计算距目标差距。全国目标只对比率类指标作为各省的对照"
              "基准，因为一个省的数量只是全国总量的一部分。选择“各地区自身目标”时，有多个目标的地区对照最新真实数值"
              "所在年份及以后最先到期的目标，若没有则对照其最后一个目标。"},
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
