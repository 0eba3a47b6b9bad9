-- Public warehouse schema (documented column by column in README.md). Researchers query these tables
-- directly, so names and meanings are a contract: add columns, never rename them.

CREATE TABLE sources (
    source_id   VARCHAR PRIMARY KEY,
    title       VARCHAR NOT NULL,
    publisher   VARCHAR,
    published   VARCHAR CHECK (published IS NULL OR regexp_full_match(published, '\d{4}(-\d{2}(-\d{2})?)?')),
    locator     VARCHAR,
    url         VARCHAR,
    kind        VARCHAR NOT NULL CHECK (kind IN ('policy_document', 'official_statement', 'official_statistic',
                                                 'research_article', 'illustrative', 'user_file')),
    document    VARCHAR,
    sha256      VARCHAR CHECK (sha256 IS NULL OR regexp_full_match(sha256, '[0-9a-f]{64}')),
    note        VARCHAR
);

CREATE TABLE regions (
    region_code  VARCHAR(6) PRIMARY KEY CHECK (regexp_full_match(region_code, '\d{6}')),
    level        VARCHAR NOT NULL CHECK (level IN ('national', 'province')),
    name_zh      VARCHAR NOT NULL UNIQUE,
    short_zh     VARCHAR NOT NULL,
    name_en      VARCHAR NOT NULL,
    pinyin       VARCHAR NOT NULL,
    macro_region VARCHAR CHECK (macro_region IN ('east', 'central', 'west', 'northeast')),
    cluster      VARCHAR CHECK (cluster IN ('环渤海', '长三角', '珠三角', '中西部')),
    aliases      VARCHAR[] NOT NULL
);

CREATE TABLE indicators (
    indicator_id VARCHAR PRIMARY KEY CHECK (regexp_full_match(indicator_id, '[a-z][a-z0-9_]*')),
    name_zh      VARCHAR NOT NULL,
    name_en      VARCHAR NOT NULL,
    unit         VARCHAR NOT NULL,
    value_kind   VARCHAR NOT NULL CHECK (value_kind IN ('share', 'count', 'persons', 'change', 'index')),
    direction    VARCHAR NOT NULL CHECK (direction IN ('higher', 'lower')),
    aggregation  VARCHAR NOT NULL CHECK (aggregation IN ('sum', 'none')),
    accumulation VARCHAR NOT NULL CHECK (accumulation IN ('level', 'flow')),
    definition   VARCHAR NOT NULL,
    scope        VARCHAR,
    source_ids   VARCHAR[] NOT NULL,
    unit_zh      VARCHAR,
    unit_en      VARCHAR,
    precision    INTEGER NOT NULL CHECK (precision BETWEEN 0 AND 3)
);

CREATE TABLE plans (
    plan_id    VARCHAR PRIMARY KEY,
    name_zh    VARCHAR NOT NULL,
    name_en    VARCHAR NOT NULL,
    start_year INTEGER NOT NULL,
    end_year   INTEGER NOT NULL CHECK (end_year >= start_year),
    source_id  VARCHAR NOT NULL REFERENCES sources (source_id)
);

CREATE TABLE targets (
    indicator_id   VARCHAR NOT NULL REFERENCES indicators (indicator_id),
    region_code    VARCHAR(6) NOT NULL REFERENCES regions (region_code),
    plan_id        VARCHAR NOT NULL REFERENCES plans (plan_id),
    target_year    INTEGER NOT NULL,
    comparator     VARCHAR NOT NULL CHECK (comparator IN ('>', '>=', '<', '<=')),
    value          DOUBLE NOT NULL,
    baseline_year  INTEGER,
    baseline_value DOUBLE,
    source_id      VARCHAR NOT NULL REFERENCES sources (source_id),
    note           VARCHAR,
    measure_kind   VARCHAR NOT NULL CHECK (measure_kind IN ('level', 'stock', 'cumulative')),
    measure_indicator_id VARCHAR NOT NULL REFERENCES indicators (indicator_id),
    measure_breakdown VARCHAR NOT NULL DEFAULT '',
    measure_since  INTEGER,
    measure_scope  VARCHAR,
    scope          VARCHAR,
    unmeasured_en  VARCHAR,
    unmeasured_zh  VARCHAR,
    PRIMARY KEY (indicator_id, region_code, plan_id, target_year),
    CHECK ((baseline_year IS NULL) = (baseline_value IS NULL)),
    CHECK ((measure_kind = 'cumulative') = (measure_since IS NOT NULL))
);

