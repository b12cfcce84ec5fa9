package io.zonewatch.ranking;

import io.zonewatch.db.AdvisoryLock;

/** All SQL of the ranking feature. */
final class RankingSql {
    private RankingSql() {
    }

    // ---- schemes ----

    static final String LATEST_SCHEMES = """
            SELECT DISTINCT ON (code) code, version, definition, created_at, created_by
            FROM ranking_scheme ORDER BY code, version DESC
            """;

    static final String LATEST_SCHEME = """
            SELECT code, version, definition, created_at, created_by
            FROM ranking_scheme WHERE code = $1 ORDER BY version DESC LIMIT 1
            """;

    static final String SCHEME_VERSION = """
            SELECT code, version, definition, created_at, created_by
            FROM ranking_scheme WHERE code = $1 AND version = $2
            """;

    static final String SCHEME_VERSIONS = """
            SELECT version, created_at, created_by FROM ranking_scheme WHERE code = $1 ORDER BY version
            """;

    static final String INSERT_SCHEME = """
            INSERT INTO ranking_scheme (code, version, definition, created_by) VALUES ($1, $2, $3, $4)
            RETURNING created_at
            """;

    /** Serialises scheme writers (first-start seeding across instances, concurrent PUTs). */
    static final String LOCK_SCHEMES = AdvisoryLock.RANKING_SCHEMES.xact();

    static final String ANY_SCHEME = "SELECT EXISTS (SELECT 1 FROM ranking_scheme)";

    // ---- inputs of a run ----

    /** One consistent snapshot for a run: REPEATABLE READ makes every read see the same data, as of now(). */
    static final String SNAPSHOT = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY";

    static final String NOW = "SELECT now() AS as_of";

    static final String PLATFORMS = """
            SELECT code, name, type, level, active_from, active_to FROM platform ORDER BY code
            """;

    static final String INDICATORS = """
            SELECT code, better FROM indicator
            """;

    static final String VALUES = """
            SELECT platform_code, indicator_code, period, value::float8 AS value, status
            FROM observation_current
            WHERE indicator_code = ANY($1) AND period = ANY($2)
            """;

    /**
     * The warnings the data-quality gate reads at a run's snapshot (docs/domain.md section 4): open or
     * acknowledged warnings of the data-error rules at critical severity (they hold a value), and of
     * peer_outlier (said in the breakdown). $1 the run's periods. Rule names are those of
     * {@link io.zonewatch.alerts.RuleSettings}.
     */
    static final String QUALITY_ALERTS = """
            SELECT id, rule, platform_code, indicator_code, period
            FROM alert
            WHERE state <> 'resolved' AND period = ANY($1)
              AND ((rule IN ('suspect_unit', 'ytd_decrease') AND severity = 'critical') OR rule = 'peer_outlier')
            """;

    /**
     * The reporting share of a period ($1, its first day; one rule for runs and the schedule): of the
     * platforms expected to report for it (V16's expected_reporters: active on its last day), those with
     * any value for the period. Missing platforms by code.
     */
    static final String REPORTING = """
            WITH reported AS (
                SELECT DISTINCT platform_code FROM observation_current WHERE period = $1
            )
            SELECT count(*) AS expected, count(r.platform_code) AS reported,
                   coalesce(array_agg(e.platform_code ORDER BY e.platform_code) FILTER (WHERE r.platform_code IS NULL), '{}') AS missing
            FROM expected_reporters($1) e LEFT JOIN reported r ON r.platform_code = e.platform_code
            """;

    // ---- storing a run ----

    static final String INSERT_RUN = """
            INSERT INTO ranking_run (scheme_code, scheme_version, year, quarter, group_by, data_as_of, computed_by,
                                     trigger, ranked, not_ranked, warnings, data_fingerprint, indicator_versions,
                                     data_quality, reporting_share, incomplete)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
            RETURNING id, computed_at
            """;

    static final String INSERT_ENTRIES = """
            INSERT INTO ranking_entry (run_id, platform_code, group_value, rank, score, class, rank_low, rank_high,
                                       median_rank, dimension_scores, gap_platform, gap_score, closing_values)
            SELECT $1, * FROM unnest($2::text[], $3::text[], $4::int[], $5::float8[], $6::text[], $7::int[], $8::int[],
                                     $9::float8[], $10::jsonb[], $11::text[], $12::float8[], $13::jsonb[])
            """;

    static final String INSERT_COMPONENTS = """
            INSERT INTO ranking_component (run_id, platform_code, indicator_code, position, dimension, raw_value, value,
                                           imputed, treated, normalized, weight, effective_weight, contribution,
                                           held, held_alert_id, capped, outlier, outlier_alert_id)
            SELECT $1, * FROM unnest($2::text[], $3::text[], $4::int[], $5::text[], $6::float8[], $7::float8[],
                                     $8::bool[], $9::bool[], $10::float8[], $11::float8[], $12::float8[], $13::float8[],
                                     $14::bool[], $15::bigint[], $16::bool[], $17::bool[], $18::bigint[])
            """;

