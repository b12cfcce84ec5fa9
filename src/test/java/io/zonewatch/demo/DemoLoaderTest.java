package io.zonewatch.demo;

import io.vertx.core.json.JsonObject;
import io.zonewatch.config.Config;
import io.zonewatch.testing.Api;
import io.zonewatch.testing.TestService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.zonewatch.testing.TestService.ADMIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ZONEWATCH_DEMO=true loads the shipped data set through the normal ingest path. */
class DemoLoaderTest {
    private static TestService service;

    @BeforeAll
    static void start() {
        // "Today" is fixed so that the quarters the missing-submission sweep looks at do not move.
        service = TestService.start(Map.of(Config.DEMO, "true"),
                java.time.Clock.fixed(java.time.Instant.parse("2026-03-01T02:00:00Z"), java.time.ZoneOffset.UTC));
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @Test
    void everyDemoRowIsStoredThroughFeeds() {
        Map<String, String> files = DemoDataGenerator.generate();
        long rows = 0;
        for (String f : DemoDataGenerator.FEED_FILES) rows += files.get(f).lines().count() - 1;
        long platforms = files.get("platforms.csv").lines().count() - 1;
        assertEquals(platforms, service.scalar("SELECT count(*) FROM platform"));
        assertEquals(DemoDataGenerator.FEED_FILES.size(), service.scalar("SELECT count(*) FROM feed WHERE status = 'accepted'"));
        assertEquals(rows, service.scalar("SELECT sum(rows) FROM feed"));
        long revisions = service.scalar("SELECT sum(revised) FROM feed");
        assertTrue(revisions > 0, "the revision file revises values");
        assertEquals(rows - service.scalar("SELECT sum(unchanged) FROM feed"), service.scalar("SELECT count(*) FROM observation_version"));
        assertEquals(rows - revisions - service.scalar("SELECT sum(unchanged) FROM feed"), service.scalar("SELECT count(*) FROM observation_current"));
    }

    @Test
    void demoDataIsReadableWithDerivedIndicators() {
        Api.Response r = service.api.get("/api/v1/platforms/" + DemoDataGenerator.RD_OUTLIER_PLATFORM
                + "/observations?indicator=rd_intensity&from=2025Q1&to=2025Q4", ADMIN);
        assertEquals(200, r.status());
        assertEquals(4, r.array("observations").size());
        JsonObject q4 = r.array("observations").getJsonObject(3);
        assertTrue(q4.getDouble("value") > 8, "the planted R&D outlier: " + q4);
        assertEquals("P", q4.getString("status"), "2025Q4 is provisional");
    }

    @Test
    void thePlantedAnomaliesRaiseWarnings() {
        // The loader evaluated the feeds' warnings before computing its rankings; nothing is pending.
        assertEquals(0, service.scalar("SELECT count(*) FROM feed WHERE alerts_evaluated_at IS NULL"));
        service.evaluateAlerts();
        service.zoneWatch.alerts().sweepMissing().toCompletionStage().toCompletableFuture().join();
        assertTrue(service.scalar("SELECT count(*) FROM alert") > 1000);
        assertEquals(1, count("suspect_unit", DemoDataGenerator.SUSPECT_UNIT_PLATFORM, "industrial_value_added", "2025-04-01"));
        assertEquals(1, count("ytd_decrease", DemoDataGenerator.YTD_DECREASE_PLATFORM, "tax_revenue", "2025-07-01"));
        assertEquals(1, count("missing_submission", DemoDataGenerator.MISSING_SUBMISSION_PLATFORM, "", "2025-07-01"));
        assertEquals(4, service.scalar("SELECT count(*) FROM alert WHERE rule = 'yoy_change' AND platform_code = '"
                + DemoDataGenerator.YOY_DROP_PLATFORM + "' AND indicator_code = 'fixed_asset_investment' AND period >= '2025-01-01' AND severity = 'critical'"));
        assertTrue(service.scalar("SELECT count(*) FROM alert WHERE rule = 'peer_outlier' AND platform_code = '"
                + DemoDataGenerator.RD_OUTLIER_PLATFORM + "' AND indicator_code = 'rd_intensity' AND period >= '2025-01-01'") >= 4);
        assertEquals(1, service.scalar("SELECT count(*) FROM alert WHERE rule = 'missing_submission' AND period = '2025-07-01'"),
                "only the planted platform lacks 2025Q3");
        assertTrue(service.scalar("SELECT count(*) FROM alert WHERE rule = 'rank_drop'") > 0, "published year-end runs were compared");
        // The collapsing investment falls behind its 2025 target (2024 + 6 %): lag 10.7 and 19.7 points
        // after Q1 and Q2 (yellow), 30.4 and 38.3 after Q3 and Q4 (red).
        assertEquals("warning,warning,critical,critical", service.text("SELECT string_agg(severity, ',' ORDER BY period) FROM alert"
                + " WHERE rule = 'target_progress' AND platform_code = '" + DemoDataGenerator.YOY_DROP_PLATFORM
                + "' AND indicator_code = 'fixed_asset_investment'"));
        assertEquals("red", service.text("SELECT light FROM reporting.target_progress WHERE platform_code = '"
                + DemoDataGenerator.YOY_DROP_PLATFORM + "' AND indicator_code = 'fixed_asset_investment' AND period = '2025-10-01'"));
    }

    @Test
    void theDemoRankingsHoldThePlantedUnitErrorAndCapTheOutlier() {
        // 2025Q2 provisional: the unit error (industrial value added in 元) holds the four values derived
        // from it, so the platform's coverage is 2 of 6 and it is not ranked instead of first with 3825.
        Api.Response q2 = service.api.post("/api/v1/rankings/2025/runs?scheme=mu_benefit&quarter=2", ADMIN, null, new byte[0]);
        assertEquals(201, q2.status(), q2.toString());
        JsonObject dq = q2.json().getJsonObject("dataQuality");
        JsonObject held = dq.getJsonArray("held").getJsonObject(0);
        assertEquals(DemoDataGenerator.SUSPECT_UNIT_PLATFORM, held.getString("platform"));
        assertEquals("suspect_unit", held.getString("rule"));
        assertEquals(4, held.getJsonArray("affects").size());
        assertEquals(false, held.getBoolean("ranked"));
        assertTrue(q2.json().getJsonArray("notRanked").stream().map(JsonObject.class::cast)
                .anyMatch(n -> n.getString("platform").equals(DemoDataGenerator.SUSPECT_UNIT_PLATFORM)
                        && n.getString("reason").contains("4 项因数据疑点暂不采用")));
        assertTrue(q2.json().getJsonArray("entries").getJsonObject(0).getDouble("score") < 200, "no score from the unit error");

        // 2025 year-end (published by the loader, scheme version 2): the R&D outlier is capped at 2 and said.
        JsonObject zs = service.api.get("/api/v1/platforms/" + DemoDataGenerator.RD_OUTLIER_PLATFORM + "/ranking?year=2025", ADMIN).json();
        assertEquals(2, zs.getInteger("schemeVersion"));
        JsonObject rd = zs.getJsonArray("breakdown").stream().map(JsonObject.class::cast)
                .filter(c -> c.getString("indicator").equals("rd_intensity")).findFirst().orElseThrow();
        assertEquals(200.0, rd.getDouble("normalized"), 1e-9);
        assertTrue(rd.getBoolean("capped"));
        assertTrue(rd.getBoolean("outlier"), "the open peer_outlier warning is said in the breakdown");
        assertTrue(zs.getBoolean("published"));
    }

    private static long count(String rule, String platform, String indicator, String period) {
        return service.scalar("SELECT count(*) FROM alert WHERE rule = '" + rule + "' AND platform_code = '" + platform
                + "' AND indicator_code = '" + indicator + "' AND period = '" + period + "' AND state = 'open'");
    }

    @Test
    void aSecondStartDoesNotLoadAgain() {
        long before = service.scalar("SELECT count(*) FROM feed");
        var again = new DemoLoader(service.zoneWatch.pool(), null, null, null, null).loadIfEmpty();
        assertEquals(false, again.toCompletionStage().toCompletableFuture().join());
        assertEquals(before, service.scalar("SELECT count(*) FROM feed"));
    }
}
