package io.zonewatch.ranking;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.zonewatch.audit.AuditLog;
import io.zonewatch.auth.Principal;
import io.zonewatch.catalog.Indicator;

import java.util.List;
import java.util.Map;

/** Versioned ranking schemes: every accepted change is a new version; old versions stay readable. */
public final class SchemeRepository {
    private final Pool pool;

    public SchemeRepository(Pool pool) {
        this.pool = pool;
    }

    /** A stored scheme version as served: the definition plus version metadata. */
    static JsonObject describe(Row r) {
        JsonObject def = (JsonObject) r.getValue("definition");
        return def.copy().put("version", r.getInteger("version"))
                .put("createdAt", r.getOffsetDateTime("created_at").toInstant().toString())
                .put("createdBy", r.getString("created_by"));
    }

    public Future<JsonArray> latest() {
        return pool.query(RankingSql.LATEST_SCHEMES).execute().map(rows -> {
            JsonArray out = new JsonArray();
            rows.forEach(r -> out.add(describe(r)));
            return out;
        });
    }

    /** The latest (version null) or a given version of a scheme, or null. */
    public Future<JsonObject> find(String code, Integer version) {
        Future<io.vertx.sqlclient.RowSet<Row>> rows = version == null
                ? pool.preparedQuery(RankingSql.LATEST_SCHEME).execute(Tuple.of(code))
                : pool.preparedQuery(RankingSql.SCHEME_VERSION).execute(Tuple.of(code, version));
        return rows.map(rs -> rs.size() == 0 ? null : describe(rs.iterator().next()));
    }

    public Future<JsonArray> versions(String code) {
        return pool.preparedQuery(RankingSql.SCHEME_VERSIONS).execute(Tuple.of(code)).map(rows -> {
            JsonArray out = new JsonArray();
            rows.forEach(r -> out.add(new JsonObject().put("version", r.getInteger("version"))
                    .put("createdAt", r.getOffsetDateTime("created_at").toInstant().toString())
                    .put("createdBy", r.getString("created_by"))));
            return out;
        });
    }

    /** Parses a stored definition back into a scheme (stored definitions were validated on the way in). */
    public static Scheme toScheme(JsonObject stored, Map<String, Indicator> catalog) {
        SchemeCodec.Parsed parsed = SchemeCodec.parse(stored.getString("code"), stored.getInteger("version"), stored, catalog);
        if (parsed.scheme() == null) {
            throw new IllegalStateException("stored scheme " + stored.getString("code") + " no longer validates: " + parsed.errors());
        }
        return parsed.scheme();
    }

    /**
     * Stores a validated scheme as its next version, unless it equals the latest one. Resolves to
     * {stored definition, created?}.
     */
    public Future<Map.Entry<JsonObject, Boolean>> save(Principal actor, Scheme scheme) {
        return pool.withTransaction(conn -> conn.query(RankingSql.LOCK_SCHEMES).execute()
                .compose(locked -> conn.preparedQuery(RankingSql.LATEST_SCHEME).execute(Tuple.of(scheme.code())))
                .compose(rows -> {
                    Row latest = rows.size() == 0 ? null : rows.iterator().next();
                    int version = latest == null ? 1 : latest.getInteger("version") + 1;
                    JsonObject def = SchemeCodec.toJson(new Scheme(scheme.code(), version, scheme.name(), scheme.nameEn(),
                            scheme.method(), scheme.winsorize(), scheme.minCoverage(), scheme.group(), scheme.classes(),
                            scheme.monteCarlo(), scheme.dimensions()));
                    if (latest != null) {
                        JsonObject previous = ((JsonObject) latest.getValue("definition")).copy();
                        previous.remove("version");
                        JsonObject candidate = def.copy();
                        candidate.remove("version");
                        // JsonObject.equals compares numbers by value (100 equals 100.0 read back from jsonb).
                        if (previous.equals(candidate)) {
                            return Future.succeededFuture(Map.entry(describe(latest), false));
                        }
                    }
                    return conn.preparedQuery(RankingSql.INSERT_SCHEME).execute(Tuple.of(scheme.code(), version, def, actor.name()))
                            .compose(v -> AuditLog.record(conn, actor, "scheme.save", "scheme:" + scheme.code() + ":" + version, def))
                            .compose(v -> conn.preparedQuery(RankingSql.SCHEME_VERSION).execute(Tuple.of(scheme.code(), version)))
                            .map(saved -> Map.entry(describe(saved.iterator().next()), true));
                }));
    }

    /** Loads the shipped default schemes into an empty scheme table, once. */
    public Future<Boolean> seedDefaults(List<Scheme> defaults) {
        return pool.withTransaction(conn -> conn.query(RankingSql.LOCK_SCHEMES).execute()
                .compose(locked -> conn.query(RankingSql.ANY_SCHEME).execute())
                .compose(any -> {
                    if (any.iterator().next().getBoolean(0)) return Future.succeededFuture(false);
                    Future<Void> chain = Future.succeededFuture();
                    for (Scheme s : defaults) {
                        JsonObject def = SchemeCodec.toJson(s);
                        chain = chain.compose(v -> conn.preparedQuery(RankingSql.INSERT_SCHEME)
                                .execute(Tuple.of(s.code(), 1, def, Principal.SYSTEM.name()))
                                .compose(x -> AuditLog.record(conn, Principal.SYSTEM, "scheme.save", "scheme:" + s.code() + ":1", def)));
                    }
                    return chain.map(true);
                }));
    }
}
