package io.zonewatch.observations;

/** All SQL of the observations read path. */
final class ObservationSql {
    private ObservationSql() {
    }

    // Both statements answer the platform check too (known = false: no such platform), so that a read is
    // one round trip; a known platform without values gives one row of nulls.

    /** Latest version of each key: the maintained current table. */
    static final String CURRENT = """
            SELECT p.code IS NOT NULL AS known, o.indicator_code, o.period, o.value::text AS value, o.status,
                   o.revision, o.feed_id
            FROM (SELECT $1::text AS code) q
            LEFT JOIN platform p ON p.code = q.code
            LEFT JOIN observation_current o
                   ON o.platform_code = p.code AND o.indicator_code = ANY($2) AND o.period >= $3 AND o.period <= $4
            """;

    /** The state at an instant: per key, the highest revision recorded by then. */
    static final String AS_OF = """
            SELECT p.code IS NOT NULL AS known, o.indicator_code, o.period, o.value, o.status, o.revision, o.feed_id
            FROM (SELECT $1::text AS code) q
            LEFT JOIN platform p ON p.code = q.code
            LEFT JOIN LATERAL (
                SELECT DISTINCT ON (v.indicator_code, v.period)
                       v.indicator_code, v.period, v.value::text AS value, v.status, v.revision, v.feed_id
                FROM observation_version v
                WHERE v.platform_code = p.code AND v.indicator_code = ANY($2) AND v.period >= $3 AND v.period <= $4
                  AND v.recorded_at <= $5
                ORDER BY v.indicator_code, v.period, v.revision DESC
            ) o ON true
            """;
}
