"""Component ids, one constant each, shared by layouts, callbacks and browser tests."""

# shell
URL = "url"
STATE = "page-state"
NAV = "nav"
NAV_BOARD, NAV_MAP, NAV_TRENDS, NAV_DATA = "nav-board", "nav-map", "nav-trends", "nav-data"
LANG_ZH, LANG_EN = "lang-zh", "lang-en"
PRESENT_LINK = "present-link"

# board
BOARD_HORIZON = "board-horizon"
BOARD_CARDS = "board-cards"
BOARD_REGION = "board-region"
SLIDE_COUNTER, SLIDE_PREV, SLIDE_NEXT = "slide-counter", "slide-prev", "slide-next"

# map
MAP_INDICATOR = "map-indicator"
MAP_YEAR = "map-year"
MAP_PLAY = "map-play"
MAP_TIMER = "map-timer"
MAP_MARK = "map-mark-target"
MAP_GRAPH = "map-graph"
MAP_RANKING = "map-ranking"
MAP_CAPTION = "map-caption"
MAP_TITLE = "map-title"
MAP_REPORTED = "map-reported-only"
MAP_PREV_YEAR, MAP_NEXT_YEAR = "map-prev-year", "map-next-year"
MAP_VIEW = "map-view"  # map or tile grid (URL tiles=1)
MAP_REGION = "map-region"  # the region group whose members are outlined (URL region=)
MAP_GROUP_LINE = "map-group-line"
MAP_SERIES = "map-series"  # every province's points for the hover panel, sent once per indicator
MAP_HOVER, MAP_SPARK = "map-hover", "map-spark"
MAP_HOVER_NAME, MAP_HOVER_VALUE = "map-hover-name", "map-hover-value"
MAP_HOVER_RANK, MAP_HOVER_SERIES = "map-hover-rank", "map-hover-series"

# trends
TRENDS_INDICATOR = "trends-indicator"
TRENDS_REGIONS = "trends-regions"
TRENDS_GRAPH = "trends-graph"
TRENDS_CAPTION = "trends-caption"
TRENDS_TITLE = "trends-title"
TRENDS_REPORTED = "trends-reported-only"
TRENDS_GROUPS = "trends-groups"  # under the chart: each group's method and members
TRENDS_COMPARE_CLUSTERS, TRENDS_COMPARE_MACRO = "trends-compare-clusters", "trends-compare-macro"

# data
DATA_INDICATORS = "data-indicators"
DATA_REGIONS = "data-regions"
DATA_FROM = "data-from"
DATA_TO = "data-to"
DATA_STATUS = "data-status"
DATA_NOTICE = "data-notice"
DATA_ERROR = "data-error"
DATA_COUNT = "data-count"
DATA_DOWNLOADS = "data-downloads"
DATA_GRID = "data-grid"
DATA_PAGE = "data-page"
DATA_PAGE_PREV = "data-page-prev"
DATA_PAGE_NEXT = "data-page-next"
DATA_PAGE_TEXT = "data-page-text"
DATA_TOTAL = "data-total"
DATA_API_URL = "data-api-url"
DATA_SNIPPET = "data-snippet"
DATA_COPY_URL = "data-copy-url"
DATA_COPY_SNIPPET = "data-copy-snippet"

# sources & methodology (section ids are the page's anchors: /sources#indicator-cnc_rate)
NAV_SOURCES, NAV_QUALITY = "nav-sources", "nav-quality"
NAV_DISTANCE = "nav-distance"
SOURCES_PAGE = "sources-page"
SOURCES_SCROLL = "sources-scroll"
SOURCES_METHODS = "methods"
SOURCES_VALUES = "value-statuses"
SOURCES_ILLUSTRATIVE = "illustrative"
SOURCES_PLANS = "plans"
SOURCES_INDICATORS = "indicators"
SOURCES_INDICATOR = "indicator-"  # + indicator_id: one indicator's section, the anchor other pages link to
SOURCES_TARGET = "target-"  # + indicator_id-region_code-plan_id-target_year: one target's row

# data quality
QUALITY_INDICATOR = "quality-indicator"
QUALITY_COVERAGE = "quality-coverage"
QUALITY_SUMMARY = "quality-summary"
QUALITY_RUNS = "quality-runs"
QUALITY_REJECTED = "quality-rejected"

# province profile (/province/<region>) and the notice any page shows for an address it could not use
PROFILE_REGION = "profile-region"
PROFILE_REPORTED = "profile-reported-only"
PROFILE_BODY = "profile-body"
PROFILE_GRAPH = "profile-graph"
PROFILE_CODE = "profile-code"
LINK_NOTICE = "link-notice"

# distance to target (/distance)
DISTANCE_INDICATOR = "distance-indicator"
DISTANCE_TARGET = "distance-target"
DISTANCE_GRAPH = "distance-graph"
DISTANCE_TITLE = "distance-title"
DISTANCE_CAPTION = "distance-caption"
DISTANCE_NOTICE = "distance-notice"
DISTANCE_TABLE = "distance-table"