    static final String INSERT_NOT_RANKED = """
            INSERT INTO ranking_not_ranked (run_id, platform_code, group_value, reason, message, coverage)
            SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::float8[])
            """;

    static final String PUBLISH = """
            UPDATE ranking_run SET published_at = now(), published_by = $2,
                   override_reason = $3, override_by = CASE WHEN $3::text IS NOT NULL THEN $2 END,
                   override_at = CASE WHEN $3::text IS NOT NULL THEN now() END
            WHERE id = $1 AND published_at IS NULL
            """;

    /** The run to publish, locked against a concurrent publication. */
    static final String RUN_FOR_UPDATE = "SELECT " + "id, year, quarter, scheme_code, published_at, data_as_of, data_quality"
            + " FROM ranking_run WHERE id = $1 FOR UPDATE";

    /**
     * Critical data-error warnings open now on what a run's ranked platforms were ranked on, that the run
     * did not hold: raised after its snapshot (had they been open then, the gate would have held the
     * value). $1 the run; $2 its period with $3 the base indicators read for it, $5 the same period a
     * year earlier with $6 those read for it (growth rates), null for any; $4 the warnings it held.
     */
    static final String RAISED_AFTER_SNAPSHOT = """
            SELECT a.id, a.rule, a.platform_code, a.indicator_code, a.period, a.created_at, a.updated_at
            FROM alert a
            WHERE a.state <> 'resolved' AND a.severity = 'critical' AND a.rule IN ('suspect_unit', 'ytd_decrease')
              AND ((a.period = $2 AND ($3::text[] IS NULL OR a.indicator_code = ANY($3)))
                   OR (a.period = $5 AND ($6::text[] IS NULL OR a.indicator_code = ANY($6))))
              AND NOT (a.id = ANY($4))
              AND EXISTS (SELECT 1 FROM ranking_entry e WHERE e.run_id = $1 AND e.platform_code = a.platform_code)
            ORDER BY a.platform_code, a.indicator_code, a.period
            LIMIT 1000
            """;

    // ---- reading runs ----

    static final String RUN_COLUMNS = """
            r.id, r.scheme_code, r.scheme_version, r.year, r.quarter, r.group_by, r.data_as_of, r.computed_at,
            r.computed_by, r.trigger, r.ranked, r.not_ranked, r.warnings, r.published_at, r.published_by, r.indicator_versions,
            r.data_quality, r.reporting_share, r.incomplete, r.override_reason, r.override_by, r.override_at""";

    static final String RUN = "SELECT " + RUN_COLUMNS + " FROM ranking_run r WHERE r.id = $1";

    static final String RUNS_OF_YEAR = "SELECT " + RUN_COLUMNS + """
             FROM ranking_run r WHERE r.year = $1 AND ($2::text IS NULL OR r.scheme_code = $2)
            ORDER BY r.id DESC
            """;

    /** The run a year's table shows: the newest published year-end run, else the newest year-end run. */
    static final String OFFICIAL_RUN = "SELECT " + RUN_COLUMNS + """
             FROM ranking_run r
            WHERE r.scheme_code = $1 AND r.year = $2 AND r.quarter IS NULL
            ORDER BY (r.published_at IS NOT NULL) DESC, r.published_at DESC NULLS LAST, r.id DESC
            LIMIT 1
            """;

    static final String LATEST_PROVISIONAL_RUN = "SELECT " + RUN_COLUMNS + """
             FROM ranking_run r
            WHERE r.scheme_code = $1 AND r.year = $2 AND r.quarter = $3
            ORDER BY r.id DESC LIMIT 1
            """;

    static final String PUBLISHED_RUN = "SELECT " + RUN_COLUMNS + """
             FROM ranking_run r
            WHERE r.scheme_code = $1 AND r.year = $2 AND r.quarter IS NULL AND r.published_at IS NOT NULL
            ORDER BY r.published_at DESC, r.id DESC LIMIT 1
            """;

    static final String ENTRIES = """
            SELECT e.platform_code, p.name, e.group_value, e.rank, e.score, e.class, e.rank_low, e.rank_high,
                   e.median_rank, e.dimension_scores, e.gap_platform, e.gap_score, e.closing_values,
                   q.held, q.capped, q.imputed, q.outliers
            FROM ranking_entry e JOIN platform p ON p.code = e.platform_code
            CROSS JOIN LATERAL (
                SELECT count(*) FILTER (WHERE c.held) AS held, count(*) FILTER (WHERE c.capped) AS capped,
                       count(*) FILTER (WHERE c.imputed) AS imputed, count(*) FILTER (WHERE c.outlier) AS outliers
                FROM ranking_component c WHERE c.run_id = e.run_id AND c.platform_code = e.platform_code
            ) q
            WHERE e.run_id = $1
            ORDER BY e.group_value NULLS FIRST, e.rank, e.platform_code
            """;

