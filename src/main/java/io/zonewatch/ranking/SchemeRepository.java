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

    /**
     * Brings the shipped default schemes into the database: every shipped version of a scheme the
     * database lacks; and, for a scheme whose newest stored definition equals a shipped version, the
     * shipped versions after it (so mu_benefit v1 databases get v2's caps as version 2, docs/domain.md section 3).
     * A scheme an administrator has changed is left alone. Resolves to the versions added ("mu_benefit:2").
     */
    public Future<List<String>> seedDefaults(List<Scheme> shipped) {
        Map<String, List<Scheme>> byCode = new java.util.LinkedHashMap<>();
        shipped.forEach(s -> byCode.computeIfAbsent(s.code(), k -> new java.util.ArrayList<>()).add(s));
        List<String> added = new java.util.ArrayList<>();
        return pool.withTransaction(conn -> {
            Future<Void> chain = conn.query(RankingSql.LOCK_SCHEMES).execute().mapEmpty();
            for (Map.Entry<String, List<Scheme>> e : byCode.entrySet()) {
                List<Scheme> versions = e.getValue();
                chain = chain.compose(v -> conn.preparedQuery(RankingSql.LATEST_SCHEME).execute(Tuple.of(e.getKey()))).compose(rows -> {
                    int stored = rows.size() == 0 ? 0 : rows.iterator().next().getInteger("version");
                    int from;
                    if (stored == 0) {
                        from = 0;
                    } else {
                        JsonObject latest = withoutVersion((JsonObject) rows.iterator().next().getValue("definition"));
                        int same = -1;
                        for (int i = 0; i < versions.size(); i++) {
                            if (withoutVersion(SchemeCodec.toJson(versions.get(i))).equals(latest)) same = i;
                        }
                        from = same < 0 ? versions.size() : same + 1;
                    }
                    Future<Void> inserts = Future.succeededFuture();
                    for (int i = from; i < versions.size(); i++) {
                        int version = stored + (i - from) + 1;
                        Scheme s = versions.get(i);
                        JsonObject def = SchemeCodec.toJson(new Scheme(s.code(), version, s.name(), s.nameEn(), s.method(), s.winsorize(),
                                s.minCoverage(), s.group(), s.classes(), s.monteCarlo(), s.dimensions()));
                        added.add(s.code() + ":" + version);
                        inserts = inserts.compose(v -> conn.preparedQuery(RankingSql.INSERT_SCHEME)
                                .execute(Tuple.of(s.code(), version, def, Principal.SYSTEM.name()))
                                .compose(x -> AuditLog.record(conn, Principal.SYSTEM, "scheme.save", "scheme:" + s.code() + ":" + version, def)));
                    }
                    return inserts;
                });
            }
            return chain.map(v -> added);
        });
    }

    private static JsonObject withoutVersion(JsonObject def) {
        JsonObject copy = def.copy();
        copy.remove("version");
        return copy;
    }
}
