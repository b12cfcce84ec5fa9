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
        service = TestService.start(Map.of(Config.DEMO, "true"));
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
    void aSecondStartDoesNotLoadAgain() {
        long before = service.scalar("SELECT count(*) FROM feed");
        var again = new DemoLoader(service.zoneWatch.pool(), null, null).loadIfEmpty();
        assertEquals(false, again.toCompletionStage().toCompletableFuture().join());
        assertEquals(before, service.scalar("SELECT count(*) FROM feed"));
    }
}