    static final String NOT_RANKED = """
            SELECT n.platform_code, p.name, n.group_value, n.reason, n.message, n.coverage
            FROM ranking_not_ranked n JOIN platform p ON p.code = n.platform_code
            WHERE n.run_id = $1 ORDER BY n.platform_code
            """;

    /**
     * A timestamp as {@link java.time.Instant#toString()} writes it (UTC, fraction only as long as needed).
     * The colons are quoted literals so that pgbench, which runs this SQL as the read benchmark's
     * baseline, does not take ":MI" for one of its variables.
     */
    private static String iso(String column) {
        return """
                CASE WHEN extract(microseconds FROM %1$s)::bigint %% 1000000 = 0 THEN to_char(%1$s AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24":"MI":"SS"Z"')
                     WHEN extract(microseconds FROM %1$s)::bigint %% 1000 = 0 THEN to_char(%1$s AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24":"MI":"SS.MS"Z"')
                     ELSE to_char(%1$s AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24":"MI":"SS.US"Z"') END""".formatted(column);
    }

    /**
     * One platform's ranking ($1 platform, $2 scheme, $3 year or null for the latest year with such a
     * run, $4 published runs only: what a platform's own token sees of year-end runs, $5 a provisional
     * quarter 1-3 or null for the year-end run) in one round trip, built as the API's JSON by PostgreSQL: this is the hottest
     * read of the service (every platform's page), and one statement instead of five halves its cost.
     * Columns: known (the platform exists), year (null: no year-end run at all), body (null: no run
     * that year). The body is the API shape of GET /platforms/{code}/ranking.
     */
    static final String PLATFORM_RANKING = """
            WITH target AS (
                SELECT coalesce($3::int, (SELECT max(year) FROM ranking_run WHERE scheme_code = $2 AND quarter IS NOT DISTINCT FROM $5::int
                                                            AND (NOT $4::boolean OR published_at IS NOT NULL OR $5::int IS NOT NULL))) AS year
            ), run AS (
                SELECT r.id, r.year, r.quarter, r.scheme_version, r.published_at, r.data_as_of, r.ranked, r.incomplete, r.reporting_share,
                       r.override_reason, r.data_quality
                FROM ranking_run r JOIN target t ON r.year = t.year
                WHERE r.scheme_code = $2 AND r.quarter IS NOT DISTINCT FROM $5::int
                  AND (NOT $4::boolean OR r.published_at IS NOT NULL OR $5::int IS NOT NULL)
                ORDER BY (r.published_at IS NOT NULL) DESC, r.published_at DESC NULLS LAST, r.id DESC
                LIMIT 1
            ), official AS (
                SELECT DISTINCT ON (year) id, year, published_at IS NOT NULL AS published, ranked, incomplete
                FROM ranking_run
                WHERE scheme_code = $2 AND quarter IS NULL AND (NOT $4::boolean OR published_at IS NOT NULL)
                ORDER BY year, (published_at IS NOT NULL) DESC, published_at DESC NULLS LAST, id DESC
            )
            SELECT p.code IS NOT NULL AS known, t.year,
                   CASE WHEN run.id IS NOT NULL THEN (json_build_object(
                       'platform', $1::text, 'name', p.name, 'year', run.year, 'quarter', run.quarter,
                       'provisional', run.quarter IS NOT NULL, 'scheme', $2::text,
                       'schemeVersion', run.scheme_version, 'runId', run.id, 'published', run.published_at IS NOT NULL,
                       'dataAsOf', %s, 'ranked', run.ranked, 'incomplete', run.incomplete,
                       'reportingShare', run.reporting_share,
                       'override', CASE WHEN run.override_reason IS NOT NULL THEN json_build_object('reason', run.override_reason) END,
                       'heldValues', coalesce((SELECT json_agg(h) FROM jsonb_array_elements(run.data_quality -> 'held') h
                                               WHERE h ->> 'platform' = $1), '[]'::json),
                       'group', e.group_value, 'rank', e.rank, 'score', e.score, 'class', e.class,
                       'rankInterval', CASE WHEN e.rank IS NOT NULL THEN json_build_array(e.rank_low, e.rank_high) END,
                       'medianRank', e.median_rank, 'dimensionScores', e.dimension_scores,
                       'gapToNext', CASE WHEN e.gap_platform IS NOT NULL THEN json_build_object(
                           'platform', e.gap_platform, 'scoreGap', e.gap_score, 'closingValues', e.closing_values) END,
                       'notRanked', CASE WHEN n.reason IS NOT NULL
                                              THEN json_build_object('code', n.reason, 'reason', n.message, 'coverage', n.coverage)
                                         WHEN e.rank IS NULL
                                              THEN json_build_object('code', 'not_in_population',
                                                                     'reason', '该年度不在排名范围内 / not in that year''s population') END,
                       'breakdown', coalesce((
                           SELECT json_agg(json_build_object(
                               'indicator', c.indicator_code, 'dimension', c.dimension, 'value', c.value,
                               'rawValue', c.raw_value, 'imputed', c.imputed, 'treated', c.treated,
                               'held', c.held, 'heldBy', c.held_alert_id, 'capped', c.capped,
                               'outlier', c.outlier, 'outlierAlert', c.outlier_alert_id,
                               'normalized', c.normalized, 'weight', c.weight, 'effectiveWeight', c.effective_weight,
                               'contribution', c.contribution) ORDER BY c.position)
                           FROM ranking_component c WHERE c.run_id = run.id AND c.platform_code = $1), '[]'::json),
                       'history', coalesce((
                           SELECT json_agg(json_build_object(
                               'year', o.year, 'rank', he.rank, 'class', he.class, 'score', he.score,
                               'published', o.published, 'runId', o.id, 'ranked', o.ranked, 'incomplete', o.incomplete)
                               ORDER BY o.year)
                           FROM official o
                           LEFT JOIN ranking_entry he ON he.run_id = o.id AND he.platform_code = $1
                           LEFT JOIN ranking_not_ranked hn ON hn.run_id = o.id AND hn.platform_code = $1
                           WHERE he.rank IS NOT NULL OR hn.reason IS NOT NULL), '[]'::json)
                   ))::text END AS body
            FROM target t
            LEFT JOIN platform p ON p.code = $1
            LEFT JOIN run ON true
            LEFT JOIN ranking_entry e ON e.run_id = run.id AND e.platform_code = $1
            LEFT JOIN ranking_not_ranked n ON n.run_id = run.id AND n.platform_code = $1
            """.formatted(iso("run.data_as_of"));

