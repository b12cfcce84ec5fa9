package io.zonewatch.observations;

/** All SQL of the observations read path. */
final class ObservationSql {
    private ObservationSql() {
    }

    /** Latest version of each key: the maintained current table. */
    static final String CURRENT = """
            SELECT indicator_code, period, value::text AS value, status, revision, feed_id
            FROM observation_current
            WHERE platform_code = $1 AND indicator_code = ANY($2) AND period >= $3 AND period <= $4
            """;

    /** The state at an instant: per key, the highest revision recorded by then. */
    static final String AS_OF = """
            SELECT DISTINCT ON (indicator_code, period)
                   indicator_code, period, value::text AS value, status, revision, feed_id
            FROM observation_version
            WHERE platform_code = $1 AND indicator_code = ANY($2) AND period >= $3 AND period <= $4
              AND recorded_at <= $5
            ORDER BY indicator_code, period, revision DESC
            """;
}
