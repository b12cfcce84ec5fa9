package io.zonewatch.audit;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.zonewatch.auth.Principal;

/**
 * The audit trail: every feed, token change, catalog change, scheme change and publication. Written
 * through the caller's connection so that the entry commits or rolls back with the change itself.
 */
public final class AuditLog {
    private AuditLog() {
    }

    public static Future<Void> record(SqlClient client, Principal actor, String action, String subject, JsonObject details) {
        return client.preparedQuery(AuditSql.INSERT)
                .execute(Tuple.of(actor.tokenId(), actor.name(), action, subject, details == null ? new JsonObject() : details))
                .mapEmpty();
    }
}
