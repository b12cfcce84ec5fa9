-- ZoneWatch schema, part 4: the reporting interface Grafana reads. Stable names in the schema
-- "reporting"; the tables behind them may change. Every view works on plain PostgreSQL and on
-- TimescaleDB, and each keeps a plain date/timestamp column for Grafana's $__timeFilter.

CREATE VIEW reporting.platforms AS
SELECT code AS platform_code, name AS platform_name, name_en, level, type AS platform_type, region, parent_code,
       active_from, active_to
FROM platform;

-- Stored quarterly values with the quarterly increment of year-to-date flows (Q1 as is).
CREATE VIEW reporting.observations AS
SELECT o.platform_code, p.name AS platform_name, p.type AS platform_type, o.indicator_code,
       i.name_zh AS indicator_name, i.unit, i.kind, o.period, o.value::float8 AS value,
       CASE WHEN i.kind <> 'ytd_flow' THEN NULL
            WHEN extract(quarter FROM o.period) = 1 THEN o.value::float8
            ELSE o.value::float8 - prev.value::float8 END AS quarterly_increment,
       o.status, o.revision
FROM observation_current o
JOIN platform p ON p.code = o.platform_code
JOIN indicator i ON i.code = o.indicator_code
LEFT JOIN observation_current prev
       ON prev.platform_code = o.platform_code AND prev.indicator_code = o.indicator_code
      AND prev.period = (o.period - INTERVAL '3 months')::date AND extract(quarter FROM o.period) > 1;

-- Derived indicators of the catalog, computed from same-quarter values exactly as the API does
-- (ratio × factor with a positive denominator; growth against the same quarter a year before).
CREATE VIEW reporting.derived_values AS
SELECT n.platform_code, d.code AS indicator_code, d.name_zh AS indicator_name, d.unit, n.period,
       (n.value * d.factor / den.value)::float8 AS value
FROM indicator d
JOIN observation_current n ON n.indicator_code = d.numerator
JOIN observation_current den ON den.platform_code = n.platform_code AND den.period = n.period
                            AND den.indicator_code = d.denominator
WHERE d.formula = 'ratio' AND den.value > 0
UNION ALL
SELECT cur.platform_code, d.code, d.name_zh, d.unit, cur.period,
       ((cur.value / prev.value - 1) * 100)::float8
FROM indicator d
JOIN observation_current cur ON cur.indicator_code = d.growth_of
JOIN observation_current prev ON prev.platform_code = cur.platform_code AND prev.indicator_code = cur.indicator_code
                             AND prev.period = (cur.period - INTERVAL '1 year')::date
WHERE d.formula = 'growth' AND prev.value > 0;

-- Base and derived values in one relation, with platform names: what the indicator panels read.
CREATE VIEW reporting.indicator_values AS
SELECT v.platform_code, p.name AS platform_name, p.type AS platform_type, v.indicator_code, v.indicator_name,
       v.unit, v.period, v.value
FROM (SELECT platform_code, indicator_code, indicator_name, unit, period, value FROM reporting.observations
      UNION ALL
      SELECT platform_code, indicator_code, indicator_name, unit, period, value FROM reporting.derived_values) v
JOIN platform p ON p.code = v.platform_code;

-- The run each year's table shows per scheme: the newest published year-end run, else the newest.
CREATE VIEW reporting.official_runs AS
SELECT DISTINCT ON (r.scheme_code, r.year)
       r.id AS run_id, r.scheme_code, s.definition ->> 'name' AS scheme_name, r.year,
       make_date(r.year, 12, 31) AS period_end, r.published_at IS NOT NULL AS published, r.data_as_of
FROM ranking_run r
JOIN ranking_scheme s ON s.code = r.scheme_code AND s.version = r.scheme_version
WHERE r.quarter IS NULL
ORDER BY r.scheme_code, r.year, (r.published_at IS NOT NULL) DESC, r.published_at DESC NULLS LAST, r.id DESC;

CREATE VIEW reporting.rankings AS
SELECT o.scheme_code, o.scheme_name, o.year, o.period_end, o.published, o.run_id,
       e.platform_code, p.name AS platform_name, p.type AS platform_type, e.group_value,
       e.rank, e.score, e.class, e.rank_low, e.rank_high,
       prev.rank - e.rank AS rank_change
FROM reporting.official_runs o
JOIN ranking_entry e ON e.run_id = o.run_id
JOIN platform p ON p.code = e.platform_code
LEFT JOIN reporting.official_runs po ON po.scheme_code = o.scheme_code AND po.year = o.year - 1 AND po.published
LEFT JOIN ranking_entry prev ON prev.run_id = po.run_id AND prev.platform_code = e.platform_code;

CREATE VIEW reporting.ranking_breakdown AS
SELECT o.scheme_code, o.year, o.period_end, c.platform_code, p.name AS platform_name, c.indicator_code,
       i.name_zh AS indicator_name, c.dimension, c.value, c.normalized, c.weight, c.effective_weight,
       c.contribution, c.imputed, c.treated
FROM reporting.official_runs o
JOIN ranking_component c ON c.run_id = o.run_id
JOIN platform p ON p.code = c.platform_code
LEFT JOIN indicator i ON i.code = c.indicator_code;

CREATE VIEW reporting.feeds AS
SELECT id AS feed_id, received_at, submitter, format, mode, status, rows, inserted, revised, unchanged, rejected
FROM feed;

-- Per quarter: platforms expected to report (active then, reporting in the four quarters before), how
-- many of those did, and the reporting deadline (25 days after the quarter ends). Every quarter from
-- the first to the last with data is listed, also one nobody reported for. The quarters come from a
-- function scan, so a time filter on "period" is applied before the per-quarter counting.
CREATE VIEW reporting.submission_completeness AS
SELECT q.period, x.expected, x.reported,
       CASE WHEN x.expected = 0 THEN NULL ELSE 100.0 * x.reported / x.expected END AS completeness_pct,
       ((q.period + INTERVAL '3 months')::date + 24) AS deadline
FROM generate_series((SELECT min(period) FROM observation_current), (SELECT max(period) FROM observation_current),
                     INTERVAL '3 months') AS g(t)
CROSS JOIN LATERAL (SELECT g.t::date AS period) q
CROSS JOIN LATERAL (
    SELECT count(*) AS expected,
           count(*) FILTER (WHERE EXISTS (SELECT 1 FROM observation_current r
                                          WHERE r.period = q.period AND r.platform_code = e.platform_code)) AS reported
    FROM (SELECT DISTINCT o.platform_code
          FROM observation_current o JOIN platform p ON p.code = o.platform_code
          WHERE o.period >= (q.period - INTERVAL '1 year')::date AND o.period < q.period
            AND (p.active_to IS NULL OR p.active_to >= q.period)) e
) x;

-- Grafana's data-source role: reads the reporting views and nothing else. Created where the
-- migrating user may create roles; docker-compose gives it a login (see the README).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'zonewatch_reader') THEN
        BEGIN
            CREATE ROLE zonewatch_reader NOLOGIN;
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE NOTICE 'cannot create role zonewatch_reader: grant reporting access by hand';
        END;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'zonewatch_reader') THEN
        GRANT USAGE ON SCHEMA reporting TO zonewatch_reader;
        GRANT SELECT ON ALL TABLES IN SCHEMA reporting TO zonewatch_reader;
        -- Views added by later migrations are readable too.
        ALTER DEFAULT PRIVILEGES IN SCHEMA reporting GRANT SELECT ON TABLES TO zonewatch_reader;
    END IF;
END
$$;
