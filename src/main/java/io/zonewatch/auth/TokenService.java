package io.zonewatch.auth;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.zonewatch.audit.AuditLog;
import io.zonewatch.errors.Problem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * API tokens: 256 random bits, shown once, stored as SHA-256, one role each (and one platform for the
 * platform role). Successful look-ups are cached for a few seconds so that reads under load do not
 * pay a query per request. One instance serves every HTTP verticle of a process, so a revocation
 * takes effect at once in this process and within {@link #CACHE_MILLIS} in other processes.
 */
public final class TokenService {
    private static final Logger LOG = LoggerFactory.getLogger(TokenService.class);
    static final long CACHE_MILLIS = 5_000;
    private static final int CACHE_MAX = 10_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Pool pool;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    /** Bumped by every revocation: a look-up that started before one must not re-cache its result. */
    private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();

    private record Cached(Principal principal, long expiresAt) {
    }

    public TokenService(Pool pool) {
        this.pool = pool;
    }

    public static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "zw_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The principal for a bearer secret, or null when the secret is unknown or revoked. */
    public Future<Principal> authenticate(String secret) {
        if (secret == null || secret.isEmpty() || secret.length() > 200) return Future.succeededFuture(null);
        byte[] hash = sha256(secret);
        String key = Base64.getEncoder().encodeToString(hash);
        Cached cached = cache.get(key);
        long now = System.currentTimeMillis();
        if (cached != null && cached.expiresAt > now) return Future.succeededFuture(cached.principal);
        long startedAt = generation.get();
        return pool.preparedQuery(TokenSql.FIND_ACTIVE_BY_HASH).execute(Tuple.of(Buffer.buffer(hash))).map(rows -> {
            if (rows.size() == 0) {
                cache.remove(key);
                return null;
            }
            Row row = rows.iterator().next();
            // The row was found by its hash; comparing again in constant time keeps the check itself
            // free of timing differences whatever the index does.
            if (!MessageDigest.isEqual(row.getBuffer("secret_sha256").getBytes(), hash)) return null;
            Principal p = new Principal(row.getLong("id"), row.getString("name"),
                    Role.of(row.getString("role")), row.getString("platform_code"));
            if (cache.size() >= CACHE_MAX) cache.clear();
            if (generation.get() == startedAt) cache.put(key, new Cached(p, now + CACHE_MILLIS));
            return p;
        });
    }

    public Future<JsonObject> create(Principal actor, JsonObject request) {
        String name = request.getValue("name") instanceof String s ? s.trim() : null;
        Object roleValue = request.getValue("role");
        Role role = roleValue instanceof String s ? Role.of(s) : null;
        if (role == null) {
            throw Problem.unprocessable("bad_role",
                    "role 必须是 bureau、leader、platform 或 admin", "role must be one of bureau, leader, platform, admin");
        }
        Object platformValue = request.getValue("platform");
        String platform = platformValue instanceof String s && !s.isBlank() ? s.trim() : null;
        if (role == Role.PLATFORM && platform == null) {
            throw Problem.unprocessable("platform_required",
                    "platform 角色的令牌必须指定 platform", "a platform token needs a platform code");
        }
        if (role != Role.PLATFORM && platform != null) {
            throw Problem.unprocessable("platform_not_allowed",
                    "只有 platform 角色的令牌可以指定 platform", "only platform tokens are bound to a platform");
        }
        if (name == null || name.isEmpty()) name = role.code() + (platform == null ? "" : " " + platform);
        if (name.length() > 200) {
            throw Problem.unprocessable("bad_name", "name 过长（最多 200 字符）", "name is too long (200 characters at most)");
        }
        int bad = io.zonewatch.errors.DisplayText.offending(name);
        if (bad >= 0) throw io.zonewatch.errors.DisplayText.refusal("name", bad);
        String secret = newSecret();
        String tokenName = name;
        return pool.withTransaction(conn -> {
            Future<Void> platformCheck = platform == null ? Future.succeededFuture()
                    : conn.preparedQuery(TokenSql.PLATFORM_EXISTS).execute(Tuple.of(platform)).map(rows -> {
                        if (rows.size() == 0) {
                            throw Problem.unprocessable("unknown_platform",
                                    "未知平台代码 '" + platform + "'", "unknown platform code '" + platform + "'");
                        }
                        return null;
                    });
            return platformCheck
                    .compose(v -> conn.preparedQuery(TokenSql.INSERT).execute(Tuple.of(tokenName, role.code(), platform,
                            Buffer.buffer(sha256(secret)), actor.tokenId())))
                    .compose(rows -> {
                        Row row = rows.iterator().next();
                        JsonObject out = new JsonObject()
                                .put("id", row.getLong("id"))
                                .put("token", secret)
                                .put("role", role.code())
                                .put("platform", platform)
                                .put("name", tokenName)
                                .put("createdAt", row.getOffsetDateTime("created_at").toInstant().toString());
                        return AuditLog.record(conn, actor, "token.create", "token:" + out.getLong("id"),
                                        new JsonObject().put("role", role.code()).put("platform", platform).put("name", tokenName))
                                .map(out);
                    });
        });
    }

    public Future<JsonObject> list() {
        return pool.query(TokenSql.LIST).execute().map(rows -> {
            JsonArray tokens = new JsonArray();
            for (Row row : rows) tokens.add(describe(row));
            return new JsonObject().put("tokens", tokens);
        });
    }

    public Future<JsonObject> revoke(Principal actor, long id) {
        // The lock serialises revocations, so two at once cannot each see "another admin remains".
        return pool.withTransaction(conn -> conn.query(TokenSql.LOCK_BOOTSTRAP).execute()
                .compose(locked -> conn.preparedQuery(TokenSql.FIND_BY_ID).execute(Tuple.of(id))).compose(rows -> {
            if (rows.size() == 0) throw Problem.notFound("没有编号为 " + id + " 的令牌", "no token with id " + id);
            Row token = rows.iterator().next();
            if (token.getOffsetDateTime("revoked_at") != null) return Future.succeededFuture(describe(token));
            Future<Void> guard = !"admin".equals(token.getString("role")) ? Future.succeededFuture()
                    : conn.preparedQuery(TokenSql.COUNT_OTHER_ACTIVE_ADMINS).execute(Tuple.of(id)).map(count -> {
                        if (count.iterator().next().getLong(0) == 0) {
                            throw Problem.conflict("last_admin_token",
                                    "不能吊销最后一个有效的管理员令牌", "the last active admin token cannot be revoked");
                        }
                        return null;
                    });
            return guard
                    .compose(v -> conn.preparedQuery(TokenSql.REVOKE).execute(Tuple.of(id)))
                    .compose(v -> AuditLog.record(conn, actor, "token.revoke", "token:" + id, null))
                    .compose(v -> conn.preparedQuery(TokenSql.FIND_BY_ID).execute(Tuple.of(id)))
                    .map(after -> describe(after.iterator().next()));
        })).onSuccess(v -> {
            generation.incrementAndGet();
            cache.clear();
        });
    }

    /**
     * Makes sure an admin can log in. A configured ZONEWATCH_ADMIN_TOKEN is registered (once); without
     * one, a secret is generated when no admin token exists and returned so that start-up prints it once.
     */
    public Future<Optional<String>> bootstrapAdmin(Optional<String> configured) {
        return pool.withTransaction(conn -> conn.query(TokenSql.LOCK_BOOTSTRAP).execute().compose(locked -> {
            if (configured.isPresent()) {
                byte[] hash = sha256(configured.get());
                return conn.preparedQuery(TokenSql.REVOKED_AT)
                        .execute(Tuple.of(Buffer.buffer(hash))).compose(rows -> {
                            if (rows.size() > 0) {
                                if (rows.iterator().next().getOffsetDateTime("revoked_at") != null) {
                                    LOG.warn("ZONEWATCH_ADMIN_TOKEN was revoked through the API; it stays revoked");
                                }
                                return Future.succeededFuture(Optional.<String>empty());
                            }
                            return insertAdmin(conn, "admin (ZONEWATCH_ADMIN_TOKEN)", hash).map(Optional.<String>empty());
                        });
            }
            return conn.query(TokenSql.COUNT_ACTIVE_ADMINS).execute().compose(count -> {
                if (count.iterator().next().getLong(0) > 0) return Future.succeededFuture(Optional.<String>empty());
                String secret = newSecret();
                return insertAdmin(conn, "admin (generated at first start)", sha256(secret)).map(Optional.of(secret));
            });
        }));
    }

    private Future<Void> insertAdmin(io.vertx.sqlclient.SqlConnection conn, String name, byte[] hash) {
        return conn.preparedQuery(TokenSql.INSERT)
                .execute(Tuple.of(name, "admin", null, Buffer.buffer(hash), null))
                .compose(rows -> AuditLog.record(conn, Principal.SYSTEM, "token.create",
                        "token:" + rows.iterator().next().getLong("id"), new JsonObject().put("role", "admin").put("name", name)));
    }

    private static JsonObject describe(Row row) {
        var revoked = row.getOffsetDateTime("revoked_at");
        return new JsonObject()
                .put("id", row.getLong("id"))
                .put("name", row.getString("name"))
                .put("role", row.getString("role"))
                .put("platform", row.getString("platform_code"))
                .put("createdAt", row.getOffsetDateTime("created_at").toInstant().toString())
                .put("revokedAt", revoked == null ? null : revoked.toInstant().toString());
    }
}
