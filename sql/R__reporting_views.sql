-- The reporting views: each view's current definition, in one file (Flyway runs a repeatable
-- migration after the versioned ones, and again whenever this file changes). A versioned migration
-- changes tables; this file says what the views make of them. Grafana's role zonewatch_reader reads
-- these views and nothing else (the views read the tables with their owner's rights).
--
-- All are dropped and created again, in dependency order (indicator_values reads derived_values and
-- observations; rankings and ranking_breakdown read official_runs), so a column may change or go.
-- The summary tables some read are in the schema summaries, kept by io.zonewatch.reporting.ReportingWorker.


DROP VIEW IF EXISTS reporting.indicator_yoy_falls, reporting.indicator_peer_distribution, reporting.indicator_distribution, reporting.submission_completeness, reporting.target_progress, reporting.alert_counts, reporting.alerts_open, reporting.held_values, reporting.ranking_breakdown, reporting.rankings, reporting.official_runs, reporting.feeds, reporting.indicator_values, reporting.derived_values, reporting.observations, reporting.platforms CASCADE;


-- (last changed in V4__reporting_views.sql)
CREATE VIEW reporting.platforms AS
SELECT code AS platform_code, name AS platform_name, name_en, level, type AS platform_type, region, parent_code,
       active_from, active_to
FROM platform;


-- Stored quarterly values with the quarterly increment of year-to-date flows (Q1 as is).
-- (last changed in V4__reporting_views.sql)
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


-- V4's derived values, the same columns and rows. The denominator of a ratio is looked up by its key
-- (platform, indicator, period: the primary key, one row) for each numerator row; as a plain join the
-- planner probed it through (period, platform) and filtered ~12 rows each time (bench/RESULTS.md).
-- OFFSET 0 keeps the lookup a parameterised subquery.
-- (last changed in V8__reporting_summaries.sql)
CREATE VIEW reporting.derived_values AS
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


-- Base and derived values in one relation, with platform names: what the indicator panels read.
-- (last changed in V4__reporting_views.sql)
CREATE VIEW reporting.indicator_values AS
SELECT v.platform_code, p.name AS platform_name, p.type AS platform_type, v.indicator_code, v.indicator_name,
       v.unit, v.period, v.value
FROM (SELECT platform_code, indicator_code, indicator_name, unit, period, value FROM reporting.observations
      UNION ALL
      SELECT platform_code, indicator_code, indicator_name, unit, period, value FROM reporting.derived_values) v
JOIN platform p ON p.code = v.platform_code;


-- (last changed in V4__reporting_views.sql)
CREATE VIEW reporting.feeds AS
SELECT id AS feed_id, received_at, submitter, format, mode, status, rows, inserted, revised, unchanged, rejected
FROM feed;


-- The leaders' tables say which entries rest on held or capped values, whether the run was forced
-- incomplete and whether it was published over open findings. Columns are appended (CREATE OR
-- REPLACE VIEW keeps the existing ones and their order).
-- (last changed in V14__ranking_data_quality.sql)
CREATE VIEW reporting.official_runs AS
SELECT DISTINCT ON (r.scheme_code, r.year)
       r.id AS run_id, r.scheme_code, s.definition ->> 'name' AS scheme_name, r.year,
       make_date(r.year, 12, 31) AS period_end, r.published_at IS NOT NULL AS published, r.data_as_of,
       r.incomplete, r.reporting_share, r.override_reason, r.scheme_version
FROM ranking_run r
JOIN ranking_scheme s ON s.code = r.scheme_code AND s.version = r.scheme_version
WHERE r.quarter IS NULL
ORDER BY r.scheme_code, r.year, (r.published_at IS NOT NULL) DESC, r.published_at DESC NULLS LAST, r.id DESC;


-- (last changed in V14__ranking_data_quality.sql)
CREATE VIEW reporting.rankings AS
SELECT o.scheme_code, o.scheme_name, o.year, o.period_end, o.published, o.run_id,
       e.platform_code, p.name AS platform_name, p.type AS platform_type, e.group_value,
       e.rank, e.score, e.class, e.rank_low, e.rank_high,
       (SELECT prev.rank FROM ranking_entry prev
        WHERE prev.run_id = o.previous_run_id AND prev.platform_code = e.platform_code) - e.rank AS rank_change,
       q.held AS held_values, q.capped AS capped_values, q.imputed AS imputed_values, q.outliers AS outlier_values,
       o.incomplete, o.override_reason
FROM (SELECT r.*, (SELECT po.run_id FROM reporting.official_runs po
                   WHERE po.scheme_code = r.scheme_code AND po.year = r.year - 1 AND po.published) AS previous_run_id
      FROM reporting.official_runs r OFFSET 0) o
JOIN ranking_entry e ON e.run_id = o.run_id
JOIN platform p ON p.code = e.platform_code
CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE c.held) AS held, count(*) FILTER (WHERE c.capped) AS capped,
           count(*) FILTER (WHERE c.imputed) AS imputed, count(*) FILTER (WHERE c.outlier) AS outliers
    FROM ranking_component c WHERE c.run_id = e.run_id AND c.platform_code = e.platform_code
) q;


-- (last changed in V14__ranking_data_quality.sql)
CREATE VIEW reporting.ranking_breakdown AS
SELECT o.scheme_code, o.year, o.period_end, c.platform_code, p.name AS platform_name, c.indicator_code,
       i.name_zh AS indicator_name, c.dimension, c.value, c.normalized, c.weight, c.effective_weight,
       c.contribution, c.imputed, c.treated, c.held, c.capped, c.outlier, c.held_alert_id
FROM reporting.official_runs o
JOIN ranking_component c ON c.run_id = o.run_id
JOIN platform p ON p.code = c.platform_code
LEFT JOIN indicator i ON i.code = c.indicator_code;