    /** The comparable run of a provisional quarter: the newest provisional run of the same quarter a year earlier. */
    static final String COMPARABLE_PROVISIONAL_RUN = """
            SELECT id FROM ranking_run WHERE scheme_code = $1 AND year = $2 AND quarter = $3 ORDER BY id DESC LIMIT 1
            """;

    /** The newest provisional run of a scheme, any year and quarter 1-3: the latest 季度监测. */
    static final String NEWEST_PROVISIONAL = """
            SELECT year, quarter FROM ranking_run WHERE scheme_code = $1 AND quarter IS NOT NULL
            ORDER BY year DESC, quarter DESC, id DESC LIMIT 1
            """;

    /** A platform's rank in a run (null row: not ranked there) and the run's ranked count. */
    static final String RANK_IN_RUN = """
            SELECT r.id, r.year, r.quarter, r.ranked, e.rank, e.class
            FROM ranking_run r LEFT JOIN ranking_entry e ON e.run_id = r.id AND e.platform_code = $2
            WHERE r.id = $1
            """;

    /** Ranks in a comparable earlier run, for the change column. */
    static final String RANKS_OF_RUN = "SELECT platform_code, rank FROM ranking_entry WHERE run_id = $1";

    // ---- schedule ----

    /** Singleton scheduled work across service instances: whoever takes the lock does the round. */
    static final String TRY_SCHEDULE_LOCK = AdvisoryLock.RANKING_SCHEDULE.tryXact();

    /**
     * The fingerprint of the data a run of these periods reads (see ranking_run.data_fingerprint): its
     * values, and the warnings its data-quality gate reads (a value held or released changes the run).
     */
    static final String DATA_FINGERPRINT = """
            SELECT (SELECT count(*) || ':' || coalesce(sum(revision), 0) FROM observation_current WHERE period = ANY($1))
                   || ':' || (SELECT coalesce(md5(string_agg(id::text, ',' ORDER BY id)), '-') FROM alert
                              WHERE state <> 'resolved' AND period = ANY($1)
                                AND ((rule IN ('suspect_unit', 'ytd_decrease') AND severity = 'critical') OR rule = 'peer_outlier'))
                   AS fingerprint
            """;

    /** The newest run of a scheme for a period (quarter NULL: year-end). */
    static final String NEWEST_RUN = """
            SELECT scheme_version, data_as_of, data_fingerprint FROM ranking_run
            WHERE scheme_code = $1 AND year = $2 AND quarter IS NOT DISTINCT FROM $3
            ORDER BY id DESC LIMIT 1
            """;
}
