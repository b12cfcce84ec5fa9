package io.zonewatch.reporting;

import io.zonewatch.db.AdvisoryLock;

/** The statements that keep the dashboards' per-quarter summaries (tables in the schema summaries, sql/V8 and V17; read by the views of sql/R__reporting_views.sql). */
final class ReportingSql {
    private ReportingSql() {
    }

    /** One refresh at a time across all service instances (a transaction-level advisory lock). */
    static final String LOCK = AdvisoryLock.REPORTING_REFRESH.xact();

    /** What the summaries depend on besides the values: platform types, closures and names (ties), the derived formulas. */
    static final String CATALOG_FINGERPRINT = """
            SELECT md5(coalesce((SELECT string_agg(code || ':' || type || ':' || coalesce(active_to::text, '') || ':' || name, ',' ORDER BY code)
                                 FROM platform), '')
                       || '|' ||
                       coalesce((SELECT string_agg(code || ':' || coalesce(formula, '') || ':' || coalesce(numerator, '') || ':'
                                                   || coalesce(denominator, '') || ':' || factor::text || ':' || coalesce(growth_of, ''),
                                                   ',' ORDER BY code)
                                 FROM indicator), '')) AS fingerprint
            """;
    static final String STORED_FINGERPRINT = "SELECT value ->> 'fingerprint' AS fingerprint FROM app_state WHERE key = 'reporting.catalog'";
    static final String STORE_FINGERPRINT = """
            INSERT INTO app_state (key, value) VALUES ('reporting.catalog', jsonb_build_object('fingerprint', $1::text))
            ON CONFLICT (key) DO UPDATE SET value = excluded.value
            """;

    /** Stored feeds not yet in the summaries (oldest first, a bounded batch per round). */
    static final String PENDING_FEEDS = """
            SELECT f.id FROM feed f
            WHERE f.status <> 'rejected'
              AND NOT EXISTS (SELECT 1 FROM summaries.refreshed_feed r WHERE r.feed_id = f.id)
            ORDER BY f.id
            LIMIT 1000
            """;
    static final int PENDING_BATCH = 1000;
    /** The quarters those feeds wrote (new keys and revisions; an unchanged value writes no version). */
    static final String FEED_PERIODS = "SELECT DISTINCT period FROM observation_version WHERE feed_id = ANY($1::bigint[])";
    static final String MARK_FEEDS = """
            INSERT INTO summaries.refreshed_feed (feed_id) SELECT unnest($1::bigint[]) ON CONFLICT DO NOTHING
            """;
    /** First and last quarter with values: the range a full refresh covers. */
    static final String PERIOD_RANGE = "SELECT min(period) AS first, max(period) AS last FROM observation_current";

    /**
     * Run before a round that summarises new feeds. The refresh starts right after a feed commits, before
     * autovacuum has analysed the new quarter; with statistics that said the quarter was empty the planner
     * joined it to the year before by nested loops over 480,000 national rows, and the statement that takes
     * 10 s ran for 11 minutes (bench/RESULTS.md, Dashboards). Sampling the table takes ~0.2 s at national
     * scale (9.6 million values), and the dashboards' and warning rules' queries get the same statistics.
     */
    static final String ANALYZE_VALUES = "ANALYZE observation_current";

    static final String DELETE_INDICATOR_QUARTERS = "DELETE FROM summaries.indicator_quarter WHERE period = ANY($1::date[])";
    static final String DELETE_YOY_FALLS = "DELETE FROM summaries.indicator_yoy_fall WHERE period = ANY($1::date[])";
    /**
     * The distributions of the given quarters ($1), from reporting.indicator_values exactly as a panel would
     * compute them: percentiles of the values across platforms, overall and per platform type, and of the
     * year-on-year change against the same quarter a year before ($2 = the quarters of $1 a year earlier)
     * where that value is > 0, and the ten lowest of those changes.
     */
    static final String INSERT_INDICATOR_QUARTERS = """
            WITH cur AS (
                SELECT platform_code, platform_name, platform_type, indicator_code, period, value
                FROM reporting.indicator_values WHERE period = ANY($1::date[])
            ), prev AS (
                SELECT platform_code, indicator_code, period, value
                FROM reporting.indicator_values WHERE period = ANY($2::date[])
            ), joined AS MATERIALIZED (
                SELECT c.indicator_code, c.period, c.platform_code, c.platform_name, c.platform_type, c.value,
                       p.value AS previous, CASE WHEN p.value > 0 THEN (c.value / p.value - 1) * 100 END AS yoy
                FROM cur c
                LEFT JOIN prev p ON p.platform_code = c.platform_code AND p.indicator_code = c.indicator_code
                                AND p.period = (c.period - INTERVAL '1 year')::date
            ), falls AS (
                INSERT INTO summaries.indicator_yoy_fall (indicator_code, period, position, platform_code, value, previous)
                SELECT indicator_code, period, position, platform_code, value, previous
                FROM (SELECT indicator_code, period, platform_code, value, previous,
                             row_number() OVER (PARTITION BY indicator_code, period ORDER BY value / previous, platform_name) AS position
                      FROM joined WHERE previous > 0) ranked
                WHERE position <= 10
            ), stats AS (
                SELECT indicator_code, period, CASE WHEN grouping(platform_type) = 1 THEN '' ELSE platform_type END AS platform_type,
                       count(*) AS platforms,
                       percentile_cont(ARRAY[0.1, 0.25, 0.5, 0.75, 0.9]) WITHIN GROUP (ORDER BY value) AS p,
                       count(yoy) AS yoy_platforms,
                       percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY yoy) AS y
                FROM joined
                GROUP BY GROUPING SETS ((indicator_code, period), (indicator_code, period, platform_type))
            )
            INSERT INTO summaries.indicator_quarter (indicator_code, period, platform_type, platforms, p10, p25, p50, p75, p90,
                                                     yoy_platforms, yoy_p25, yoy_p50, yoy_p75)
            SELECT indicator_code, period, platform_type, platforms, p[1], p[2], p[3], p[4], p[5],
                   yoy_platforms, y[1], y[2], y[3]
            FROM stats
            """;

    /** Completeness of the given quarters: of the platforms expected to report (V16's expected_reporters), those that did. */
    static final String UPSERT_COMPLETENESS = """
            INSERT INTO summaries.completeness (period, expected, reported)
            SELECT q.period, x.expected, x.reported
            FROM unnest($1::date[]) AS q(period)
            CROSS JOIN LATERAL (
                SELECT count(*) AS expected,
                       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM observation_current r
                                                      WHERE r.period = q.period AND r.platform_code = e.platform_code)) AS reported
                FROM expected_reporters(q.period) e
            ) x
            ON CONFLICT (period) DO UPDATE SET expected = excluded.expected, reported = excluded.reported
            """;
}
