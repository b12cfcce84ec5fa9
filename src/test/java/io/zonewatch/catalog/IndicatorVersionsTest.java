package io.zonewatch.catalog;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zonewatch.testing.Api;
import io.zonewatch.testing.TestDatabase;
import io.zonewatch.testing.ServiceTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import static io.zonewatch.testing.TestService.ADMIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12 item 4: editing a derived formula does not rewrite history. 亩均税收 of a zone with tax
 * 1,000 万元 on 60 亩 is 1000/60 = 16.67 万元/亩; after tax_per_mu is redefined over operating revenue
 * (23,066 万元: 384.43), a read as of an instant before the edit still gives 16.67, the current read
 * gives 384.43, both definitions are kept as versions, and a ranking run records the versions it used.
 */
class IndicatorVersionsTest extends ServiceTest {
    private static final String HEADER = "platform_code,indicator_code,period,value\n";

    @BeforeAll
    static void setUp() {
        service.platforms("IV1,版本区,provincial,etdz,杭州市,,,\nIV2,对照区,provincial,etdz,宁波市,,,\n");
        assertEquals(201, api.feed(ADMIN, HEADER + "IV1,tax_revenue,2024Q4,1000\nIV1,land_area,2024Q4,60\nIV1,operating_revenue,2024Q4,23066\n"
                + "IV2,tax_revenue,2024Q4,500\nIV2,land_area,2024Q4,100\nIV2,operating_revenue,2024Q4,10000\n", null).status());
    }

    private static double taxPerMu(String asOf) {
        String q = "/api/v1/platforms/IV1/observations?indicator=tax_per_mu&from=2024Q4&to=2024Q4"
                + (asOf == null ? "" : "&asOf=" + URLEncoder.encode(asOf, StandardCharsets.UTF_8));
        Api.Response r = api.get(q, ADMIN);
        assertEquals(200, r.status(), r.toString());
        JsonArray obs = r.array("observations");
        assertEquals(1, obs.size(), r.toString());
        return obs.getJsonObject(0).getDouble("value");
    }

    private static String dbNow() {
        return service.text("SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')");
    }

    @Test
    void aReadAsOfAnInstantUsesTheDefinitionInForceThen() {
        JsonObject v1 = api.get("/api/v1/indicators/tax_per_mu", ADMIN).json();
        assertEquals(1, v1.getInteger("version"));
        assertEquals(1000.0 / 60, taxPerMu(null), 1e-9);
        String before = dbNow();

        JsonObject edited = v1.copy();
        edited.remove("versions");
        edited.getJsonObject("formula").put("numerator", "operating_revenue");
        Api.Response put = api.put("/api/v1/indicators/tax_per_mu", ADMIN, edited);
        assertEquals(200, put.status(), put.toString());
        assertEquals(2, put.json().getInteger("version"));

        assertEquals(23066.0 / 60, taxPerMu(null), 1e-9);          // 384.43: the definition in force now
        assertEquals(1000.0 / 60, taxPerMu(before), 1e-9, "as of before the edit: as it stood then (16.67)");
        assertEquals(23066.0 / 60, taxPerMu(dbNow()), 1e-9);

        JsonObject now = api.get("/api/v1/indicators/tax_per_mu", ADMIN).json();
        assertEquals(2, now.getInteger("version"));
        JsonArray versions = now.getJsonArray("versions");
        assertEquals(2, versions.size());
        assertNull(versions.getJsonObject(0).getValue("validFrom"), "the default catalog's definition: always in force");
        assertTrue(versions.getJsonObject(1).getString("validFrom").compareTo(before) > 0, versions.encode());
        assertEquals("admin (ZONEWATCH_ADMIN_TOKEN)", versions.getJsonObject(1).getString("createdBy"));
        JsonObject old = api.get("/api/v1/indicators/tax_per_mu?version=1", ADMIN).json();
        assertEquals("tax_revenue", old.getJsonObject("formula").getString("numerator"));
        assertEquals(404, api.get("/api/v1/indicators/tax_per_mu?version=3", ADMIN).status());
        assertEquals(400, api.get("/api/v1/indicators/tax_per_mu?version=two", ADMIN).status());

        // The same definition again: no new version.
        assertEquals(2, api.put("/api/v1/indicators/tax_per_mu", ADMIN, edited).json().getInteger("version"));
        assertEquals(2, api.get("/api/v1/indicators/tax_per_mu", ADMIN).json().getJsonArray("versions").size());

        // A ranking run records the definitions it computed with.
        JsonObject scheme = new JsonObject().put("name", "版本方案").put("method", "benchmark_ratio").put("minCoverage", 0.5)
                .put("classes", new JsonObject().put("mode", "percent").put("A", 0.25).put("B", 0.70).put("C", 0.95))
                .put("monteCarlo", new JsonObject().put("runs", 0).put("seed", 1).put("spread", 0.1))
                .put("dimensions", new JsonArray().add(new JsonObject().put("code", "all").put("name", "综合").put("weight", 100)
                        .put("indicators", new JsonArray().add(new JsonObject().put("indicator", "tax_per_mu").put("weight", 100)
                                .put("benchmarks", new JsonObject().put("2024", 100))))));
        assertEquals(201, api.put("/api/v1/schemes/versions", ADMIN, scheme).status());
        Api.Response run = api.post("/api/v1/rankings/2024/runs?scheme=versions", ADMIN, null, new byte[0]);
        assertEquals(201, run.status(), run.toString());
        JsonObject recorded = run.json().getJsonObject("indicatorVersions");
        assertEquals(new JsonObject().put("land_area", 1).put("operating_revenue", 1).put("tax_per_mu", 2), recorded);
        assertEquals(23066.0 / 60, run.json().getJsonArray("entries").getJsonObject(0).getDouble("score"), 1e-6,
                "IV1 ranks by the definition in force: 384.43 / benchmark 100 × weight 100");
    }

    @Test
    void theVersionsAreAppendOnly() throws SQLException {
        try (Connection c = TestDatabase.connect(service.db); Statement s = c.createStatement()) {
            SQLException e = assertThrows(SQLException.class, () -> s.execute("UPDATE indicator_version SET numerator = 'employees'"));
            assertTrue(e.getMessage().contains("append-only"), e.getMessage());
            assertThrows(SQLException.class, () -> s.execute("DELETE FROM indicator_version"));
        }
    }
}
