-- ZoneWatch schema, part 5: dashboard queries within 200 ms on the national data set (10,000 platforms,
-- 20 years; bench/dashboards.sh, results and the plans behind these changes in bench/RESULTS.md).
--
-- 1. Per-quarter summaries that the time-series panels read instead of aggregating millions of values:
--    the distribution of every indicator (base and derived) across platforms, overall and per platform
--    type, with the distribution of its year-on-year change and its ten lowest values; and the
--    submission completeness per quarter.
--    io.zonewatch.reporting.ReportingWorker keeps them, off the request path, after every feed (the
--    quarters the feed wrote and those that depend on them) and after catalog changes that move them
--    (platform names and types, closures, derived formulas). They are computed from the reporting views themselves,
--    so a summary holds exactly what the raw query would answer; reporting_refreshed_feed records which
--    feeds are in them, so a crash between a feed's commit and its refresh only delays it.
--    Plain tables on both PostgreSQL and TimescaleDB: continuous aggregates cannot compute ordered-set
--    aggregates (percentile_cont), joins of two rows of a hypertable (the derived indicators) or the
--    four-quarter windows of completeness, so one path serves both.
-- 2. Indexes for the warning panels (counts per quarter, rule and severity; open warnings of one rule in
--    one quarter).
-- 3. reporting.derived_values and reporting.rankings look a row up by its key (a ratio's denominator,
--    last year's rank) where the planner chose a scan of many rows and a filter.
-- 4. reporting.target_progress gains the warning's severity as a column, so a filter on it lets the
--    planner start from the few warnings instead of every flow with a target.

CREATE TABLE reporting_indicator_quarter (
    indicator_code text    NOT NULL,
    period         date    NOT NULL,
    platform_type  text    NOT NULL,  -- '' = all platforms
    platforms      integer NOT NULL,  -- platforms with a value
    p10            float8  NOT NULL,
    p25            float8  NOT NULL,
    p50            float8  NOT NULL,
    p75            float8  NOT NULL,
    p90            float8  NOT NULL,
    yoy_platforms  integer NOT NULL,  -- platforms with a value a year before that is > 0
    yoy_p25        float8,            -- percentiles of (value / value a year before - 1) * 100
    yoy_p50        float8,
    yoy_p75        float8,
    PRIMARY KEY (indicator_code, period, platform_type)
);

CREATE TABLE reporting_completeness (
    period   date PRIMARY KEY,
    expected bigint NOT NULL,  -- as reporting.submission_completeness defines them
    reported bigint NOT NULL
);

-- Per indicator and quarter: the ten platforms with the lowest year-on-year change (value / value a year
-- before, that value > 0; ties by platform name), what 指标监测 lists for the latest quarter.
CREATE TABLE reporting_indicator_yoy_fall (
    indicator_code text    NOT NULL,
    period         date    NOT NULL,
    position       integer NOT NULL,  -- 1 = the largest fall
    platform_code  text    NOT NULL,
    value          float8  NOT NULL,
    previous       float8  NOT NULL,
    PRIMARY KEY (indicator_code, period, position)
);

-- Feeds whose quarters the summaries include.
CREATE TABLE reporting_refreshed_feed (
    feed_id      bigint PRIMARY KEY REFERENCES feed (id),
    refreshed_at timestamptz NOT NULL DEFAULT now()
);

-- Distribution of each indicator across all platforms, per quarter (what 指标监测 charts).
CREATE VIEW reporting.indicator_distribution AS
SELECT s.indicator_code, i.name_zh AS indicator_name, i.unit, s.period, s.platforms,
       s.p10, s.p25, s.p50 AS median, s.p75, s.p90,
       s.yoy_platforms, s.yoy_p25, s.yoy_p50 AS yoy_median, s.yoy_p75
FROM reporting_indicator_quarter s
JOIN indicator i ON i.code = s.indicator_code
WHERE s.platform_type = '';

-- The same per platform type (同类型).
CREATE VIEW reporting.indicator_peer_distribution AS
SELECT s.indicator_code, i.name_zh AS indicator_name, i.unit, s.period, s.platform_type, s.platforms,
       s.p10, s.p25, s.p50 AS median, s.p75, s.p90,
       s.yoy_platforms, s.yoy_p25, s.yoy_p50 AS yoy_median, s.yoy_p75
FROM reporting_indicator_quarter s
JOIN indicator i ON i.code = s.indicator_code
WHERE s.platform_type <> '';

CREATE VIEW reporting.indicator_yoy_falls AS
SELECT f.indicator_code, i.name_zh AS indicator_name, f.period, f.position, f.platform_code, p.name AS platform_name,
       p.type AS platform_type, f.value, f.previous, (f.value / f.previous - 1) * 100 AS yoy_pct
FROM reporting_indicator_yoy_fall f
JOIN indicator i ON i.code = f.indicator_code
JOIN platform p ON p.code = f.platform_code;

-- Same columns and meaning as in V4; the per-quarter counts come from the summary (quarters without a
-- summary row have nobody expected).
CREATE OR REPLACE VIEW reporting.submission_completeness AS
SELECT q.period, coalesce(c.expected, 0) AS expected, coalesce(c.reported, 0) AS reported,
       CASE WHEN coalesce(c.expected, 0) = 0 THEN NULL ELSE 100.0 * c.reported / c.expected END AS completeness_pct,
       ((q.period + INTERVAL '3 months')::date + 24) AS deadline
FROM generate_series((SELECT min(period) FROM observation_current), (SELECT max(period) FROM observation_current),
                     INTERVAL '3 months') AS g(t)
CROSS JOIN LATERAL (SELECT g.t::date AS period) q
LEFT JOIN reporting_completeness c ON c.period = q.period;

-- V4's columns plus warning_severity (the target_progress warning in force, NULL when green).
CREATE OR REPLACE VIEW reporting.target_progress AS
SELECT o.platform_code, p.name AS platform_name, o.indicator_code, i.name_zh AS indicator_name, o.period,
       o.value::float8 AS actual, t.value::float8 AS target,
       100.0 * o.value::float8 / nullif(t.value::float8, 0) AS progress_pct,
       25.0 * extract(quarter FROM o.period) AS expected_pct,
       a.deviation AS lag_points,
       CASE a.severity WHEN 'critical' THEN 'red' WHEN 'warning' THEN 'yellow' ELSE 'green' END AS light,
       a.severity AS warning_severity
FROM observation_current o
JOIN indicator i ON i.code = o.indicator_code AND i.kind = 'ytd_flow'
JOIN target_current t ON t.platform_code = o.platform_code AND t.indicator_code = o.indicator_code
                     AND t.year = extract(year FROM o.period)::int
JOIN platform p ON p.code = o.platform_code
LEFT JOIN alert a ON a.rule = 'target_progress' AND a.platform_code = o.platform_code
                 AND a.indicator_code = o.indicator_code AND a.period = o.period AND a.state <> 'resolved';

-- V4's derived values, the same columns and rows. The denominator of a ratio is looked up by its key
-- (platform, indicator, period: the primary key, one row) for each numerator row; as a plain join the
-- planner probed it through (period, platform) and filtered ~12 rows each time (bench/RESULTS.md).
-- OFFSET 0 keeps the lookup a parameterised subquery.
CREATE OR REPLACE VIEW reporting.derived_values AS
SELECT n.platform_code, d.code AS indicator_code, d.name_zh AS indicator_name, d.unit, n.period,
       (n.value * d.factor / den.value)::float8 AS value
FROM indicator d
JOIN observation_current n ON n.indicator_code = d.numerator
CROSS JOIN LATERAL (SELECT x.value FROM observation_current x
                    WHERE x.platform_code = n.platform_code AND x.indicator_code = d.denominator AND x.period = n.period
                    OFFSET 0) den
WHERE d.formula = 'ratio' AND den.value > 0
UNION ALL
SELECT cur.platform_code, d.code, d.name_zh, d.unit, cur.period,
       ((cur.value / prev.value - 1) * 100)::float8
FROM indicator d
JOIN observation_current cur ON cur.indicator_code = d.growth_of
JOIN observation_current prev ON prev.platform_code = cur.platform_code AND prev.indicator_code = cur.indicator_code
                             AND prev.period = (cur.period - INTERVAL '1 year')::date
WHERE d.formula = 'growth' AND prev.value > 0;

-- V4's rankings, the same columns and rows. Last year's rank of the platform is looked up by its key
-- (previous run, platform) and only when a query asks for rank_change; as V4's outer join the planner
-- fetched every run's entry of each platform (~40) and filtered on the run afterwards: 400,000 rows and
-- 0.8 s for the 10,000-row table (bench/RESULTS.md). The runs' subquery is small (one row per scheme
-- and year) and computed whole (OFFSET 0), so its previous run is a plain column for the lookup.
CREATE OR REPLACE VIEW reporting.rankings AS
SELECT o.scheme_code, o.scheme_name, o.year, o.period_end, o.published, o.run_id,
       e.platform_code, p.name AS platform_name, p.type AS platform_type, e.group_value,
       e.rank, e.score, e.class, e.rank_low, e.rank_high,
       (SELECT prev.rank FROM ranking_entry prev
        WHERE prev.run_id = o.previous_run_id AND prev.platform_code = e.platform_code) - e.rank AS rank_change
FROM (SELECT r.*, (SELECT po.run_id FROM reporting.official_runs po
                   WHERE po.scheme_code = r.scheme_code AND po.year = r.year - 1 AND po.published) AS previous_run_id
      FROM reporting.official_runs r OFFSET 0) o
JOIN ranking_entry e ON e.run_id = o.run_id
JOIN platform p ON p.code = e.platform_code;

-- Warning counts per quarter, rule and severity (reporting.alert_counts, and counts of open warnings of
-- one severity) from the index alone.
CREATE INDEX alert_counts_idx ON alert (period, rule, severity, state);
-- Open warnings of one rule in one quarter (序时进度 lights, missing submissions).
CREATE INDEX alert_open_rule_period_idx ON alert (rule, period) WHERE state <> 'resolved';
