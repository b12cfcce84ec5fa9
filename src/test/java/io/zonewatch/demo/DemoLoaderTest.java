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
        long started = System.nanoTime();
        io.zonewatch.alerts.AlertService.Summary summary = service.evaluateAlerts();
        System.out.printf("demo warning evaluation: %d raised in %d ms%n", summary.raised(), (System.nanoTime() - started) / 1_000_000);
        service.zoneWatch.alerts().sweepMissing().toCompletionStage().toCompletableFuture().join();
        assertTrue(summary.raised() > 0);
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

    private static long count(String rule, String platform, String indicator, String period) {
        return service.scalar("SELECT count(*) FROM alert WHERE rule = '" + rule + "' AND platform_code = '" + platform
                + "' AND indicator_code = '" + indicator + "' AND period = '" + period + "' AND state = 'open'");
    }

    @Test
    void aSecondStartDoesNotLoadAgain() {
        long before = service.scalar("SELECT count(*) FROM feed");
        var again = new DemoLoader(service.zoneWatch.pool(), null, null).loadIfEmpty();
        assertEquals(false, again.toCompletionStage().toCompletableFuture().join());
        assertEquals(before, service.scalar("SELECT count(*) FROM feed"));
    }
}