-- reporting.held_values (V14) was built from ranking_component, which only ranked platforms have: a
-- platform whose held values cost it its coverage (and so its rank) was missing from the list. The
-- list now comes from the run's own data-quality section, one row per held scheme indicator, with
-- `ranked` appended (runs from before V14 have no section and list nothing).
-- (last changed in V15__held_values_of_every_platform.sql)
CREATE VIEW reporting.held_values AS
SELECT r.scheme_code, r.year, r.quarter, make_date(r.year, 3 * coalesce(r.quarter, 4) - 2, 1) AS period,
       r.id AS run_id, h ->> 'platform' AS platform_code, p.name AS platform_name, a.indicator_code,
       coalesce(i.name_zh, a.indicator_code) AS indicator_name, (h ->> 'alertId')::bigint AS alert_id,
       h ->> 'rule' AS rule, h ->> 'indicator' AS alert_indicator, al.period AS alert_period, al.state AS alert_state,
       coalesce((h ->> 'ranked')::boolean, true) AS ranked
FROM (SELECT DISTINCT ON (scheme_code, year, quarter) id, scheme_code, year, quarter, data_quality
      FROM ranking_run ORDER BY scheme_code, year, quarter, id DESC) r
CROSS JOIN LATERAL jsonb_array_elements(coalesce(r.data_quality -> 'held', '[]'::jsonb)) AS h
CROSS JOIN LATERAL jsonb_array_elements_text(h -> 'affects') AS a(indicator_code)
JOIN platform p ON p.code = h ->> 'platform'
LEFT JOIN indicator i ON i.code = a.indicator_code
LEFT JOIN alert al ON al.id = (h ->> 'alertId')::bigint;


-- (last changed in V3__targets_alerts.sql)
CREATE VIEW reporting.alerts_open AS
SELECT a.id, a.rule, a.severity, a.state, a.platform_code, p.name AS platform_name, p.type AS platform_type,
       a.indicator_code, coalesce(i.name_zh, a.indicator_code) AS indicator_name, a.period,
       a.value, a.reference, a.deviation, a.message_zh, a.message_en, a.created_at, a.updated_at
FROM alert a
JOIN platform p ON p.code = a.platform_code
LEFT JOIN indicator i ON i.code = a.indicator_code
WHERE a.state <> 'resolved';


-- (last changed in V3__targets_alerts.sql)
CREATE VIEW reporting.alert_counts AS
SELECT period AS quarter, rule, severity,
       count(*) FILTER (WHERE state <> 'resolved') AS open,
       count(*) AS raised
FROM alert
GROUP BY period, rule, severity;


-- V4's columns plus warning_severity (the target_progress warning in force, NULL when green).
-- (last changed in V8__reporting_summaries.sql)
CREATE VIEW reporting.target_progress AS
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


-- Same columns and meaning as in V4; the per-quarter counts come from the summary (quarters without a
-- summary row have nobody expected).
-- (last changed in V8__reporting_summaries.sql)
CREATE VIEW reporting.submission_completeness AS
SELECT q.period, coalesce(c.expected, 0) AS expected, coalesce(c.reported, 0) AS reported,
       CASE WHEN coalesce(c.expected, 0) = 0 THEN NULL ELSE 100.0 * c.reported / c.expected END AS completeness_pct,
       ((q.period + INTERVAL '3 months')::date + 24) AS deadline
FROM generate_series((SELECT min(period) FROM observation_current), (SELECT max(period) FROM observation_current),
                     INTERVAL '3 months') AS g(t)
CROSS JOIN LATERAL (SELECT g.t::date AS period) q
LEFT JOIN summaries.completeness c ON c.period = q.period;


-- Distribution of each indicator across all platforms, per quarter (what 指标监测 charts).
-- (last changed in V8__reporting_summaries.sql)
CREATE VIEW reporting.indicator_distribution AS
SELECT s.indicator_code, i.name_zh AS indicator_name, i.unit, s.period, s.platforms,
       s.p10, s.p25, s.p50 AS median, s.p75, s.p90,
       s.yoy_platforms, s.yoy_p25, s.yoy_p50 AS yoy_median, s.yoy_p75
FROM summaries.indicator_quarter s
JOIN indicator i ON i.code = s.indicator_code
WHERE s.platform_type = '';


-- The same per platform type (同类型).
-- (last changed in V8__reporting_summaries.sql)
CREATE VIEW reporting.indicator_peer_distribution AS
SELECT s.indicator_code, i.name_zh AS indicator_name, i.unit, s.period, s.platform_type, s.platforms,
       s.p10, s.p25, s.p50 AS median, s.p75, s.p90,
       s.yoy_platforms, s.yoy_p25, s.yoy_p50 AS yoy_median, s.yoy_p75
FROM summaries.indicator_quarter s
JOIN indicator i ON i.code = s.indicator_code
WHERE s.platform_type <> '';


-- (last changed in V8__reporting_summaries.sql)
CREATE VIEW reporting.indicator_yoy_falls AS
SELECT f.indicator_code, i.name_zh AS indicator_name, f.period, f.position, f.platform_code, p.name AS platform_name,
       p.type AS platform_type, f.value, f.previous, (f.value / f.previous - 1) * 100 AS yoy_pct
FROM summaries.indicator_yoy_fall f
JOIN indicator i ON i.code = f.indicator_code
JOIN platform p ON p.code = f.platform_code;


-- Grafana's data-source role reads every view here (created in V4 where the migrating user may create roles).
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'zonewatch_reader') THEN
        GRANT USAGE ON SCHEMA reporting TO zonewatch_reader;
        GRANT SELECT ON ALL TABLES IN SCHEMA reporting TO zonewatch_reader;
    END IF;
END $$;
