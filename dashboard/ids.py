"""Component ids, one constant each, shared by layouts, callbacks and browser tests."""

# shell
URL = "url"
STATE = "page-state"
NAV = "nav"
NAV_BOARD, NAV_MAP, NAV_TRENDS, NAV_DATA = "nav-board", "nav-map", "nav-trends", "nav-data"
LANG_ZH, LANG_EN = "lang-zh", "lang-en"

# board
BOARD_HORIZON = "board-horizon"
BOARD_CARDS = "board-cards"
BOARD_REGION = "board-region"

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

# trends
TRENDS_INDICATOR = "trends-indicator"
TRENDS_REGIONS = "trends-regions"
TRENDS_GRAPH = "trends-graph"
TRENDS_CAPTION = "trends-caption"
TRENDS_REPORTED = "trends-reported-only"

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
DATA_API_URL = "data-api-url"
DATA_SNIPPET = "data-snippet"
DATA_COPY_URL = "data-copy-url"
DATA_COPY_SNIPPET = "data-copy-snippet"