CREATE SEQUENCE ingest_run_ids START 1;

CREATE TABLE ingest_runs (
    run_id        INTEGER PRIMARY KEY DEFAULT nextval('ingest_run_ids'),
    command       VARCHAR NOT NULL CHECK (command IN ('build', 'ingest')),
    started_at    TIMESTAMPTZ NOT NULL,
    finished_at   TIMESTAMPTZ NOT NULL,
    file_name     VARCHAR NOT NULL,
    sha256        VARCHAR NOT NULL CHECK (regexp_full_match(sha256, '[0-9a-f]{64}')),
    file_format   VARCHAR NOT NULL CHECK (file_format IN ('csv', 'xlsx', 'parquet')),
    encoding      VARCHAR,
    layout        VARCHAR NOT NULL CHECK (layout IN ('long', 'wide')),
    indicator_id  VARCHAR,
    source_id     VARCHAR,
    status        VARCHAR NOT NULL,
    rows_read     INTEGER NOT NULL CHECK (rows_read >= 0),
    rows_loaded   INTEGER NOT NULL CHECK (rows_loaded >= 0),
    rows_revised  INTEGER NOT NULL CHECK (rows_revised >= 0 AND rows_revised <= rows_loaded),
    rows_rejected INTEGER NOT NULL CHECK (rows_rejected >= 0),
    rows_skipped  INTEGER NOT NULL CHECK (rows_skipped >= 0),
    outcome       VARCHAR NOT NULL CHECK (outcome IN ('loaded', 'partial', 'rejected', 'no_change')),
    CHECK (rows_read = rows_loaded + rows_rejected + rows_skipped)
);

CREATE TABLE rejected_rows (
    run_id     INTEGER NOT NULL REFERENCES ingest_runs (run_id),
    row_number INTEGER NOT NULL,
    column_name VARCHAR,
    raw        VARCHAR NOT NULL,
    reason     VARCHAR NOT NULL
);

CREATE TABLE observations (
    indicator_id VARCHAR NOT NULL REFERENCES indicators (indicator_id),
    region_code  VARCHAR(6) NOT NULL REFERENCES regions (region_code),
    year         INTEGER NOT NULL CHECK (year BETWEEN 1949 AND 2100),
    breakdown    VARCHAR NOT NULL DEFAULT '',
    source_id    VARCHAR NOT NULL REFERENCES sources (source_id),
    value        DOUBLE NOT NULL CHECK (isfinite(value)),
    as_of        DATE,
    status       VARCHAR NOT NULL CHECK (status IN ('reported', 'estimated', 'illustrative', 'projected')),
    scope        VARCHAR,
    note         VARCHAR,
    run_id       INTEGER NOT NULL REFERENCES ingest_runs (run_id),
    PRIMARY KEY (indicator_id, region_code, year, breakdown, source_id)
);

CREATE TABLE observation_revisions (
    indicator_id  VARCHAR NOT NULL,
    region_code   VARCHAR(6) NOT NULL,
    year          INTEGER NOT NULL,
    breakdown     VARCHAR NOT NULL,
    source_id     VARCHAR NOT NULL,
    value         DOUBLE NOT NULL,
    as_of         DATE,
    status        VARCHAR NOT NULL,
    scope         VARCHAR,
    note          VARCHAR,
    run_id        INTEGER NOT NULL REFERENCES ingest_runs (run_id),
    superseded_by INTEGER NOT NULL REFERENCES ingest_runs (run_id)
);

CREATE TABLE build_info (
    built_at        TIMESTAMPTZ NOT NULL,
    code_version    VARCHAR NOT NULL,
    duckdb_version  VARCHAR NOT NULL,
    schema_version  INTEGER NOT NULL,
    input_checksums MAP(VARCHAR, VARCHAR) NOT NULL
);
