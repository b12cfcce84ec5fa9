package io.zonewatch.ranking;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zonewatch.db.DbTarget;
import io.zonewatch.testing.Api;
import io.zonewatch.testing.TestDatabase;
import io.zonewatch.testing.TestService;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import static io.zonewatch.testing.TestService.ADMIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shipped scheme versions reach existing databases at start (mu_benefit v2's caps), published runs
 * keep the version they were computed with, and a scheme an administrator changed is left alone.
 */
class SchemeUpgradeTest {
    private static final String HEADER = "platform_code,indicator_code,period,value\n";

    private static String rows(String platform, double rd) {
        String period = "2024Q4";
        return platform + ",tax_revenue," + period + ",100\n" + platform + ",land_area," + period + ",10\n"
                + platform + ",industrial_value_added," + period + ",100\n" + platform + ",energy_consumption," + period + ",50\n"
                + platform + ",cod_emissions," + period + ",1\n" + platform + ",employees," + period + ",20\n"
                + platform + ",rd_expenditure," + period + "," + rd + "\n" + platform + ",operating_revenue," + period + ",100\n";
    }

    private static JsonObject rdOf(Api api, String platform, long runId) {
        JsonObject ranking = api.get("/api/v1/platforms/" + platform + "/ranking?year=2024", ADMIN).json();
        assertEquals(runId, ranking.getLong("runId"));
        return ranking.getJsonArray("breakdown").stream().map(JsonObject.class::cast)
                .filter(c -> c.getString("indicator").equals("rd_intensity")).findFirst().orElseThrow();
    }

    @Test
    void aShippedVersionIsAddedAtStartAndPublishedRunsKeepTheirs() {
        DbTarget db = TestDatabase.newDatabase();
        long uncappedRun;
        try (TestService first = TestService.startOn(db, Map.of(), Clock.systemUTC())) {
            Api api = first.api;
            assertEquals(2, api.get("/api/v1/schemes/mu_benefit", ADMIN).json().getInteger("version"), "a new database gets v1 and v2");
            // A database as it was before v2 shipped: its newest mu_benefit is the uncapped v1 definition.
            JsonObject v1 = api.get("/api/v1/schemes/mu_benefit?version=1", ADMIN).json();
            for (String meta : List.of("version", "createdAt", "createdBy", "versions")) v1.remove(meta);
            Api.Response reverted = api.put("/api/v1/schemes/mu_benefit", ADMIN, v1);
            assertEquals(3, reverted.json().getInteger("version"));
            assertEquals(6, reverted.json().getJsonArray("warnings").size(), "v1's six indicators have no cap");

            first.platforms("B1,一区,county,other,衢州市,,,\nB2,二区,county,other,衢州市,,,\nB3,三区,county,other,衢州市,,,\n"
                    + "B4,四区,county,other,衢州市,,,\nB5,五区,county,other,衢州市,,,\n");
            // B1's R&D intensity is 41 %, the others' 1 %: mean 9 %, ratio 41/9 = 4.56.
            assertEquals(201, api.feed(ADMIN, HEADER + rows("B1", 41) + rows("B2", 1) + rows("B3", 1) + rows("B4", 1) + rows("B5", 1), null).status());
            Api.Response run = api.post("/api/v1/rankings/2024/runs?scheme=mu_benefit", ADMIN, null, new byte[0]);
            uncappedRun = run.json().getLong("runId");
            assertEquals(3, run.json().getInteger("schemeVersion"));
            assertEquals(200, api.post("/api/v1/rankings/2024/runs/" + uncappedRun + "/publish", ADMIN, null, new byte[0]).status());
            assertEquals(100 * 41 / 9.0, rdOf(api, "B1", uncappedRun).getDouble("normalized"), 1e-9);
        }
        try (TestService second = TestService.startOn(db, Map.of(), Clock.systemUTC())) {
            Api api = second.api;
            JsonObject current = api.get("/api/v1/schemes/mu_benefit", ADMIN).json();
            assertEquals(4, current.getInteger("version"), "the shipped v2 follows the stored copy of v1");
            current.getJsonArray("dimensions").getJsonObject(0).getJsonArray("indicators")
                    .forEach(i -> assertEquals(2.0, ((JsonObject) i).getDouble("cap")));
            JsonObject kept = rdOf(api, "B1", uncappedRun);
            assertEquals(100 * 41 / 9.0, kept.getDouble("normalized"), 1e-9, "the published run is as it was");
            assertFalse(kept.getBoolean("capped"));
            assertEquals(3, api.get("/api/v1/rankings/2024?scheme=mu_benefit", ADMIN).json().getInteger("schemeVersion"));

            Api.Response rerun = api.post("/api/v1/rankings/2024/runs?scheme=mu_benefit", ADMIN, null, new byte[0]);
            assertEquals(4, rerun.json().getInteger("schemeVersion"));
            assertEquals(200, api.post("/api/v1/rankings/2024/runs/" + rerun.json().getLong("runId") + "/publish", ADMIN, null, new byte[0]).status());
            JsonObject capped = rdOf(api, "B1", rerun.json().getLong("runId"));
            assertEquals(200.0, capped.getDouble("normalized"), 1e-9);
            assertTrue(capped.getBoolean("capped"));

            // An administrator's own version is left alone by later starts.
            JsonObject own = current.copy();
            for (String meta : List.of("version", "createdAt", "createdBy", "versions")) own.remove(meta);
            JsonArray indicators = own.getJsonArray("dimensions").getJsonObject(0).getJsonArray("indicators");
            indicators.getJsonObject(0).put("weight", 35);
            indicators.getJsonObject(5).put("weight", 5);
            assertEquals(5, api.put("/api/v1/schemes/mu_benefit", ADMIN, own).json().getInteger("version"));
        }
        try (TestService third = TestService.startOn(db, Map.of(), Clock.systemUTC())) {
            assertEquals(5, third.api.get("/api/v1/schemes/mu_benefit", ADMIN).json().getInteger("version"));
        }
    }
}
