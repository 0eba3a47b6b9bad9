-- The ingest rules, whole columns at a time. Each statement follows a `-- name:` line; validate.py runs them
-- with bound parameters. Cells reach these rules stripped (Python's str.strip()); `folded` says a row's cells
-- are also NFKC- and whitespace-invariant, so folding them is the identity. The few things SQL cannot do —
-- NFKC itself, Unicode digit values and categories, Python's lower() beyond ASCII — are Python functions
-- (imm_py_*) called only for text that needs them; region names and indicator names are resolved by Python once
-- per distinct spelling and joined back; messages are written by Python once per distinct refused value.

-- name: rules
-- Python's whitespace (str.isspace): what str.strip() and str.split() remove.
CREATE OR REPLACE TEMP MACRO imm_strip(t) AS CASE
    WHEN t IS NULL THEN ''
    WHEN regexp_matches(t, '^[\t\n\x0b\x0c\r\x1c-\x1f \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]|[\t\n\x0b\x0c\r\x1c-\x1f \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]$')
        THEN regexp_replace(t, '^[\t\n\x0b\x0c\r\x1c-\x1f \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]+|[\t\n\x0b\x0c\r\x1c-\x1f \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]+$', '', 'g')
    ELSE t END;
-- Text NFKC leaves as it is: ASCII and U+4000–U+9FFF (CJK ideographs). Folding it only squeezes whitespace.
CREATE OR REPLACE TEMP MACRO imm_plain(t) AS strlen(t) = length(t) OR NOT regexp_matches(t, '[^\x00-\x7f\x{4000}-\x{9fff}]');
CREATE OR REPLACE TEMP MACRO imm_squeeze(t) AS CASE
    WHEN regexp_matches(t, '[\t\n\x0b\x0c\r\x1c-\x1f ]') THEN regexp_replace(t, '[\t\n\x0b\x0c\r\x1c-\x1f ]+', ' ', 'g')
    ELSE t END;
-- normalise.fold of a stripped cell; with its lower case (Python's); with Unicode decimal digits as ASCII ones
-- (Python's \d and float() read them); whether it carries a footnote mark (a superscript or circled digit).
CREATE OR REPLACE TEMP MACRO imm_fold(t, folded) AS CASE
    WHEN folded THEN t WHEN imm_plain(t) THEN imm_squeeze(t) ELSE imm_py_fold(t) END;
CREATE OR REPLACE TEMP MACRO imm_fold_lower(t, folded) AS CASE
    WHEN folded THEN lower(t) WHEN imm_plain(t) THEN lower(imm_squeeze(t)) ELSE imm_py_fold_lower(t) END;
CREATE OR REPLACE TEMP MACRO imm_digits(t, folded) AS CASE
    WHEN folded THEN t WHEN imm_plain(t) THEN imm_squeeze(t) ELSE imm_py_digits(t) END;
CREATE OR REPLACE TEMP MACRO imm_footnote(t, folded) AS CASE
    WHEN folded OR imm_plain(t) THEN false ELSE imm_py_footnote(t) END;

-- Rows that hold nothing to read: blank, or a note line (its first filled cell starts 注, 资料来源, note, …).
CREATE OR REPLACE TEMP MACRO imm_blank(cells) AS CASE WHEN cells[1] <> '' THEN false ELSE array_to_string(cells, '') = '' END;
CREATE OR REPLACE TEMP MACRO imm_first_filled(cells) AS CASE
    WHEN cells[1] <> '' THEN cells[1] ELSE list_filter(cells, lambda c: c <> '')[1] END;
CREATE OR REPLACE TEMP MACRO imm_note(first, folded, pattern, starts) AS CASE
    WHEN ord(first) < 128 AND NOT contains(starts, lower(left(first, 1))) THEN false
    ELSE regexp_matches(imm_fold_lower(first, folded), pattern) END;
CREATE OR REPLACE TEMP MACRO imm_skip(cells, folded, pattern, starts) AS CASE
    WHEN imm_blank(cells) THEN 'blank row'
    WHEN imm_note(imm_first_filled(cells), folded, pattern, starts) THEN 'note line' END;

-- Numbers: 52.1, 52.1%, 1,234, 7 500 000, 3e2 (folded text, digits as ASCII). NULL problem: it is a number.
CREATE OR REPLACE TEMP MACRO imm_unsuffix(s, suffix) AS CASE
    WHEN ends_with(s, suffix) THEN left(s, length(s) - length(suffix)) ELSE s END;
CREATE OR REPLACE TEMP MACRO imm_ungroup(s) AS CASE
    WHEN contains(s, ',') AND regexp_full_match(s, '[+-]?\d{1,3}(,\d{3})+(\.\d+)?') THEN replace(s, ',', '') ELSE s END;
CREATE OR REPLACE TEMP MACRO imm_number_text(n) AS imm_ungroup(imm_unsuffix(replace(n, ' ', ''), '%'));
CREATE OR REPLACE TEMP MACRO imm_number_problem(s, footnote) AS CASE
    WHEN NOT regexp_full_match(s, '[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?') THEN CASE
        WHEN regexp_full_match(s, '(?i)[+-]?(inf|infinity|nan|∞)') THEN 'not_finite' ELSE 'not_number' END
    WHEN footnote THEN 'footnote'
    WHEN NOT isfinite(CAST(s AS DOUBLE)) THEN 'too_large' END;
-- What a value must be for its indicator: finite once scaled (万, 亿), no % on a count, shares in 0–100,
-- counts, head counts and indices not negative.
CREATE OR REPLACE TEMP MACRO imm_value_problem(problem, v, kind, percent) AS CASE
    WHEN problem IS NOT NULL THEN problem
    WHEN NOT isfinite(v) THEN 'scaled_not_finite'
    WHEN kind IN ('count', 'persons') AND percent THEN 'percent_on_count'
    WHEN kind = 'share' AND NOT v BETWEEN 0 AND 100 THEN 'share_range'
    WHEN kind IN ('count', 'persons', 'index') AND v < 0 THEN 'negative' END;

-- Years: 2016, 2016年, 2016.0 (spreadsheets), within 1949–2100.
CREATE OR REPLACE TEMP MACRO imm_year_text(n) AS imm_unsuffix(replace(n, ' ', ''), '年');
CREATE OR REPLACE TEMP MACRO imm_year(y) AS CASE
    WHEN regexp_full_match(y, '\d{4}(\.0+)?') AND TRY_CAST(left(y, 4) AS INTEGER) BETWEEN 1949 AND 2100
        THEN TRY_CAST(left(y, 4) AS INTEGER) END;

-- As-of dates: 2020-09-30, 2020/9/30, 2020年9月30日, or a month (2020-09: its last day).
CREATE OR REPLACE TEMP MACRO imm_date_parts(s) AS regexp_extract(
    s, '^(\d{4})[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?|月)?(?:T00:00:00)?$', ['y', 'm', 'd']);
CREATE OR REPLACE TEMP MACRO imm_date_of(y, m, d) AS CASE WHEN y BETWEEN 1 AND 9999 AND m BETWEEN 1 AND 12 THEN CASE
    WHEN d IS NULL THEN last_day(make_date(y, m, 1))
    WHEN d BETWEEN 1 AND day(last_day(make_date(y, m, 1))) THEN make_date(y, m, d) END END;
CREATE OR REPLACE TEMP MACRO imm_date(s) AS imm_date_of(
    TRY_CAST(imm_date_parts(s).y AS INTEGER), TRY_CAST(imm_date_parts(s).m AS INTEGER),
    TRY_CAST(nullif(imm_date_parts(s).d, '') AS INTEGER));
-- A date more than a year outside its year is probably a typo in one of them: said, not refused.
CREATE OR REPLACE TEMP MACRO imm_far_as_of(year, as_of) AS
    as_of < make_date(year - 1, 1, 1) OR as_of > make_date(year + 1, 12, 31);

-- A rejected row as people read it: CSV of its cells (quoted where they hold a comma or a quote), trailing
-- empty cells dropped, cut at max_chars.
CREATE OR REPLACE TEMP MACRO imm_cut(t, max_chars) AS CASE WHEN length(t) > max_chars THEN left(t, max_chars) || '…' ELSE t END;
CREATE OR REPLACE TEMP MACRO imm_raw(cells, max_chars) AS imm_cut(array_to_string(list_transform(
    cells[:len(cells) + 1 - coalesce(list_position(list_reverse(list_transform(cells, lambda c: c <> '')), true), len(cells) + 1)],
    lambda c: CASE WHEN regexp_matches(c, '[,"]') THEN '"' || replace(c, '"', '""') || '"' ELSE c END), ','), max_chars);
-- The name of column `col` (0-based) in messages: its header cell, else "column N"; none when not known (-1).
CREATE OR REPLACE TEMP MACRO imm_column_name(header, col) AS CASE
    WHEN col >= 0 THEN coalesce(nullif(header[col + 1], ''), 'column ' || (col + 1)) END;

-- name: body_create
CREATE OR REPLACE TEMP TABLE ingest_body (
    row_number BIGINT, cells VARCHAR[], problems STRUCT(col INTEGER, why VARCHAR)[], folded BOOLEAN, skip VARCHAR);

-- name: body_append
INSERT INTO ingest_body
SELECT row_number, cells, problems, false, imm_skip(cells, false, $note_pattern, $note_starts) FROM ingest_batch;

-- name: lines_read
-- A CSV DuckDB can split as Python's csv module would (no quote character, one kind of line end, UTF-8):
-- each line one value (NUL, which no accepted file holds, as the delimiter), in file order.
CREATE OR REPLACE TEMP TABLE ingest_lines AS
SELECT line FROM read_csv($path, header = false, auto_detect = false, columns = {'line': 'VARCHAR'}, delim = chr(0),
                          quote = '', escape = '', strict_mode = false);

-- name: lines_count
SELECT count(*) FROM ingest_lines;

-- name: lines_body
-- The lines under the header as records: a field longer than max_cell ends its record's reading (as the csv
-- module's field limit does), cells beyond max_columns are dropped, cells are stripped unless the file has no
-- whitespace to strip.
CREATE OR REPLACE TEMP TABLE ingest_body AS
WITH split AS (
    SELECT rowid + 1 AS row_number, line, string_split(coalesce(line, ''), $delimiter) AS fields
    FROM ingest_lines WHERE rowid >= $header_row),
records AS (
    SELECT row_number,
           CASE WHEN length(line) > $max_cell THEN list_max(list_transform(fields, lambda f: length(f))) > $max_cell
                ELSE false END AS overlong,
           fields
    FROM split)
SELECT row_number, cells, problems, folded, imm_skip(cells, folded, $note_pattern, $note_starts) AS skip
FROM (
    SELECT row_number,
           CASE WHEN overlong THEN [$overlong_cell]
                WHEN $folded THEN fields[:$max_columns]
                ELSE list_transform(fields[:$max_columns], lambda c: imm_strip(c)) END AS cells,
           CASE WHEN overlong THEN [{'col': -1, 'why': $overlong_why}]
                ELSE [] END::STRUCT(col INTEGER, why VARCHAR)[] AS problems,
           $folded AND NOT overlong AS folded
    FROM records);

-- name: lines_drop
DROP TABLE IF EXISTS ingest_lines;

-- name: texts
-- The distinct texts of a column in the rows to be read, in the order they first appear, with the first row
-- holding it that the reader found no problem in.
SELECT coalesce(cells[$col], '') AS text, min(row_number) FILTER (WHERE len(problems) = 0) AS first_clean
FROM ingest_body WHERE skip IS NULL GROUP BY ALL ORDER BY min(row_number);

-- name: rows_with
SELECT row_number, cells FROM ingest_body WHERE skip IS NULL AND list_contains($texts, coalesce(cells[$col], ''))
ORDER BY row_number;

-- name: mark_repeated
UPDATE ingest_body SET skip = 'repeated header row' WHERE list_contains($rows, row_number);

-- name: regions_create
CREATE OR REPLACE TEMP TABLE ingest_regions (text VARCHAR, region_code VARCHAR);

-- name: indicators_create
CREATE OR REPLACE TEMP TABLE ingest_indicators (text VARCHAR, indicator_id VARCHAR);

-- name: kinds_create
CREATE OR REPLACE TEMP TABLE ingest_kinds (indicator_id VARCHAR, value_kind VARCHAR);

-- name: year_columns_create
CREATE OR REPLACE TEMP TABLE ingest_year_columns (col INTEGER, year INTEGER, name VARCHAR);

-- name: classify_long
-- One record per row: a skip, a rejection (the reader's problems, or issues for Python to word) or a candidate.
CREATE OR REPLACE TEMP TABLE ingest_records AS
WITH cells AS (
    SELECT row_number, folded,
           coalesce(cells[$col_indicator], '') AS indicator_t, coalesce(cells[$col_region], '') AS region_t,
           coalesce(cells[$col_year], '') AS year_t, coalesce(cells[$col_value], '') AS value_t,
           coalesce(cells[$col_as_of], '') AS as_of_t,
           imm_fold(coalesce(cells[$col_breakdown], ''), folded) AS breakdown,
           imm_fold(coalesce(cells[$col_source], ''), folded) AS source_f,
           imm_fold_lower(coalesce(cells[$col_status], ''), folded) AS status_f,
           imm_fold(coalesce(cells[$col_scope], ''), folded) AS scope_f,
           imm_fold(coalesce(cells[$col_note], ''), folded) AS note_f
    FROM ingest_body WHERE skip IS NULL AND len(problems) = 0),
resolved AS (
    SELECT c.*, CASE WHEN c.indicator_t = '' THEN $indicator_id ELSE i.indicator_id END AS indicator_id,
           r.region_code,
           imm_year(imm_year_text(imm_digits(c.year_t, c.folded))) AS year,
           CASE WHEN c.source_f = '' THEN $source_id ELSE c.source_f END AS source_id,
           CASE WHEN c.status_f = '' THEN $status ELSE c.status_f END AS status,
           imm_digits(c.as_of_t, c.folded) AS as_of_d,
           list_contains($no_value, imm_fold_lower(c.value_t, c.folded)) AS no_value,
           imm_number_text(imm_digits(c.value_t, c.folded)) AS number_text
    FROM cells c
    LEFT JOIN ingest_indicators i ON i.text = c.indicator_t
    LEFT JOIN ingest_regions r ON r.text = c.region_t),
valued AS (
    SELECT r.*, k.value_kind,
           CASE WHEN r.as_of_d <> '' THEN imm_date(replace(r.as_of_d, ' ', '')) END AS as_of,
           CASE WHEN NOT r.no_value THEN imm_number_problem(
               r.number_text, k.value_kind IS NOT NULL AND imm_footnote(r.value_t, r.folded)) END AS number_problem
    FROM resolved r LEFT JOIN ingest_kinds k USING (indicator_id)),
coded AS (
    SELECT v.*, CASE WHEN v.number_problem IS NULL AND NOT v.no_value THEN CAST(v.number_text AS DOUBLE) END AS value,
           CASE WHEN v.value_kind IS NULL THEN 'unknown' END AS indicator_code,
           CASE WHEN v.region_code IS NULL THEN 'unknown' END AS region_code_p,
           CASE WHEN v.year IS NULL THEN 'not_year' END AS year_code,
           CASE WHEN NOT list_contains($sources, v.source_id) THEN 'unknown' END AS source_code,
           CASE WHEN NOT list_contains($statuses, v.status) THEN 'unknown'
                WHEN list_contains($illustrative, v.source_id) AND v.status <> 'illustrative' THEN 'not_illustrative'
           END AS status_code,
           CASE WHEN v.as_of_d <> '' AND v.as_of IS NULL THEN 'not_date' END AS as_of_code,
           CASE WHEN v.no_value THEN NULL WHEN v.value_kind IS NULL THEN v.number_problem
                ELSE imm_value_problem(v.number_problem, CAST(v.number_text AS DOUBLE), v.value_kind,
                                       ends_with(imm_fold(v.value_t, v.folded), '%')) END AS value_code
    FROM valued v),
checked AS (
    SELECT c.*, CASE WHEN coalesce(c.indicator_code, c.region_code_p, c.year_code, c.source_code, c.status_code,
                                   c.as_of_code, c.value_code) IS NOT NULL THEN list_filter([
        {'role': 'indicator', 'code': c.indicator_code, 'text': c.indicator_t, 'detail': NULL::VARCHAR,
         'number': NULL::DOUBLE},
        {'role': 'region', 'code': c.region_code_p, 'text': c.region_t, 'detail': NULL, 'number': NULL},
        {'role': 'year', 'code': c.year_code, 'text': c.year_t, 'detail': NULL, 'number': NULL},
        {'role': 'source', 'code': c.source_code, 'text': c.source_id, 'detail': NULL, 'number': NULL},
        {'role': 'status', 'code': c.status_code, 'text': c.status, 'detail': c.source_id, 'number': NULL},
        {'role': 'as_of', 'code': c.as_of_code, 'text': c.as_of_t, 'detail': NULL, 'number': NULL},
        {'role': 'value', 'code': c.value_code, 'text': c.value_t, 'detail': c.indicator_id, 'number': c.value}
    ], lambda i: i.code IS NOT NULL) END AS issues
    FROM coded c)
SELECT row_number * 1024 AS pos, row_number,
       CASE WHEN issues IS NOT NULL THEN 'rejected' WHEN no_value THEN 'no value' ELSE 'candidate' END AS outcome,
       issues[1].role AS column_name, NULL::VARCHAR AS reason, issues,
       indicator_id, region_code, year, breakdown, source_id, value, as_of, status,
       nullif(scope_f, '') AS scope, nullif(note_f, '') AS note
FROM checked
UNION ALL
SELECT row_number * 1024, row_number, coalesce(skip, 'rejected'),
       CASE WHEN skip IS NULL THEN imm_column_name($header, problems[1].col) END,
       CASE WHEN skip IS NULL THEN array_to_string(list_transform(problems[:3], lambda p: p.why), '; ') END,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM ingest_body WHERE skip IS NOT NULL OR len(problems) > 0;

-- name: classify_wide
-- One record per skipped row and per year cell of the others: a rejection, a skip or a candidate.
CREATE OR REPLACE TEMP TABLE ingest_records AS
WITH cells AS (
    SELECT b.row_number, b.problems, b.folded, y.col, y.year, y.name, coalesce(b.cells[y.col + 1], '') AS cell,
           coalesce(b.cells[$region], '') AS region_t, r.region_code
    FROM ingest_body b CROSS JOIN ingest_year_columns y LEFT JOIN ingest_regions r ON r.text = coalesce(b.cells[$region], '')
    WHERE b.skip IS NULL),
checked AS (
    SELECT c.*,
           CASE WHEN len(c.problems) > 0 THEN coalesce(
               list_filter(c.problems, lambda p: NOT list_contains($year_cols, p.col))[1].why,
               list_filter(c.problems, lambda p: p.col = c.col)[1].why) END AS problem,
           list_contains($no_value, imm_fold_lower(c.cell, c.folded)) AS no_value,
           imm_number_text(imm_digits(c.cell, c.folded)) AS number_text
    FROM cells c),
valued AS (
    SELECT c.*, CASE WHEN c.problem IS NULL AND c.region_code IS NOT NULL AND NOT c.no_value THEN imm_number_problem(
               c.number_text, imm_footnote(c.cell, c.folded)) END AS number_problem
    FROM checked c),
judged AS (
    SELECT v.*, CASE WHEN v.number_problem IS NULL AND v.problem IS NULL AND v.region_code IS NOT NULL
                     AND NOT v.no_value THEN CAST(v.number_text AS DOUBLE) * $scale END AS value,
           CASE WHEN v.problem IS NOT NULL OR v.region_code IS NULL OR v.no_value THEN NULL
                ELSE imm_value_problem(v.number_problem, CAST(v.number_text AS DOUBLE) * $scale, $value_kind,
                                       ends_with(imm_fold(v.cell, v.folded), '%')) END AS value_problem
    FROM valued v)
SELECT row_number * 1024 + col AS pos, row_number,
       CASE WHEN problem IS NOT NULL OR region_code IS NULL OR value_problem IS NOT NULL THEN 'rejected'
            WHEN no_value THEN 'no value' ELSE 'candidate' END AS outcome,
       name AS column_name, problem AS reason,
       CASE WHEN problem IS NOT NULL THEN NULL
            WHEN region_code IS NULL THEN [{'role': 'region', 'code': 'unknown', 'text': region_t, 'detail': NULL::VARCHAR,
                                            'number': NULL::DOUBLE}]
            WHEN value_problem IS NOT NULL THEN [{'role': 'value', 'code': value_problem, 'text': cell,
                                                  'detail': $indicator_id, 'number': value}] END AS issues,
       $indicator_id AS indicator_id, region_code, year, '' AS breakdown, $source_id AS source_id, value,
       NULL::DATE AS as_of, $status AS status, NULL::VARCHAR AS scope, NULL::VARCHAR AS note
FROM judged
UNION ALL
SELECT row_number * 1024, row_number, skip, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       NULL
FROM ingest_body WHERE skip IS NOT NULL;

-- name: outcomes
SELECT outcome, count(*) FROM ingest_records GROUP BY outcome ORDER BY min(pos);  -- first seen first, as people count

-- name: issues
-- The distinct refused values, for Python to word once each.
SELECT DISTINCT i.role, i.code, i.text, i.detail, i.number
FROM (SELECT unnest(issues) AS i FROM ingest_records WHERE outcome = 'rejected' AND issues IS NOT NULL);

-- name: messages_create
CREATE OR REPLACE TEMP TABLE ingest_messages (
    role VARCHAR, code VARCHAR, text VARCHAR, detail VARCHAR, number DOUBLE, message VARCHAR);

-- name: reasons
-- Every problem of a row in one reason, in the order of the checks.
UPDATE ingest_records r SET reason = w.reason
FROM (
    SELECT i.pos, string_agg(m.message, '; ' ORDER BY i.n) AS reason
    FROM (SELECT pos, unnest(issues) AS issue, generate_subscripts(issues, 1) AS n
          FROM ingest_records WHERE outcome = 'rejected' AND issues IS NOT NULL) i
    JOIN ingest_messages m ON m.role = i.issue.role AND m.code = i.issue.code AND m.text = i.issue.text
        AND m.detail IS NOT DISTINCT FROM i.issue.detail AND m.number IS NOT DISTINCT FROM i.issue.number
    GROUP BY i.pos) w
WHERE r.pos = w.pos;

-- name: stage_candidates
CREATE OR REPLACE TEMP VIEW staged_candidates AS
SELECT pos, row_number, column_name, indicator_id, region_code, year, breakdown, source_id, value, as_of, status,
       scope, note
FROM ingest_records WHERE outcome = 'candidate';

-- name: stage_rejections
INSERT INTO staged_rejections (pos, row_number, column_name, raw, reason)
SELECT pos, row_number, column_name, NULL, reason FROM ingest_records WHERE outcome = 'rejected';

-- name: warnings
SELECT row_number, year, as_of FROM ingest_records
WHERE outcome = 'candidate' AND as_of IS NOT NULL AND imm_far_as_of(year, as_of) ORDER BY row_number LIMIT $limit;

-- name: warning_count
SELECT count(*) FROM ingest_records WHERE outcome = 'candidate' AND as_of IS NOT NULL AND imm_far_as_of(year, as_of);

-- name: raw_long
-- The raw text of the rejected rows (computed for them alone).
UPDATE staged_rejections s SET raw = imm_raw(b.cells, $max_raw)
FROM ingest_body b WHERE s.raw IS NULL AND b.row_number = s.row_number;

-- name: raw_wide
UPDATE staged_rejections s SET raw = imm_fold(coalesce(b.cells[$region], ''), b.folded) || ',' || y.name || '='
                                     || coalesce(b.cells[y.col + 1], '')
FROM ingest_body b, ingest_year_columns y
WHERE s.raw IS NULL AND b.row_number = s.row_number AND y.col = s.pos % 1024;

-- name: one_cell
-- The rules for one cell (normalise.parse_number, parse_year, parse_date, is_no_value).
SELECT TRY_CAST(imm_number_text(d) AS DOUBLE), imm_number_problem(imm_number_text(d), imm_footnote(t, false)),
       imm_year(imm_year_text(d)), CASE WHEN d <> '' THEN imm_date(replace(d, ' ', '')) END,
       list_contains($no_value, imm_fold_lower(t, false))
FROM (SELECT t, imm_digits(t, false) AS d FROM (SELECT imm_strip($text) AS t));

-- name: drop
DROP VIEW IF EXISTS staged_candidates;
DROP TABLE IF EXISTS ingest_records;
DROP TABLE IF EXISTS ingest_body;
DROP TABLE IF EXISTS ingest_regions;
DROP TABLE IF EXISTS ingest_indicators;
DROP TABLE IF EXISTS ingest_kinds;
DROP TABLE IF EXISTS ingest_year_columns;
DROP TABLE IF EXISTS ingest_messages;
