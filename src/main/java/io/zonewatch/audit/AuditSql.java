package io.zonewatch.audit;

/** All SQL of the audit trail. */
final class AuditSql {
    private AuditSql() {
    }

    static final String INSERT = """
            INSERT INTO audit_log (actor_token_id, actor, action, subject, details)
            VALUES ($1, $2, $3, $4, $5)
            """;
}
