package io.zonewatch.auth;

import io.vertx.core.json.JsonObject;
import io.zonewatch.testing.Api;
import io.zonewatch.testing.ServiceTest;
import io.zonewatch.testing.TestService;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import static io.zonewatch.testing.TestService.ADMIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tokens and the access rules (the README's API table), over HTTP. */
class AccessTest extends ServiceTest {
    private static final String CSV = "platform_code,indicator_code,period,value\nAA,tax_revenue,2024Q1,1\n";
    private static String bureau;
    private static String leader;
    private static String platformA;

    @BeforeAll
    static void setUp() {
        service.platforms("AA,平台甲,provincial,etdz,杭州市,,,\nBB,平台乙,provincial,etdz,宁波市,,,\n");
        bureau = service.token("bureau", null);
        leader = service.token("leader", null);
        platformA = service.token("platform", "AA");
    }

    @Test
    void everyApiRouteNeedsAValidToken() {
        for (String path : List.of("/api/v1/platforms", "/api/v1/indicators", "/api/v1/feeds", "/api/v1/tokens",
                "/api/v1/platforms/AA/observations")) {
            Api.Response none = api.get(path, null);
            assertEquals(401, none.status(), path);
            assertEquals("unauthorized", none.json().getString("error"));
            assertEquals(401, api.get(path, "zw_not-a-real-token").status(), path);
        }
        assertEquals(401, api.feed(null, CSV, null).status());
    }

    @Test
    void feedsAreForTheBureauAndAdminsOnly() {
        assertEquals(201, api.feed(bureau, CSV, null).status());
        assertEquals(200, api.feed(ADMIN, CSV, null).status(), "replay of the same content");
        for (String token : List.of(leader, platformA)) {
            Api.Response r = api.feed(token, CSV.replace(",1\n", ",2\n"), null);
            assertEquals(403, r.status());
            assertEquals("forbidden", r.json().getString("error"));
            assertEquals(403, api.get("/api/v1/feeds", token).status());
        }
        assertEquals(1, service.scalar("SELECT count(*) FROM observation_version"));
    }

    @Test
    void catalogIsReadableByAllAndWritableByAdminsOnly() {
        JsonObject platform = new JsonObject().put("name", "x").put("level", "county").put("type", "other").put("region", "y");
        for (String token : List.of(bureau, leader, platformA)) {
            assertEquals(200, api.get("/api/v1/platforms", token).status());
            assertEquals(200, api.get("/api/v1/indicators", token).status());
            assertEquals(403, api.put("/api/v1/platforms/CC", token, platform).status());
            assertEquals(403, api.postJson("/api/v1/tokens", token, new JsonObject().put("role", "admin")).status());
        }
        assertEquals(201, api.put("/api/v1/platforms/CC", ADMIN, platform).status());
    }

    @Test
    void aPlatformTokenReadsOnlyItsOwnObservations() {
        assertEquals(200, api.get("/api/v1/platforms/AA/observations", platformA).status());
        Api.Response other = api.get("/api/v1/platforms/BB/observations", platformA);
        assertEquals(403, other.status());
        // Whether another platform exists is not revealed either.
        assertEquals(403, api.get("/api/v1/platforms/NOSUCH/observations", platformA).status());
        assertEquals(200, api.get("/api/v1/platforms/BB/observations", leader).status());
        assertEquals(200, api.get("/api/v1/platforms/BB/observations", bureau).status());
        assertEquals(404, api.get("/api/v1/platforms/NOSUCH/observations", leader).status());
    }

    @Test
    void tokensAreStoredAsSha256OnlyAndShownOnce() throws Exception {
        Api.Response created = api.postJson("/api/v1/tokens", ADMIN, new JsonObject().put("role", "leader").put("name", "市领导"));
        assertEquals(201, created.status());
        String secret = created.json().getString("token");
        assertTrue(secret.length() >= 40, "at least 128 random bits");
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        assertEquals(1, service.scalar("SELECT count(*) FROM api_token WHERE encode(secret_sha256, 'hex') = '" + hash + "'"));
        assertEquals(0, service.scalar("SELECT count(*) FROM api_token t WHERE t::text LIKE '%" + secret.substring(3) + "%'"));
        assertEquals(0, service.scalar("SELECT count(*) FROM audit_log a WHERE a::text LIKE '%" + secret.substring(3) + "%'"));
        Api.Response list = api.get("/api/v1/tokens", ADMIN);
        assertTrue(!list.text().contains(secret));
        assertEquals(1, service.scalar("SELECT count(*) FROM audit_log WHERE action = 'token.create' AND subject = 'token:"
                + created.json().getLong("id") + "'"));
    }

    @Test
    void revokedTokensStopWorkingAtOnce() {
        Api.Response created = api.postJson("/api/v1/tokens", ADMIN, new JsonObject().put("role", "bureau"));
        String secret = created.json().getString("token");
        assertEquals(200, api.get("/api/v1/platforms", secret).status());
        Api.Response revoked = api.delete("/api/v1/tokens/" + created.json().getLong("id"), ADMIN);
        assertEquals(200, revoked.status());
        assertTrue(revoked.json().getString("revokedAt") != null);
        assertEquals(401, api.get("/api/v1/platforms", secret).status());
        assertEquals(404, api.delete("/api/v1/tokens/999999", ADMIN).status());
    }

    @Test
    void theLastAdminTokenCannotBeRevoked() {
        long adminId = api.get("/api/v1/tokens", ADMIN).json().getJsonArray("tokens").stream()
                .map(JsonObject.class::cast).filter(t -> "admin".equals(t.getString("role")) && t.getValue("revokedAt") == null)
                .findFirst().orElseThrow().getLong("id");
        Api.Response r = api.delete("/api/v1/tokens/" + adminId, ADMIN);
        assertEquals(409, r.status());
        assertEquals("last_admin_token", r.json().getString("error"));
        assertEquals(200, api.get("/api/v1/platforms", ADMIN).status());
    }

    @Test
    void concurrentRevocationsLeaveAnAdmin() throws Exception {
        // Its own service: whichever admin survives, the other tests keep theirs.
        try (TestService own = TestService.start()) {
            List<Long> admins = new java.util.ArrayList<>();
            for (int i = 0; i < 2; i++) {
                admins.add(own.api.postJson("/api/v1/tokens", ADMIN, new JsonObject().put("role", "admin")).json().getLong("id"));
            }
            own.api.get("/api/v1/tokens", ADMIN).json().getJsonArray("tokens").stream().map(JsonObject.class::cast)
                    .filter(t -> "admin".equals(t.getString("role")) && !admins.contains(t.getLong("id")))
                    .forEach(t -> admins.add(t.getLong("id")));
            assertEquals(3, admins.size());
            var pool = java.util.concurrent.Executors.newFixedThreadPool(admins.size());
            try {
                var calls = admins.stream().map(id -> java.util.concurrent.CompletableFuture.supplyAsync(
                        () -> own.api.delete("/api/v1/tokens/" + id, ADMIN).status(), pool)).toList();
                List<Integer> statuses = new java.util.ArrayList<>();
                for (var c : calls) statuses.add(c.get());
                assertTrue(statuses.contains(409), statuses.toString());
            } finally {
                pool.shutdown();
            }
            assertEquals(1, own.scalar("SELECT count(*) FROM api_token WHERE role = 'admin' AND revoked_at IS NULL"));
        }
    }

    @Test
    void tokenRequestsAreValidated() {
        assertEquals("bad_role", api.postJson("/api/v1/tokens", ADMIN, new JsonObject().put("role", "mayor")).json().getString("error"));
        assertEquals("platform_required", api.postJson("/api/v1/tokens", ADMIN, new JsonObject().put("role", "platform")).json().getString("error"));
        assertEquals("unknown_platform", api.postJson("/api/v1/tokens", ADMIN,
                new JsonObject().put("role", "platform").put("platform", "ZZ")).json().getString("error"));
        assertEquals("platform_not_allowed", api.postJson("/api/v1/tokens", ADMIN,
                new JsonObject().put("role", "leader").put("platform", "AA")).json().getString("error"));
        Api.Response malformed = api.post("/api/v1/tokens", ADMIN, "application/json", "{role:");
        assertEquals(400, malformed.status());
        assertEquals("malformed_json", malformed.json().getString("error"));
        assertNotEquals(500, api.post("/api/v1/tokens", ADMIN, "application/json", "[1,2]").status());
    }
}
