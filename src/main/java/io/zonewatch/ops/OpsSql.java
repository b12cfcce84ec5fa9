package io.zonewatch.ops;

/** All SQL of the operations endpoints. */
final class OpsSql {
    private OpsSql() {
    }

    /** Readiness: the schema this build expects has been migrated. */
    static final String READY = """
            SELECT EXISTS (SELECT 1 FROM flyway_schema_history WHERE version = $1 AND success) AS migrated
            """;
}
